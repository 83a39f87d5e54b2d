package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Accepted calls: the HTTP answer and exactly the record that lands on touchpoints.v1. */
@QuarkusTest
@QuarkusTestResource(TouchpointStackResource.class)
class TrackEndpointTest {

    static final String DEV_BASIC = "Basic ZGV2LXdyaXRlLWtleTo="; // base64("dev-write-key:")
    static final String TOUCHPOINTS = "touchpoints.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void trackIsAcknowledgedAndPublishedKeyedByUserIdWithSkewCorrectedTime() throws Exception {
        String run = UUID.randomUUID().toString();
        String messageId = "msg-" + run;
        // The device clock is years off; the gap timestamp → sentAt (2.5 s) is what counts.
        String body = """
                {"userId":"user-%1$s","anonymousId":"anon-%1$s","event":"Product Viewed","messageId":"%2$s",
                 "properties":{"product_id":"p-123","price":49.9},
                 "context":{"page":{"url":"https://shop.example.com/p/123"}},
                 "integrations":{"All":true},
                 "timestamp":"2020-01-01T00:00:00.000Z","sentAt":"2020-01-01T00:00:02.500Z"}
                """.formatted(run, messageId);

        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        given().header("Authorization", DEV_BASIC).header("X-Forwarded-For", "203.0.113.9, 10.0.0.1")
                .contentType("application/json").body(body)
                .when().post("/v1/track")
                .then().statusCode(200).contentType("application/json").body("success", equalTo(true));
        Instant after = Instant.now();

        ConsumerRecord<String, String> record = TopicReader.single(TOUCHPOINTS, v -> v.contains(messageId));
        assertEquals("user-" + run, record.key(), "key is the userId when there is one");
        JsonNode tp = JSON.readTree(record.value());
        assertEquals(1, tp.get("schemaVersion").asInt());
        assertEquals(messageId, tp.get("messageId").asText());
        assertEquals("track", tp.get("type").asText());
        assertEquals("Product Viewed", tp.get("event").asText());
        assertEquals("web", tp.get("channel").asText());
        assertEquals("dev-web", tp.get("sourceId").asText());
        assertEquals("user-" + run, tp.get("userId").asText());
        assertEquals("anon-" + run, tp.get("anonymousId").asText());
        assertEquals("p-123", tp.at("/properties/product_id").asText());
        assertEquals("https://shop.example.com/p/123", tp.at("/context/page/url").asText());
        assertEquals("203.0.113.9", tp.at("/context/ip").asText(), "first X-Forwarded-For hop");
        assertEquals("2020-01-01T00:00:00.000Z", tp.get("originalTimestamp").asText());
        assertEquals("2020-01-01T00:00:02.500Z", tp.get("sentAt").asText());
        assertEquals(true, tp.at("/integrations/All").asBoolean(), "integrations are carried (contract)");
        assertFalse(tp.has("writeKey"));

        Instant receivedAt = Instant.parse(tp.get("receivedAt").asText());
        assertFalse(receivedAt.isBefore(before) || receivedAt.isAfter(after), "receivedAt is the server clock");
        assertEquals(receivedAt.minus(Duration.ofMillis(2500)), Instant.parse(tp.get("timestamp").asText()),
                "timestamp = receivedAt − (sentAt − originalTimestamp)");
        assertTrue(tp.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    }

    @Test
    void writeKeyInBodyAuthenticatesAndAnonymousIdBecomesTheKey() throws Exception {
        String anonymousId = "anon-" + UUID.randomUUID();
        given().contentType("application/json")
                .body("""
                        {"writeKey":"dev-write-key","anonymousId":"%s","event":"Signed Up",
                         "context":{"ip":"198.51.100.4"},"timestamp":"2026-11-23T10:00:00+01:00"}
                        """.formatted(anonymousId))
                .when().post("/v1/track")
                .then().statusCode(200).body("success", equalTo(true));

        ConsumerRecord<String, String> record = TopicReader.single(TOUCHPOINTS, v -> v.contains(anonymousId));
        assertEquals(anonymousId, record.key());
        JsonNode tp = JSON.readTree(record.value());
        assertTrue(tp.get("userId").isNull());
        assertEquals("198.51.100.4", tp.at("/context/ip").asText(), "the client's own context.ip is kept");
        // no sentAt: the client's time, normalised to UTC
        assertEquals("2026-11-23T09:00:00.000Z", tp.get("timestamp").asText());
        assertEquals("2026-11-23T09:00:00.000Z", tp.get("originalTimestamp").asText());
        UUID.fromString(tp.get("messageId").asText()); // generated when absent
        assertFalse(record.value().contains("dev-write-key"));
    }

    @Test
    void browserBeaconSendingJsonAsTextPlainIsAccepted() throws Exception {
        String anonymousId = "beacon-" + UUID.randomUUID();
        given().contentType("text/plain; charset=UTF-8")
                .body("{\"writeKey\":\"dev-write-key\",\"anonymousId\":\"" + anonymousId
                        + "\",\"event\":\"Page Left\"}")
                .when().post("/v1/track")
                .then().statusCode(200).body("success", equalTo(true));

        JsonNode tp = JSON.readTree(TopicReader.single(TOUCHPOINTS, v -> v.contains(anonymousId)).value());
        assertEquals("Page Left", tp.get("event").asText());
        assertEquals(tp.get("receivedAt").asText(), tp.get("timestamp").asText(),
                "without client timestamps the event time is the arrival time");
        assertTrue(tp.at("/context/ip").asText().length() > 0, "context.ip filled from the connection");
    }

    @Test
    void identifyIsPublishedWithTraitsAndNoEvent() throws Exception {
        String userId = "user-" + UUID.randomUUID();
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("""
                        {"userId":"%s","anonymousId":"anon-x","event":"ignored on identify",
                         "traits":{"email":"jane@example.com"}}
                        """.formatted(userId))
                .when().post("/v1/identify")
                .then().statusCode(200).body("success", equalTo(true));

        ConsumerRecord<String, String> record = TopicReader.single(TOUCHPOINTS, v -> v.contains(userId));
        assertEquals(userId, record.key());
        JsonNode tp = JSON.readTree(record.value());
        assertEquals("identify", tp.get("type").asText());
        assertTrue(tp.get("event").isNull());
        assertEquals("jane@example.com", tp.at("/traits/email").asText());
    }

    @Test
    void numericUserIdIsTakenAsText() throws Exception {
        String marker = "num-" + UUID.randomUUID();
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"userId\":4242,\"event\":\"Order Completed\",\"properties\":{\"marker\":\"" + marker + "\"}}")
                .when().post("/v1/track")
                .then().statusCode(200);

        ConsumerRecord<String, String> record = TopicReader.single(TOUCHPOINTS, v -> v.contains(marker));
        assertEquals("4242", record.key());
    }

    @Test
    void largeEventUnderTheLimitArrivesIntact() throws Exception {
        String marker = "large-" + UUID.randomUUID();
        String blob = "0123456789abcdef".repeat(1800); // ~29 KB body, under the 32 KB event limit
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"" + marker + "\",\"event\":\"Large\",\"properties\":{\"blob\":\"" + blob + "\"}}")
                .when().post("/v1/track")
                .then().statusCode(200);

        JsonNode tp = JSON.readTree(TopicReader.single(TOUCHPOINTS, v -> v.contains(marker)).value());
        assertEquals(blob, tp.at("/properties/blob").asText());
    }
}
