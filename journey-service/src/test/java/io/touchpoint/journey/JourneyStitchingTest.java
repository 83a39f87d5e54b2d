package io.touchpoint.journey;

import static io.restassured.RestAssured.given;
import static io.touchpoint.journey.TestTouchpoints.TOKEN;
import static io.touchpoint.journey.TestTouchpoints.awaitCustomer;
import static io.touchpoint.journey.TestTouchpoints.customerByIdentifier;
import static io.touchpoint.journey.TestTouchpoints.event;
import static io.touchpoint.journey.TestTouchpoints.journey;
import static io.touchpoint.journey.TestTouchpoints.readUntil;
import static io.touchpoint.journey.TestTouchpoints.sample;
import static io.touchpoint.journey.TestTouchpoints.send;
import static io.touchpoint.journey.TestTouchpoints.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Identity stitching across channels with records shaped exactly like deploy/contracts/samples, against
 * a real Kafka and PostgreSQL: the acceptance scenario, conflicts, and late-event corrections.
 */
@QuarkusTest
@QuarkusTestResource(TouchpointStackResource.class)
class JourneyStitchingTest {

    private static final String TRANSITIONS = "journey.transitions.v1";

    @Test
    void webVisitorWhoSignsUpCallsAndIsMentionedIsOneCustomerWithTheWholeJourney() {
        String n = unique("p").substring(2);
        String anon = "anon-" + n;
        String user = "user-" + n;
        String digits = String.valueOf(1_000_000 + Math.abs(n.hashCode() % 8_999_999));
        String phone = "+1555" + digits;
        String handle = "janedoe" + n;

        // 1. anonymous web visitor views a product (samples/touchpoints.v1.track.json)
        Map<String, Object> viewed = sample("track");
        viewed.put("messageId", "view-" + n);
        viewed.put("anonymousId", anon);
        // 2. signs up in the app: identify with email, phone (formatted differently) and twitter handle
        Map<String, Object> identify = sample("identify");
        identify.put("messageId", "identify-" + n);
        identify.put("userId", user);
        identify.put("anonymousId", anon);
        identify.put("traits", Map.of("email", " Jane." + n + "@Example.com", "phone", "+1 (555) " + digits,
                "socialHandles", Map.of("twitter", "@JaneDoe" + n)));
        identify.put("context", Map.of("device", Map.of("id", "device-" + n)));
        // 3. calls the contact center: webhook record with the caller id only
        Map<String, Object> call = sample("case_resolved");
        call.put("messageId", "cc-" + n);
        call.put("anonymousId", "caller:" + phone);
        call.put("context", Map.of("externalIds", List.of(Map.of("id", phone, "type", "caller_id",
                "collection", "users", "encoding", "none"))));
        // 4. buys (server-side, userId only)
        Map<String, Object> order = sample("order_completed");
        order.put("messageId", "order-" + n);
        order.put("userId", user);
        // 5. is mentioned on social media: webhook record with the handle only
        Map<String, Object> mention = sample("social_mention");
        mention.put("messageId", "social-" + n);
        mention.put("anonymousId", "social:twitter:" + handle);
        mention.put("context", Map.of("externalIds", List.of(Map.of("id", "twitter:" + handle, "type",
                "social_handle", "collection", "users", "encoding", "none"))));

        // every record keyed as ingest keys it, so they land on different partitions; the mention first
        for (Map<String, Object> r : List.of(mention, call, viewed, order, identify)) {
            send(r);
        }

        JsonPath c = awaitCustomer("email:jane." + n + "@example.com",
                r -> r.jsonPath().getInt("touchpointCount") == 5
                        && r.jsonPath().getList("identifiers").size() == 8).jsonPath();
        String id = c.getString("id");
        for (String identifier : List.of("user_id:" + user, "anonymous_id:" + anon, "phone:" + phone,
                "phone:+1 555 " + digits, "social_handle:twitter:@JaneDoe" + n, "anonymous_id:caller:" + phone,
                "anonymous_id:social:twitter:" + handle, "device_id:device-" + n, "email:JANE." + n + "@example.com")) {
            assertEquals(id, customerByIdentifier(identifier).then().statusCode(200).extract().jsonPath().getString("id"),
                    identifier + " belongs to the one customer");
        }
        Set<String> types = new HashSet<>(c.getList("identifiers.type"));
        assertEquals(Set.of("user_id", "anonymous_id", "email", "phone", "device_id", "social_handle"), types);

        JsonPath j = TestTouchpoints.await("the journey of all five touchpoints", () -> journey(id),
                r -> r.statusCode() == 200 && r.jsonPath().getList("stages").size() == 4).jsonPath();
        assertEquals(List.of("view-" + n, "identify-" + n, "cc-" + n, "order-" + n, "social-" + n),
                j.getList("touchpoints.messageId"), "every touchpoint in corrected-time order");
        assertEquals(List.of("web", "app", "contact_center", "server", "social"), j.getList("touchpoints.channel"));
        assertEquals(java.util.Arrays.asList("discovery", null, "support", "purchase", "awareness"),
                j.getList("touchpoints.stage"));
        assertEquals(List.of("discovery", "support", "purchase", "awareness"), j.getList("stages.stage"));
        assertEquals(List.of("2026-11-23T09:59:59.500Z", "2026-11-23T10:15:00.000Z", "2026-11-23T10:30:00.050Z",
                "2026-11-23T11:00:00.000Z"), j.getList("stages.enteredAt"));
        assertEquals(List.of("view-" + n, "cc-" + n, "order-" + n, "social-" + n), j.getList("stages.causeMessageId"));

        // the survivor's transitions: one stage_entered per stage, valid, naming the cause's ids
        List<ConsumerRecord<String, String>> entered = readUntil(TRANSITIONS,
                r -> id.equals(r.key()) && r.value().contains("\"stage_entered\""), l -> l.size() >= 4);
        for (ConsumerRecord<String, String> r : entered) {
            assertValid(r.value());
        }
        JsonNode support = entered.stream().map(r -> read(r.value()))
                .filter(t -> "support".equals(t.get("stage").asText())).findFirst().orElseThrow();
        assertEquals("cc-" + n, support.get("causeMessageId").asText());
        assertEquals("caller:" + phone, support.get("anonymousId").asText());
        assertTrue(support.get("userId").isNull());
        JsonNode purchase = entered.stream().map(r -> read(r.value()))
                .filter(t -> "purchase".equals(t.get("stage").asText())).findFirst().orElseThrow();
        assertEquals(user, purchase.get("userId").asText());
    }

