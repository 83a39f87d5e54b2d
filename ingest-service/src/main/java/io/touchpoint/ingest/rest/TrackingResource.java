package io.touchpoint.ingest.rest;

import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The Segment HTTP Tracking API, so Segment and RudderStack SDKs work unchanged pointed at this
 * service. The body is taken as the bytes the HTTP layer read ({@link HttpFailureRoutes}), not bound
 * by JAX-RS: the size limit, gzip, the JSON errors and the raw payload of a rejection are all ours
 * to decide, and browser beacons send JSON as {@code text/plain}. The problem answers (400, 401,
 * 413, 415, 429, 503) are added to every operation by {@link ProblemResponsesFilter}.
 */
@Path("/v1")
@Tag(name = "Tracking", description = "Segment-compatible event collection")
@SecurityScheme(securitySchemeName = "writeKey", type = SecuritySchemeType.HTTP, scheme = "basic",
        description = "The source's write key as the Basic user, empty password. Alternatively 'writeKey' in the body.")
@Consumes({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
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
    @Path("/track")
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
    public Uni<Success> track(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding, RoutingContext ctx) {
        return accept(CallType.TRACK, authorization, encoding, ctx);
    }

    @POST
    @Path("/identify")
    @Operation(summary = "Record who a user is (links userId and anonymousId, carries traits)",
            description = "Same rules as track, without 'event'.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "identify", value = """
                            {"userId":"user-42","anonymousId":"anon-1","traits":{"email":"jane@example.com"}}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> identify(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding, RoutingContext ctx) {
        return accept(CallType.IDENTIFY, authorization, encoding, ctx);
    }

    @POST
    @Path("/page")
    @Operation(summary = "Record a page view", description = "'name' becomes the record's 'event' (may be absent).")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "page", value = """
                            {"anonymousId":"anon-1","name":"Pricing","properties":{"url":"https://shop.example.com/pricing"}}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> page(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding, RoutingContext ctx) {
        return accept(CallType.PAGE, authorization, encoding, ctx);
    }

    @POST
    @Path("/screen")
    @Operation(summary = "Record a mobile screen view", description = "'name' becomes the record's 'event'.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "screen", value = """
                            {"userId":"user-42","name":"Checkout","properties":{"step":2}}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> screen(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding, RoutingContext ctx) {
        return accept(CallType.SCREEN, authorization, encoding, ctx);
    }

    @POST
    @Path("/group")
    @Operation(summary = "Associate a user with a group (account)", description = "'groupId' is required.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "group", value = """
                            {"userId":"user-42","groupId":"acme","traits":{"plan":"enterprise"}}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> group(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding, RoutingContext ctx) {
        return accept(CallType.GROUP, authorization, encoding, ctx);
    }

    @POST
    @Path("/alias")
    @Operation(summary = "Link an earlier identifier to a userId", description = "'previousId' and 'userId' are required.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class),
                    examples = @ExampleObject(name = "alias", value = """
                            {"previousId":"anon-1","userId":"user-42"}""")),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = ACCEPTED,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> alias(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding, RoutingContext ctx) {
        return accept(CallType.ALIAS, authorization, encoding, ctx);
    }

    @POST
    @Path("/batch")
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
    public Uni<BatchResult> batch(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding, RoutingContext ctx) {
        return acceptBatch("batch", authorization, encoding, ctx);
    }

    @POST
    @Path("/import")
    @Operation(summary = "Same as /v1/batch (analytics-java and historical imports post here)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Handled: valid items acknowledged by Kafka, invalid ones recorded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchResult.class)))
    public Uni<BatchResult> importBatch(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding, RoutingContext ctx) {
        return acceptBatch("import", authorization, encoding, ctx);
    }

    private Uni<Success> accept(CallType type, String authorization, String encoding, RoutingContext ctx) {
        IngestService.Call call = call(authorization, encoding, ctx);
        // deferred: a refusal thrown while authenticating travels the same failure path as a Kafka one
        return RequestTiming.timed(metrics, type.wire(),
                Uni.createFrom().deferred(() -> ingest.ingest(type, call)).replaceWith(SUCCESS));
    }

    private Uni<BatchResult> acceptBatch(String endpoint, String authorization, String encoding, RoutingContext ctx) {
        IngestService.Call call = call(authorization, encoding, ctx);
        return RequestTiming.timed(metrics, endpoint, Uni.createFrom().deferred(() -> ingest.ingestBatch(call)));
    }

    private static IngestService.Call call(String authorization, String encoding, RoutingContext ctx) {
        // The body was read (and its size limited) by the route HttpFailureRoutes installs on /v1/*.
        Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
        byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
        Optional<String> headerKey = RequestCredentials.basicWriteKey(authorization);
        return new IngestService.Call(body, encoding, headerKey, RequestCredentials.clientIp(ctx.request()));
    }
}
