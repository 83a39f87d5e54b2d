package io.touchpoint.metrics;

import static io.touchpoint.metrics.FunnelApi.awaitEntered;
import static io.touchpoint.metrics.FunnelApi.entered;
import static io.touchpoint.metrics.TransitionRecords.customer;
import static io.touchpoint.metrics.TransitionRecords.now;
import static io.touchpoint.metrics.TransitionRecords.send;
import static io.touchpoint.metrics.TransitionRecords.stageEntered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** A record that is not a transition goes to journey.transitions.dlq.v1; the records behind it are counted. */
@QuarkusTest
class DeadLetterTest {

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndConsumingGoesOn() {
        String c = customer();
        String poison = "{not json at all " + UUID.randomUUID();
        long purchaseBefore = entered("lifecycle", "purchase");

        // same key, same partition: the good record is behind the poison one
        send(c, poison, stageEntered(c, "purchase", "store", now()));

        awaitEntered("lifecycle", "purchase", null, purchaseBefore + 1);
        ConsumerRecord<String, String> dead = findInDeadLetterTopic(poison);
        assertEquals(c, dead.key());
        Header reason = dead.headers().lastHeader("dead-letter-reason");
        assertNotNull(reason, "the reason travels in the record's headers");
        String text = new String(reason.value(), StandardCharsets.UTF_8);
        assertEquals(true, text.contains("not JSON"), "reason: " + text);
    }

    @Test
    void aTransitionOfAKindAddedLaterIsSkippedAndCounted() {
        String c = customer();
        long purchaseBefore = entered("lifecycle", "purchase");
        double skippedBefore = PrometheusScrape.value("touchpoint_metrics_transitions_total", "kind", "other",
                "outcome", "skipped");
        String futureKind = """
                {"schemaVersion":1,"transitionId":"stage_left:%s:purchase","kind":"stage_left","customerId":"%s",\
                "at":"%s","stage":"purchase"}""".formatted(c, c, now());

        send(c, futureKind, stageEntered(c, "purchase", "web", now()));

        awaitEntered("lifecycle", "purchase", null, purchaseBefore + 1);
        assertEquals(skippedBefore + 1, PrometheusScrape.value("touchpoint_metrics_transitions_total", "kind",
                "other", "outcome", "skipped"));
    }

    private static ConsumerRecord<String, String> findInDeadLetterTopic(String value) {
        Properties props = new Properties();
        props.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TransitionRecords.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(TransitionRecords.DLQ_TOPIC));
            long deadline = System.nanoTime() + TransitionRecords.patience().toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (value.equals(r.value())) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("the poison record never reached " + TransitionRecords.DLQ_TOPIC);
    }
}
