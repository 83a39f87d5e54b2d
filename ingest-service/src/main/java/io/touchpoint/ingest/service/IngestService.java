package io.touchpoint.ingest.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.config.SourceRegistry;
import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;
import io.touchpoint.ingest.messaging.TouchpointJson;
import io.touchpoint.ingest.messaging.TouchpointProducer.Acks;
import io.touchpoint.ingest.messaging.TouchpointPublisher;
import io.touchpoint.ingest.repository.DedupWindow;
import io.touchpoint.ingest.repository.DedupWindow.Claims;
import io.touchpoint.ingest.service.IngestMetrics.Outcome;

/**
 * One Segment call (or batch) from bytes to acknowledged Kafka records.
 *
 * <p>Order matters: authenticate first (an unknown caller gets 401 and leaves no record at all),
 * then rate limit, decode, size, parse, validate. A refused event of a known source is written to
 * {@code touchpoints.rejected.v1} and only then reported to the client, so nothing is dropped
 * silently; an accepted one is reported only after {@code touchpoints.v1} acknowledged it, and a
 * messageId already published by the source within the dedup window is acknowledged without being
 * published again.
 */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);

    private final SourceRegistry sources;
    private final TouchpointPublisher publisher;
    private final IngestMetrics metrics;
    private final IngestConfig config;
    private final DedupWindow dedup;
    private final SourceRateLimiter rateLimiter;
    private final TouchpointNormaliser normaliser;
    private final Clock clock;

    @Inject
    public IngestService(SourceRegistry sources, TouchpointPublisher publisher, IngestMetrics metrics,
            IngestConfig config, DedupWindow dedup, SourceRateLimiter rateLimiter) {
        this.sources = sources;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
        this.dedup = dedup;
        this.rateLimiter = rateLimiter;
        this.normaliser = new TouchpointNormaliser(config.maxNestingDepth(), config.maxEventBytes());
        this.clock = Clock.systemUTC();
    }

    /**
     * What the HTTP layer knows about a request.
     *
     * @param requestWriteKey the key the request names outside its body (Basic user, else the
     *                        {@code writeKey} query parameter); empty: the body's {@code writeKey} counts
     * @param endpoint        the endpoint tag ({@code track} … {@code batch}, {@code import})
     * @param retryAttempt    which retry the SDK says this is ({@code X-Retry-Count}); 0 for a first attempt
     */
    public record Call(byte[] body, String contentType, String contentEncoding, Optional<String> requestWriteKey,
            String clientIp, String endpoint, int retryAttempt) {
    }

    /**
     * A single call ({@code /v1/track}, {@code /v1/identify}, …).
     *
     * @return completes when Kafka acknowledged the touchpoint (or it was a duplicate); fails with
     *         {@link UnauthorizedException}, {@link RateLimitedException}, {@link EventRejectedException}
     *         (after the rejection was recorded) or {@link PublishUnavailableException}
     */
    public Uni<Void> ingest(CallType type, Call call) {
        Instant receivedAt = now();
        Received received = receive(type.wire(), call);
        return limited(received.source(), type.wire()).chain(() -> ingest(type, call, received, receivedAt));
    }

    private Uni<Void> ingest(CallType type, Call call, Received received, Instant receivedAt) {
        AuthenticatedSource source = received.source();
        PreparedTouchpoint touchpoint;
        try {
            if (received.decodeFailure() != null) {
                throw received.decodeFailure();
            }
            touchpoint = TouchpointJson.prepare(normaliser.call(type, received.body(),
                    new Arrival(source, receivedAt, call.clientIp())));
        } catch (EventRejectedException rejection) {
            byte[] payload = received.body() != null ? received.body() : call.body();
            return recordRejection(type.wire(), source, receivedAt, rejection, payload, null)
                    .onItem().failWith(ignored -> rejection);
        }
        return publishAll(source, List.of(touchpoint));
    }

    /** A batch ({@code /v1/batch}, {@code /v1/import}): valid items are published, invalid ones refused by index. */
    public Uni<BatchResult> ingestBatch(Call call) {
        Instant receivedAt = now();
        Received received = receive("batch", call);
        return limited(received.source(), "batch").chain(() -> ingestBatch(call, received, receivedAt));
    }

    private Uni<BatchResult> ingestBatch(Call call, Received received, Instant receivedAt) {
        AuthenticatedSource source = received.source();
        Items items;
        try {
            if (received.decodeFailure() != null) {
                throw received.decodeFailure();
            }
            if (received.body().length > config.maxRequestBytes()) {
                throw new EventRejectedException(RejectionReason.TOO_LARGE, "the batch is " + received.body().length
                        + " bytes; a request may have at most " + config.maxRequestBytes() + " bytes");
            }
            items = items(received.body(), new Arrival(source, receivedAt, call.clientIp()));
        } catch (EventRejectedException rejection) {
            byte[] payload = received.body() != null ? received.body() : call.body();
            return recordRejection("batch", source, receivedAt, rejection, payload, null)
                    .chain(ignored -> Uni.createFrom().<BatchResult> failure(rejection));
        }

        List<PreparedTouchpoint> accepted = items.accepted;
        List<BatchResult.ItemError> errors = items.errors;
        Uni<Void> published = publishAll(source, accepted);
        Uni<Void> recorded = items.refusals.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(items.refusals.stream().map(publisher::publish).toList()).andFailFast()
                        .replaceWithVoid();
        // both must be durable before the answer: accepted items on touchpoints.v1, refused ones on the rejected topic
        return Uni.combine().all().unis(published, recorded).discardItems()
                .replaceWith(() -> new BatchResult(true, accepted.size(), List.copyOf(errors)));
    }

    /** The outcome of reading a batch's items: records to publish, and the refused items. */
    private static final class Items {
        final List<PreparedTouchpoint> accepted;
        final List<BatchResult.ItemError> errors = new ArrayList<>();
        final List<RejectedTouchpoint> refusals = new ArrayList<>();

        Items(int size) {
            accepted = new ArrayList<>(size);
        }
    }

    /** Every item of a batch, accepted or refused by its index. */
    private Items items(byte[] body, Arrival arrival) {
        TouchpointNormaliser.BatchItems batch = normaliser.batch(body, arrival);
        Items items = new Items(batch.accepted().size());
        items.accepted.addAll(TouchpointJson.prepare(batch.accepted()));
        for (TouchpointNormaliser.Refusal r : batch.refused()) {
            items.errors.add(new BatchResult.ItemError(r.index(), r.rejection().reason().code(), r.rejection().detail()));
            items.refusals.add(rejectedRecord(r.typeTag(), arrival.source(), arrival.receivedAt(), r.rejection(),
                    r.payload(), r.index()));
        }
        return items;
    }

    /**
     * Publishes touchpoints of one source exactly once per messageId within the dedup window: claim
     * in Redis, send, settle the claim when Kafka acknowledged (release it when Kafka gave up), and
     * answer when every new record is acknowledged.
     */
    public Uni<Void> publishAll(AuthenticatedSource source, List<PreparedTouchpoint> touchpoints) {
        if (touchpoints.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String channel = source.channel().wire();
        // the same messageId twice in one request is one event
        List<PreparedTouchpoint> distinct = new ArrayList<>(touchpoints.size());
        List<String> messageIds = new ArrayList<>(touchpoints.size());
        // sized for a batch of distinct ids: growing it was visible in the profile under batch load
        Set<String> seen = new HashSet<>(touchpoints.size() * 2);
        for (PreparedTouchpoint t : touchpoints) {
            // an id ingest generated is new by construction: only the clients' ids can repeat, and only
            // they are claimed (null: nothing to claim)
            if (t.generatedId()) {
                distinct.add(t);
                messageIds.add(null);
            } else if (seen.add(t.messageId())) {
                distinct.add(t);
                messageIds.add(t.messageId());
            } else {
                metrics.duplicate(source.id(), channel);
            }
        }
        return dedup.claim(source.id(), messageIds)
                .chain(claims -> {
                    List<PreparedTouchpoint> toSend = new ArrayList<>(distinct.size());
                    boolean inFlight = false;
                    for (int i = 0; i < distinct.size(); i++) {
                        switch (claims.get(i)) {
                            case DUPLICATE -> metrics.duplicate(source.id(), channel);
                            case IN_FLIGHT -> inFlight = true;
                            case NEW, UNCHECKED -> toSend.add(distinct.get(i));
                        }
                    }
                    Acks acks = publisher.sendNow(toSend);
                    settleWhenDone(source, claims, toSend, acks);
                    boolean waitForEarlier = inFlight;
                    // counted as the client is told: accepted with the 200, unavailable with the 503
                    return publisher.awaitAcks(acks).invoke(() -> {
                        if (waitForEarlier) {
                            throw new PublishUnavailableException("an earlier request with the same messageId is "
                                    + "still waiting for Kafka's acknowledgement", null);
                        }
                    }).onItemOrFailure().invoke((ok, failure) -> countEvents(source, distinct,
                            failure == null ? Outcome.ACCEPTED : Outcome.UNAVAILABLE));
                });
    }

    /** The webhook path's touchpoints, built as trees. */
    public Uni<Void> publishTouchpoints(AuthenticatedSource source, List<Touchpoint> touchpoints) {
        return publishAll(source, TouchpointJson.prepare(touchpoints));
    }

    private void countEvents(AuthenticatedSource source, List<PreparedTouchpoint> touchpoints, Outcome outcome) {
        int[] perType = new int[CallType.values().length];
        for (PreparedTouchpoint t : touchpoints) {
            perType[t.type().ordinal()]++;
        }
        for (CallType type : CallType.values()) {
            if (perType[type.ordinal()] > 0) {
                metrics.events(source.id(), source.channel().wire(), type.wire(), outcome, perType[type.ordinal()]);
            }
        }
    }

    /**
     * Once Kafka settled every record of the request (acknowledged, or given up after
     * delivery.timeout.ms — possibly long after the request was answered 503), settles its dedup
     * claim in one Redis round trip.
     */
    private void settleWhenDone(AuthenticatedSource source, Claims claims, List<PreparedTouchpoint> sent, Acks acks) {
        acks.settled().whenComplete((settled, ignored) -> {
            List<String> failed = new ArrayList<>(0);
            for (int i = 0; i < sent.size(); i++) {
                if (acks.failed(i)) {
                    LOG.warnf("touchpoint %s from source %s was not acknowledged by Kafka", sent.get(i).messageId(),
                            source.id());
                    failed.add(sent.get(i).messageId());
                }
            }
            if (!sent.isEmpty()) {
                dedup.settle(source.id(), claims, failed, acks.anyAcknowledged());
            }
        });
    }

    /** The source and the decoded body of a request; decoding failures are kept for the caller. */
    private record Received(AuthenticatedSource source, byte[] body, EventRejectedException decodeFailure) {
    }

    private Received receive(String typeTag, Call call) {
        Optional<AuthenticatedSource> byRequest = Optional.empty();
        if (call.requestWriteKey().isPresent()) {
            // The header (or query) wins when present: a wrong key there is not rescued by one in the body.
            byRequest = Optional.of(retried(call, authenticate(typeTag, call.requestWriteKey())));
        }
        byte[] body = null;
        EventRejectedException decodeFailure = null;
        try {
            body = RequestBody.decode(call.body(), call.contentType(), call.contentEncoding(), config.maxRequestBytes());
        } catch (EventRejectedException e) {
            decodeFailure = e;
        }
        AuthenticatedSource source;
        if (byRequest.isPresent()) {
            source = byRequest.get();
        } else {
            // an unreadable body has no readable key: without a header its sender stays unknown
            source = retried(call, authenticate(typeTag,
                    body == null ? Optional.empty() : SegmentReader.writeKeyIn(body)));
        }
        return new Received(source, body, decodeFailure);
    }

    /** Counts a request the SDK marked as a retry, under the source it authenticated as. */
    private AuthenticatedSource retried(Call call, AuthenticatedSource source) {
        if (call.retryAttempt() > 0) {
            metrics.retried(source.id(), source.channel().wire(), call.endpoint());
        }
        return source;
    }

    /** The source's rate limit: completes when the request may go on, fails with {@link RateLimitedException}. */
    Uni<Void> limited(AuthenticatedSource source, String typeTag) {
        return rateLimiter.acquire(source.id()).onFailure(RateLimitedException.class).invoke(
                e -> metrics.event(source.id(), source.channel().wire(), typeTag, Outcome.RATE_LIMITED));
    }

    private AuthenticatedSource authenticate(String typeTag, Optional<String> writeKey) {
        Optional<AuthenticatedSource> source = writeKey.flatMap(sources::authenticate);
        if (source.isEmpty()) {
            metrics.event(IngestMetrics.UNKNOWN, IngestMetrics.UNKNOWN, typeTag, Outcome.REJECTED);
            metrics.rejected(IngestMetrics.UNKNOWN, IngestMetrics.UNKNOWN, typeTag, IngestMetrics.UNAUTHORIZED);
            throw new UnauthorizedException(writeKey.isEmpty()
                    ? "a write key is required: send it as the HTTP Basic user (empty password), as the 'writeKey' "
                            + "query parameter or as 'writeKey' in the body"
                    : "the write key does not belong to any source; check the write key the SDK is configured with");
        }
        return source.get();
    }

    /**
     * A request whose body the HTTP layer refused for being over {@code limit} bytes, before anything
     * read it: one record on touchpoints.rejected.v1 ({@code too_large}; the size, not the body) when
     * its source is known — by a Basic or query write key for the tracking API, by the path for a webhook
     * source. Subject to the source's rate limit like any request, so a flood of oversized bodies
     * is answered 429 and leaves no records beyond the rate.
     *
     * @param endpoint the last segment of the path ({@code track} … {@code batch}, {@code import}), or
     *                 {@code webhook} with {@code webhookSourceId}
     * @return empty when the sender is unknown (nothing to record); else completes with the refusal
     *         to answer (413) once the record is acknowledged, or fails with
     *         {@link RateLimitedException} or {@link PublishUnavailableException}
     */
    public Optional<Uni<EventRejectedException>> oversizedRequest(String endpoint, Optional<String> requestWriteKey,
            String webhookSourceId, String contentLength, long limit) {
        Instant receivedAt = now();
        String typeTag;
        Optional<AuthenticatedSource> source;
        if ("webhook".equals(endpoint)) {
            typeTag = "webhook";
            source = sources.webhook(webhookSourceId).map(SourceRegistry.WebhookSource::source);
        } else {
            typeTag = "batch".equals(endpoint) || "import".equals(endpoint) ? "batch"
                    : CallType.fromWire(endpoint).map(CallType::wire).orElse(null);
            source = typeTag == null ? Optional.empty() : requestWriteKey.flatMap(sources::authenticate);
        }
        if (source.isEmpty()) {
            return Optional.empty();
        }
        AuthenticatedSource known = source.get();
        String size = contentLength != null && contentLength.matches("\\d{1,18}") ? contentLength + " bytes"
                : "more than " + limit + " bytes";
        EventRejectedException rejection = new EventRejectedException(RejectionReason.TOO_LARGE,
                "the request body is " + size + "; a request may have at most " + limit + " bytes: send smaller batches");
        return Optional.of(limited(known, typeTag)
                .chain(() -> recordRejection(typeTag, known, receivedAt, rejection, new byte[0], null))
                .replaceWith(rejection));
    }

    /** Records a refusal on touchpoints.rejected.v1; completes when Kafka acknowledged it. */
    public Uni<Void> recordRejection(String typeTag, AuthenticatedSource source, Instant receivedAt,
            EventRejectedException rejection, byte[] payload, Integer index) {
        RejectedTouchpoint record = rejectedRecord(typeTag, source, receivedAt, rejection, payload, index);
        return publisher.publish(record)
                .onFailure(PublishUnavailableException.class).invoke(e -> LOG.warnf(
                        "rejection (%s) from source %s not recorded: %s", rejection.reason().code(), source.id(),
                        e.getMessage()));
    }

    private RejectedTouchpoint rejectedRecord(String typeTag, AuthenticatedSource source, Instant receivedAt,
            EventRejectedException rejection, byte[] payload, Integer index) {
        metrics.event(source.id(), source.channel().wire(), typeTag, Outcome.REJECTED);
        metrics.rejected(source.id(), source.channel().wire(), typeTag, rejection.reason().code());
        // An oversized body is kept up to the limit: enough to see what it was, bounded in size.
        int keep = Math.min(payload.length, config.maxEventBytes());
        String text = TouchpointNormaliser.redactWriteKey(new String(payload, 0, keep, StandardCharsets.UTF_8));
        return new RejectedTouchpoint(Touchpoint.SCHEMA_VERSION, source.id(), rejection.reason(), rejection.detail(),
                index, EventTime.format(receivedAt), text);
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

}
