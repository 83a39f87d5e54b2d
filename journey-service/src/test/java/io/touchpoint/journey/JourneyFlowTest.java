package io.touchpoint.journey;

import static io.touchpoint.journey.TestTouchpoints.awaitCustomer;
import static io.touchpoint.journey.TestTouchpoints.customerByIdentifier;
import static io.touchpoint.journey.TestTouchpoints.event;
import static io.touchpoint.journey.TestTouchpoints.journey;
import static io.touchpoint.journey.TestTouchpoints.readUntil;
import static io.touchpoint.journey.TestTouchpoints.send;
import static io.touchpoint.journey.TestTouchpoints.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.touchpoint.journey.service.IsoTime;

/** touchpoints.v1 in, journeys and journey.transitions.v1 out, against a real Kafka and PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(TouchpointStackResource.class)
class JourneyFlowTest {

    private static final String TRANSITIONS = "journey.transitions.v1";
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.000Z");

    @Test
    void oneTouchpointMakesACustomerWithJourneyAndAValidStageEnteredTransition() {
        String anon = unique("anon");
        Map<String, Object> viewed = event("track", "Product Viewed", null, anon, T0);
        send(viewed);

        Response customer = awaitCustomer("anonymous_id:" + anon, r -> true);
        JsonPath c = customer.jsonPath();
        String id = c.getString("id");
        assertEquals("discovery", c.getString("currentStage"));
        assertEquals(1, c.getInt("touchpointCount"));
        assertEquals(List.of(Map.of("type", "anonymous_id", "value", anon)), c.getList("identifiers"));
        assertEquals("2026-11-23T10:00:00.000Z", c.getString("firstSeenAt"));

        JsonPath j = journey(id).then().statusCode(200).extract().jsonPath();
        assertEquals(id, j.getString("customerId"));
        assertEquals("discovery", j.getString("currentStage"));
        assertEquals(List.of("discovery"), j.getList("stages.stage"));
        assertEquals(viewed.get("messageId"), j.getString("stages[0].causeMessageId"));
        assertEquals("web", j.getString("stages[0].channel"));
        assertEquals(List.of(viewed.get("messageId")), j.getList("touchpoints.messageId"));
        assertEquals("Product Viewed", j.getString("touchpoints[0].event"));
        assertEquals("discovery", j.getString("touchpoints[0].stage"));
        assertEquals("dev-web", j.getString("touchpoints[0].sourceId"));

        List<ConsumerRecord<String, String>> records = readUntil(TRANSITIONS, r -> id.equals(r.key()), l -> !l.isEmpty());
        String value = records.get(0).value();
        assertValid(value);
        JsonNode t = read(value);
        assertEquals("stage_entered:" + id + ":discovery", t.get("transitionId").asText());
        assertEquals("stage_entered", t.get("kind").asText());
        assertEquals(id, t.get("customerId").asText());
        assertEquals("2026-11-23T10:00:00.000Z", t.get("at").asText());
        assertEquals(viewed.get("messageId"), t.get("causeMessageId").asText());
    }

    @Test
    void redeliveredMessageIdChangesNothing() {
        String anon = unique("anon");
        Map<String, Object> viewed = event("track", "Product Viewed", null, anon, T0);
        send(viewed);
        String id = awaitCustomer("anonymous_id:" + anon, r -> true).jsonPath().getString("id");
        readUntil(TRANSITIONS, r -> id.equals(r.key()), l -> !l.isEmpty());

        // the same record again, with a different event name: a duplicate must not even be looked at
        Map<String, Object> again = new java.util.LinkedHashMap<>(viewed);
        again.put("event", "Order Completed");
        send(viewed);
        send(again);
        // then a new record on the same key (same partition: processed after the duplicates)
        Map<String, Object> added = event("track", "Product Added", null, anon, T0.plusSeconds(60));
        send(added);

        JsonPath c = awaitCustomer("anonymous_id:" + anon, r -> r.jsonPath().getInt("touchpointCount") >= 2).jsonPath();
        assertEquals(2, c.getInt("touchpointCount"));
        assertEquals("consideration", c.getString("currentStage"));
        JsonPath j = journey(id).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(viewed.get("messageId"), added.get("messageId")), j.getList("touchpoints.messageId"));
        assertEquals(List.of("discovery", "consideration"), j.getList("stages.stage"));

        List<ConsumerRecord<String, String>> transitions = readUntil(TRANSITIONS, r -> id.equals(r.key()),
                l -> l.stream().anyMatch(r -> r.value().contains("consideration")));
        List<String> ids = transitions.stream().map(r -> read(r.value()).get("transitionId").asText()).toList();
        assertEquals(List.of("stage_entered:" + id + ":discovery", "stage_entered:" + id + ":consideration"), ids);
    }

    @Test
    void anonymousVisitorThenIdentifyIsOneCustomerWithBothIdentifiers() {
        String anon = unique("anon");
        String user = unique("user");
        send(event("track", "Product Viewed", null, anon, T0));
        String anonCustomer = awaitCustomer("anonymous_id:" + anon, r -> true).jsonPath().getString("id");
        // the user was seen elsewhere (other device) before: a second customer, to be merged
        send(event("track", "Logged In", user, null, T0.plusSeconds(30)));
        String userCustomer = awaitCustomer("user_id:" + user, r -> true).jsonPath().getString("id");
        assertNotEquals(anonCustomer, userCustomer);

        send(event("identify", null, user, anon, T0.plusSeconds(60)));

        JsonPath c = awaitCustomer("user_id:" + user, r -> r.jsonPath().getInt("touchpointCount") == 3).jsonPath();
        // the older customer survives; both identifiers and all touchpoints belong to it
        assertEquals(anonCustomer, c.getString("id"));
        assertEquals(List.of(Map.of("type", "user_id", "value", user), Map.of("type", "anonymous_id", "value", anon)),
                c.getList("identifiers"));
        assertEquals(anonCustomer, customerByIdentifier("anonymous_id:" + anon).jsonPath().getString("id"));
        // the absorbed id still resolves, to the survivor
        TestTouchpoints.await("absorbed id resolves", () -> io.restassured.RestAssured.given()
                .auth().oauth2(TestTouchpoints.TOKEN).get("/customers/{id}", userCustomer),
                r -> r.statusCode() == 200 && anonCustomer.equals(r.jsonPath().getString("id")));
        JsonPath j = journey(anonCustomer).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("discovery", "use"), j.getList("stages.stage"));
        assertEquals("use", j.getString("currentStage"));

        List<ConsumerRecord<String, String>> merged = readUntil(TRANSITIONS, r -> anonCustomer.equals(r.key())
                && r.value().contains("customer_merged"), l -> !l.isEmpty());
        assertValid(merged.get(0).value());
        JsonNode t = read(merged.get(0).value());
        assertEquals(userCustomer, t.get("absorbedCustomerId").asText());
        assertEquals("customer_merged:" + anonCustomer + ":" + userCustomer, t.get("transitionId").asText());
    }

    @Test
    void twoDifferentUserIdsAreNeverMerged() {
        String shared = unique("shared-device");
        String alice = unique("alice");
        String bob = unique("bob");
        send(event("identify", null, alice, shared, T0));
        String aliceId = awaitCustomer("user_id:" + alice, r -> true).jsonPath().getString("id");

        // bob logs in on alice's device: same anonymousId, different userId
        Map<String, Object> bobLogin = event("track", "Logged In", bob, shared, T0.plusSeconds(10));
        send(bobLogin);

        JsonPath b = awaitCustomer("user_id:" + bob, r -> true).jsonPath();
        assertNotEquals(aliceId, b.getString("id"));
        assertEquals(List.of(Map.of("type", "user_id", "value", bob)), b.getList("identifiers"));
        assertEquals(1, b.getInt("touchpointCount"));
        assertEquals(List.of(bobLogin.get("messageId")), journey(b.getString("id")).jsonPath().getList("touchpoints.messageId"));

        JsonPath a = customerByIdentifier("user_id:" + alice).then().statusCode(200).extract().jsonPath();
        assertEquals(aliceId, a.getString("id"));
        assertEquals(1, a.getInt("touchpointCount"));
        assertEquals(aliceId, customerByIdentifier("anonymous_id:" + shared).jsonPath().getString("id"));
    }

    @Test
    void lateTouchpointTakesItsPlaceAndMovesStageEntryEarlier() {
        String anon = unique("anon");
        Map<String, Object> onTime = event("track", "Product Viewed", null, anon, T0);
        send(onTime);
        String id = awaitCustomer("anonymous_id:" + anon, r -> true).jsonPath().getString("id");
        Instant earlier = T0.minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> late = event("track", "Products Searched", null, anon, earlier);
        send(late);

        awaitCustomer("anonymous_id:" + anon, r -> r.jsonPath().getInt("touchpointCount") == 2);
        JsonPath j = journey(id).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(late.get("messageId"), onTime.get("messageId")), j.getList("touchpoints.messageId"));
        assertEquals(List.of("discovery"), j.getList("stages.stage"));
        assertEquals(IsoTime.format(earlier), j.getString("stages[0].enteredAt"));
        assertEquals(late.get("messageId"), j.getString("stages[0].causeMessageId"));
        assertEquals("discovery", j.getString("currentStage"));
    }

    @Test
    void lateOrderCompletedBecomesThePurchaseAndTheLaterOneTheRepeat() {
        String user = unique("user");
        Map<String, Object> second = event("track", "Order Completed", user, null, T0);
        send(second);
        String id = awaitCustomer("user_id:" + user, r -> true).jsonPath().getString("id");
        Map<String, Object> first = event("track", "Order Completed", user, null, T0.minus(Duration.ofDays(2)));
        send(first);

        awaitCustomer("user_id:" + user, r -> r.jsonPath().getInt("touchpointCount") == 2);
        JsonPath j = journey(id).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("purchase", "repeat"), j.getList("touchpoints.stage"));
        assertEquals(List.of("purchase", "repeat"), j.getList("stages.stage"));
        assertEquals(first.get("messageId"), j.getString("stages[0].causeMessageId"));
        assertEquals("repeat", j.getString("currentStage"));
    }

    @Test
    void blockedIdentifierValuesLinkNothing() {
        String user = unique("user");
        send(event("track", "Product Viewed", user, "anonymous", T0));
        JsonPath c = awaitCustomer("user_id:" + user, r -> true).jsonPath();
        assertEquals(List.of(Map.of("type", "user_id", "value", user)), c.getList("identifiers"));
        customerByIdentifier("anonymous_id:anonymous").then().statusCode(404);
    }

    @Test
    void poisonRecordGoesToTheDeadLetterTopicAndConsumptionContinues() {
        String anon = unique("anon");
        String poison = "not json {" + unique("poison");
        TestTouchpoints.sendRaw(anon, poison);
        send(event("track", "Product Viewed", null, anon, T0));

        awaitCustomer("anonymous_id:" + anon, r -> true);
        List<ConsumerRecord<String, String>> dead = readUntil("touchpoints.dlq.v1", r -> poison.equals(r.value()),
                l -> !l.isEmpty());
        assertEquals(anon, dead.get(0).key());
        assertTrue(dead.get(0).headers().lastHeader("dead-letter-reason") != null, "reason header present");
    }

    private static JsonNode read(String json) {
        try {
            return TestTouchpoints.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertValid(String transition) {
        var problems = ContractSchemas.validate("journey.transitions.v1.schema.json", transition);
        assertTrue(problems.isEmpty(), problems + " in " + transition);
    }
}
