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
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.config.SourceRegistry;
import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;
import io.touchpoint.ingest.messaging.TouchpointPublisher;
import io.touchpoint.ingest.repository.DedupWindow;
import io.touchpoint.ingest.repository.DedupWindow.Claim;
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
        this.normaliser = new TouchpointNormaliser(config.maxNestingDepth());
        this.clock = Clock.systemUTC();
    }

    /** What the HTTP layer knows about a request. */
    public record Call(byte[] body, String contentEncoding, Optional<String> headerWriteKey, String clientIp) {
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
        AuthenticatedSource source = received.source();
        Touchpoint touchpoint;
        try {
            if (received.decodeFailure() != null) {
                throw received.decodeFailure();
            }
            touchpoint = toTouchpoint(type, received.body(), source, receivedAt, call.clientIp());
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
        AuthenticatedSource source = received.source();
        List<JsonNode> items;
        int[] sizes;
        try {
            if (received.decodeFailure() != null) {
                throw received.decodeFailure();
            }
            if (received.body().length > config.maxRequestBytes()) {
                throw new EventRejectedException(RejectionReason.TOO_LARGE, "the batch is " + received.body().length
                        + " bytes; a request may have at most " + config.maxRequestBytes() + " bytes");
            }
            TouchpointNormaliser.ParsedBatch parsed = normaliser.parseBatchWithSizes(received.body());
            items = normaliser.batchItems(parsed.body());
            sizes = parsed.itemSizes();
        } catch (EventRejectedException rejection) {
            byte[] payload = received.body() != null ? received.body() : call.body();
            return recordRejection("batch", source, receivedAt, rejection, payload, null)
                    .chain(ignored -> Uni.createFrom().<BatchResult> failure(rejection));
        }

        List<Touchpoint> accepted = new ArrayList<>(items.size());
        List<BatchResult.ItemError> errors = new ArrayList<>();
        List<RejectedTouchpoint> refusals = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String itemType = item.path("type").asText("unknown");
            try {
                accepted.add(batchItem(item, sizes[i], source, receivedAt, call.clientIp()));
            } catch (EventRejectedException rejection) {
                errors.add(new BatchResult.ItemError(i, rejection.reason().code(), rejection.detail()));
                refusals.add(rejectedRecord(CallType.fromWire(itemType).map(CallType::wire).orElse("unknown"), source,
                        receivedAt, rejection, item.toString().getBytes(StandardCharsets.UTF_8), i));
            }
        }
        Uni<Void> published = publishAll(source, accepted);
        Uni<Void> recorded = refusals.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(refusals.stream().map(publisher::publish).toList()).andFailFast().replaceWithVoid();
        // both must be durable before the answer: accepted items on touchpoints.v1, refused ones on the rejected topic
        return Uni.combine().all().unis(published, recorded).discardItems()
                .replaceWith(() -> new BatchResult(true, accepted.size(), List.copyOf(errors)));
    }

    private Touchpoint batchItem(JsonNode item, int size, AuthenticatedSource source, Instant receivedAt,
            String clientIp) {
        if (!(item instanceof ObjectNode object)) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, "a batch item must be a JSON object");
        }
        // the item as the client sent it, before the batch context was merged in
        if (size > config.maxEventBytes()) {
            throw new EventRejectedException(RejectionReason.TOO_LARGE, "the event is " + size
                    + " bytes; a single event may have at most " + config.maxEventBytes() + " bytes");
        }
        if (TouchpointNormaliser.depth(object) > normaliser.maxNestingDepth()) {
            throw new EventRejectedException(RejectionReason.TOO_DEEP,
                    "the event is nested deeper than " + normaliser.maxNestingDepth() + " levels");
        }
        JsonNode typeNode = object.get("type");
        Optional<CallType> type = typeNode != null && typeNode.isTextual() ? CallType.fromWire(typeNode.asText())
                : Optional.empty();
        if (type.isEmpty()) {
            throw new EventRejectedException(RejectionReason.UNKNOWN_TYPE, "'type' must be one of track, identify, "
                    + "page, screen, group, alias");
        }
        return normaliser.normalise(type.get(), normaliser.bind(object), source, receivedAt, clientIp);
    }

    /**
     * Publishes touchpoints of one source exactly once per messageId within the dedup window: claim
     * in Redis, send, confirm the claim when Kafka acknowledged (release it when Kafka gave up), and
     * answer when every new record is acknowledged.
     */
    public Uni<Void> publishAll(AuthenticatedSource source, List<Touchpoint> touchpoints) {
        if (touchpoints.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // the same messageId twice in one request is one event
        List<Touchpoint> distinct = new ArrayList<>(touchpoints.size());
        Set<String> seen = new HashSet<>();
        for (Touchpoint t : touchpoints) {
            if (seen.add(t.messageId())) {
                distinct.add(t);
            } else {
                metrics.duplicate(source.id(), source.channel().wire());
            }
        }
        return dedup.claim(source.id(), distinct.stream().map(Touchpoint::messageId).toList())
                .chain(claims -> {
                    List<Touchpoint> toSend = new ArrayList<>();
                    List<Boolean> claimed = new ArrayList<>();
                    boolean inFlight = false;
                    for (int i = 0; i < distinct.size(); i++) {
                        Touchpoint t = distinct.get(i);
                        Claim claim = claims.get(i);
                        switch (claim) {
                            case DUPLICATE -> metrics.duplicate(source.id(), source.channel().wire());
                            case IN_FLIGHT -> inFlight = true;
                            case NEW, UNCHECKED -> {
                                toSend.add(t);
                                claimed.add(claim == Claim.NEW);
                            }
                        }
                    }
                    List<CompletableFuture<Void>> futures = toSend.isEmpty() ? List.of() : publisher.sendNow(toSend);
                    List<Sent> sent = new ArrayList<>(toSend.size());
                    for (int i = 0; i < toSend.size(); i++) {
                        sent.add(new Sent(toSend.get(i).messageId(), claimed.get(i), futures.get(i)));
                    }
                    settleWhenDone(source, sent);
                    List<CompletableFuture<Void>> acks = sent.stream().map(Sent::ack).toList();
                    boolean waitForEarlier = inFlight;
                    // counted as the client is told: accepted with the 200, unavailable with the 503
                    return publisher.awaitAcks(acks).invoke(() -> {
                        if (waitForEarlier) {
                            throw new PublishUnavailableException("an earlier request with the same messageId is "
                                    + "still waiting for Kafka's acknowledgement", null);
                        }
                    }).onItemOrFailure().invoke((ok, failure) -> distinct.forEach(t -> metrics.event(source.id(),
                            source.channel().wire(), t.type().wire(),
                            failure == null ? Outcome.ACCEPTED : Outcome.UNAVAILABLE)));
                });
    }

    /**
     * Once Kafka settled every record of the request (acknowledged, or given up after
     * delivery.timeout.ms — possibly long after the request was answered 503), confirms or releases
     * their dedup claims in one Redis round trip.
     */
    private void settleWhenDone(AuthenticatedSource source, List<Sent> sent) {
        CompletableFuture.allOf(sent.stream().map(Sent::ack).toArray(CompletableFuture[]::new))
                .whenComplete((ignored, anyFailure) -> {
                    List<String> acknowledged = new ArrayList<>();
                    List<String> failed = new ArrayList<>();
                    for (Sent s : sent) {
                        boolean ok = !s.ack().isCompletedExceptionally();
                        if (!ok) {
                            LOG.warnf("touchpoint %s from source %s was not acknowledged by Kafka", s.messageId(),
                                    source.id());
                        }
                        if (s.claimed()) {
                            (ok ? acknowledged : failed).add(s.messageId());
                        }
                    }
                    dedup.settle(source.id(), acknowledged, failed);
                });
    }

    /** A record handed to the producer; {@code claimed} when its dedup claim is ours to settle. */
    private record Sent(String messageId, boolean claimed, CompletableFuture<Void> ack) {
    }

    /** The source, the rate limit and the decoded body of a request; decoding failures are kept for the caller. */
    private record Received(AuthenticatedSource source, byte[] body, EventRejectedException decodeFailure) {
    }

    private Received receive(String typeTag, Call call) {
        Optional<AuthenticatedSource> byHeader = Optional.empty();
        if (call.headerWriteKey().isPresent()) {
            // The header wins when present: a wrong Basic user is not rescued by a key in the body.
            byHeader = Optional.of(authenticate(typeTag, call.headerWriteKey()));
        }
        byte[] body = null;
        EventRejectedException decodeFailure = null;
        try {
            body = RequestBody.decode(call.body(), call.contentEncoding(), config.maxRequestBytes());
        } catch (EventRejectedException e) {
            decodeFailure = e;
        }
        AuthenticatedSource source;
        if (byHeader.isPresent()) {
            source = byHeader.get();
        } else {
            // an unreadable body has no readable key: without a header its sender stays unknown
            source = authenticate(typeTag, body == null ? Optional.empty() : TouchpointNormaliser.writeKeyIn(body));
        }
        try {
            rateLimiter.acquire(source.id());
        } catch (RateLimitedException e) {
            metrics.event(source.id(), source.channel().wire(), typeTag, Outcome.RATE_LIMITED);
            throw e;
        }
        return new Received(source, body, decodeFailure);
    }

    private AuthenticatedSource authenticate(String typeTag, Optional<String> writeKey) {
        Optional<AuthenticatedSource> source = writeKey.flatMap(sources::authenticate);
        if (source.isEmpty()) {
            metrics.event(IngestMetrics.UNKNOWN, IngestMetrics.UNKNOWN, typeTag, Outcome.REJECTED);
            metrics.rejected(IngestMetrics.UNKNOWN, IngestMetrics.UNKNOWN, typeTag, IngestMetrics.UNAUTHORIZED);
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
