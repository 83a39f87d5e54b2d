package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;
import static io.touchpoint.metrics.TransitionRecords.customer;
import static io.touchpoint.metrics.TransitionRecords.send;
import static io.touchpoint.metrics.TransitionRecords.stageEntered;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;

/**
 * Drop-off after the conversion window (event time), time to convert, the drop-off ranking, corrections that
 * move an entry to another day and channel, and erasures, read over REST. The test-profile funnel {@code trial}
 * (trial-start → trial-used → trial-paid, window 3 days) is used only here; corrections and erasures use days in
 * January/February 2025 that no other test touches.
 */
@QuarkusTest
class DropOffAndCorrectionTest {

    private static final JsonPathConfig DOUBLES = new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);

    private static JsonPath funnel(String id, String query) {
        return given().auth().oauth2(FunnelApi.TOKEN).when().get("/funnels/" + id + query)
                .then().statusCode(200).extract().jsonPath().using(DOUBLES);
    }

    @Test
    void aStepWhoseWindowPassedWithoutTheNextStageIsDroppedAndConversionsHaveATime() {
        Instant now = TransitionRecords.now();
        String dropped = customer();
        String convertedInADay = customer();
        String inProgress = customer();
        String convertedLate = customer();
        send(dropped, stageEntered(dropped, "trial-start", "web", now.minus(Duration.ofDays(5))));
        send(convertedInADay, stageEntered(convertedInADay, "trial-start", "app", now.minus(Duration.ofDays(5))),
                stageEntered(convertedInADay, "trial-used", "app", now.minus(Duration.ofDays(4))));
        send(inProgress, stageEntered(inProgress, "trial-start", "web", now.minus(Duration.ofHours(1))));
        // converted after the window: a conversion all the same (dropped only while the next stage is missing)
        send(convertedLate, stageEntered(convertedLate, "trial-start", "email", now.minus(Duration.ofDays(10))),
                stageEntered(convertedLate, "trial-used", "email", now.minus(Duration.ofDays(1))));

        // all four counted: until convertedLate's trial-used is in, a sweep may not yet have dropped its trial-start
        JsonPath start = FunnelApi.await("trial-start: 4 entered, 1 dropped, 2 converted", () -> funnel("trial", ""),
                j -> j.getLong("steps[0].entered") == 4 && j.getLong("steps[0].dropped") == 1
                        && j.getLong("steps[1].dropped") == 1 && j.getLong("steps[1].entered") == 2);
        assertEquals(2, start.getLong("steps[0].convertedToNext"));
        assertEquals(1, start.getLong("steps[0].inProgress"));
        assertEquals(0.25, start.getDouble("steps[0].dropOffRate"), 1e-9);
        assertEquals(0.5, start.getDouble("steps[0].conversionRate"), 1e-9);
        // 1 day and 9 days: buckets (…, 86400] and (604800, 1209600]; mean 5 days
        assertEquals(2, start.getLong("steps[0].timeToConvert.count"));
        assertEquals(5 * 86_400.0, start.getDouble("steps[0].timeToConvert.meanSeconds"), 1e-6);
        List<Map<String, Object>> buckets = start.getList("steps[0].timeToConvert.buckets");
        assertEquals(Map.of("le", "43200", "count", 0.0), normal(buckets.get(6)));
        assertEquals(Map.of("le", "86400", "count", 1.0), normal(buckets.get(7)));
        assertEquals(Map.of("le", "604800", "count", 1.0), normal(buckets.get(10)));
        assertEquals(Map.of("le", "1209600", "count", 2.0), normal(buckets.get(11)));
        assertEquals(Map.of("le", "+Inf", "count", 2.0), normal(buckets.get(13)));
        // trial-used: entered 4 days ago without trial-paid (dropped), and 1 day ago (in progress)
        assertEquals(2, start.getLong("steps[1].entered"));
        assertEquals(1, start.getLong("steps[1].inProgress"));
        assertEquals((Object) null, start.get("steps[2].dropped"), "the last step has no next step to drop from");

        JsonPath web = funnel("trial", "?channel=web");
        assertEquals(2, web.getLong("steps[0].entered"));
        assertEquals(1, web.getLong("steps[0].dropped"));
        assertEquals(1, web.getLong("steps[0].inProgress"));

        List<Map<String, Object>> ranking = given().auth().oauth2(FunnelApi.TOKEN).queryParam("top", 100)
                .when().get("/dropoffs").then().statusCode(200).extract().jsonPath().using(DOUBLES).getList("$");
        assertTrue(ranking.stream().anyMatch(d -> d.get("funnel").equals("trial") && d.get("stage").equals("trial-start")
                && d.get("nextStage").equals("trial-used") && ((Number) d.get("dropped")).longValue() == 1
                && ((Number) d.get("dropOffRate")).doubleValue() == 0.25), ranking.toString());
        for (int i = 1; i < ranking.size(); i++) {
            assertTrue(((Number) ranking.get(i - 1).get("dropped")).longValue()
                    >= ((Number) ranking.get(i).get("dropped")).longValue(), "most dropped first: " + ranking);
        }
        List<Object> top1 = given().auth().oauth2(FunnelApi.TOKEN).queryParam("top", 1).when().get("/dropoffs")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(1, top1.size());
    }

    @Test
    void aCorrectionMovesTheEntryToItsNewDayAndChannel() {
        String c = customer();
        Instant seen = Instant.parse("2025-01-10T12:00:00Z");
        Instant earlier = Instant.parse("2025-01-05T08:00:00Z");
        send(c, stageEntered(c, "purchase", "web", seen));
        FunnelApi.await("entry on 2025-01-10 via web", () -> funnel("lifecycle", "?from=2025-01-10&to=2025-01-10&channel=web")
                .getLong("steps[3].entered"), v -> v == 1);

        send(c, """
                {"schemaVersion":1,"transitionId":"stage_corrected:%s:purchase:late-1","kind":"stage_corrected",\
                "customerId":"%s","at":"%s","previousAt":"%s","stage":"purchase","previousStage":null,\
                "channel":"store","sourceId":"pos","causeMessageId":"late-1","userId":null,"anonymousId":null,\
                "absorbedCustomerId":null}""".formatted(c, c, earlier, seen));

        FunnelApi.await("entry moved to 2025-01-05 via store",
                () -> funnel("lifecycle", "?from=2025-01-05&to=2025-01-05&channel=store").getLong("steps[3].entered"),
                v -> v == 1);
        assertEquals(0, funnel("lifecycle", "?from=2025-01-10&to=2025-01-10").getLong("steps[3].entered"));
        assertEquals(1, funnel("lifecycle", "?from=2025-01-01&to=2025-01-31").getLong("steps[3].entered"),
                "still one customer");
    }

    @Test
    void anErasedCustomerLeavesNoFunnelEntryAndNoKpiBehind() {
        String c = customer();
        Instant at = Instant.parse("2025-02-01T10:00:00Z");
        String user = "erasure-test-" + c;
        send(c, """
                {"schemaVersion":1,"transitionId":"stage_entered:%s:support","kind":"stage_entered","customerId":"%s",\
                "at":"%s","stage":"support","previousStage":null,"channel":"contact_center","sourceId":"cc",\
                "causeMessageId":"m-%s","userId":"%s","anonymousId":null,"absorbedCustomerId":null}"""
                .formatted(c, c, at, c, user));
        FunnelApi.await("support entry on 2025-02-01", () -> funnel("lifecycle", "?from=2025-02-01&to=2025-02-01")
                .getLong("steps[5].entered"), v -> v == 1);
        KpiTouchpoints.send(user, KpiTouchpoints.track("erase-nps-" + c, user, "Survey Completed", "contact_center",
                at.plusSeconds(60), "{\"surveyType\":\"nps\",\"score\":10}"));
        FunnelApi.await("the NPS answer counts under support", () -> nps("2025-02-01", "support"), v -> v == 1);

        send(c, """
                {"schemaVersion":1,"transitionId":"customer_erased:%s","kind":"customer_erased","customerId":"%s",\
                "at":"%s"}""".formatted(c, c, TransitionRecords.now()));
        FunnelApi.await("entry gone", () -> funnel("lifecycle", "?from=2025-02-01&to=2025-02-01")
                .getLong("steps[5].entered"), v -> v == 0);
        assertEquals(0, nps("2025-02-01", "support"), "the survey answer is gone too");

        // a late record of the erased customer does not bring it back
        send(c, stageEntered(c, "support", "web", at.plusSeconds(5)), stageEntered(customer(), "support", "web",
                at.plusSeconds(7)));
        FunnelApi.await("sentinel counted", () -> funnel("lifecycle", "?from=2025-02-01&to=2025-02-01")
                .getLong("steps[5].entered"), v -> v == 1);
    }

    @Test
    void badParametersAreProblemJson() {
        String problem = "application/problem+json";
        for (String query : List.of("?from=2026-11-23&to=2026-11-01", "?from=23.11.2026", "?to=2026-11-01",
                "?from=2024-01-01&to=2026-01-01", "?from=2026-02-30&to=2026-03-01")) {
            given().auth().oauth2(FunnelApi.TOKEN).when().get("/funnels/lifecycle" + query)
                    .then().statusCode(400).contentType(startsWith(problem))
                    .body("type", equalTo("urn:touchpoint:problem:invalid-parameter"))
                    .body("instance", equalTo("/funnels/lifecycle"));
            given().auth().oauth2(FunnelApi.TOKEN).when().get("/kpis" + query)
                    .then().statusCode(400).contentType(startsWith(problem));
        }
        given().auth().oauth2(FunnelApi.TOKEN).queryParam("from", "2026-11-23").queryParam("to", "2026-11-01")
                .when().get("/funnels/lifecycle").then().body("detail", containsString("after"));
        given().auth().oauth2(FunnelApi.TOKEN).queryParam("stage", "nirvana").when().get("/kpis")
                .then().statusCode(400).contentType(startsWith(problem)).body("detail", containsString("stage"));
        given().auth().oauth2(FunnelApi.TOKEN).queryParam("channel", "fax").when().get("/kpis")
                .then().statusCode(400).contentType(startsWith(problem));
        for (String top : List.of("0", "101", "five", "-1")) {
            given().auth().oauth2(FunnelApi.TOKEN).queryParam("top", top).when().get("/dropoffs")
                    .then().statusCode(400).contentType(startsWith(problem)).body("detail", containsString("top"));
        }
        given().auth().oauth2(FunnelApi.TOKEN).queryParam("from", "2026-11-01").when().get("/funnels/nope")
                .then().statusCode(404).contentType(startsWith(problem));
        given().when().get("/kpis").then().statusCode(401).contentType(startsWith(problem))
                .header("WWW-Authenticate", "Bearer realm=\"touchpoint\"");
        given().when().post("/admin/rebuild").then().statusCode(401).contentType(startsWith(problem));
        given().auth().oauth2(FunnelApi.TOKEN).when().delete("/kpis").then().statusCode(405)
                .contentType(startsWith(problem));
    }

    private static long nps(String day, String stage) {
        return given().auth().oauth2(FunnelApi.TOKEN).queryParam("from", day).queryParam("to", day)
                .queryParam("stage", stage).when().get("/kpis").then().statusCode(200).extract().jsonPath()
                .getLong("nps.responses");
    }

    private static Map<String, Object> normal(Map<String, Object> bucket) {
        return Map.of("le", bucket.get("le"), "count", ((Number) bucket.get("count")).doubleValue());
    }
}
