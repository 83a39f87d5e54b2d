package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;

/**
 * Acceptance: a seeded population of 1,000 customers through the real Kafka topics into the real Redis gives
 * exactly the answers {@link Population} computes from the generated truth: funnel counts per step and channel
 * (entered, converted, in progress, dropped after the window), time-to-convert buckets, and NPS, CSAT, CES, FCR,
 * resolution time, churn, CLV and social engagement per stage. Then every record is delivered again and nothing
 * changes; then Redis is flushed and a rebuild from the export API (a contract-level stub serving the same
 * truth) gives the same answers again.
 */
@QuarkusTest
@QuarkusTestResource(JourneyExportStub.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PopulationAcceptanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Means need doubles; RestAssured reads floats by default. */
    private static final JsonPathConfig DOUBLES = new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);
    private static final Population POPULATION = new Population(20261123L, 1000, Instant.now());

    @Inject
    RedisDataSource redis;

    @Test
    @Order(1)
    void aGeneratedPopulationGivesTheExpectedFunnelsDropOffsAndKpis() {
        double transitionsBefore = Records.transitionsConsumed();
        Records.sendAll(POPULATION.transitions);
        awaitConsumed("transitions", Records::transitionsConsumed, transitionsBefore + POPULATION.transitions.size());

        double touchpointsBefore = Records.touchpointsConsumed();
        Records.sendAll(POPULATION.touchpoints);
        awaitConsumed("touchpoints", Records::touchpointsConsumed, touchpointsBefore + POPULATION.touchpoints.size());

        // erasures last: they must take out funnel entries and KPI events alike
        double erasuresBefore = Records.transitionsConsumed();
        Records.sendAll(POPULATION.erasures);
        awaitConsumed("erasures", Records::transitionsConsumed, erasuresBefore + POPULATION.erasures.size());

        assertEverythingAsExpected();
    }

    @Test
    @Order(2)
    void deliveringEveryRecordAgainChangesNoCounter() {
        double duplicateTransitions = PrometheusScrape.sum("touchpoint_metrics_transitions_total{kind=\"stage_entered\",outcome=\"duplicate\"}");
        double transitionsBefore = Records.transitionsConsumed();
        double touchpointsBefore = Records.touchpointsConsumed();
        double duplicatesBefore = duplicates();
        List<ProducerRecord<String, String>> again = new ArrayList<>(POPULATION.transitions);
        again.addAll(POPULATION.erasures);

        Records.sendAll(again);
        Records.sendAll(POPULATION.touchpoints);
        awaitConsumed("transitions again", Records::transitionsConsumed, transitionsBefore + again.size());
        awaitConsumed("touchpoints again", Records::touchpointsConsumed,
                touchpointsBefore + POPULATION.touchpoints.size());

        assertEquals(duplicatesBefore + again.size() + POPULATION.touchpoints.size(), duplicates(),
                "every record was recognised as a duplicate (" + duplicateTransitions + " before)");
        assertEverythingAsExpected();
    }

    @Test
    @Order(3)
    void afterFlushallARebuildFromTheExportGivesTheSameAnswers() {
        List<ObjectNode> history = new ArrayList<>();
        List<ObjectNode> touchpoints = new ArrayList<>();
        for (Population.Person p : POPULATION.live()) {
            // what journey-service exports: live customers only, absorbed ones under their survivor
            p.truth.values().forEach(e -> history.add(JSON.createObjectNode().put("customerId", p.id)
                    .put("stage", e.stage()).put("enteredAt", e.at().toString()).put("channel", e.channel())
                    .put("sourceId", "dev-web").put("causeMessageId", "cause-" + p.id + "-" + e.stage())));
            for (Population.Kpi k : p.kpis) {
                ObjectNode item = JSON.createObjectNode().put("customerId", p.id);
                item.set("touchpoint", Population.touchpoint(k));
                touchpoints.add(item);
            }
        }
        JourneyExportStub.serve(history, touchpoints);

        redis.flushall();
        given().auth().oauth2(FunnelApi.TOKEN).when().get("/funnels/population").then().statusCode(200)
                .body("steps[0].entered", org.hamcrest.Matchers.equalTo(0));

        given().auth().oauth2(FunnelApi.TOKEN).when().post("/admin/rebuild")
                .then().statusCode(202).header("Location", "/admin/rebuild")
                .body("state", org.hamcrest.Matchers.equalTo("running"));
        JsonPath done = FunnelApi.await("rebuild finished", () -> given().auth().oauth2(FunnelApi.TOKEN)
                .when().get("/admin/rebuild").then().statusCode(200).extract().jsonPath(),
                s -> !"running".equals(s.getString("state")));
        assertEquals("succeeded", done.getString("state"), "error: " + done.getString("error"));
        assertEquals(POPULATION.liveEntries(), done.getLong("stageEntries"));
        assertEquals(touchpoints.size(), done.getLong("touchpoints"));
        assertEquals(0, done.getLong("unreadable"));

        assertEverythingAsExpected();

        // the rebuilt generation counts live records from here on: a new entry shows, a re-delivered one does not
        Population.Person someone = POPULATION.people.get(1);
        ProducerRecord<String, String> exported = POPULATION.transitions.stream()
                .filter(r -> r.value().contains("\"stage_entered:" + someone.id + ":p-aware\"")).findFirst().orElseThrow();
        long before = FunnelApi.entered(Population.FUNNEL, "p-aware");
        Records.sendAll(List.of(exported, new ProducerRecord<>(TransitionRecords.TOPIC,
                "newcomer", TransitionRecords.stageEntered(TransitionRecords.customer(), "p-aware", "web",
                        TransitionRecords.now()))));
        FunnelApi.awaitEntered(Population.FUNNEL, "p-aware", null, before + 1);
        assertEquals(before + 1, FunnelApi.entered(Population.FUNNEL, "p-aware"), someone.id + " counted once");
    }

    private void assertEverythingAsExpected() {
        // the funnel: all channels, each channel, and a range of entry days
        for (String channel : withAll(Population.CHANNELS)) {
            List<String> expected = POPULATION.expectedFunnel(channel, null, null);
            FunnelApi.await("funnel population channel=" + channel + " == " + expected,
                    () -> funnel(channel, null, null), expected::equals);
        }
        LocalDate from = day(POPULATION.now.minus(12, ChronoUnit.DAYS));
        LocalDate to = day(POPULATION.now.minus(4, ChronoUnit.DAYS));
        assertEquals(POPULATION.expectedFunnel("web", from, to), funnel("web", from, to));

        // the KPIs per stage (the population's stages are its own), and with day and channel filters
        for (String stage : Population.STAGES) {
            assertEquals(POPULATION.expectedKpis(stage, null, null, null), kpis(stage, null, null, null), stage);
            assertEquals(POPULATION.expectedKpis(stage, "contact_center", from, to),
                    kpis(stage, "contact_center", from, to), stage + " contact_center " + from + ".." + to);
        }
        given().auth().oauth2(FunnelApi.TOKEN).queryParam("stage", "p-buy").when().get("/kpis")
                .then().statusCode(200)
                .body("churn.customersReachedBaseStage", org.hamcrest.Matchers.equalTo((int) POPULATION.reachedBaseStage()));
    }

    private static List<String> funnel(String channel, LocalDate from, LocalDate to) {
        var request = given().auth().oauth2(FunnelApi.TOKEN);
        if (channel != null) {
            request = request.queryParam("channel", channel);
        }
        if (from != null) {
            request = request.queryParam("from", from.toString()).queryParam("to", to.toString());
        }
        List<Map<String, Object>> steps = request.when().get("/funnels/{id}", Population.FUNNEL)
                .then().statusCode(200).extract().jsonPath().using(DOUBLES).getList("steps");
        return Population.describeSteps(steps);
    }

    private static String kpis(String stage, String channel, LocalDate from, LocalDate to) {
        var request = given().auth().oauth2(FunnelApi.TOKEN).queryParam("stage", stage);
        if (channel != null) {
            request = request.queryParam("channel", channel);
        }
        if (from != null) {
            request = request.queryParam("from", from.toString()).queryParam("to", to.toString());
        }
        JsonPath k = request.when().get("/kpis").then().statusCode(200).extract().jsonPath().using(DOUBLES);
        return Population.kpiLine(d(k, "nps.score"), k.getLong("nps.responses"), k.getLong("nps.promoters"),
                k.getLong("nps.passives"), k.getLong("nps.detractors"), d(k, "csat.score"), d(k, "csat.meanScore"),
                k.getLong("csat.responses"), d(k, "ces.meanScore"), k.getLong("ces.responses"),
                d(k, "firstContactResolution.rate"), k.getLong("firstContactResolution.resolvedCases"),
                k.getLong("firstContactResolution.resolvedOnFirstContact"), d(k, "resolutionTime.meanSeconds"),
                k.getLong("resolutionTime.cases"), k.getLong("churn.churnedCustomers"),
                k.getLong("churn.cancellations"), d(k, "clv.value"), d(k, "clv.revenue"),
                k.getLong("clv.payingCustomers"), k.getLong("clv.orders"), k.getLong("socialEngagement.total"),
                k.getLong("invalid.nps"), k.getLong("invalid.csat"));
    }

    private static Double d(JsonPath json, String path) {
        Object v = json.get(path);
        return v == null ? null : ((Number) v).doubleValue();
    }

    private static double duplicates() {
        String scrape = PrometheusScrape.scrape();
        double total = 0;
        for (String line : scrape.split("\n")) {
            if ((line.startsWith("touchpoint_metrics_transitions_total{") || line.startsWith("touchpoint_metrics_touchpoints_total{"))
                    && line.contains("outcome=\"duplicate\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static void awaitConsumed(String what, java.util.function.Supplier<Double> read, double expected) {
        FunnelApi.await(what + " consumed == " + expected, read, v -> v >= expected);
    }

    private static List<String> withAll(List<String> channels) {
        List<String> all = new ArrayList<>();
        all.add(null);
        all.addAll(channels);
        return all;
    }

    private static LocalDate day(Instant at) {
        return at.atOffset(ZoneOffset.UTC).toLocalDate();
    }
}
