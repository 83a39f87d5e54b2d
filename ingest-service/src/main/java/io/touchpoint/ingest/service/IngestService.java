package io.touchpoint.ingest.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.config.SourceRegistry;
import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;
import io.touchpoint.ingest.messaging.TouchpointPublisher;
import io.touchpoint.ingest.service.IngestMetrics.Outcome;

/**
 * One Segment call from bytes to an acknowledged Kafka record.
 *
 * <p>Order matters: authenticate first (an unknown caller gets 401 and leaves no record at all),
 * then size, parse, validate. A refused body of a known source is written to
 * {@code touchpoints.rejected.v1} and only then reported to the client, so nothing is dropped
 * silently; an accepted one is reported only after {@code touchpoints.v1} acknowledged it.
 */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);

    private final SourceRegistry sources;
    private final TouchpointPublisher publisher;
    private final IngestMetrics metrics;
    private final IngestConfig config;
    private final TouchpointNormaliser normaliser;
    private final Clock clock;

    @Inject
    public IngestService(SourceRegistry sources, TouchpointPublisher publisher, IngestMetrics metrics,
            IngestConfig config) {
        this.sources = sources;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
        this.normaliser = new TouchpointNormaliser(config.maxNestingDepth());
        this.clock = Clock.systemUTC();
    }

    /**
     * @param headerWriteKey the HTTP Basic user, if the request carried Basic credentials
     * @param clientIp       the caller's address, for {@code context.ip}
     * @return completes when Kafka acknowledged the touchpoint; fails with
     *         {@link UnauthorizedException}, {@link EventRejectedException} (after the rejection was
     *         recorded) or {@link PublishUnavailableException}
     */
    public Uni<Touchpoint> ingest(CallType type, byte[] body, Optional<String> headerWriteKey, String clientIp) {
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        AuthenticatedSource source = authenticate(type, body, headerWriteKey);
        Touchpoint touchpoint;
        try {
            touchpoint = toTouchpoint(type, body, source, receivedAt, clientIp);
        } catch (EventRejectedException rejection) {
            return recordRejection(type, body, source, receivedAt, rejection);
        }
        return publisher.publish(touchpoint)
                .onItem().transform(ignored -> {
                    metrics.event(source.id(), source.channel().wire(), type, Outcome.ACCEPTED);
                    return touchpoint;
                })
                .onFailure().invoke(e -> {
                    metrics.event(source.id(), source.channel().wire(), type, Outcome.UNAVAILABLE);
                    LOG.warnf("touchpoint %s from source %s not acknowledged: %s", touchpoint.messageId(),
                            source.id(), e.getMessage());
                });
    }

    private AuthenticatedSource authenticate(CallType type, byte[] body, Optional<String> headerWriteKey) {
        // The header wins when present: a wrong Basic user is not rescued by a key in the body.
        Optional<String> writeKey = headerWriteKey.isPresent() ? headerWriteKey
                : TouchpointNormaliser.writeKeyIn(body);
        Optional<AuthenticatedSource> source = writeKey.flatMap(sources::authenticate);
        if (source.isEmpty()) {
            metrics.event(IngestMetrics.UNKNOWN, IngestMetrics.UNKNOWN, type, Outcome.REJECTED);
            metrics.rejected(IngestMetrics.UNAUTHORIZED);
            throw new UnauthorizedException(writeKey.isEmpty()
                    ? "a write key is required: send it as the HTTP Basic user (empty password) or as 'writeKey'"
                    : "the write key does not belong to any source");
        }
        return source.get();
    }

    private Touchpoint toTouchpoint(CallType type, byte[] body, AuthenticatedSource source, Instant receivedAt,
            String clientIp) {
        if (body.length > config.maxEventBytes()) {
            throw new EventRejectedException(RejectionReason.TOO_LARGE, "the event is " + body.length
                    + " bytes; a single event may have at most " + config.maxEventBytes() + " bytes");
        }
        ObjectNode json = normaliser.parse(body);
        SegmentCall call = normaliser.bind(json);
        return normaliser.normalise(type, call, source, receivedAt, clientIp);
    }

    private Uni<Touchpoint> recordRejection(CallType type, byte[] body, AuthenticatedSource source,
            Instant receivedAt, EventRejectedException rejection) {
        metrics.event(source.id(), source.channel().wire(), type, Outcome.REJECTED);
        metrics.rejected(rejection.reason().code());
        // An oversized body is kept up to the limit: enough to see what it was, bounded in size.
        int keep = Math.min(body.length, config.maxEventBytes());
        String payload = TouchpointNormaliser.redactWriteKey(new String(body, 0, keep, StandardCharsets.UTF_8));
        RejectedTouchpoint record = new RejectedTouchpoint(Touchpoint.SCHEMA_VERSION, source.id(),
                rejection.reason(), rejection.detail(), null, EventTime.format(receivedAt), payload);
        return publisher.publish(record)
                .onItem().failWith(ignored -> rejection)
                .onFailure(PublishUnavailableException.class).invoke(e -> LOG.warnf(
                        "rejection (%s) from source %s not recorded: %s", rejection.reason().code(), source.id(),
                        e.getMessage()))
                .replaceWith((Touchpoint) null);
    }
}