    @Test
    void twoUserIdsSharingAnEmailStayApartAndTheConflictIsQueryable() {
        String n = unique("c");
        String email = n + "@example.com";
        Map<String, Object> alice = event("identify", null, "alice-" + n, null, Instant.parse("2026-11-23T10:00:00Z"));
        alice.put("traits", Map.of("email", email));
        send(alice);
        String aliceId = awaitCustomer("email:" + email, r -> true).jsonPath().getString("id");

        Map<String, Object> bob = event("identify", null, "bob-" + n, null, Instant.parse("2026-11-23T10:01:00Z"));
        bob.put("traits", Map.of("email", email));
        send(bob);
        String bobId = awaitCustomer("user_id:bob-" + n, r -> true).jsonPath().getString("id");

        assertNotEquals(aliceId, bobId);
        assertEquals(aliceId, customerByIdentifier("email:" + email).jsonPath().getString("id"),
                "the email stays with the customer who had it first");
        JsonPath conflicts = TestTouchpoints.await("conflict recorded",
                () -> given().auth().oauth2(TOKEN).get("/customers/{id}/conflicts", bobId),
                r -> r.statusCode() == 200 && !r.jsonPath().getList("conflicts").isEmpty()).jsonPath();
        assertEquals(aliceId, conflicts.getString("conflicts[0].otherCustomerId"));
        assertEquals("email", conflicts.getString("conflicts[0].identifier.type"));
        assertEquals(email, conflicts.getString("conflicts[0].identifier.value"));
        assertEquals(bob.get("messageId"), conflicts.getString("conflicts[0].messageId"));
        // seen from the other side too
        assertEquals(bobId, given().auth().oauth2(TOKEN).get("/customers/{id}/conflicts", aliceId).then()
                .statusCode(200).extract().jsonPath().getString("conflicts[0].otherCustomerId"));
    }

