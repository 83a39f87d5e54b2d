package io.touchpoint.ingest.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.touchpoint.ingest.messaging.TouchpointProducer;

/**
 * Ingest counters and timers. Tags are low-cardinality by construction: source ids come from config,
 * types and reasons from enums; unauthenticated calls are counted under source {@code unknown}.
 *
 * <ul>
 * <li>{@code touchpoint_ingest_events_total{source,channel,type,outcome}} — outcome accepted | rejected |
 * unavailable | rate_limited (type {@code batch} for a whole batch refused or limited)</li>
 * <li>{@code touchpoint_ingest_rejected_total{source,channel,type,reason}} — the rejected-topic reason codes,
 * plus unauthorized</li>
 * <li>{@code touchpoint_ingest_duplicates_total{source,channel}} — acknowledged, not published again</li>
 * <li>{@code touchpoint_ingest_dedup_unavailable_total{source}} — published without a Redis check</li>
 * <li>{@code touchpoint_ingest_rate_limit_unavailable_total{source}} — requests this instance limited alone
 * (Redis did not answer the shared bucket)</li>
 * <li>{@code touchpoint_ingest_retried_requests_total{source,channel,endpoint}} — requests of a known source
 * that the SDK marked as a retry ({@code X-Retry-Count} or {@code Rsa-Retry-Attempt} above 0)</li>
 * <li>{@code touchpoint_ingest_kafka_ack_seconds{topic,outcome}} — send to acknowledgement (acked | failed)</li>
 * <li>{@code touchpoint_ingest_request_seconds{endpoint,status}} — a whole HTTP request, by answer, with
 * histogram buckets ({@code _bucket{le}}) for quantiles</li>
 * </ul>
 */
@ApplicationScoped
public class IngestMetrics {

    public static final String EVENTS = "touchpoint.ingest.events";
    public static final String REJECTED = "touchpoint.ingest.rejected";
    public static final String DUPLICATES = "touchpoint.ingest.duplicates";
    public static final String DEDUP_UNAVAILABLE = "touchpoint.ingest.dedup.unavailable";
    public static final String RATE_LIMIT_UNAVAILABLE = "touchpoint.ingest.rate.limit.unavailable";
    public static final String RETRIED = "touchpoint.ingest.retried.requests";
    public static final String KAFKA_ACK = "touchpoint.ingest.kafka.ack";
    public static final String REQUEST = "touchpoint.ingest.request";
    public static final String UNKNOWN = "unknown";
    public static final String UNAUTHORIZED = "unauthorized";

    public enum Outcome {
        ACCEPTED, REJECTED, UNAVAILABLE, RATE_LIMITED;

        String tag() {
            return name().toLowerCase();
        }
    }

    private final MeterRegistry registry;
    // Meters are looked up once per tag combination: a registry lookup per event showed in the profile.
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

    @Inject
    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void event(String sourceId, String channel, CallType type, Outcome outcome) {
        event(sourceId, channel, type.wire(), outcome);
    }

    public void event(String sourceId, String channel, String type, Outcome outcome) {
        events(sourceId, channel, type, outcome, 1);
    }

    /** {@code count} events of one source, type and outcome. */
    public void events(String sourceId, String channel, String type, Outcome outcome, int count) {
        counters.computeIfAbsent(List.of(EVENTS, sourceId, channel, type, outcome.tag()), k -> Counter.builder(EVENTS)
                .description("Events received by ingest, by source, channel, call type and outcome")
                .tag("source", sourceId).tag("channel", channel).tag("type", type).tag("outcome", outcome.tag())
                .register(registry)).increment(count);
    }

    public void rejected(String sourceId, String channel, String type, String reason) {
        counters.computeIfAbsent(List.of(REJECTED, sourceId, channel, type, reason), k -> Counter.builder(REJECTED)
                .description("Events refused by ingest, by source, channel, call type and reason")
                .tag("source", sourceId).tag("channel", channel).tag("type", type).tag("reason", reason)
                .register(registry)).increment();
    }

    public void duplicate(String sourceId, String channel) {
        counters.computeIfAbsent(List.of(DUPLICATES, sourceId, channel), k -> Counter.builder(DUPLICATES)
                .description("Events acknowledged but not published again: their messageId was already published")
                .tag("source", sourceId).tag("channel", channel)
                .register(registry)).increment();
    }

    /** A request an SDK sent again; the endpoint is one of the API's fixed tags. */
    public void retried(String sourceId, String channel, String endpoint) {
        counters.computeIfAbsent(List.of(RETRIED, sourceId, channel, endpoint), k -> Counter.builder(RETRIED)
                .description("Requests an SDK marked as a retry (X-Retry-Count or Rsa-Retry-Attempt above 0)")
                .tag("source", sourceId).tag("channel", channel).tag("endpoint", endpoint)
                .register(registry)).increment();
    }

    public void dedupUnavailable(String sourceId, int events) {
        counters.computeIfAbsent(List.of(DEDUP_UNAVAILABLE, sourceId), k -> Counter.builder(DEDUP_UNAVAILABLE)
                .description("Events published without a dedup check because Redis did not answer in time")
                .tag("source", sourceId)
                .register(registry)).increment(events);
    }

    public void rateLimitUnavailable(String sourceId) {
        counters.computeIfAbsent(List.of(RATE_LIMIT_UNAVAILABLE, sourceId), k -> Counter.builder(RATE_LIMIT_UNAVAILABLE)
                .description("Requests rate-limited by this instance alone because Redis did not answer the shared bucket")
                .tag("source", sourceId)
                .register(registry)).increment();
    }

    public void kafkaAck(String topic, boolean acked, long nanos) {
        kafkaAckTimer(topic, acked).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records the acknowledgements of one topic, its two timers looked up once. */
    public TouchpointProducer.AckListener kafkaAckTimer(String topic) {
        Timer acked = kafkaAckTimer(topic, true);
        Timer failed = kafkaAckTimer(topic, false);
        return (ok, nanos) -> (ok ? acked : failed).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer kafkaAckTimer(String topic, boolean acked) {
        String outcome = acked ? "acked" : "failed";
        return timers.computeIfAbsent(List.of(KAFKA_ACK, topic, outcome), k -> Timer.builder(KAFKA_ACK)
                .description("Time from handing a record to the Kafka producer until the broker acknowledged it")
                .tag("topic", topic).tag("outcome", outcome)
                .register(perRecordRegistry()));
    }

    /**
     * Where a meter recorded once per Kafka record is registered: the single registry behind the
     * composite one (Prometheus here) when there is exactly one, since recording through the
     * composite walks its table of child registries on every record.
     */
    private MeterRegistry perRecordRegistry() {
        if (registry instanceof CompositeMeterRegistry composite && composite.getRegistries().size() == 1) {
            return composite.getRegistries().iterator().next();
        }
        return registry;
    }

    /**
     * Fixed histogram buckets, so Prometheus can compute request-latency quantiles across instances
     * ({@code histogram_quantile} over {@code _bucket}); twelve keep the series count bounded.
     */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30) };

    public void request(String endpoint, int status, long nanos) {
        String code = String.valueOf(status);
        timers.computeIfAbsent(List.of(REQUEST, endpoint, code), k -> Timer.builder(REQUEST)
                .description("Time to handle an ingest request, until the answer, by endpoint and status")
                .tag("endpoint", endpoint).tag("status", code)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
