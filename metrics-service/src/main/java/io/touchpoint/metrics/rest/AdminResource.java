package io.touchpoint.metrics.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.metrics.service.CounterRebuild;

/** Operations on the counters themselves. */
@Path("/admin/rebuild")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
@SecurityRequirement(name = "apiToken")
@APIResponse(responseCode = "401", description = "Missing or wrong API token",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class AdminResource {

    private final CounterRebuild rebuild;

    @Inject
    public AdminResource(CounterRebuild rebuild) {
        this.rebuild = rebuild;
    }

    @POST
    @Operation(summary = "Recompute every counter from journey-service",
            description = "Reads journey-service's export API (stage history, then touchpoints) into a fresh "
                    + "generation of counters while the live one keeps serving and counting, then swaps in one "
                    + "step. Live records consumed meanwhile count once in both. Runs in the background: follow it "
                    + "with GET /admin/rebuild.")
    @APIResponse(responseCode = "202", description = "Started",
            content = @Content(schema = @Schema(implementation = CounterRebuild.Status.class),
                    examples = @ExampleObject(name = "started", value = """
                            {"state":"running","generation":"tp:metrics:g2:","startedAt":"2026-11-23T10:00:00Z",
                             "finishedAt":null,"stageEntries":0,"touchpoints":0,"kpiEvents":0,"unreadable":0,
                             "error":null}""")))
    @APIResponse(responseCode = "409", description = "A rebuild is running",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "No export API configured, or Redis unreachable",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> start() {
        return rebuild.start().map(status -> Response.accepted(status).header("Location", "/admin/rebuild").build());
    }

    @GET
    @Operation(summary = "State of this instance's last rebuild")
    @APIResponse(responseCode = "200", description = "idle, running, succeeded or failed",
            content = @Content(schema = @Schema(implementation = CounterRebuild.Status.class),
                    examples = @ExampleObject(name = "done", value = """
                            {"state":"succeeded","generation":"tp:metrics:g2:","startedAt":"2026-11-23T10:00:00Z",
                             "finishedAt":"2026-11-23T10:00:09Z","stageEntries":3120,"touchpoints":15000,
                             "kpiEvents":2400,"unreadable":0,"error":null}""")))
    public CounterRebuild.Status status() {
        return rebuild.status();
    }
}
