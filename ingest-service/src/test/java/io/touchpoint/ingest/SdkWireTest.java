package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static io.touchpoint.ingest.Wire.deflate;
import static io.touchpoint.ingest.Wire.gzip;
import static io.touchpoint.ingest.Wire.json;
import static io.touchpoint.ingest.Wire.post;
import static io.touchpoint.ingest.Wire.records;
import static io.touchpoint.ingest.Wire.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The wire of the browser and server SDKs as their sources show it: Segment's short paths and
 * batching path (analytics-next), RudderStack's beacon path, every content type and encoding they
 * label their bodies with, the CORS preflights of their header sets, and the retry header.
 */
@QuarkusTest
class SdkWireTest {

    private static final String ORIGIN = "http://shop.example.test:8000";

    @Test
    void segmentShortPathsPublishTheirCallTypeAsTheLongPathsDo() {
        String run = UUID.randomUUID().toString();
        // analytics-next, fetch-dispatcher.ts + shared-dispatcher.ts: text/plain, the write key as Basic
        // user and in the body (normalize.ts), sentAt, the path `${remote}/${type.charAt(0)}`
        Map<String, String> byPath = new LinkedHashMap<>();
        byPath.put("t", "track");
        byPath.put("i", "identify");
        byPath.put("p", "page");
        byPath.put("s", "screen");
        byPath.put("g", "group");
        byPath.put("a", "alias");
        String now = Instant.now().toString();
        byPath.forEach((letter, type) -> {
            String body = """
                    {"type":"%s","event":"Short Path","name":"Home","groupId":"acme","previousId":"prev-%s",
                     "userId":"short-%s","anonymousId":"anon-%s","messageId":"short-%s-%s","writeKey":"dev-write-key",
                     "timestamp":"%s","sentAt":"%s","context":{"library":{"name":"analytics.js","version":"npm:next-1.81.0"}}}"""
                    .formatted(type, run, run, run, letter, run, now, now);
            HttpResponse<String> answer = post("/v1/" + letter, utf8(body), false, "Content-Type", "text/plain",
                    "Authorization", DEV_BASIC, "Origin", ORIGIN);
            assertEquals(200, answer.statusCode(), letter + ": " + answer.body());
            assertEquals(true, json(answer.body()).get("success").asBoolean());
            assertEquals(ORIGIN, answer.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        });

        Map<String, String> published = new TreeMap<>();
        for (JsonNode record : records("short-" + run)) {
            String id = record.get("messageId").asText();
            published.put(id.substring("short-".length(), id.indexOf('-', "short-".length())), record.get("type").asText());
            assertEquals("web", record.get("channel").asText());
        }
        assertEquals(new TreeMap<>(byPath), published, "each short path once, as its own call type");

        // the same rules: a track without event is refused the same way, an unknown key the same way
        String noEvent = "{\"anonymousId\":\"a\",\"writeKey\":\"dev-write-key\"}";
        HttpResponse<String> shortRefusal = post("/v1/t", utf8(noEvent), false, "Content-Type", "text/plain");
        HttpResponse<String> longRefusal = post("/v1/track", utf8(noEvent), false, "Content-Type", "text/plain");
        assertEquals(400, shortRefusal.statusCode());
        assertEquals(json(longRefusal.body()).get("detail"), json(shortRefusal.body()).get("detail"));
        assertEquals("/v1/t", json(shortRefusal.body()).get("instance").asText());
        assertEquals(401, post("/v1/p", utf8("{\"anonymousId\":\"a\",\"writeKey\":\"nope\"}"), false,
                "Content-Type", "text/plain").statusCode());
    }

    @Test
    void analyticsNextBatchingAndRudderStackBeaconsAreBatches() {
        String run = UUID.randomUUID().toString();
        // analytics-next batched-dispatcher.ts: POST `${apiHost}/b`, items without sentAt, one sentAt and
        // the writeKey at the top
        String batch = """
                {"writeKey":"dev-write-key","batch":[
                 {"type":"page","name":"Pricing","anonymousId":"nb-%1$s","messageId":"nb-%1$s-1","timestamp":"2026-11-23T10:00:00.000Z"},
                 {"type":"track","event":"Plan Chosen","anonymousId":"nb-%1$s","messageId":"nb-%1$s-2","timestamp":"2026-11-23T10:00:01.000Z"}],
                 "sentAt":"2026-11-23T10:00:03.000Z"}""".formatted(run);
        HttpResponse<String> answer = post("/v1/b", utf8(batch), false, "Content-Type", "text/plain",
                "Authorization", DEV_BASIC, "Origin", ORIGIN);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(2, json(answer.body()).get("accepted").asInt());
        List<JsonNode> next = records("nb-" + run);
        assertEquals(Set.of("page", "track"), next.stream().map(r -> r.get("type").asText()).collect(Collectors.toSet()));
        next.forEach(r -> assertEquals("2026-11-23T10:00:03.000Z", r.get("sentAt").asText(), "the batch's sentAt"));

        // RudderStack JS beaconQueue/utilities.ts: `${dataPlaneUrl}/beacon/v1/batch?writeKey=…`, a text/plain
        // Blob of {batch, sentAt}, no headers (sendBeacon cannot set any); RudderStack events carry
        // originalTimestamp and an empty userId until identify
        String beacon = """
                {"batch":[{"type":"track","event":"Beacon Sent","anonymousId":"rb-%1$s","userId":"","messageId":"rb-%1$s-1",
                 "channel":"web","originalTimestamp":"2026-11-23T10:00:00.000Z","sentAt":"2026-11-23T10:00:00.500Z",
                 "context":{"library":{"name":"RudderLabs JavaScript SDK","version":"3.11.0"}},"integrations":{"All":true}}],
                 "sentAt":"2026-11-23T10:00:00.500Z"}""".formatted(run);
        HttpResponse<String> beaconAnswer = post("/beacon/v1/batch?writeKey=dev-write-key", utf8(beacon), false,
                "Content-Type", "text/plain;charset=UTF-8", "Origin", ORIGIN);
        assertEquals(200, beaconAnswer.statusCode(), beaconAnswer.body());
        assertEquals(ORIGIN, beaconAnswer.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("true", beaconAnswer.headers().firstValue("Access-Control-Allow-Credentials").orElse(null),
                "sendBeacon sends in credentials mode include");
        JsonNode record = records("rb-" + run).get(0);
        assertEquals("rb-" + run, record.get("anonymousId").asText());
        assertTrue(record.path("userId").isNull() || record.path("userId").isMissingNode(), record.toString());
        assertEquals("2026-11-23T10:00:00.000Z", record.get("originalTimestamp").asText());

        HttpResponse<String> wrongKey = post("/beacon/v1/batch?writeKey=not-a-key", utf8(beacon), false,
                "Content-Type", "text/plain");
        assertEquals(401, wrongKey.statusCode());
        assertTrue(json(wrongKey.body()).get("detail").asText().contains("check the write key"), wrongKey.body());
        assertEquals(401, post("/beacon/v1/batch", utf8(beacon), false, "Content-Type", "text/plain").statusCode());
    }

    @Test
    void rudderStackXhrEventsArriveWithTheirHeadersAndNulls() {
        String run = UUID.randomUUID().toString();
        String now = Instant.now().toString();
        // RudderStack JS v3 eventManager/utilities.ts (getEnrichedEvent): channel, originalTimestamp, userId ""
        // before identify, event null for a page, properties null for an identify; xhrQueue sends
        // AnonymousId (base64), SentAt, Authorization and Content-Type application/json;charset=UTF-8
        String anonymousId = "rx-" + run;
        String page = """
                {"type":"page","name":"Pricing","event":null,"properties":{"path":"/pricing"},"channel":"web",
                 "anonymousId":"%1$s","userId":"","messageId":"rx-%2$s-1","originalTimestamp":"%3$s","sentAt":"%3$s",
                 "context":{"traits":{},"sessionId":1764745200000,"library":{"name":"RudderLabs JavaScript SDK",
                 "version":"3.34.1"},"page":{"path":"/pricing"}},"integrations":{"All":true}}""".formatted(anonymousId, run, now);
        String identify = """
                {"type":"identify","event":null,"properties":null,"channel":"web","anonymousId":"%1$s",
                 "userId":"rx-user-%2$s","messageId":"rx-%2$s-2","originalTimestamp":"%3$s","sentAt":"%3$s",
                 "context":{"traits":{"email":"rx@example.com"}},"integrations":{"All":true}}""".formatted(anonymousId, run, now);
        String[] headers = { "Authorization", DEV_BASIC, "Content-Type", "application/json;charset=UTF-8",
                "Accept", "application/json", "AnonymousId",
                java.util.Base64.getEncoder().encodeToString(utf8(anonymousId)), "SentAt", now, "Origin", ORIGIN };
        HttpResponse<String> pageAnswer = post("/v1/page", utf8(page), false, headers);
        assertEquals(200, pageAnswer.statusCode(), pageAnswer.body());
        HttpResponse<String> identifyAnswer = post("/v1/identify", utf8(identify), false, headers);
        assertEquals(200, identifyAnswer.statusCode(), identifyAnswer.body());
        Map<String, JsonNode> byType = records(anonymousId).stream()
                .collect(Collectors.toMap(r -> r.get("type").asText(), r -> r));
        assertEquals(Set.of("page", "identify"), byType.keySet());
        assertEquals("Pricing", byType.get("page").get("event").asText());
        assertEquals("rx-user-" + run, byType.get("identify").get("userId").asText());
    }

    @Test
    void everyContentTypeAndEncodingTheSdksUseCarriesTheJson() {
        String run = UUID.randomUUID().toString();
        // application/x-www-form-urlencoded + gzip: @rudderstack/rudder-sdk-node (axios's label for a Buffer);
        // text/plain + gzip: analytics-kotlin; application/json; charset=utf-8: analytics-swift, RudderStack JS
        List<String> types = Arrays.asList("application/json", "application/json; charset=utf-8",
                "application/json;charset=ISO-8859-1", "text/plain", "text/plain;charset=UTF-8",
                "application/x-www-form-urlencoded", "application/octet-stream", null);
        Map<String, UnaryOperator<byte[]>> encodings = new LinkedHashMap<>();
        encodings.put("", b -> b);
        encodings.put("gzip", Wire::gzip);
        encodings.put("deflate", b -> deflate(b, false));
        encodings.put("deflate ", b -> deflate(b, true)); // raw deflate, as some clients send it
        Set<String> expected = new TreeSet<>();
        for (int t = 0; t < types.size(); t++) {
            for (String encoding : encodings.keySet()) {
                String messageId = "ct-" + run + "-" + t + "-" + encoding.trim() + (encoding.endsWith(" ") ? "raw" : "");
                expected.add(messageId);
                String body = "{\"batch\":[{\"type\":\"track\",\"event\":\"Typed\",\"anonymousId\":\"ct-" + run
                        + "\",\"messageId\":\"" + messageId + "\"}],\"sentAt\":\"" + Instant.now() + "\"}";
                List<String> headers = new ArrayList<>(List.of("Authorization", DEV_BASIC));
                if (types.get(t) != null) {
                    headers.addAll(List.of("Content-Type", types.get(t)));
                }
                if (!encoding.isBlank()) {
                    headers.addAll(List.of("Content-Encoding", encoding.trim()));
                }
                HttpResponse<String> answer = post("/v1/batch", encodings.get(encoding).apply(utf8(body)), false,
                        headers.toArray(String[]::new));
                assertEquals(200, answer.statusCode(), types.get(t) + " / " + encoding + ": " + answer.body());
                assertEquals(1, json(answer.body()).get("accepted").asInt(), types.get(t) + " / " + encoding);
            }
        }
        assertEquals(expected, records("ct-" + run).stream().map(r -> r.get("messageId").asText())
                .collect(Collectors.toCollection(TreeSet::new)), "every combination published once");
    }

    @Test
    void aBodyThatIsNotJsonIs400SayingWhatToSend() {
        HttpResponse<String> text = post("/v1/t", utf8("hello"), false, "Content-Type", "text/plain",
                "Authorization", DEV_BASIC);
        assertEquals(400, text.statusCode());
        assertEquals("urn:touchpoint:problem:invalid-json", json(text.body()).get("type").asText());

        HttpResponse<String> form = post("/v1/batch", utf8("batch=1&sentAt=now"), false,
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", DEV_BASIC);
        assertEquals(400, form.statusCode());
        assertTrue(json(form.body()).get("detail").asText().contains("form data, not JSON"), form.body());

        HttpResponse<String> notGzip = post("/v1/b", utf8("{\"batch\":[]}"), false, "Content-Type", "text/plain",
                "Content-Encoding", "gzip", "Authorization", DEV_BASIC);
        assertEquals(400, notGzip.statusCode());
        assertTrue(json(notGzip.body()).get("detail").asText().contains("drop the Content-Encoding"), notGzip.body());

        HttpResponse<String> multipart = post("/v1/track", utf8("--x--"), false,
                "Content-Type", "multipart/form-data; boundary=x", "Authorization", DEV_BASIC);
        assertEquals(415, multipart.statusCode());
        assertTrue(json(multipart.body()).get("detail").asText().contains("application/json"), multipart.body());
        assertEquals("application/problem+json", multipart.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void preflightsOfTheBrowserSdksAllowTheirHeadersAndAreCached() {
        // analytics-next: Authorization (Basic), Content-Type text/plain (safelisted, but may be overridden to
        // application/json), X-Retry-Count on retries; browsers send the names lower case and sorted
        preflight("/v1/t", "authorization,content-type,x-retry-count");
        preflight("/v1/b", "authorization,content-type,x-retry-count");
        // RudderStack JS v3 xhrQueue (index.ts, utilities.ts) + HttpClient: Content-Type application/json,
        // Authorization, AnonymousId, SentAt and the Rsa-* retry headers
        preflight("/v1/track", "anonymousid,authorization,content-type,rsa-recovered,rsa-retry-attempt,"
                + "rsa-retry-reason,rsa-since-first-attempt,rsa-since-last-attempt,sentat");
        preflight("/v1/batch", "anonymousid,authorization,content-type,sentat");

        // an actual cross-origin answer lets the script read Retry-After (analytics-next parses it on a 429)
        given().header("Origin", ORIGIN).contentType("text/plain").body("{\"anonymousId\":\"a\",\"event\":\"x\"}")
                .when().post("/v1/t")
                .then().statusCode(401)
                .header("Access-Control-Allow-Origin", ORIGIN)
                .header("Access-Control-Expose-Headers", org.hamcrest.Matchers.containsStringIgnoringCase("Retry-After"));
    }

    private static void preflight(String path, String requestHeaders) {
        io.restassured.response.Response answer = given().header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", requestHeaders)
                .when().options(path);
        assertEquals(200, answer.statusCode(), path);
        assertEquals(ORIGIN, answer.header("Access-Control-Allow-Origin"), path);
        assertEquals("true", answer.header("Access-Control-Allow-Credentials"), path);
        assertEquals("86400", answer.header("Access-Control-Max-Age"), path + ": 24 h");
        assertTrue(answer.header("Access-Control-Allow-Methods").contains("POST"), path);
        Set<String> allowed = Arrays.stream(answer.header("Access-Control-Allow-Headers").split(","))
                .map(h -> h.trim().toLowerCase()).collect(Collectors.toSet());
        for (String asked : requestHeaders.split(",")) {
            assertTrue(allowed.contains(asked), path + " allows " + asked + ": " + allowed);
        }
    }

    private static final Pattern RETRIED = Pattern.compile(
            "touchpoint_ingest_retried_requests_total\\{channel=\"web\",endpoint=\"track\",source=\"dev-web\"} ([0-9.]+)");

    @Test
    void retriesTheSdksMarkAreCounted() {
        double before = retried(metrics());
        String event = "{\"anonymousId\":\"retry\",\"event\":\"Retried\",\"writeKey\":\"dev-write-key\"}";
        assertEquals(200, post("/v1/t", utf8(event), false, "Content-Type", "text/plain", "X-Retry-Count", "2")
                .statusCode());
        assertEquals(200, post("/v1/track", utf8(event), false, "Content-Type", "application/json",
                "Rsa-Retry-Attempt", "1").statusCode());
        // a first attempt (analytics-next sends no header then, a 0 is the same) is not a retry
        assertEquals(200, post("/v1/track", utf8(event), false, "Content-Type", "application/json",
                "X-Retry-Count", "0").statusCode());
        assertEquals(before + 2, retried(metrics()), 0.0001);
    }

    private static String metrics() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double retried(String exposition) {
        Matcher m = RETRIED.matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
