package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A body over the HTTP limit (512 KB) is refused before anything reads it, and still leaves one
 * record on touchpoints.rejected.v1 when its source is known: reason too_large, the size in the
 * detail, not the body. Against the real Kafka of the test stack.
 */
@QuarkusTest
class OversizedRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 512 * 1024;

    @TestHTTPResource("/v1/batch")
    URI batch;

    @Test
    void anOversizedBatchOfAKnownSourceIsRecordedWithItsSizeNotItsBody() throws Exception {
        // a size range of its own: the record keeps only the size, and ContractTest's body once had
        // this test's size (overlapping ranges, a 1-in-900 chance per build)
        int size = 610 * 1024 + ThreadLocalRandom.current().nextInt(1, 1000);
        String marker = "oversized-" + size;
        String body = body(marker, size);
        given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                .when().post("/v1/batch")
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("urn:touchpoint:problem:too-large"))
                .body("detail", equalTo("the request body is " + size + " bytes; a request may have at most "
                        + LIMIT + " bytes: send smaller batches"));

        ConsumerRecord<String, String> record = TopicReader.single(RefusedRequestsTest.REJECTED,
                v -> v.contains("the request body is " + size + " bytes"));
        assertEquals("dev-web", record.key());
        JsonNode rejected = JSON.readTree(record.value());
        assertEquals("too_large", rejected.get("reason").asText());
        assertEquals("dev-web", rejected.get("sourceId").asText());
        assertEquals("", rejected.get("payload").asText(), "the body is not kept: nothing read it");
        assertTrue(rejected.get("index").isNull());
        assertTrue(!record.value().contains(marker), "no part of the body");
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.contains("touchpoint_ingest_rejected_total{channel=\"web\",reason=\"too_large\","
                + "source=\"dev-web\",type=\"batch\"}"), metrics);
    }

    @Test
    void aChunkedOversizedBodyIsRecordedAsMoreThanTheLimit() throws Exception {
        long before = records("dev-web", "more than " + LIMIT + " bytes");
        byte[] body = body("chunked", 600 * 1024).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(batch)
                .header("Authorization", DEV_BASIC).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertEquals("urn:touchpoint:problem:too-large", JSON.readTree(response.body()).get("type").asText());
        assertEquals(before + 1, records("dev-web", "more than " + LIMIT + " bytes"));
    }

    @Test
    void anOversizedWebhookIsRecordedForItsSource() throws Exception {
        int size = 700 * 1024 + ThreadLocalRandom.current().nextInt(1, 1000);
        given().contentType("application/json").body(body("hook", size))
                .when().post("/webhooks/cc-demo")
                .then().statusCode(413).body("detail", containsString(size + " bytes"));
        JsonNode rejected = JSON.readTree(TopicReader.single(RefusedRequestsTest.REJECTED,
                v -> v.contains("the request body is " + size + " bytes")).value());
        assertEquals("cc-demo", rejected.get("sourceId").asText());
        assertEquals("too_large", rejected.get("reason").asText());
    }

    @Test
    void anUnknownSenderLeavesNoRecordAndAFloodIsRateLimited() throws Exception {
        int size = 650 * 1024 + ThreadLocalRandom.current().nextInt(1, 1000);
        given().header("Authorization", DedupAndLimitsTest.basic("no-such-write-key")).contentType("application/json")
                .body(body("unknown", size)).when().post("/v1/batch").then().statusCode(413);
        // test-limited: 1 request/s, burst 3 — oversized bodies count against the rate like any request.
        // Sent at once: one after the other, a loaded machine spaced them by the refill interval.
        String limited = body("limited", 600 * 1024);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Integer> statuses;
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(senders.submit(() -> Wire.post("/v1/track", Wire.utf8(limited), false,
                        "Authorization", DedupAndLimitsTest.basic("test-limited-write-key"),
                        "Content-Type", "application/json").statusCode()));
            }
            statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            senders.shutdownNow();
        }
        assertTrue(statuses.contains(413) && statuses.contains(429), statuses.toString());
        assertEquals(0, TopicReader.readAll(RefusedRequestsTest.REJECTED).stream()
                .filter(r -> r.value().contains("the request body is " + size + " bytes")).count(),
                "an unauthenticated request left a rejected record");
    }

    private static long records(String source, String detail) {
        return TopicReader.readAll(RefusedRequestsTest.REJECTED).stream()
                .filter(r -> source.equals(r.key()) && r.value().contains(detail)).count();
    }

    /** A batch body of exactly {@code size} bytes. */
    private static String body(String marker, int size) {
        String head = "{\"batch\":[{\"type\":\"track\",\"anonymousId\":\"" + marker + "\",\"event\":\"x\",\"p\":\"";
        String tail = "\"}]}";
        return head + "b".repeat(size - head.length() - tail.length()) + tail;
    }
}
