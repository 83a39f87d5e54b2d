package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The batch consumer (ADR 0013): records produced together under one key arrive in one poll, so one batch. A
 * record in the middle of a batch that cannot be read, and one that Redis refuses to count, go to the dead-letter
 * topic while every other record of the batch counts exactly once; a whole batch delivered again changes nothing.
 * Uses the test-profile funnel {@code batch} (b-one → b-two → b-three), which no other test touches.
 */
@QuarkusTest
class BatchConsumptionTest {

    private static final String FUNNEL = "batch";

    @Inject
    RedisDataSource redis;

    @Test
    void poisonRecordsInTheMiddleOfABatchAreDeadLetteredAndTheRestCountsOnce() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant t = TransitionRecords.now().minusSeconds(3_600);
        Map<String, Long> before = enteredByStage();
        // A customer one of whose keys holds the wrong type: Redis refuses its record, not the batch's others.
        String refused = TransitionRecords.customer();
        redis.value(String.class).set(generation() + "{funnel:" + FUNNEL + "}:customer:" + refused, "not a hash");
        String unreadable = "{not json " + run;
        String refusedRecord = TransitionRecords.stageEntered("stage_entered:" + refused + ":b-one", refused, "b-one",
                "web", t);

        List<String> values = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String c = TransitionRecords.customer();
            values.add(TransitionRecords.stageEntered(c, "b-one", "web", t));
            values.add(TransitionRecords.stageEntered(c, "b-two", "app", t.plusSeconds(60)));
            if (i == 4) {
                values.add(unreadable);
                values.add(refusedRecord);
            }
        }
        sendInOneBatch(values);

        ConsumerRecord<String, String> notJson = findInDeadLetterTopic(unreadable);
        ConsumerRecord<String, String> notCounted = findInDeadLetterTopic(refusedRecord);
        assertTrue(reason(notJson).contains("not JSON"), reason(notJson));
        assertTrue(reason(notCounted).contains("WRONGTYPE") || reason(notCounted).contains("wrong kind"),
                reason(notCounted));
        // the dead letters were sent before the batch was acknowledged, so the batch is done: exactly 10 each
        FunnelApi.awaitEntered(FUNNEL, "b-two", null, before.get("b-two") + 10);
        assertEquals(before.get("b-one") + 10, FunnelApi.entered(FUNNEL, "b-one"));
        assertEquals(before.get("b-two") + 10, FunnelApi.entered(FUNNEL, "b-two"));
    }

    @Test
    void deliveringAWholeBatchAgainChangesNothing() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant t = TransitionRecords.now().minusSeconds(7_200);
        List<String> values = new ArrayList<>();
        String survivor = TransitionRecords.customer();
        String absorbed = TransitionRecords.customer();
        for (int i = 0; i < 8; i++) {
            String c = i == 0 ? survivor : i == 1 ? absorbed : TransitionRecords.customer();
            values.add(TransitionRecords.stageEntered("stage_entered:" + c + ":b-one:" + run, c, "b-one", "store", t));
            values.add(TransitionRecords.stageEntered("stage_entered:" + c + ":b-two:" + run, c, "b-two", "email",
                    t.plusSeconds(600 + i)));
            values.add(TransitionRecords.stageEntered("stage_entered:" + c + ":b-three:" + run, c, "b-three", "web",
                    t.plusSeconds(1_200 + i)));
        }
        values.add(TransitionRecords.customerMerged(survivor, absorbed, t.plusSeconds(1_800)));
        Map<String, Long> before = enteredByStage();
        long storeBefore = FunnelApi.entered(FUNNEL, "b-one", "store");
        double consumedBefore = Records.transitionsConsumed();

        sendInOneBatch(values);
        FunnelApi.await("the batch consumed", Records::transitionsConsumed, v -> v >= consumedBefore + values.size());
        // 8 customers, two of them one person after the merge
        assertEquals(storeBefore + 7, FunnelApi.entered(FUNNEL, "b-one", "store"));
        assertEquals(before.get("b-three") + 7, FunnelApi.entered(FUNNEL, "b-three"));
        String afterFirst = funnelReport();
        double duplicatesBefore = duplicates();

        sendInOneBatch(values);
        FunnelApi.await("every record of the batch seen as a duplicate", BatchConsumptionTest::duplicates,
                d -> d >= duplicatesBefore + values.size());
        assertEquals(duplicatesBefore + values.size(), duplicates());
        assertEquals(afterFirst, funnelReport());
    }

    @Test
    void everyKeyLivesInAPartWithAHashTagOfItsOwn() {
        // let the other tests' records in: every key the service wrote so far must follow ADR 0013's layout
        Pattern layout = Pattern.compile("tp:metrics:(\\{control\\}:.+|g\\d+:\\{(people|funnel:[a-z0-9_-]+)\\}:.+)");
        String c = TransitionRecords.customer();
        TransitionRecords.send(c, TransitionRecords.stageEntered(c, "b-one", "web", TransitionRecords.now()));
        FunnelApi.await("the record counted", () -> redis.key().exists(generation() + "{people}:stages:" + c), e -> e);
        List<String> keys = new ArrayList<>();
        redis.key().scan(new KeyScanArgs().match("tp:metrics:*").count(1000)).toIterable().forEach(keys::add);
        assertTrue(keys.size() > 10, "keys: " + keys);
        for (String key : keys) {
            assertTrue(layout.matcher(key).matches(), key + " is outside the documented parts");
        }
    }

    private String generation() {
        String g = redis.value(String.class).get("tp:metrics:{control}:generation");
        return g == null ? "tp:metrics:g0:" : g;
    }

    private static Map<String, Long> enteredByStage() {
        Map<String, Long> out = new HashMap<>();
        FunnelApi.steps(FUNNEL).forEach((stage, step) -> out.put(stage, step.entered()));
        return out;
    }

    private static String funnelReport() {
        return given().auth().oauth2(FunnelApi.TOKEN).when().get("/funnels/{id}", FUNNEL).then().statusCode(200)
                .extract().asString();
    }

    private static double duplicates() {
        return PrometheusScrape.value("touchpoint_metrics_transitions_total", "kind", "stage_entered", "outcome",
                "duplicate") + PrometheusScrape.value("touchpoint_metrics_transitions_total", "kind",
                        "customer_merged", "outcome", "duplicate");
    }

    /** One key, so one partition, produced together: the consumer's next poll takes them as one batch. */
    private static void sendInOneBatch(List<String> values) {
        String key = "batch-" + UUID.randomUUID();
        Records.sendAll(values.stream().map(v -> new ProducerRecord<>(TransitionRecords.TOPIC, key, v)).toList());
    }

    private static String reason(ConsumerRecord<String, String> r) {
        Header h = r.headers().lastHeader("dead-letter-reason");
        assertNotNull(h, "the reason travels in the record's headers");
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<String, String> findInDeadLetterTopic(String value) {
        Properties props = new Properties();
        props.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TransitionRecords.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "batch-test-" + UUID.randomUUID(),
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
        throw new AssertionError("the record never reached " + TransitionRecords.DLQ_TOPIC + ": " + value);
    }
}
