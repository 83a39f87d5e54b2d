package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * touchpoints.v1 consumed for the KPIs: customers found through the identifiers transitions carry, events of
 * customers not known yet under stage {@code unknown}, poison records dead-lettered, and the KPI gauges on
 * /q/metrics. Days in March 2025 are used only here.
 */
@QuarkusTest
class KpiConsumptionTest {

    private static JsonPath kpis(String query) {
        return given().auth().oauth2(FunnelApi.TOKEN).when().get("/kpis" + query).then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void anEventFindsItsCustomerThroughTheIdentifiersOfItsTransitionsElseCountsAsUnknownStage() {
        String c = TransitionRecords.customer();
        String anonymous = "anon-kpi-" + c;
        Instant entered = Instant.parse("2025-03-03T09:00:00Z");
        TransitionRecords.send(c, """
                {"schemaVersion":1,"transitionId":"stage_entered:%s:use","kind":"stage_entered","customerId":"%s",\
                "at":"%s","stage":"use","previousStage":null,"channel":"app","sourceId":"ios",\
                "causeMessageId":"m-%s","userId":null,"anonymousId":"%s","absorbedCustomerId":null}"""
                .formatted(c, c, entered, c, anonymous));
        FunnelApi.await("use entry on 2025-03-03", () -> given().auth().oauth2(FunnelApi.TOKEN)
                .queryParam("from", "2025-03-03").queryParam("to", "2025-03-03").when().get("/funnels/lifecycle")
                .then().extract().jsonPath().getLong("steps[4].entered"), v -> v >= 1);

        String stranger = "stranger-" + c;
        KpiTouchpoints.send(anonymous,
                KpiTouchpoints.trackAnonymous("kpi-a-" + c, anonymous, "Case Resolved", "contact_center",
                        entered.plusSeconds(600), "{\"caseId\":\"k1\",\"contactCount\":1,\"resolutionSeconds\":120}"),
                KpiTouchpoints.track("kpi-b-" + c, stranger, "Case Resolved", "contact_center", entered.plusSeconds(900),
                        "{\"caseId\":\"k2\",\"contactCount\":3,\"resolutionSeconds\":3000}"),
                // before the customer entered any stage: unknown
                KpiTouchpoints.trackAnonymous("kpi-c-" + c, anonymous, "Like", "social", entered.minusSeconds(60), "{}"));

        String day = "?from=2025-03-03&to=2025-03-03";
        JsonPath use = FunnelApi.await("the case under stage use", () -> kpis(day + "&stage=use"),
                j -> j.getLong("firstContactResolution.resolvedCases") == 1);
        assertEquals(100.0, use.getDouble("firstContactResolution.rate"), 1e-9);
        assertEquals(120.0, use.getDouble("resolutionTime.meanSeconds"), 1e-9);
        JsonPath unknown = FunnelApi.await("the stranger's case under unknown", () -> kpis(day + "&stage=unknown"),
                j -> j.getLong("firstContactResolution.resolvedCases") == 1 && j.getLong("socialEngagement.total") == 1);
        assertEquals(0.0, unknown.getDouble("firstContactResolution.rate"), 1e-9);
        JsonPath all = kpis(day + "&channel=contact_center");
        assertEquals(2, all.getLong("firstContactResolution.resolvedCases"));
        assertEquals(50.0, all.getDouble("firstContactResolution.rate"), 1e-9);
        assertEquals(1560.0, all.getDouble("resolutionTime.meanSeconds"), 1e-9);
        assertEquals(2, all.getLong("resolutionTime.cases"));
    }

    @Test
    void anUnreadableTouchpointGoesToTheKpiDeadLetterTopicAndConsumingGoesOn() {
        String key = "poison-" + UUID.randomUUID();
        String poison = "{\"schemaVersion\":1,\"messageId\":\"" + key + "\",\"type\":\"track\"}";
        String day = "2025-03-10";
        KpiTouchpoints.send(key, poison, KpiTouchpoints.track("after-" + key, key, "Share", "social",
                Instant.parse(day + "T10:00:00Z"), "{}"));
        FunnelApi.await("the share behind the poison record", () -> kpis("?from=" + day + "&to=" + day)
                .getLong("socialEngagement.share"), v -> v == 1);

        Properties props = new Properties();
        props.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TransitionRecords.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "kpi-dlq-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        ConsumerRecord<String, String> dead = null;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(KpiTouchpoints.DLQ_TOPIC));
            long deadline = System.nanoTime() + TransitionRecords.patience().toNanos();
            while (dead == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (poison.equals(r.value())) {
                        dead = r;
                    }
                }
            }
        }
        assertNotNull(dead, "the poison record reached " + KpiTouchpoints.DLQ_TOPIC);
        assertEquals(key, dead.key());
        String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("userId or anonymousId"), reason);
    }

    @Test
    void prometheusShowsFunnelStatesConversionKpisAndConsumerLag() {
        String exposition = FunnelApi.await("gauges registered", PrometheusScrape::scrape,
                s -> s.contains("touchpoint_kpi{"));
        assertTrue(exposition.contains(
                "touchpoint_funnel_step_customers{channel=\"web\",funnel=\"lifecycle\",stage=\"awareness\",state=\"dropped\"}"));
        assertTrue(exposition.contains("touchpoint_funnel_conversion_ratio{channel=\"all\",funnel=\"purchase\",stage=\"discovery\"}"));
        assertTrue(exposition.contains("touchpoint_funnel_time_to_convert_seconds{funnel=\"purchase\",quantile=\"0.9\",stage=\"discovery\"}"));
        assertTrue(exposition.contains("touchpoint_kpi{channel=\"all\",kpi=\"nps\"}"));
        assertTrue(exposition.contains("touchpoint_metrics_touchpoints_total{kind=\"survey\",outcome=\"duplicate\"}"));
        assertTrue(exposition.contains("kafka_consumer_fetch_manager_records_lag"), "consumer lag from the Kafka client");
        // the last step has no next step: no conversion ratio series
        assertTrue(!exposition.contains("touchpoint_funnel_conversion_ratio{channel=\"all\",funnel=\"purchase\",stage=\"purchase\"}"));
    }
}
