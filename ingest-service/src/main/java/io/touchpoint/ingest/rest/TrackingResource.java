package io.touchpoint.ingest.rest;

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
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.service.CallType;
import io.touchpoint.ingest.service.IngestService;
import io.touchpoint.ingest.service.SegmentCall;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The Segment HTTP Tracking API, so Segment and RudderStack SDKs work unchanged pointed at this
 * service. The body is taken as the bytes the HTTP layer read ({@link HttpFailureRoutes}), not bound
 * by JAX-RS: the size limit, the JSON errors and the raw payload of a rejection are all ours to
 * decide, and browser beacons send JSON as {@code text/plain}.
 */
@Path("/v1")
@Tag(name = "Tracking", description = "Segment-compatible event collection")
@SecurityScheme(securitySchemeName = "writeKey", type = SecuritySchemeType.HTTP, scheme = "basic",
        description = "The source's write key as the Basic user, empty password. Alternatively 'writeKey' in the body.")
public class TrackingResource {

    /** The answer Segment gives, which SDKs check. */
    @Schema(name = "Success")
    public record Success(@Schema(examples = "true") boolean success) {
    }

    private static final Success SUCCESS = new Success(true);

    @Inject
    IngestService ingest;

    @POST
    @Path("/track")
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = "writeKey")
    @Operation(summary = "Record a track event",
            description = "Answers 200 only after Kafka acknowledged the touchpoint on touchpoints.v1. "
                    + "Refused events of a known source are recorded on touchpoints.rejected.v1 before the 4xx answer.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class)),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = "Accepted and durably stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    @APIResponse(responseCode = "400", description = "invalid-json or invalid-event (the detail names the field)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key",
            headers = @Header(name = HttpHeaders.WWW_AUTHENTICATE, description = ProblemMapper.BASIC_CHALLENGE),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Event larger than touchpoint.ingest.max-event-bytes",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Content-Type other than application/json or text/plain",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge in time; retry after the given seconds",
            headers = @Header(name = HttpHeaders.RETRY_AFTER, description = "seconds"),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Success> track(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, RoutingContext ctx) {
        return accept(CallType.TRACK, authorization, ctx);
    }

    @POST
    @Path("/identify")
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = "writeKey")
    @Operation(summary = "Record who a user is (links userId and anonymousId, carries traits)",
            description = "Same rules as track, without 'event'.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentCall.class)),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = SegmentCall.class)) })
    @APIResponse(responseCode = "200", description = "Accepted and durably stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    @APIResponse(responseCode = "400", description = "invalid-json or invalid-event",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key",
            headers = @Header(name = HttpHeaders.WWW_AUTHENTICATE, description = ProblemMapper.BASIC_CHALLENGE),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Event too large",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge in time",
            headers = @Header(name = HttpHeaders.RETRY_AFTER, description = "seconds"),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Success> identify(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, RoutingContext ctx) {
        return accept(CallType.IDENTIFY, authorization, ctx);
    }

    private Uni<Success> accept(CallType type, String authorization, RoutingContext ctx) {
        // The body was read (and its size limited) by the route HttpFailureRoutes installs on /v1/*.
        Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
        byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
        // deferred: a refusal thrown while authenticating travels the same failure path as a Kafka one
        return Uni.createFrom().deferred(() -> ingest.ingest(type, body,
                RequestCredentials.basicWriteKey(authorization), RequestCredentials.clientIp(ctx.request())))
                .replaceWith(SUCCESS);
    }
}
