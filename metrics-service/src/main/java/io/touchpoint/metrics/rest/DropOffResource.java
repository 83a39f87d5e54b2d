package io.touchpoint.metrics.rest;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.metrics.service.FunnelReader;

/** The pain points: the funnel steps that lose the most customers. */
@Path("/dropoffs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Funnels")
@SecurityRequirement(name = "apiToken")
@APIResponse(responseCode = "401", description = "Missing or wrong API token",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class DropOffResource {

    static final int MAX_TOP = 100;

    private final FunnelReader reader;

    @Inject
    public DropOffResource(FunnelReader reader) {
        this.reader = reader;
    }

    @GET
    @Operation(summary = "The steps that lose the most customers",
            description = "Steps of every funnel ranked by customers dropped (conversion window passed without the "
                    + "next step), then by drop-off rate.")
    @APIResponse(responseCode = "200", description = "Most dropped first",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = FunnelReader.DropOff.class),
                    examples = @ExampleObject(name = "top 2", value = """
                            [{"funnel":"lifecycle","stage":"consideration","nextStage":"purchase","entered":900,
                              "dropped":610,"dropOffRate":0.677},
                             {"funnel":"purchase","stage":"consideration","nextStage":"purchase","entered":900,
                              "dropped":610,"dropOffRate":0.677}]""")))
    @APIResponse(responseCode = "400", description = "top outside 1..100, unknown channel or a bad range",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Redis unreachable",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<List<FunnelReader.DropOff>> dropOffs(
            @Parameter(description = "How many steps (1..100)", example = "5") @QueryParam("top") @DefaultValue("5") String top,
            @Parameter(description = "First UTC day of entry (yyyy-MM-dd)", example = "2026-11-01") @QueryParam("from") String from,
            @Parameter(description = "Last UTC day of entry (yyyy-MM-dd, inclusive)", example = "2026-11-30") @QueryParam("to") String to,
            @Parameter(description = "Only customers who entered the step through this channel") @QueryParam("channel") String channel) {
        int n;
        try {
            n = Integer.parseInt(top);
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("top must be a whole number from 1 to " + MAX_TOP);
        }
        if (n < 1 || n > MAX_TOP) {
            throw new InvalidParameterException("top must be a whole number from 1 to " + MAX_TOP);
        }
        return reader.dropOffs(n, QueryParameters.channel(channel), QueryParameters.range(from, to));
    }
}
