package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static io.touchpoint.ingest.TrackEndpointTest.TOUCHPOINTS;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/** The rest of the Segment HTTP Tracking API: page, screen, group, alias, batch/import, gzip, CORS, limits. */
@QuarkusTest
class SegmentApiTest {

    static final String REJECTED = "touchpoints.rejected.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pageScreenGroupAndAliasArePublishedWithTheirOwnFields() throws Exception {
        String run = UUID.randomUUID().toString();
        post("/v1/page", "{\"anonymousId\":\"pg-%s\",\"name\":\"Pricing\",\"properties\":{\"url\":\"/pricing\"}}"
                .formatted(run));
        post("/v1/screen", "{\"userId\":\"sc-%s\",\"name\":\"Checkout\"}".formatted(run));
        post("/v1/group", "{\"userId\":\"gr-%s\",\"groupId\":\"acme\",\"traits\":{\"plan\":\"pro\"}}".formatted(run));
        post("/v1/alias", "{\"userId\":\"al-%s\",\"previousId\":\"anon-old\"}".formatted(run));

        JsonNode page = value("pg-" + run);
        assertEquals("page", page.get("type").asText());
        assertEquals("Pricing", page.get("event").asText(), "the page name is the record's event");
        JsonNode screen = value("sc-" + run);
        assertEquals("screen", screen.get("type").asText());
        assertEquals("Checkout", screen.get("event").asText());
        JsonNode group = value("gr-" + run);
        assertEquals("group", group.get("type").asText());
        assertEquals("acme", group.get("groupId").asText());
        JsonNode alias = value("al-" + run);
        assertEquals("alias", alias.get("type").asText());
        assertEquals("anon-old", alias.get("previousId").asText());
    }

    @Test
    void groupWithoutGroupIdAndAliasWithoutPreviousIdAre400() {
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"userId\":\"u\"}").when().post("/v1/group")
                .then().statusCode(400).body("detail", containsString("groupId"));
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"userId\":\"u\"}").when().post("/v1/alias")
                .then().statusCode(400).body("detail", containsString("previousId"));
    }

    @Test
    void gzipBodiesAreDecodedLikeTheSdksSendThem() throws Exception {
        String marker = "gz-" + UUID.randomUUID();
        given().header("Authorization", DEV_BASIC).header("Content-Encoding", "gzip").contentType("application/json")
                .body(gzip("{\"anonymousId\":\"" + marker + "\",\"event\":\"Zipped\"}"))
                .when().post("/v1/track").then().statusCode(200).body("success", equalTo(true));
        assertEquals("Zipped", value(marker).get("event").asText());
    }

    @Test
    void gzipThatInflatesBeyondTheRequestLimitIs413() throws Exception {
        String huge = "{\"anonymousId\":\"bomb\",\"event\":\"x\",\"p\":\"" + "0".repeat(2 * 1024 * 1024) + "\"}";
        byte[] zipped = gzip(huge);
        assertTrue(zipped.length < 20_000, "small on the wire");
        given().header("Authorization", DEV_BASIC).header("Content-Encoding", "gzip").contentType("application/json")
                .body(zipped).when().post("/v1/track")
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("urn:touchpoint:problem:too-large"));
    }

    @Test
    void unknownContentEncodingIs415AndRecorded() throws Exception {
        String marker = "br-" + UUID.randomUUID();
        given().header("Authorization", DEV_BASIC).header("Content-Encoding", "br").contentType("application/json")
                .body("{\"anonymousId\":\"" + marker + "\",\"event\":\"x\"}").when().post("/v1/track")
                .then().statusCode(415).contentType("application/problem+json")
                .body("detail", containsString("'br'"));
        JsonNode rejected = JSON.readTree(TopicReader.single(REJECTED, v -> v.contains(marker)).value());
        assertEquals("unsupported_encoding", rejected.get("reason").asText());
    }

    @Test
    void eventNestedDeeperThan32Is400TooDeep() throws Exception {
        String marker = "deep-" + UUID.randomUUID();
        String deep = "{\"a\":".repeat(33) + "1" + "}".repeat(33);
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"" + marker + "\",\"event\":\"x\",\"properties\":" + deep + "}")
                .when().post("/v1/track")
                .then().statusCode(400).body("type", equalTo("urn:touchpoint:problem:invalid-event"));
        assertEquals("too_deep", JSON.readTree(TopicReader.single(REJECTED, v -> v.contains(marker)).value())
                .get("reason").asText());
        // 31 levels inside properties (32 with the body) are fine
        String ok = "{\"a\":".repeat(30) + "1" + "}".repeat(30);
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"" + marker + "-ok\",\"event\":\"x\",\"properties\":" + ok + "}")
                .when().post("/v1/track").then().statusCode(200);
    }

    @Test
    void batchMergesBatchContextIntegrationsAndSentAtIntoEveryItem() throws Exception {
        String run = UUID.randomUUID().toString();
        String body = """
                {"batch":[
                  {"type":"track","anonymousId":"b1-%1$s","event":"Product Viewed","messageId":"b1-%1$s",
                   "timestamp":"2020-01-01T00:00:00.000Z","context":{"page":{"url":"/p/1"},"library":{"version":"own"}}},
                  {"type":"identify","userId":"b2-%1$s","messageId":"b2-%1$s","traits":{"email":"b@example.com"},
                   "integrations":{"Mixpanel":false}}],
                 "context":{"library":{"name":"analytics-java","version":"3.5.1"},"ip":"198.51.100.9"},
                 "integrations":{"All":true},
                 "sentAt":"2020-01-01T00:00:03.000Z"}""".formatted(run);
        Instant before = Instant.now();
        given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                .when().post("/v1/batch")
                .then().statusCode(200).body("success", equalTo(true)).body("accepted", equalTo(2))
                .body("rejected", hasSize(0));

        JsonNode track = value("b1-" + run);
        assertEquals("analytics-java", track.at("/context/library/name").asText(), "batch context merged in");
        assertEquals("own", track.at("/context/library/version").asText(), "the item's own value wins");
        assertEquals("/p/1", track.at("/context/page/url").asText());
        assertEquals("198.51.100.9", track.at("/context/ip").asText());
        assertTrue(track.at("/integrations/All").asBoolean());
        assertEquals("2020-01-01T00:00:03.000Z", track.get("sentAt").asText(), "batch sentAt applies to the item");
        Instant timestamp = Instant.parse(track.get("timestamp").asText());
        assertEquals(Instant.parse(track.get("receivedAt").asText()).minus(Duration.ofSeconds(3)), timestamp,
                "skew-corrected with the batch's sentAt");
        assertTrue(timestamp.isAfter(before.minusSeconds(10)));

        JsonNode identify = value("b2-" + run);
        assertEquals("identify", identify.get("type").asText());
        assertEquals(false, identify.at("/integrations/Mixpanel").asBoolean(true));
        assertTrue(identify.at("/integrations/All").asBoolean(), "merged with the batch's integrations");
    }

    @Test
    void mixedValidityBatchPublishesTheValidItemsAndReportsEachInvalidOneByIndex() throws Exception {
        String run = UUID.randomUUID().toString();
        String big = "x".repeat(33 * 1024);
        String body = """
                {"batch":[
                  {"type":"track","anonymousId":"mx-%1$s-0","event":"Valid One","messageId":"mx-%1$s-0"},
                  {"type":"track","anonymousId":"mx-%1$s-1","messageId":"mx-%1$s-1"},
                  {"type":"identify","userId":"mx-%1$s-2","messageId":"mx-%1$s-2"},
                  {"type":"bogus","userId":"mx-%1$s-3","messageId":"mx-%1$s-3"},
                  {"type":"track","event":"No one","messageId":"mx-%1$s-4"},
                  {"type":"track","anonymousId":"mx-%1$s-5","event":"Late","timestamp":"yesterday","messageId":"mx-%1$s-5"},
                  {"type":"track","anonymousId":"mx-%1$s-6","event":"Big","properties":{"b":"%2$s"},"messageId":"mx-%1$s-6"},
                  "not an object"]}""".formatted(run, big);
        given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                .when().post("/v1/import")
                .then().statusCode(200)
                .body("success", equalTo(true))
                .body("accepted", equalTo(2))
                .body("rejected.index", equalTo(List.of(1, 3, 4, 5, 6, 7)))
                .body("rejected.reason", equalTo(List.of("missing_event", "unknown_type", "missing_identity",
                        "invalid_timestamp", "too_large", "invalid_json")));

        List<ConsumerRecord<String, String>> published = TopicReader.readAll(TOUCHPOINTS).stream()
                .filter(r -> r.value().contains("mx-" + run)).toList();
        assertEquals(2, published.size(), "only the valid items reach touchpoints.v1");
        assertTrue(published.stream().anyMatch(r -> r.value().contains("\"Valid One\"")));
        assertTrue(published.stream().anyMatch(r -> r.value().contains("\"identify\"")));

        List<JsonNode> rejected = TopicReader.readAll(REJECTED).stream()
                .filter(r -> r.value().contains("mx-" + run) || r.value().contains("not an object"))
                .map(r -> read(r.value())).filter(r -> r.get("index").isInt()).toList();
        for (int index : List.of(1, 3, 4, 5, 6)) {
            JsonNode r = rejected.stream().filter(n -> n.get("payload").asText().contains("mx-" + run + "-" + index))
                    .findFirst().orElseThrow(() -> new AssertionError("no rejected record for item " + index));
            assertEquals(index, r.get("index").asInt());
            assertEquals("dev-web", r.get("sourceId").asText());
        }
    }

    @Test
    void batchWithoutItemsIs400() {
        given().header("Authorization", DEV_BASIC).contentType("application/json").body("{\"batch\":[]}")
                .when().post("/v1/batch")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'batch'"));
    }

    private static void post(String path, String body) {
        given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                .when().post(path).then().statusCode(200).body("success", equalTo(true));
    }

    private static JsonNode value(String marker) throws Exception {
        return JSON.readTree(TopicReader.single(TOUCHPOINTS, v -> v.contains(marker)).value());
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
