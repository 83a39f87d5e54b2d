package io.touchpoint.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The whole system as a user runs it: the embedded stack and the three packaged services as separate
 * processes. Events go in through ingest's Segment API and come out of journey's and metrics' REST
 * APIs; every wait is bounded.
 */
class EndToEndIT {

    private static final String WRITE_KEY = TouchpointSystem.WRITE_KEY;
    private static final String API_TOKEN = TouchpointSystem.API_TOKEN;

    private static TouchpointSystem system;
    private static ServiceProcess ingest;
    private static ServiceProcess journey;
    private static ServiceProcess metrics;

    @BeforeAll
    static void startSystem() throws Exception {
        system = TouchpointSystem.get();
        ingest = system.ingest;
        journey = system.journey;
        metrics = system.metrics;
    }

    @Test
    void aVisitorWhoBuysShowsUpInTheJourneyAndInTheFunnel() throws Exception {
        String anonymousId = "anon-" + UUID.randomUUID();
        String userId = "user-" + UUID.randomUUID();
        Map<String, Long> before = enteredByStage("purchase");

        Instant t0 = Instant.now().minusSeconds(120);
        track(Map.of("anonymousId", anonymousId, "event", "Product Viewed",
                "properties", Map.of("product_id", "p-1"), "timestamp", t0.toString()));
        identify(Map.of("anonymousId", anonymousId, "userId", userId,
                "traits", Map.of("email", userId + "@example.com"), "timestamp", t0.plusSeconds(30).toString()));
        long posted = System.nanoTime();
        track(Map.of("userId", userId, "event", "Order Completed",
                "properties", Map.of("order_id", "o-1", "revenue", 99.5), "timestamp", t0.plusSeconds(60).toString()));

        // journey-service: one customer, both identifiers, touchpoints in time order, stages entered.
        JsonPath customer = await("customer " + userId, () -> given().auth().oauth2(API_TOKEN)
                .queryParam("identifier", "user_id:" + userId).get(journey.baseUrl() + "/customers"),
                r -> r.statusCode() == 200 && r.jsonPath().getInt("touchpointCount") == 3).jsonPath();
        assertTrue(customer.getList("identifiers.value").containsAll(List.of(userId, anonymousId)),
                "the anonymous visitor and the user are one customer: " + customer.prettify());
        String customerId = customer.getString("id");

        JsonPath journeyJson = await("journey of " + customerId, () -> given().auth().oauth2(API_TOKEN)
                .get(journey.baseUrl() + "/customers/" + customerId + "/journey"),
                r -> r.statusCode() == 200 && "purchase".equals(r.jsonPath().getString("currentStage"))).jsonPath();
        assertEquals(List.of("Product Viewed", "Order Completed"),
                journeyJson.getList("touchpoints.findAll { it.type == 'track' }.event"));
        assertTrue(journeyJson.getList("stages.stage").containsAll(List.of("discovery", "purchase")),
                journeyJson.prettify());

        // metrics-service: the purchase funnel counted this customer at discovery and purchase.
        JsonPath funnel = await("purchase funnel", () -> given().auth().oauth2(API_TOKEN)
                .get(metrics.baseUrl() + "/funnels/purchase"),
                r -> r.statusCode() == 200 && entered(r.jsonPath(), "purchase") >= before.get("purchase") + 1)
                .jsonPath();
        long flowMillis = Duration.ofNanos(System.nanoTime() - posted).toMillis();
        assertEquals(before.get("discovery") + 1, entered(funnel, "discovery"), funnel.prettify());
        assertEquals(before.get("purchase") + 1, entered(funnel, "purchase"), funnel.prettify());
        System.out.printf("e2e: last event visible in journey and funnel %d ms after ingest answered%n", flowMillis);
    }

    @Test
    void refusedInputGetsProblemJsonAndQueriesNeedTheToken() {
        given().contentType(ContentType.JSON).auth().preemptive().basic(WRITE_KEY, "")
                .body("{\"event\": \"Product Viewed\", ").post(ingest.baseUrl() + "/v1/track")
                .then().statusCode(400).contentType(containsString("application/problem+json"));
        given().contentType(ContentType.JSON)
                .body(Map.of("anonymousId", "a-1", "event", "Product Viewed")).post(ingest.baseUrl() + "/v1/track")
                .then().statusCode(401).contentType(containsString("application/problem+json"));
        given().auth().preemptive().basic("not-a-key", "").contentType(ContentType.JSON)
                .body(Map.of("anonymousId", "a-1", "event", "Product Viewed")).post(ingest.baseUrl() + "/v1/track")
                .then().statusCode(401).contentType(containsString("application/problem+json"));

        given().queryParam("identifier", "user_id:nobody").get(journey.baseUrl() + "/customers")
                .then().statusCode(401).contentType(containsString("application/problem+json"));
        given().auth().oauth2("wrong-token").get(metrics.baseUrl() + "/funnels/purchase")
                .then().statusCode(401).contentType(containsString("application/problem+json"));
    }

    @Test
    void everyServiceIsReadyAndExposesPrometheusMetrics() {
        for (ServiceProcess s : List.of(ingest, journey, metrics)) {
            given().get(s.baseUrl() + "/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
            given().get(s.baseUrl() + "/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
            given().get(s.baseUrl() + "/q/openapi").then().statusCode(200).body(containsString("openapi"));
        }
    }

    private static void track(Map<String, Object> body) {
        given().contentType(ContentType.JSON).auth().preemptive().basic(WRITE_KEY, "").body(body)
                .post(ingest.baseUrl() + "/v1/track")
                .then().statusCode(200).body("success", equalTo(true));
    }

    private static void identify(Map<String, Object> body) {
        given().contentType(ContentType.JSON).auth().preemptive().basic(WRITE_KEY, "").body(body)
                .post(ingest.baseUrl() + "/v1/identify")
                .then().statusCode(200).body("success", equalTo(true));
    }

    private static Map<String, Long> enteredByStage(String funnel) {
        JsonPath json = given().auth().oauth2(API_TOKEN).get(metrics.baseUrl() + "/funnels/" + funnel)
                .then().statusCode(200).extract().jsonPath();
        return Map.of("discovery", entered(json, "discovery"), "purchase", entered(json, "purchase"));
    }

    private static long entered(JsonPath funnel, String stage) {
        return funnel.getLong("steps.find { it.stage == '" + stage + "' }.entered");
    }

    private static Response await(String what, Supplier<Response> call, Predicate<Response> done)
            throws InterruptedException {
        return system.await(what, call, done);
    }
}
