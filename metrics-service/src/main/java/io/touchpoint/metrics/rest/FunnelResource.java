package io.touchpoint.metrics.rest;

import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.service.Channel;
import io.touchpoint.metrics.service.FunnelCatalog;
import io.touchpoint.metrics.service.FunnelReader;
import io.touchpoint.metrics.service.FunnelReport;

/** Live funnels: the configured definitions and their counts. */
@Path("/funnels")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Funnels")
@SecurityScheme(securitySchemeName = "apiToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "TOUCHPOINT_API_TOKEN")
@SecurityRequirement(name = "apiToken")
@APIResponse(responseCode = "401", description = "Missing or wrong API token",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class FunnelResource {

    private final FunnelCatalog catalog;
    private final FunnelReader reader;

    @Inject
    public FunnelResource(FunnelCatalog catalog, FunnelReader reader) {
        this.catalog = catalog;
        this.reader = reader;
    }

    /** A funnel as configured. */
    @Schema(name = "Funnel")
    public record FunnelView(@Schema(example = "purchase") String id,
            @Schema(example = "[\"discovery\",\"consideration\",\"purchase\"]") List<String> stages,
            @Schema(example = "P14D") String conversionWindow) {
    }

    @GET
    @Operation(summary = "The configured funnels", description = "Ordered by id.")
    @APIResponse(responseCode = "200", description = "The funnels",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = FunnelView.class)))
    public List<FunnelView> funnels() {
        return catalog.all().stream()
                .map(f -> new FunnelView(f.id(), f.stages(), f.conversionWindowIso()))
                .toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Customers per step of a funnel",
            description = "Each customer counts once per step (also after merges). convertedToNext counts the "
                    + "customers of a step who entered the next step at the same time or later.")
    @APIResponse(responseCode = "200", description = "The funnel's steps",
            content = @Content(schema = @Schema(implementation = FunnelReport.class)))
    @APIResponse(responseCode = "400", description = "Unknown channel",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown funnel",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Redis unreachable",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<FunnelReport> funnel(
            @Parameter(description = "Funnel id", example = "lifecycle") @PathParam("id") String id,
            @Parameter(description = "Only customers who entered each step through this channel",
                    schema = @Schema(enumeration = { "web", "app", "social", "contact_center", "email", "store",
                            "server" })) @QueryParam("channel") String channel) {
        Optional<Channel> filter;
        if (channel == null) {
            filter = Optional.empty();
        } else {
            filter = Optional.of(Channel.fromWire(channel).orElseThrow(() -> new InvalidParameterException(
                    "channel must be one of " + Channel.wireNames())));
        }
        return reader.report(id, filter);
    }
}
