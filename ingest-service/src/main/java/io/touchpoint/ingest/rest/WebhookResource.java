package io.touchpoint.ingest.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.rest.TrackingResource.Success;
import io.touchpoint.ingest.service.IngestMetrics;
import io.touchpoint.ingest.service.WebhookService;
import io.touchpoint.ingest.service.WebhookSignature;
import io.vertx.ext.web.RoutingContext;

/**
 * Signed webhooks of contact-center and social platforms. The signature is checked on the exact
 * bytes received (read by {@link BodyReader}), so nothing may parse or re-encode the body
 * before; any content type is taken.
 */
@Path("/webhooks")
@Tag(name = "Webhooks", description = "Signed provider webhooks mapped to canonical touchpoints")
public class WebhookResource {

    @Inject
    WebhookService webhooks;

    @Inject
    IngestMetrics metrics;

    @POST
    @Path("/{sourceId}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive a provider webhook",
            description = "The source's scheme decides the signature: Standard Webhooks (webhook-id, webhook-timestamp "
                    + "within 5 minutes, webhook-signature with one or more 'v1,<base64 HMAC-SHA256>') or "
                    + "X-Hub-Signature-256 ('sha256=<hex HMAC-SHA256 of the body>'). The source's mapping turns the "
                    + "payload into one track touchpoint; messageId is '<sourceId>:<webhook-id>' (or a SHA-256 of the "
                    + "body), so a redelivery is acknowledged without being published again. A bad signature or a "
                    + "stale timestamp is 401, a payload the mapping cannot read 400; both are recorded on "
                    + "touchpoints.rejected.v1.")
    @Parameter(name = "sourceId", in = ParameterIn.PATH, description = "A source with a webhook configuration",
            example = "cc-demo")
    @Parameter(name = WebhookSignature.WEBHOOK_ID, in = ParameterIn.HEADER, description = "Standard Webhooks delivery id",
            example = "msg_2Ksx9mT0bqZ0")
    @Parameter(name = WebhookSignature.WEBHOOK_TIMESTAMP, in = ParameterIn.HEADER,
            description = "Standard Webhooks: Unix seconds", example = "1795428900")
    @Parameter(name = WebhookSignature.WEBHOOK_SIGNATURE, in = ParameterIn.HEADER,
            description = "Standard Webhooks: space-separated v1,<base64> signatures")
    @Parameter(name = WebhookSignature.HUB_SIGNATURE_256, in = ParameterIn.HEADER,
            description = "Meta/GitHub style: sha256=<hex>")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = {
                    @ExampleObject(name = "contact center: case resolved", value = """
                            {"type":"case.resolved","occurredAt":"2026-11-23T10:15:00Z",
                             "data":{"caseId":"case-981","caller":"+1 555 123 4567","contactCount":1,"resolutionSeconds":540}}"""),
                    @ExampleObject(name = "social: mention", value = """
                            {"event":"mention","platform":"twitter","author":{"handle":"@JaneDoe"},
                             "post":{"id":"1860012345","text":"Loving my new headphones @shop"},"createdAt":"2026-11-23T11:00:00Z"}""") }))
    @APIResponse(responseCode = "200", description = "Published (or a redelivery already published)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Success.class)))
    public Uni<Success> receive(@PathParam("sourceId") String sourceId, RoutingContext ctx) {
        byte[] body = BodyReader.bytes(ctx);
        return RequestTiming.timed(metrics, "webhook", Uni.createFrom()
                .deferred(() -> webhooks.receive(sourceId, body, ctx.request()::getHeader))
                .replaceWith(new Success(true)));
    }
}