    @Test
    void lateEventReordersTheHistoryAndPublishesAValidStageCorrected() {
        String anon = unique("anon");
        Instant t0 = Instant.parse("2026-11-23T10:00:00.000Z");
        Map<String, Object> onTime = event("track", "Product Viewed", null, anon, t0);
        send(onTime);
        String id = awaitCustomer("anonymous_id:" + anon, r -> true).jsonPath().getString("id");
        readUntil(TRANSITIONS, r -> id.equals(r.key()), l -> !l.isEmpty());

        Map<String, Object> late = event("track", "Product Clicked", null, anon, t0.minus(Duration.ofHours(3)));
        late.put("channel", "app");
        send(late);

        List<ConsumerRecord<String, String>> corrected = readUntil(TRANSITIONS,
                r -> id.equals(r.key()) && r.value().contains("stage_corrected"), l -> !l.isEmpty());
        assertValid(corrected.get(0).value());
        JsonNode t = read(corrected.get(0).value());
        assertEquals("stage_corrected:" + id + ":discovery:" + late.get("messageId"), t.get("transitionId").asText());
        assertEquals("2026-11-23T07:00:00.000Z", t.get("at").asText());
        assertEquals("2026-11-23T10:00:00.000Z", t.get("previousAt").asText());
        assertEquals("app", t.get("channel").asText());
        assertEquals(anon, t.get("anonymousId").asText());
        JsonPath j = journey(id).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(late.get("messageId"), onTime.get("messageId")), j.getList("touchpoints.messageId"));
        assertEquals("2026-11-23T07:00:00.000Z", j.getString("stages[0].enteredAt"));
    }

    @Test
    void aRecordThatCannotBeStitchedGoesToTheDeadLetterTopicAndItsBatchNeighboursAreStored() {
        String n = unique("batch");
        Map<String, Object> good = event("track", "Product Viewed", null, "anon-" + n, Instant.parse("2026-11-23T10:00:00Z"));
        // readable, but its only identifier is a placeholder: it fails inside the batch transaction
        Map<String, Object> placeholder = event("track", "Product Viewed", null, "anonymous", Instant.parse("2026-11-23T10:00:00Z"));
        placeholder.put("messageId", "placeholder-" + n);
        Map<String, Object> alsoGood = event("track", "Product Added", null, "anon-" + n, Instant.parse("2026-11-23T10:01:00Z"));
        // one key, one partition: the three arrive in one poll
        for (Map<String, Object> r : List.of(good, placeholder, alsoGood)) {
            try {
                TestTouchpoints.sendRaw("same-key-" + n, TestTouchpoints.JSON.writeValueAsString(r));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        awaitCustomer("anonymous_id:anon-" + n, r -> r.jsonPath().getInt("touchpointCount") == 2);
        List<ConsumerRecord<String, String>> dead = readUntil("touchpoints.dlq.v1",
                r -> r.value().contains("placeholder-" + n), l -> !l.isEmpty());
        assertEquals("same-key-" + n, dead.get(0).key());
        String reason = new String(dead.get(0).headers().lastHeader("dead-letter-reason").value(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(reason.contains("no usable identifier"), reason);
    }

    @Test
    void identifiersOverTheirTypeLimitAreNotAttached() {
        // the test profile allows 2 device ids per customer
        String user = unique("limit");
        for (int i = 1; i <= 3; i++) {
            Map<String, Object> e = event("track", "Application Opened", user, null,
                    Instant.parse("2026-11-23T10:00:00Z").plusSeconds(i));
            e.put("context", Map.of("device", Map.of("id", user + "-device-" + i)));
            send(e);
        }
        JsonPath c = awaitCustomer("user_id:" + user, r -> r.jsonPath().getInt("touchpointCount") == 3).jsonPath();
        assertEquals(List.of(user + "-device-1", user + "-device-2"),
                c.getList("identifiers.findAll { it.type == 'device_id' }.value").stream().sorted().toList());
        customerByIdentifier("device_id:" + user + "-device-3").then().statusCode(404);
    }

    static JsonNode read(String json) {
        try {
            return TestTouchpoints.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertValid(String transition) {
        var problems = ContractSchemas.validate("journey.transitions.v1.schema.json", transition);
        assertTrue(problems.isEmpty(), problems + " in " + transition);
    }
}
