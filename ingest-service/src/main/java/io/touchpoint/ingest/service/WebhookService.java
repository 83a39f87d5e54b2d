package io.touchpoint.ingest.service;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.config.SourceRegistry;
import io.touchpoint.ingest.config.SourceRegistry.WebhookSource;
import io.touchpoint.ingest.config.WebhookMappings;

/**
 * A signed provider webhook from raw bytes to an acknowledged touchpoint: verify the signature on
 * the exact bytes received, map the payload, publish once per delivery. The messageId is
 * {@code <sourceId>:<webhook-id>}, or {@code <sourceId>:sha256-<hex>} of the body for schemes
 * without a delivery id, so a provider's retry of the same delivery is a dedup hit.
 */
@ApplicationScoped
public class WebhookService {

    public static final String TYPE_TAG = "webhook";

    @Inject
    SourceRegistry sources;

    @Inject
    IngestConfig config;

    @Inject
    IngestService ingest;

    @Inject
    WebhookMappings mappings;

    private SegmentReader reader;

    @jakarta.annotation.PostConstruct
    void init() {
        reader = new SegmentReader(config.maxNestingDepth());
    }

    /**
     * @return fails with {@link UnknownSourceException} (404), {@link RateLimitedException},
     *         {@link EventRejectedException} after the refusal was recorded (401 for signatures, 400
     *         for payloads) or {@link PublishUnavailableException}
     */
    public Uni<Void> receive(String sourceId, byte[] body, Function<String, String> header) {
        Instant receivedAt = ingest.now();
        WebhookSource hook = sources.webhook(sourceId).orElseThrow(() -> new UnknownSourceException(sourceId));
        return ingest.limited(hook.source(), TYPE_TAG)
                .chain(() -> receive(hook, body, header, receivedAt));
    }

    private Uni<Void> receive(WebhookSource hook, byte[] body, Function<String, String> header, Instant receivedAt) {
        String sourceId = hook.source().id();
        Touchpoint touchpoint;
        try {
            if (body.length > config.maxEventBytes()) {
                throw new EventRejectedException(RejectionReason.TOO_LARGE, "the webhook is " + body.length
                        + " bytes; a single event may have at most " + config.maxEventBytes() + " bytes");
            }
            IngestConfig.Webhook settings = hook.webhook();
            String deliveryId = WebhookSignature.verify(settings.scheme(), header, body, settings.secrets(),
                    settings.tolerance(), receivedAt);
            String messageId = sourceId + ":" + (deliveryId != null ? deliveryId
                    : "sha256-" + HexFormat.of().formatHex(WebhookSignature.digest(body)));
            if (messageId.length() > TouchpointNormaliser.MAX_MESSAGE_ID_LENGTH) {
                throw new EventRejectedException(RejectionReason.INVALID_FIELD, "webhook-id is too long; the provider's "
                        + "delivery id may have at most " + (TouchpointNormaliser.MAX_MESSAGE_ID_LENGTH - sourceId.length() - 1)
                        + " characters");
            }
            ObjectNode payload = reader.readTree(body);
            touchpoint = WebhookMapper.map(mappings.get(settings.mapping()).orElseThrow(), payload, hook.source(),
                    messageId, receivedAt);
        } catch (EventRejectedException rejection) {
            return ingest.recordRejection(TYPE_TAG, hook.source(), receivedAt, rejection, body, null)
                    .onItem().failWith(ignored -> rejection);
        }
        return ingest.publishTouchpoints(hook.source(), List.of(touchpoint));
    }
}
