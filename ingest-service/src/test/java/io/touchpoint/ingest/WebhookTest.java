package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.TOUCHPOINTS;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.touchpoint.ingest.service.WebhookSignature;

/**
 * Signed webhooks of the dev/test sources cc-demo (Standard Webhooks, contact-center mapping) and
 * social-demo (X-Hub-Signature-256, social mapping), against a real Kafka and Redis: the records
 * must be exactly the tracking plan's, as the contract samples show them.
 */
@QuarkusTest
class WebhookTest {

    static final String CC_SECRET = "whsec_ZGV2LWNjLWRlbW8tc2lnbmluZy1rZXk=";
    static final String CC_ROTATED_SECRET = "whsec_ZGV2LWNjLWRlbW8tcm90YXRlZC1rZXk=";
    static final String SOCIAL_SECRET = "dev-social-demo-secret";
    private static final String REJECTED = "touchpoints.rejected.v1";
    private static final Path SAMPLES = Path.of("..", "deploy", "contracts", "samples");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void contactCenterEventsBecomeTheTrackingPlanEvents() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String digits = String.format("%04d", Math.abs(run.hashCode() % 10000));
        String caller = "+1 (555) 123-" + digits; // as an agent desktop shows it
        String e164 = "+1555123" + digits;
        List<String[]> deliveries = List.of(
                new String[] { "contact.started", "{\"contactId\":\"ct-1\",\"caseId\":\"case-%s\",\"medium\":\"voice\",\"direction\":\"inbound\",\"caller\":\"%s\"}" },
                new String[] { "case.opened", "{\"caseId\":\"case-%s\",\"subject\":\"Broken\",\"priority\":\"high\",\"caller\":\"%s\"}" },
                new String[] { "case.resolved", "{\"caseId\":\"case-%s\",\"contactCount\":1,\"resolutionSeconds\":540,\"caller\":\"%s\"}" },
                new String[] { "survey.completed", "{\"surveyType\":\"csat\",\"score\":4,\"caseId\":\"case-%s\",\"caller\":\"%s\"}" });
        for (String[] d : deliveries) {
            String body = "{\"type\":\"" + d[0] + "\",\"occurredAt\":\"2026-11-23T10:15:00Z\",\"data\":"
                    + d[1].formatted(run, caller) + "}";
            standard("wh-" + d[0] + "-" + run, body, CC_SECRET).when().post("/webhooks/cc-demo")
                    .then().statusCode(200).body("success", equalTo(true));
        }
        String anonymousId = "caller:" + e164;
        List<JsonNode> records = TopicReader.readAll(TOUCHPOINTS).stream()
                .filter(r -> r.value().contains("case-" + run)).map(r -> read(r.value())).toList();
        assertEquals(4, records.size());
        JsonNode resolved = records.stream().filter(r -> r.get("event").asText().equals("Case Resolved")).findFirst()
                .orElseThrow();
        JsonNode sample = JSON.readTree(Files.readString(SAMPLES.resolve("touchpoints.v1.case_resolved.json")));
        assertSameShape(sample, resolved);
        assertEquals("cc-demo:wh-case.resolved-" + run, resolved.get("messageId").asText());
        assertEquals(anonymousId, resolved.get("anonymousId").asText());
        assertEquals(1, resolved.at("/properties/contactCount").asInt());
        assertTrue(resolved.at("/properties/contactCount").isIntegralNumber(), "an integer, as the plan says");
        assertEquals(540, resolved.at("/properties/resolutionSeconds").asInt());
        assertEquals("2026-11-23T10:15:00.000Z", resolved.get("timestamp").asText());
        assertEquals("2026-11-23T10:15:00.000Z", resolved.get("originalTimestamp").asText());

        JsonNode survey = records.stream().filter(r -> r.get("event").asText().equals("Survey Completed")).findFirst()
                .orElseThrow();
        assertSameShape(JSON.readTree(Files.readString(SAMPLES.resolve("touchpoints.v1.survey_completed.json"))), survey);
        assertEquals("csat", survey.at("/properties/surveyType").asText());
        assertEquals(4, survey.at("/properties/score").asInt());

