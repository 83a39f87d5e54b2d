package io.touchpoint.journey;

import static io.restassured.RestAssured.given;
import static io.touchpoint.journey.TestTouchpoints.TOKEN;
import static io.touchpoint.journey.TestTouchpoints.await;
import static io.touchpoint.journey.TestTouchpoints.awaitCustomer;
import static io.touchpoint.journey.TestTouchpoints.event;
import static io.touchpoint.journey.TestTouchpoints.send;
import static io.touchpoint.journey.TestTouchpoints.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** GET /journey-map over real data, and every transition the service has produced checked against the contract. */
@QuarkusTest
@QuarkusTestResource(TouchpointStackResource.class)
class JourneyMapTest {

    @Test
    void journeyMapCountsStagesChannelsEventsTimeInStageAndMoves() {
        // a window of its own, so other tests' touchpoints are not in it
        Instant t = Instant.parse("2031-01-01T00:00:00Z").plus(Duration.ofDays(ThreadLocalRandom.current().nextInt(3000)));
        String n = unique("map");
        send(event("page", "Home", "a-" + n, null, t));
        send(event("track", "Product Viewed", "a-" + n, null, t.plus(Duration.ofHours(1))));
        Map<String, Object> order = event("track", "Order Completed", "a-" + n, null, t.plus(Duration.ofHours(3)));
        order.put("channel", "server");
        send(order);
        send(event("track", "Product Viewed", "b-" + n, null, t));
        Map<String, Object> added = event("track", "Product Added", "b-" + n, null, t.plus(Duration.ofHours(2)));
        added.put("channel", "app");
        send(added);
        Map<String, Object> mention = event("track", "Mention", "c-" + n, null, t);
        mention.put("channel", "social");
        send(mention);
        awaitCustomer("user_id:a-" + n, r -> r.jsonPath().getInt("touchpointCount") == 3);
        awaitCustomer("user_id:b-" + n, r -> r.jsonPath().getInt("touchpointCount") == 2);
        awaitCustomer("user_id:c-" + n, r -> true);

        String from = t.toString();
        String to = t.plus(Duration.ofDays(1)).toString();
        JsonPath map = await("journey map", () -> given().auth().oauth2(TOKEN).queryParam("from", from)
                .queryParam("to", to).get("/journey-map"), r -> r.statusCode() == 200
                        && r.jsonPath().getInt("stages.find { it.stage == 'purchase' }.customers") == 1).jsonPath();
        assertEquals(List.of("awareness", "discovery", "consideration", "purchase", "use", "support", "repeat", "advocacy"),
                map.getList("stages.stage"));
        assertEquals(2, map.getInt("stages[0].customers"));
        assertEquals(Map.of("web", 1, "social", 1), map.getMap("stages[0].touchpointsByChannel"));
        assertEquals(3600.0, map.getDouble("stages[0].medianSecondsInStage"));
        assertEquals(2, map.getInt("stages[1].customers"));
        assertEquals("Product Viewed", map.getString("stages[1].topEvents[0].event"));
        assertEquals(2, map.getInt("stages[1].topEvents[0].touchpoints"));
        assertEquals(7200.0, map.getDouble("stages[1].medianSecondsInStage"));
        assertEquals(Map.of("app", 1), map.getMap("stages[2].touchpointsByChannel"));
        assertEquals(0, map.getInt("stages[4].customers"));
        assertEquals(List.of(Map.of("from", "awareness", "to", "discovery", "customers", 1),
                Map.of("from", "discovery", "to", "consideration", "customers", 1),
                Map.of("from", "discovery", "to", "purchase", "customers", 1)),
                map.getList("transitions").stream().sorted((x, y) -> x.toString().compareTo(y.toString())).toList());

        JsonPath web = given().auth().oauth2(TOKEN).queryParam("from", from).queryParam("to", to)
                .queryParam("channel", "web").get("/journey-map").then().statusCode(200).extract().jsonPath();
        assertEquals(1, web.getInt("stages[0].customers"));
        assertEquals(Map.of("web", 1), web.getMap("stages[0].touchpointsByChannel"));
        assertEquals(0, web.getInt("stages[3].customers"), "the order came from the server");

        given().auth().oauth2(TOKEN).queryParam("from", to).queryParam("to", from).get("/journey-map").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(TOKEN).queryParam("channel", "fax").get("/journey-map").then().statusCode(400);
        given().get("/journey-map").then().statusCode(401);
    }

    @Test
    void everyProducedTransitionMatchesTheContract() {
        // produce at least one of each kind the service publishes on its own
        String anon = unique("contract");
        send(event("track", "Product Viewed", null, anon, Instant.parse("2026-11-23T10:00:00Z")));
        awaitCustomer("anonymous_id:" + anon, r -> true);
        List<ConsumerRecord<String, String>> all = TestTouchpoints.readUntil("journey.transitions.v1", r -> true,
                l -> l.stream().anyMatch(r -> r.value().contains(anon)));
        assertFalse(all.isEmpty());
        for (ConsumerRecord<String, String> r : all) {
            var problems = ContractSchemas.validate("journey.transitions.v1.schema.json", r.value());
            assertTrue(problems.isEmpty(), problems + " in " + r.value());
            assertEquals(JourneyStitchingTest.read(r.value()).get("customerId").asText(), r.key(), "keyed by customer");
        }
    }
}
