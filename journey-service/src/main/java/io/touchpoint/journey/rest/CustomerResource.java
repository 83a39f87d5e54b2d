package io.touchpoint.journey.rest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
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
import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.journey.repository.CustomerStore.StoredTouchpoint;
import io.touchpoint.journey.service.CustomerErasure;
import io.touchpoint.journey.service.Identifier;
import io.touchpoint.journey.service.InvalidParameterException;
import io.touchpoint.journey.service.IsoTime;
import io.touchpoint.journey.service.JourneyQueries;
import io.touchpoint.journey.service.PageCursor;
import io.touchpoint.journey.service.StageModel;
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

    public record TouchpointPageView(List<TouchpointView> items, String next) {
    }

    public record StageCustomerView(String customerId, String stage, String enteredAt, String channel,
            String causeMessageId) {
    }

    public record StageCustomersView(List<StageCustomerView> items, String next) {
    }

    public record ConflictView(String otherCustomerId, IdentifierView identifier, String messageId, String detectedAt) {
    }

    public record ConflictsView(String customerId, List<ConflictView> conflicts) {
    }

    public record ErasureView(String customerId, String erasedAt, int touchpoints, int identifiers, int stages) {
    }

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;

    @Inject
    JourneyQueries queries;

    @Inject
    CustomerErasure erasure;

    @Inject
    StageModel model;

    @GET
    @Operation(summary = "Find the customer holding an identifier, or list the customers who entered a stage")
    @APIResponse(responseCode = "200", description = "The customer (identifier=), or a page of customers (stage=)")
    @APIResponse(responseCode = "400", description = "identifier missing or malformed, unknown stage, bad since/cursor/limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No customer holds the identifier",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<?> find(
            @Parameter(description = "<type>:<value>; types user_id, anonymous_id, email, phone, device_id,"
                    + " social_handle, external:<type>", example = "email:jane@example.com")
            @QueryParam("identifier") String identifier,
            @Parameter(description = "customers who entered this stage", example = "purchase") @QueryParam("stage") String stage,
            @Parameter(description = "entered at or after (ISO-8601)") @QueryParam("since") String since,
            @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        if (stage != null && identifier != null) {
            throw new InvalidParameterException("give either 'identifier' or 'stage', not both");
        }
        if (stage == null) {
            Identifier id = JourneyQueries.parseIdentifier(identifier);
            return queries.byIdentifier(id).map(CustomerResource::view);
        }
        if (model.rank(stage) < 0) {
            throw new InvalidParameterException("unknown stage '" + stage + "'; known: " + model.stages());
        }
        Instant from = parseTime("since", since);
        int n = PageCursor.limit(limit, DEFAULT_PAGE, MAX_PAGE);
        return queries.customersInStage(stage, from, cursor, n).map(p -> new StageCustomersView(
                p.items().stream().map(r -> new StageCustomerView(r.customerId().toString(), r.entry().stage(),
                        IsoTime.format(r.entry().enteredAt()), r.entry().channel(), r.entry().causeMessageId())).toList(),
                p.next()));
    }

    @GET
    @Path("/{id}/touchpoints")
    @Operation(summary = "A customer's touchpoints in corrected event-time order, a page at a time")
    @APIResponse(responseCode = "200", description = "A page; 'next' is the cursor of the following page, null after the last")
    @APIResponse(responseCode = "400", description = "Not a UUID, bad cursor or limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown customer",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<TouchpointPageView> touchpoints(@PathParam("id") String id, @QueryParam("cursor") String cursor,
            @Parameter(description = "1.." + MAX_PAGE + ", default " + DEFAULT_PAGE) @QueryParam("limit") String limit) {
        UUID customer = JourneyQueries.parseCustomerId(id);
        int n = PageCursor.limit(limit, DEFAULT_PAGE, MAX_PAGE);
        return queries.touchpointPage(customer, cursor, n).map(p -> new TouchpointPageView(
                p.items().stream().map(CustomerResource::view).toList(), p.next()));
    }

    @GET
    @Path("/{id}/conflicts")
    @Operation(summary = "Customers this one was not merged with because their user_ids differ, and the shared identifier")
    @APIResponse(responseCode = "200", description = "The recorded conflicts, oldest first")
    @APIResponse(responseCode = "404", description = "Unknown customer",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ConflictsView> conflicts(@PathParam("id") String id) {
        UUID customer = JourneyQueries.parseCustomerId(id);
        return queries.conflicts(customer).map(list -> new ConflictsView(customer.toString(), list.stream()
                .map(c -> new ConflictView(c.otherCustomerId().toString(),
                        new IdentifierView(c.identifier().type(), c.identifier().value()), c.messageId(),
                        IsoTime.format(c.detectedAt())))
                .toList()));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Erase a customer: touchpoints, identifiers and stage history; later touchpoints with its"
            + " identifiers are dropped; a customer_erased transition is published")
    @APIResponse(responseCode = "200", description = "Erased; what was removed")
    @APIResponse(responseCode = "404", description = "Unknown or already erased customer",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ErasureView> erase(@PathParam("id") String id) {
        return erasure.erase(JourneyQueries.parseCustomerId(id)).map(r -> new ErasureView(r.customerId().toString(),
                IsoTime.format(r.erasedAt()), r.erased().touchpoints(), r.erased().identifiers(), r.erased().stages()));
    }

    /** An optional ISO-8601 date-time query parameter. */
    static Instant parseTime(String name, String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException("'" + name + "' must be an ISO-8601 date-time such as"
                    + " 2026-11-23T10:00:00Z; was '" + raw + "'");
        }
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
                p.identifiers().stream().map(i -> new IdentifierView(i.type(), i.value())).toList(),
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
