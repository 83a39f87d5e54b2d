package io.touchpoint.metrics;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes touchpoints.v1 records the way ingest-service does: JSON, key = userId else anonymousId. */
public final class KpiTouchpoints {

    public static final String DLQ_TOPIC = "touchpoints.kpi.dlq.v1";

    private KpiTouchpoints() {
    }

    public static String track(String messageId, String userId, String event, String channel, Instant at,
            String properties) {
        return """
                {"schemaVersion":1,"messageId":"%s","type":"track","event":"%s","channel":"%s","sourceId":"dev-web",\
                "userId":"%s","anonymousId":null,"properties":%s,"receivedAt":"%s","timestamp":"%s"}"""
                .formatted(messageId, event, channel, userId, properties, at, at);
    }

    public static String trackAnonymous(String messageId, String anonymousId, String event, String channel,
            Instant at, String properties) {
        return """
                {"schemaVersion":1,"messageId":"%s","type":"track","event":"%s","channel":"%s","sourceId":"dev-web",\
                "userId":null,"anonymousId":"%s","properties":%s,"receivedAt":"%s","timestamp":"%s"}"""
                .formatted(messageId, event, channel, anonymousId, properties, at, at);
    }

    public static void send(String key, String... values) {
        List<ProducerRecord<String, String>> records = Arrays.stream(values)
                .map(v -> new ProducerRecord<>(Records.TOUCHPOINTS, key, v)).toList();
        Records.sendAll(records);
    }
}
