package io.touchpoint.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.metrics.messaging.TouchpointParser;
import io.touchpoint.metrics.service.KpiEvent;
import io.touchpoint.metrics.service.Touchpoint;
import io.touchpoint.metrics.service.TrackingPlan;

/** Which touchpoints count in which KPI measures (deploy/contracts/tracking-plan.md), read from the contract's samples. */
class TrackingPlanTest {

    private static final Path SAMPLES = Path.of("..", "deploy", "contracts", "samples");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TouchpointParser parser = new TouchpointParser(JSON);

    private Map<String, Long> measures(Touchpoint t) {
        return TrackingPlan.measure(t).map(e -> e.measures().stream()
                .collect(Collectors.toMap(KpiEvent.Measure::name, KpiEvent.Measure::delta))).orElse(Map.of());
    }

    private Touchpoint sample(String name) throws IOException {
        return parser.parse(Files.readString(SAMPLES.resolve(name)));
    }

    private Touchpoint track(String event, String properties) {
        return parser.parse("""
                {"schemaVersion":1,"messageId":"m-1","type":"track","event":"%s","channel":"web","sourceId":"s",
                 "userId":"u-1","properties":%s,"receivedAt":"2026-11-23T10:00:00.000Z",
                 "timestamp":"2026-11-23T10:00:00.000Z"}""".formatted(event, properties));
    }

    @Test
    void theContractSamplesCountAsTheTrackingPlanSays() throws IOException {
        assertEquals(Map.of("csat_responses", 1L, "csat_score_sum", 4L, "csat_satisfied", 1L),
                measures(sample("touchpoints.v1.survey_completed.json")));
        assertEquals(Map.of("cases_resolved", 1L, "cases_first_contact", 1L, "resolution_count", 1L,
                "resolution_ms", 540_000L, "resolution_b2", 1L), measures(sample("touchpoints.v1.case_resolved.json")));
        Touchpoint order = sample("touchpoints.v1.order_completed.json");
        assertEquals(Map.of("orders", 1L, "revenue_cents", 12_900L), measures(order));
        assertEquals(List.of(TrackingPlan.PAYERS), TrackingPlan.measure(order).orElseThrow().firsts());
        assertEquals(Map.of("social_mention", 1L), measures(sample("touchpoints.v1.social_mention.json")));
        assertTrue(TrackingPlan.measure(sample("touchpoints.v1.track.json")).isEmpty(), "Product Viewed is no KPI");
        assertTrue(TrackingPlan.measure(sample("touchpoints.v1.identify.json")).isEmpty());
    }

    @Test
    void npsSplitsPromotersPassivesAndDetractors() {
        assertEquals(Map.of("nps_responses", 1L, "nps_promoters", 1L),
                measures(track("Survey Completed", "{\"surveyType\":\"nps\",\"score\":9}")));
        assertEquals(Map.of("nps_responses", 1L, "nps_passives", 1L),
                measures(track("Survey Completed", "{\"surveyType\":\"nps\",\"score\":8}")));
        assertEquals(Map.of("nps_responses", 1L, "nps_detractors", 1L),
                measures(track("Survey Completed", "{\"surveyType\":\"nps\",\"score\":0}")));
    }

    @Test
    void outOfRangeOrFractionalScoresCountOnlyAsInvalid() {
        assertEquals(Map.of("invalid_nps", 1L), measures(track("Survey Completed", "{\"surveyType\":\"nps\",\"score\":11}")));
        assertEquals(Map.of("invalid_csat", 1L), measures(track("Survey Completed", "{\"surveyType\":\"csat\",\"score\":0}")));
        assertEquals(Map.of("invalid_ces", 1L), measures(track("Survey Completed", "{\"surveyType\":\"ces\",\"score\":2.5}")));
        assertEquals(Map.of("invalid_ces", 1L), measures(track("Survey Completed", "{\"surveyType\":\"ces\",\"score\":\"3\"}")));
        assertEquals(Map.of("invalid_survey", 1L), measures(track("Survey Completed", "{\"surveyType\":\"ux\",\"score\":3}")));
        assertEquals(Map.of("invalid_case", 1L), measures(track("Case Resolved", "{\"contactCount\":0}")));
        assertEquals(Map.of("invalid_order", 1L), measures(track("Order Completed", "{\"revenue\":-5}")));
    }

    @Test
    void revenueFallsBackToTotalAndChurnCountsTheCustomerOnce() {
        assertEquals(Map.of("orders", 1L, "revenue_cents", 1_999L),
                measures(track("Order Completed", "{\"total\":19.99}")));
        KpiEvent cancel = TrackingPlan.measure(track("Subscription Cancelled", "{\"reason\":\"price\"}")).orElseThrow();
        assertEquals(List.of(TrackingPlan.CHURNED), cancel.firsts());
        assertEquals(Map.of("cancellations", 1L), measures(track("Subscription Cancelled", "null")));
        assertEquals(Map.of("social_direct_message", 1L), measures(track("Direct Message", "{}")));
    }
}
