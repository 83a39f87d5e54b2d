package io.touchpoint.metrics.rest;

import java.util.List;

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
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.metrics.service.DayRange;
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
            description = "Each customer counts once per step (also after merges and erasures), on the UTC day and "
                    + "channel of their entry into the step. convertedToNext counts the customers of a step who "
                    + "entered the next step at the same time or later; dropped those whose conversion window "
                    + "passed first; inProgress the rest. Time to convert: exact mean, p50/p90 estimated from "
                    + "histogram buckets.")
    @APIResponse(responseCode = "200", description = "The funnel's steps",
            content = @Content(schema = @Schema(implementation = FunnelReport.class), examples = @ExampleObject(
                    name = "purchase", value = FUNNEL_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Unknown channel, malformed day, from after to, or a range "
            + "over 366 days",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown funnel",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Redis unreachable",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<FunnelReport> funnel(
            @Parameter(description = "Funnel id", example = "lifecycle") @PathParam("id") String id,
            @Parameter(description = "First UTC day of entry (yyyy-MM-dd); without from and to: all time",
                    example = "2026-11-01") @QueryParam("from") String from,
            @Parameter(description = "Last UTC day of entry (yyyy-MM-dd, inclusive); default today",
                    example = "2026-11-30") @QueryParam("to") String to,
            @Parameter(description = "Only customers who entered each step through this channel") @QueryParam("channel") String channel) {
        DayRange range = QueryParameters.range(from, to);
        return reader.report(id, QueryParameters.channel(channel), range);
    }

    static final String FUNNEL_EXAMPLE = """
            {"funnel":"purchase","conversionWindow":"P14D","channel":"web","from":"2026-11-01","to":"2026-11-30",
             "steps":[{"stage":"discovery","entered":1000,"convertedToNext":400,"conversionRate":0.4,
                       "inProgress":100,"dropped":500,"dropOffRate":0.5,
                       "timeToConvert":{"count":400,"meanSeconds":5400.0,"p50Seconds":2700.0,"p90Seconds":9000.0,
                                        "buckets":[{"le":"60","count":10},{"le":"300","count":40}]}},
                      {"stage":"consideration","entered":400,"convertedToNext":100,"conversionRate":0.25,
                       "inProgress":0,"dropped":300,"dropOffRate":0.75,"timeToConvert":{"count":100}},
                      {"stage":"purchase","entered":100,"convertedToNext":null,"conversionRate":null,
                       "inProgress":null,"dropped":null,"dropOffRate":null,"timeToConvert":null}]}""";
}