        JsonNode started = records.stream().filter(r -> r.get("event").asText().equals("Contact Started")).findFirst()
                .orElseThrow();
        assertEquals("voice", started.at("/properties/medium").asText());
        assertEquals("inbound", started.at("/properties/direction").asText());
        assertEquals("ct-1", started.at("/properties/contactId").asText());
        JsonNode opened = records.stream().filter(r -> r.get("event").asText().equals("Case Opened")).findFirst()
                .orElseThrow();
        assertEquals("high", opened.at("/properties/priority").asText());
        for (JsonNode r : records) {
            assertEquals("contact_center", r.get("channel").asText());
            assertEquals("cc-demo", r.get("sourceId").asText());
            assertEquals(anonymousId, r.get("anonymousId").asText());
            assertEquals(e164, r.at("/context/externalIds/0/id").asText());
            assertEquals("caller_id", r.at("/context/externalIds/0/type").asText());
            assertEquals("users", r.at("/context/externalIds/0/collection").asText());
            assertEquals("none", r.at("/context/externalIds/0/encoding").asText());
        }
    }

    @Test
    void socialEventsBecomeTheTrackingPlanEvents() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String[][] deliveries = {
                { "mention", "Mention", "\"post\":{\"id\":\"p-%s\",\"text\":\"Loving my new headphones\"}" },
                { "comment", "Comment", "\"post\":{\"id\":\"p-%s\",\"text\":\"Nice\"}" },
                { "like", "Like", "\"post\":{\"id\":\"p-%s\"}" },
                { "share", "Share", "\"post\":{\"id\":\"p-%s\"}" },
                { "direct_message", "Direct Message", "\"message\":{\"text\":\"Where is my order p-%s?\"}" } };
        for (String[] d : deliveries) {
            String body = "{\"event\":\"" + d[0] + "\",\"platform\":\"Twitter\",\"author\":{\"handle\":\"@Jane" + run
                    + "\"},\"createdAt\":\"2026-11-23T11:00:00Z\"," + d[2].formatted(run) + "}";
            hub(body, SOCIAL_SECRET).when().post("/webhooks/social-demo").then().statusCode(200);
        }
        List<JsonNode> records = TopicReader.readAll(TOUCHPOINTS).stream()
                .filter(r -> r.value().contains("p-" + run)).map(r -> read(r.value())).toList();
        assertEquals(5, records.size());
        String handle = "jane" + run.toLowerCase();
        for (String[] d : deliveries) {
            JsonNode r = records.stream().filter(n -> n.get("event").asText().equals(d[1])).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + d[1]));
            assertEquals("social", r.get("channel").asText());
            assertEquals("social:twitter:" + handle, r.get("anonymousId").asText());
            assertEquals("twitter", r.at("/properties/platform").asText());
            assertEquals(handle, r.at("/properties/handle").asText());
            assertEquals("twitter:" + handle, r.at("/context/externalIds/0/id").asText());
            assertEquals("social_handle", r.at("/context/externalIds/0/type").asText());
            assertTrue(r.get("messageId").asText().matches("social-demo:sha256-[0-9a-f]{64}"), r.get("messageId").asText());
        }
        JsonNode mention = records.stream().filter(n -> n.get("event").asText().equals("Mention")).findFirst().orElseThrow();
        assertSameShape(JSON.readTree(Files.readString(SAMPLES.resolve("touchpoints.v1.social_mention.json"))), mention);
        assertEquals("p-" + run, mention.at("/properties/postId").asText());
        assertEquals("Loving my new headphones", mention.at("/properties/text").asText());
    }

    @Test
    void aRotatedSecretVerifiesToo() {
        String run = UUID.randomUUID().toString();
        String body = "{\"type\":\"case.opened\",\"data\":{\"caseId\":\"rot-" + run + "\",\"caller\":\"+4915112345678\"}}";
        standard("wh-rot-" + run, body, CC_ROTATED_SECRET).when().post("/webhooks/cc-demo").then().statusCode(200);
        TopicReader.single(TOUCHPOINTS, v -> v.contains("rot-" + run));
    }

    @Test
    void tamperedSignatureIs401AndRecordedAndNotPublished() throws Exception {
        String run = UUID.randomUUID().toString();
        String body = "{\"type\":\"case.opened\",\"data\":{\"caseId\":\"tamper-" + run + "\",\"caller\":\"+15550001111\"}}";
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSignature.standardSignature(CC_SECRET, "wh-t-" + run, now,
                body.getBytes(StandardCharsets.UTF_8));
        // the provider signed one body, an attacker sends another
        String tampered = body.replace("case.opened", "case.resolved");
        given().header("webhook-id", "wh-t-" + run).header("webhook-timestamp", String.valueOf(now))
                .header("webhook-signature", signature).contentType("application/json").body(tampered)
                .when().post("/webhooks/cc-demo")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Signature realm=\"touchpoint\"")
                .body("type", equalTo("urn:touchpoint:problem:invalid-signature"));
        // social: wrong secret
        String social = "{\"event\":\"like\",\"platform\":\"x\",\"author\":{\"handle\":\"tamper-" + run + "\"},\"post\":{\"id\":\"1\"}}";
        hub(social, "not-the-secret").when().post("/webhooks/social-demo").then().statusCode(401);
        // and none at all
        given().contentType("application/json").body(social).when().post("/webhooks/social-demo").then().statusCode(401);

        assertEquals(0, TopicReader.readAll(TOUCHPOINTS).stream().filter(r -> r.value().contains("tamper-" + run)).count());
        List<JsonNode> rejected = TopicReader.readAll(REJECTED).stream().filter(r -> r.value().contains("tamper-" + run))
                .map(r -> read(r.value())).toList();
        assertEquals(3, rejected.size());
        assertTrue(rejected.stream().allMatch(r -> r.get("reason").asText().equals("signature_invalid")));
    }

    @Test
    void staleTimestampIs401() throws Exception {
        String run = UUID.randomUUID().toString();
        String body = "{\"type\":\"case.opened\",\"data\":{\"caseId\":\"stale-" + run + "\",\"caller\":\"+15550001111\"}}";
        long sixMinutesAgo = Instant.now().getEpochSecond() - 360;
        given().header("webhook-id", "wh-s-" + run).header("webhook-timestamp", String.valueOf(sixMinutesAgo))
                .header("webhook-signature", WebhookSignature.standardSignature(CC_SECRET, "wh-s-" + run, sixMinutesAgo,
                        body.getBytes(StandardCharsets.UTF_8)))
                .contentType("application/json").body(body)
                .when().post("/webhooks/cc-demo")
                .then().statusCode(401).body("detail", containsString("webhook-timestamp"));
        assertEquals("stale_timestamp",
                read(TopicReader.single(REJECTED, v -> v.contains("stale-" + run)).value()).get("reason").asText());
        assertEquals(0, TopicReader.readAll(TOUCHPOINTS).stream().filter(r -> r.value().contains("stale-" + run)).count());
    }

    @Test
    void replayedWebhookIsAcknowledgedAndPublishedOnce() {
        String run = UUID.randomUUID().toString();
        String body = "{\"type\":\"case.resolved\",\"data\":{\"caseId\":\"replay-" + run
                + "\",\"contactCount\":2,\"caller\":\"+15550002222\"}}";
        for (int i = 0; i < 3; i++) {
            // a provider's retry: same webhook-id, signed again with a fresh timestamp
            standard("wh-replay-" + run, body, CC_SECRET).when().post("/webhooks/cc-demo")
                    .then().statusCode(200).body("success", equalTo(true));
        }
        String social = "{\"event\":\"share\",\"platform\":\"x\",\"author\":{\"handle\":\"replay\"},\"post\":{\"id\":\"replay-"
                + run + "\"}}";
        hub(social, SOCIAL_SECRET).when().post("/webhooks/social-demo").then().statusCode(200);
        hub(social, SOCIAL_SECRET).when().post("/webhooks/social-demo").then().statusCode(200);

        List<ConsumerRecord<String, String>> published = TopicReader.readAll(TOUCHPOINTS).stream()
                .filter(r -> r.value().contains("replay-" + run)).toList();
        assertEquals(2, published.size(), "one record per delivery, however often it was replayed");
    }

    @Test
    void unknownSourceIs404AndUnmappedEventIs400MappingFailed() throws Exception {
        given().contentType("application/json").body("{}").when().post("/webhooks/nobody")
                .then().statusCode(404).contentType("application/problem+json");
        // a write-key source has no webhook
        given().contentType("application/json").body("{}").when().post("/webhooks/dev-web").then().statusCode(404);

        String run = UUID.randomUUID().toString();
        String body = "{\"type\":\"agent.login\",\"data\":{\"agent\":\"unmapped-" + run + "\",\"caller\":\"+15550003333\"}}";
        standard("wh-u-" + run, body, CC_SECRET).when().post("/webhooks/cc-demo")
                .then().statusCode(400).body("detail", containsString("agent.login"));
        String noCaller = "{\"type\":\"case.opened\",\"data\":{\"caseId\":\"unmapped-" + run + "-nocaller\"}}";
        standard("wh-u2-" + run, noCaller, CC_SECRET).when().post("/webhooks/cc-demo").then().statusCode(400);
        List<JsonNode> rejected = TopicReader.readAll(REJECTED).stream().filter(r -> r.value().contains("unmapped-" + run))
                .map(r -> read(r.value())).toList();
        assertEquals(2, rejected.size());
        assertTrue(rejected.stream().allMatch(r -> r.get("reason").asText().equals("mapping_failed")));
    }

    /** Every field the contract sample has, with the same JSON type (values differ per test). */
    private static void assertSameShape(JsonNode sample, JsonNode actual) {
        sample.fieldNames().forEachRemaining(f -> {
            assertTrue(actual.has(f), "field " + f + " missing in " + actual);
            assertEquals(sample.get(f).getNodeType(), actual.get(f).getNodeType(), "type of " + f + " in " + actual);
        });
        sample.get("properties").fieldNames().forEachRemaining(f -> assertTrue(actual.get("properties").has(f),
                "property " + f + " missing in " + actual));
    }

    static RequestSpecification standard(String id, String body, String secret) {
        long now = Instant.now().getEpochSecond();
        return given().header("webhook-id", id).header("webhook-timestamp", String.valueOf(now))
                // a rotation in progress: one stale signature next to the valid one
                .header("webhook-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "
                        + WebhookSignature.standardSignature(secret, id, now, body.getBytes(StandardCharsets.UTF_8)))
                .contentType("application/json").body(body);
    }

    static RequestSpecification hub(String body, String secret) {
        String hex = HexFormat.of().formatHex(WebhookSignature.hmac(secret.getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8)));
        return given().header("X-Hub-Signature-256", "sha256=" + hex).contentType("application/json").body(body);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
