package io.touchpoint.ingest.rest;

import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.service.BatchResult;
import io.touchpoint.ingest.service.CallType;
import io.touchpoint.ingest.service.IngestMetrics;
import io.touchpoint.ingest.service.IngestService;
import io.touchpoint.ingest.service.SegmentCall;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The Segment HTTP Tracking API, so Segment and RudderStack SDKs work unchanged pointed at this
 * service: the long paths, Segment's short ones and RudderStack's beacon path ({@link TrackingPaths}),
 * all through the same two entry points ({@link #accept}, {@link #acceptBatch}). The body is taken as
 * the bytes the HTTP layer read ({@link BodyReader}), not bound by JAX-RS: the size limit, the content
 * types and encodings, the JSON errors and the raw payload of a rejection are all ours to decide. The problem answers (400, 401,
 * 413, 415, 429, 503) are added to every operation by {@link ProblemResponsesFilter}.
 */
@Path("/")
@Tag(name = "Tracking", description = "Segment-compatible event collection")
@SecurityScheme(securitySchemeName = "writeKey", type = SecuritySchemeType.HTTP, scheme = "basic",
        description = "The source's write key as the Basic user, empty password. Alternatively the 'writeKey' query "
                + "parameter, or 'writeKey' in the body.")
// Every content type reaches the resource: which ones carry JSON is decided in one place (RequestBody)
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "writeKey")
public class TrackingResource {

    /** The answer Segment gives, which SDKs check. */
    @Schema(name = "Success")
    public record Success(@Schema(examples = "true") boolean success) {
    }

    private static final Success SUCCESS = new Success(true);
    private static final String ACCEPTED = "Accepted: Kafka acknowledged the touchpoint (or the messageId was "
            + "already published by this source within the dedup window)";

    @Inject
    IngestService ingest;

    @Inject
    IngestMetrics metrics;

    @POST
    @Path("v1/track")
    @Operation(summary = "Record a track event",
            description = "Answers 200 only after Kafka acknowledged the touchpoint on touchpoints.v1. "
                    + "Refused events of a known source are recorded on touchpoints.rejected.v1 before the 4xx answer.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "track", value = """
                            {"anonymousId":"anon-1","event":"Product Viewed","properties":{"product_id":"p-123"},
                             "timestamp":"2026-11-23T10:00:00.000Z","sentAt":"2026-11-23T10:00:02.000Z"}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> track(RoutingContext ctx) {
        return accept(CallType.TRACK, ctx);
    }

    @POST
    @Path("v1/identify")
    @Operation(summary = "Record who a user is (links userId and anonymousId, carries traits)",
            description = "Same rules as track, without 'event'.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "identify", value = """
                            {"userId":"user-42","anonymousId":"anon-1","traits":{"email":"jane@example.com"}}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> identify(RoutingContext ctx) {
        return accept(CallType.IDENTIFY, ctx);
    }

    @POST
    @Path("v1/page")
    @Operation(summary = "Record a page view", description = "'name' becomes the record's 'event' (may be absent).")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "page", value = """
                            {"anonymousId":"anon-1","name":"Pricing","properties":{"url":"https://shop.example.com/pricing"}}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> page(RoutingContext ctx) {
        return accept(CallType.PAGE, ctx);
    }

    @POST
    @Path("v1/screen")
    @Operation(summary = "Record a mobile screen view", description = "'name' becomes the record's 'event'.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "screen", value = """
                            {"userId":"user-42","name":"Checkout","properties":{"step":2}}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> screen(RoutingContext ctx) {
        return accept(CallType.SCREEN, ctx);
    }

    @POST
    @Path("v1/group")
    @Operation(summary = "Associate a user with a group (account)", description = "'groupId' is required.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "group", value = """
                            {"userId":"user-42","groupId":"acme","traits":{"plan":"enterprise"}}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> group(RoutingContext ctx) {
        return accept(CallType.GROUP, ctx);
    }

    @POST
    @Path("v1/alias")
    @Operation(summary = "Link an earlier identifier to a userId", description = "'previousId' and 'userId' are required.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "alias", value = """
                            {"previousId":"anon-1","userId":"user-42"}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> alias(RoutingContext ctx) {
        return accept(CallType.ALIAS, ctx);
    }

    @POST
    @Path("v1/batch")
    @Operation(summary = "Record several calls at once (what the server SDKs send)",
            description = "Batch-level 'context' and 'integrations' are merged into every item (the item's values win), "
                    + "batch-level 'sentAt' applies to items without their own. Valid items are published; each invalid "
                    + "one is recorded on touchpoints.rejected.v1 and listed by index in 'rejected'. 200 comes only "
                    + "after both are acknowledged by Kafka. At most 32 KB per item and 512 KB per request (after gzip).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "batch", value = """
                    {"batch":[{"type":"track","anonymousId":"anon-1","event":"Product Viewed","messageId":"m-1",
                      "timestamp":"2026-11-23T10:00:00.000Z"},
                     {"type":"identify","userId":"user-42","anonymousId":"anon-1","traits":{"email":"jane@example.com"}}],
                     "context":{"library":{"name":"analytics-java","version":"3.5.1"}},
                     "sentAt":"2026-11-23T10:00:02.000Z"}""")))
    @APIResponse(responseCode = "200", description = "Handled: valid items acknowledged by Kafka, invalid ones recorded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchResult.class),
                    examples = @ExampleObject(name = "one refused", value = """
                            {"success":true,"accepted":1,"rejected":[{"index":1,"reason":"missing_event",
                             "detail":"a track call needs a non-blank 'event'"}]}""")))
    public Uni<BatchResult> batch(RoutingContext ctx) {
        return acceptBatch("batch", ctx);
    }

    @POST
    @Path("v1/import")
    @Operation(summary = "Same as /v1/batch (analytics-java and historical imports post here)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Handled: valid items acknowledged by Kafka, invalid ones recorded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchResult.class)))
    public Uni<BatchResult> importBatch(RoutingContext ctx) {
        return acceptBatch("import", ctx);
    }

    @POST
    @Path("v1/{call: [tipsga]}")
    @Operation(summary = "A single call at Segment's short path (what analytics-next posts)",
            description = "t = track, i = identify, p = page, s = screen, g = group, a = alias: the same rules and "
                    + "answers as the long paths. analytics-next sends Content-Type text/plain (no preflight), the "
                    + "write key as Basic user and in the body, and 'sentAt'.")
    @Parameter(name = "call", in = ParameterIn.PATH, description = "The first letter of the call type",
            schema = @Schema(enumeration = { "t", "i", "p", "s", "g", "a" }))
    @RequestBody(required = true, content = @Content(mediaType = MediaType.TEXT_PLAIN,
            schema = @Schema(implementation = SegmentCall.class)))
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> shortCall(@PathParam("call") String call, RoutingContext ctx) {
        // the path template admits only the six letters, each of which the table knows
        return accept(TrackingPaths.ofV1(call).flatMap(TrackingPaths.Endpoint::type).orElseThrow(), ctx);
    }

    @POST
    @Path("v1/b")
    @Operation(summary = "Same as /v1/batch at Segment's short path",
            description = "What analytics-next (batching delivery) and the mobile SDKs (analytics-kotlin, analytics-swift: "
                    + "gzip, no Authorization header, 'writeKey' and 'sentAt' in the body) post.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.TEXT_PLAIN))
    @APIResponse(responseCode = "200", description = "Handled: valid items acknowledged by Kafka, invalid ones recorded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchResult.class)))
    public Uni<BatchResult> shortBatch(RoutingContext ctx) {
        return acceptBatch("batch", ctx);
    }

    @POST
    @Path("beacon/v1/batch")
    @Operation(summary = "Same as /v1/batch, for navigator.sendBeacon (RudderStack JS's beacon transport)",
            description = "A beacon cannot set headers: the write key is the 'writeKey' query parameter, the body a "
                    + "text/plain Blob of {\"batch\": [...], \"sentAt\": ...}.")
    @Parameter(name = "writeKey", in = ParameterIn.QUERY, description = "The source's write key", example = "dev-write-key")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.TEXT_PLAIN))
    @APIResponse(responseCode = "200", description = "Handled: valid items acknowledged by Kafka, invalid ones recorded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchResult.class)))
    public Uni<BatchResult> beaconBatch(RoutingContext ctx) {
        return acceptBatch("batch", ctx);
    }

    private Uni<Success> accept(CallType type, RoutingContext ctx) {
        IngestService.Call call = call(type.wire(), ctx);
        // deferred: a refusal thrown while authenticating travels the same failure path as a Kafka one
        return RequestTiming.timed(metrics, type.wire(),
                Uni.createFrom().deferred(() -> ingest.ingest(type, call)).replaceWith(SUCCESS));
    }

    private Uni<BatchResult> acceptBatch(String endpoint, RoutingContext ctx) {
        IngestService.Call call = call(endpoint, ctx);
        return RequestTiming.timed(metrics, endpoint, Uni.createFrom().deferred(() -> ingest.ingestBatch(call)));
    }

    private static IngestService.Call call(String endpoint, RoutingContext ctx) {
        // The body was read (and its size limited) by the route HttpFailureRoutes installs (BodyReader).
        HttpServerRequest request = ctx.request();
        return new IngestService.Call(BodyReader.bytes(ctx), request.getHeader(HttpHeaders.CONTENT_TYPE),
                request.getHeader(HttpHeaders.CONTENT_ENCODING), RequestCredentials.writeKey(ctx),
                RequestCredentials.clientIp(request), endpoint, RequestCredentials.retryAttempt(request));
    }
}
