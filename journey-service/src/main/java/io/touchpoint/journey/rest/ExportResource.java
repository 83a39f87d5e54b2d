package io.touchpoint.journey.rest;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.journey.service.IsoTime;
import io.touchpoint.journey.service.JourneyQueries;
import io.touchpoint.journey.service.PageCursor;

/**
 * The export API metrics-service rebuilds its counters from (deploy/contracts/README.md, "journey-service
 * export API"): stage history and touchpoints of live customers, keyset-paged in a stable order.
 */
@Path("/export")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "export", description = "Rebuild source for consumers of journey.transitions.v1")
@SecurityRequirement(name = "apiToken")
public class ExportResource {

    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 5000;

    public record StageHistoryItem(String customerId, String stage, String enteredAt, String channel, String sourceId,
            String causeMessageId) {
    }

    public record StageHistoryPage(List<StageHistoryItem> items, String next) {
    }

    public record TouchpointItem(String customerId, JsonNode touchpoint) {
    }

    public record TouchpointPage(List<TouchpointItem> items, String next) {
    }

    @Inject
    JourneyQueries queries;

    @GET
    @Path("/stage-history")
    @Operation(summary = "Every stage entry of live customers, in (customerId, stage) order")
    @APIResponse(responseCode = "200", description = "A page; 'next' is the 'after' of the following page, null after the last")
    @APIResponse(responseCode = "400", description = "Bad cursor or limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<StageHistoryPage> stageHistory(@QueryParam("after") String after, @QueryParam("limit") String limit) {
        int n = PageCursor.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        return queries.exportStageHistory(after, n).map(p -> new StageHistoryPage(p.items().stream()
                .map(r -> new StageHistoryItem(r.customerId().toString(), r.entry().stage(),
                        IsoTime.format(r.entry().enteredAt()), r.entry().channel(), r.entry().sourceId(),
                        r.entry().causeMessageId()))
                .toList(), p.next()));
    }

    @GET
    @Path("/touchpoints")
    @Operation(summary = "Every touchpoints.v1 record of live customers, with the customer it belongs to, in messageId order")
    @APIResponse(responseCode = "200", description = "A page; 'next' is the 'after' of the following page, null after the last")
    @APIResponse(responseCode = "400", description = "Bad cursor or limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<TouchpointPage> touchpoints(@QueryParam("after") String after, @QueryParam("limit") String limit) {
        int n = PageCursor.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        return queries.exportTouchpoints(after, n).map(p -> new TouchpointPage(p.items().stream()
                .map(r -> new TouchpointItem(r.customerId().toString(), r.touchpoint())).toList(), p.next()));
    }
}
