package io.touchpoint.journey.rest;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.repository.TouchpointStore.StoredTouchpoint;
import io.touchpoint.journey.service.Identifier;
import io.touchpoint.journey.service.IsoTime;
import io.touchpoint.journey.service.JourneyQueries;
import io.touchpoint.journey.service.StageEntry;

@Path("/customers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "customers", description = "Stitched customers and their journeys")
@SecurityScheme(securitySchemeName = "apiToken", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "apiToken")
public class CustomerResource {

    public record IdentifierView(String type, String value) {
    }

    public record CustomerView(String id, List<IdentifierView> identifiers, String currentStage, String firstSeenAt,
            String lastSeenAt, long touchpointCount) {
    }

    public record StageView(String stage, String enteredAt, String channel, String causeMessageId) {
    }

    public record TouchpointView(String messageId, String type, String event, String channel, String sourceId,
            String timestamp, String receivedAt, String stage) {
    }

    public record JourneyView(String customerId, String currentStage, List<StageView> stages,
            List<TouchpointView> touchpoints) {
    }

    @Inject
    JourneyQueries queries;

    @GET
    @Operation(summary = "Find the customer holding an identifier")
    @APIResponse(responseCode = "200", description = "The customer")
    @APIResponse(responseCode = "400", description = "identifier missing or malformed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No customer holds the identifier",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<CustomerView> byIdentifier(
            @Parameter(description = "<type>:<value>; types user_id, anonymous_id", example = "user_id:u-1")
            @QueryParam("identifier") String identifier) {
        Identifier id = JourneyQueries.parseIdentifier(identifier);
        return queries.byIdentifier(id).map(CustomerResource::view);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A customer by id; an id absorbed by a merge answers with the survivor")
    @APIResponse(responseCode = "200", description = "The customer")
    @APIResponse(responseCode = "400", description = "Not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown customer",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<CustomerView> byId(@PathParam("id") String id) {
        return queries.byId(JourneyQueries.parseCustomerId(id)).map(CustomerResource::view);
    }

    @GET
    @Path("/{id}/journey")
    @Operation(summary = "Stage history and touchpoints of a customer, in corrected event-time order")
    @APIResponse(responseCode = "200", description = "The journey")
    @APIResponse(responseCode = "400", description = "Not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown customer",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<JourneyView> journey(@PathParam("id") String id) {
        return queries.journey(JourneyQueries.parseCustomerId(id)).map(j -> new JourneyView(
                j.customerId().toString(), j.currentStage(),
                j.stages().stream().map(CustomerResource::view).toList(),
                j.touchpoints().stream().map(CustomerResource::view).toList()));
    }

    static CustomerView view(JourneyQueries.CustomerProfile p) {
        return new CustomerView(p.id().toString(),
                p.identifiers().stream().map(i -> new IdentifierView(i.type().code(), i.value())).toList(),
                p.summary().currentStage(), IsoTime.format(p.summary().firstSeenAt()),
                IsoTime.format(p.summary().lastSeenAt()), p.summary().count());
    }

    static StageView view(StageEntry e) {
        return new StageView(e.stage(), IsoTime.format(e.enteredAt()), e.channel(), e.causeMessageId());
    }

    static TouchpointView view(StoredTouchpoint t) {
        return new TouchpointView(t.messageId(), t.type(), t.event(), t.channel(), t.sourceId(),
                IsoTime.format(t.timestamp()), IsoTime.format(t.receivedAt()), t.stage());
    }
}
