package io.touchpoint.ingest.service;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Ingest counters. Tags are low-cardinality by construction: source ids come from config, types and
 * reasons from enums; unauthenticated calls are counted under source {@code unknown}.
 *
 * <ul>
 * <li>{@code touchpoint_ingest_events_total{source,channel,type,outcome}} — outcome accepted | rejected | unavailable</li>
 * <li>{@code touchpoint_ingest_rejected_total{reason}} — the rejected-topic reason codes, plus unauthorized</li>
 * <li>{@code touchpoint_ingest_kafka_ack_seconds{topic,outcome}} — send to acknowledgement (acked | failed)</li>
 * </ul>
 */
@ApplicationScoped
public class IngestMetrics {

    public static final String EVENTS = "touchpoint.ingest.events";
    public static final String REJECTED = "touchpoint.ingest.rejected";
    public static final String KAFKA_ACK = "touchpoint.ingest.kafka.ack";
    public static final String UNKNOWN = "unknown";
    public static final String UNAUTHORIZED = "unauthorized";

    public enum Outcome {
        ACCEPTED, REJECTED, UNAVAILABLE;

        String tag() {
            return name().toLowerCase();
        }
    }

    private final MeterRegistry registry;

    @Inject
    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void event(String sourceId, String channel, CallType type, Outcome outcome) {
        Counter.builder(EVENTS)
                .description("Events received by ingest, by source, channel, call type and outcome")
                .tag("source", sourceId).tag("channel", channel).tag("type", type.wire()).tag("outcome", outcome.tag())
                .register(registry).increment();
    }

    public void rejected(String reason) {
        Counter.builder(REJECTED)
                .description("Events refused by ingest, by reason")
                .tag("reason", reason)
                .register(registry).increment();
    }

    public void kafkaAck(String topic, boolean acked, long nanos) {
        Timer.builder(KAFKA_ACK)
                .description("Time from handing a record to the Kafka producer until the broker acknowledged it")
                .tag("topic", topic).tag("outcome", acked ? "acked" : "failed")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
