package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Refused calls: the problem answer, the record on touchpoints.rejected.v1 for a known source, and
 * (last) proof that none of them reached touchpoints.v1. Every body carries this run's marker.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RefusedRequestsTest {

    static final String REJECTED = "touchpoints.rejected.v1";
    private static final String RUN = "refused-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Order(1)
    void malformedJsonIs400AndRecordedWithTheRawPayload() throws Exception {
        String body = "{\"anonymousId\":\"" + RUN + "-json\",\"event\":\"Signed Up\",";
        given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                .when().post("/v1/track")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:touchpoint:problem:invalid-json"))
                .body("status", equalTo(400))
                .body("instance", equalTo("/v1/track"))
                .body("detail", containsString("line 1"));

        JsonNode rejected = rejection(RUN + "-json");
        assertEquals("invalid_json", rejected.get("reason").asText());
        assertEquals("dev-web", rejected.get("sourceId").asText());
        assertEquals(body, rejected.get("payload").asText(), "the raw payload, as sent");
    }

    @Test
    @Order(2)
    void brokenBodyWithItsWriteKeyIsRecordedWithoutTheKey() throws Exception {
        given().contentType("text/plain")
                .body("{\"writeKey\":\"dev-write-key\",\"anonymousId\":\"" + RUN + "-bodykey\",\"event\":")
                .when().post("/v1/track")
                .then().statusCode(400).body("type", equalTo("urn:touchpoint:problem:invalid-json"));

        JsonNode rejected = rejection(RUN + "-bodykey");
        assertFalse(rejected.get("payload").asText().contains("dev-write-key"), "write keys are secrets");
        assertTrue(rejected.get("payload").asText().contains("[redacted]"));
    }

    @Test
    @Order(3)
    void missingWriteKeyIs401WithChallenge() {
        given().contentType("application/json")
                .body("{\"anonymousId\":\"" + RUN + "-nokey\",\"event\":\"Signed Up\"}")
                .when().post("/v1/track")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Basic realm=\"touchpoint\"")
                .body("type", equalTo("urn:touchpoint:problem:unauthorized"));
    }

    @Test
    @Order(4)
    void wrongWriteKeyIs401InHeaderAndInBody() {
        given().auth().preemptive().basic("not-a-real-key", "").contentType("application/json")
                .body("{\"anonymousId\":\"" + RUN + "-wrongkey\",\"event\":\"Signed Up\"}")
                .when().post("/v1/track")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Basic realm=\"touchpoint\"")
                .body("type", equalTo("urn:touchpoint:problem:unauthorized"))
                .body("detail", containsString("does not belong"))
                .body(org.hamcrest.Matchers.not(containsString("not-a-real-key")));
        given().contentType("application/json")
                .body("{\"writeKey\":\"dev-write-key-2\",\"anonymousId\":\"" + RUN + "-wrongkey\",\"event\":\"x\"}")
                .when().post("/v1/track")
                .then().statusCode(401);
        // a wrong header is not rescued by a right key in the body
        given().auth().preemptive().basic("not-a-real-key", "").contentType("application/json")
                .body("{\"writeKey\":\"dev-write-key\",\"anonymousId\":\"" + RUN + "-wrongkey\",\"event\":\"x\"}")
                .when().post("/v1/track")
                .then().statusCode(401);
    }

    @Test
    @Order(5)
    void trackWithoutEventIs400NamingTheField() throws Exception {
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"" + RUN + "-noevent\",\"properties\":{}}")
                .when().post("/v1/track")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:touchpoint:problem:invalid-event"))
                .body("detail", containsString("'event'"));
        assertEquals("missing_event", rejection(RUN + "-noevent").get("reason").asText());
    }

    @Test
    @Order(6)
    void eventWithoutIdentityIs400() throws Exception {
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"userId\":\"  \",\"event\":\"Signed Up\",\"properties\":{\"m\":\"" + RUN + "-noid\"}}")
                .when().post("/v1/track")
                .then().statusCode(400)
                .body("type", equalTo("urn:touchpoint:problem:invalid-event"))
                .body("detail", containsString("'userId' or 'anonymousId'"));
        assertEquals("missing_identity", rejection(RUN + "-noid").get("reason").asText());
    }

    @Test
    @Order(7)
    void unparseableTimestampIs400() throws Exception {
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"" + RUN + "-ts\",\"event\":\"x\",\"timestamp\":\"yesterday\"}")
                .when().post("/v1/track")
                .then().statusCode(400)
                .body("type", equalTo("urn:touchpoint:problem:invalid-event"))
                .body("detail", containsString("'timestamp'"));
        assertEquals("invalid_timestamp", rejection(RUN + "-ts").get("reason").asText());
    }

    @Test
    @Order(8)
    void wrongJsonTypeIs400NamingTheField() throws Exception {
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"" + RUN + "-type\",\"event\":\"x\",\"properties\":[1,2]}")
                .when().post("/v1/track")
                .then().statusCode(400)
                .body("type", equalTo("urn:touchpoint:problem:invalid-event"))
                .body("detail", equalTo("'properties' must be a JSON object"));
        assertEquals("invalid_field", rejection(RUN + "-type").get("reason").asText());
    }

    @Test
    @Order(9)
    void eventOver32KbIs413AndRecordedTruncated() throws Exception {
        String body = "{\"anonymousId\":\"" + RUN + "-large\",\"event\":\"x\",\"properties\":{\"blob\":\""
                + "a".repeat(40_000) + "\"}}";
        given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                .when().post("/v1/track")
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("urn:touchpoint:problem:too-large"))
                .body("detail", containsString("32768"));
        JsonNode rejected = rejection(RUN + "-large");
        assertEquals("too_large", rejected.get("reason").asText());
        assertEquals(32768, rejected.get("payload").asText().length(), "kept up to the limit");
    }

    @Test
    @Order(100)
    void noRefusedRequestReachedTouchpointsAndUnauthenticatedOnesLeftNoRecordAtAll() {
        List<ConsumerRecord<String, String>> touchpoints = TopicReader.readAll(TrackEndpointTest.TOUCHPOINTS);
        assertTrue(touchpoints.stream().noneMatch(r -> r.value().contains(RUN)),
                "a refused request produced a touchpoint");
        List<ConsumerRecord<String, String>> rejected = TopicReader.readAll(REJECTED);
        assertTrue(rejected.stream().noneMatch(r -> r.value().contains(RUN + "-nokey")
                || r.value().contains(RUN + "-wrongkey")), "an unauthenticated request left a rejected record");
        assertEquals(7, rejected.stream().filter(r -> r.value().contains(RUN)).count(),
                "one rejected record per refused request of the known source");
    }

    private static JsonNode rejection(String marker) throws Exception {
        ConsumerRecord<String, String> record = TopicReader.single(REJECTED, v -> v.contains(marker));
        assertEquals("dev-web", record.key(), "rejected records are keyed by source");
        return JSON.readTree(record.value());
    }
}
