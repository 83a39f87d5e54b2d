package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static io.touchpoint.ingest.TrackEndpointTest.TOUCHPOINTS;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.touchpoint.ingest.repository.DedupWindowAccess;

/** Dedup in Redis, sources and channels, IP anonymisation and rate limits, against a real Kafka and Redis. */
@QuarkusTest
class DedupAndLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static String basic(String writeKey) {
        return "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRepeatedMessageIdIsAcknowledgedButPublishedOnce() {
        String messageId = "dup-" + UUID.randomUUID();
        String body = "{\"anonymousId\":\"a-dup\",\"event\":\"Signed Up\",\"messageId\":\"" + messageId + "\"}";
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                    .when().post("/v1/track").then().statusCode(200).body("success", equalTo(true));
        }
        // also inside one batch, and a batch repeating the single call
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"batch\":[" + body.replace("{", "{\"type\":\"track\",") + ","
                        + body.replace("{", "{\"type\":\"track\",") + "]}")
                .when().post("/v1/batch").then().statusCode(200).body("accepted", equalTo(2));
        assertEquals(1, count(messageId));
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.contains("touchpoint_ingest_duplicates_total{channel=\"web\",source=\"dev-web\"}"));
    }

    /** The dedup window of the test profile (the default). */
    private static final long WINDOW_MS = 24 * 3600 * 1000L;

    /**
     * What another instance leaves in the shared Redis for a messageId claimed at {@code at} (Redis ms)
     * by {@code claim}: the field is the messageId's digest, the value the claim id.
     */
    private static void entry(String messageId, long at, String claim) throws Exception {
        redis("HSET", bucketKey(at / WINDOW_MS), DedupWindowAccess.field(messageId), claim);
    }

    /** The claim of another instance: {@code d} (done) or {@code p} (pending), claimed at {@code at}. */
    private static void claim(String claim, char state, long at) throws Exception {
        redis("SET", claimKey(claim), state + Long.toString(at), "PX", "60000");
    }

    private static String claimKey(String claim) {
        return "tp:ingest:claim-v2:{dev-web}:" + claim;
    }

    private static String bucketKey(long bucket) {
        return bucketKey("dev-web", bucket);
    }

    private static String bucketKey(String source, long bucket) {
        return "tp:ingest:dedup-v2:{" + source + "}:" + bucket;
    }

    /** Redis's clock in ms: claims are timed by it, so every instance sees the same buckets. */
    private static long redisNow() throws Exception {
        String[] time = redis("TIME").split("\r\n");
        return Long.parseLong(time[2]) * 1000 + Long.parseLong(time[4]) / 1000;
    }

    private static void track(String messageId, String event, int status) {
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"a\",\"event\":\"" + event + "\",\"messageId\":\"" + messageId + "\"}")
                .when().post("/v1/track").then().statusCode(status);
    }

    @Test
    void aClaimLeftInRedisByAnotherInstanceIsHonoured() throws Exception {
        // what another ingest instance leaves in the shared Redis: a published messageId (claim done),
        // and one whose record is still waiting for Kafka's acknowledgement there (claim pending)
        String done = "other-instance-done-" + UUID.randomUUID();
        String pending = "other-instance-pending-" + UUID.randomUUID();
        long now = redisNow();
        claim("c-other.1", 'd', now);
        claim("c-other.2", 'p', now);
        entry(done, now, "c-other.1");
        entry(pending, now, "c-other.2");

        track(done, "Seen", 200);
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"a\",\"event\":\"In flight\",\"messageId\":\"" + pending + "\"}")
                .when().post("/v1/track").then().statusCode(503).header("Retry-After", equalTo("5"))
                .body("detail", org.hamcrest.Matchers.containsString("still waiting"));
        assertEquals(0, count(done), "published by the other instance already");
        assertEquals(0, count(pending), "the other instance's record may still land: not published twice");

        // once the other instance gave up (claim released), the retry publishes it
        redis("DEL", claimKey("c-other.2"));
        track(pending, "In flight", 200);
        assertEquals(1, count(pending));
        // the messageId now names this request's claim, settled asynchronously right after the acknowledgement
        String claim = bulk(redis("HGET", bucketKey(redisNow() / WINDOW_MS), DedupWindowAccess.field(pending)));
        assertTrue(!claim.equals("c-other.2"), claim);
        String state = "";
        for (int i = 0; i < 50 && !state.startsWith("d"); i++) {
            state = bulk(redis("GET", claimKey(claim)));
            Thread.sleep(100);
        }
        assertTrue(state.startsWith("d"), "the claim became final after the acknowledgement: " + state);
        long claimedAt = Long.parseLong(state.substring(1));
        assertTrue(Math.abs(redisNow() - claimedAt) < 60_000, "the claim keeps its time: " + state);
        // and a repeat is now a duplicate: acknowledged, not published again
        track(pending, "In flight", 200);
        assertEquals(1, count(pending));
    }

    @Test
    void aClaimWhoseRequestGaveUpFreesItsMessageIds() throws Exception {
        // another instance claimed this messageId, then Kafka gave up on the record: its claim is gone
        String released = "released-" + UUID.randomUUID();
        entry(released, redisNow(), "c-gone.1");
        track(released, "Retried", 200);
        assertEquals(1, count(released), "published by the retry");
        // one that is still pending elsewhere is in flight: 503 until it settles
        String inFlight = "in-flight-" + UUID.randomUUID();
        claim("c-other.7", 'p', redisNow());
        entry(inFlight, redisNow(), "c-other.7");
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"batch\":[{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"Waiting\",\"messageId\":\""
                        + inFlight + "\"}]}")
                .when().post("/v1/batch").then().statusCode(503);
        claim("c-other.7", 'd', redisNow());
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"batch\":[{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"Waiting\",\"messageId\":\""
                        + inFlight + "\"}]}")
                .when().post("/v1/batch").then().statusCode(200).body("accepted", equalTo(1));
        assertEquals(0, count(inFlight), "the other instance published it");
    }

    @Test
    void theWindowIsExactAcrossBuckets() throws Exception {
        // claims of the previous bucket count while younger than the window, not a second longer
        // (a claim's time is kept in its claim key: the entries of one claim share it)
        String recent = "window-recent-" + UUID.randomUUID();
        String expired = "window-expired-" + UUID.randomUUID();
        long now = redisNow();
        claim("c-yesterday.1", 'd', now - WINDOW_MS + 60_000);
        claim("c-yesterday.2", 'd', now - WINDOW_MS - 60_000);
        entry(recent, now - WINDOW_MS + 60_000, "c-yesterday.1");
        entry(expired, now - WINDOW_MS - 60_000, "c-yesterday.2");
        track(recent, "Within the window", 200);
        track(expired, "Past the window", 200);
        assertEquals(0, count(recent), "claimed 23 h 59 min ago: a duplicate");
        assertEquals(1, count(expired), "claimed 24 h 1 min ago: new again");
        // the bucket of a claim expires a little after it can matter (two windows after it began)
        long ttl = Long.parseLong(redis("PTTL", bucketKey(redisNow() / WINDOW_MS)).trim().substring(1));
        assertTrue(ttl > WINDOW_MS && ttl <= 2 * WINDOW_MS + 60_000, "bucket TTL " + ttl);
    }

    @Test
    void thePreviousBucketIsReadOnlyWhenItExistsAndThenCounts() throws Exception {
        // dev-server: no other test writes its buckets. Without a previous bucket (the first window of
        // a source) the claim skips it, and a repeat inside the current bucket is still a duplicate
        String server = basic("dev-server-write-key");
        long bucket = redisNow() / WINDOW_MS;
        redis("DEL", bucketKey("dev-server", bucket - 1));
        String first = "first-window-" + UUID.randomUUID();
        String body = "{\"anonymousId\":\"a\",\"event\":\"First Window\",\"messageId\":\"" + first + "\"}";
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", server).contentType("application/json").body(body)
                    .when().post("/v1/track").then().statusCode(200);
        }
        assertEquals(1, count(first), "a repeat in the current bucket is a duplicate");
        // a previous bucket that exists is read: claimed (done) a second before the current bucket began
        String earlier = "previous-bucket-" + UUID.randomUUID();
        long at = bucket * WINDOW_MS - 1000;
        redis("SET", "tp:ingest:claim-v2:{dev-server}:c-previous.1", "d" + at, "PX", "60000");
        redis("HSET", bucketKey("dev-server", bucket - 1), DedupWindowAccess.field(earlier), "c-previous.1");
        given().header("Authorization", server).contentType("application/json")
                .body("{\"anonymousId\":\"a\",\"event\":\"Earlier\",\"messageId\":\"" + earlier + "\"}")
                .when().post("/v1/track").then().statusCode(200);
        assertEquals(0, count(earlier), "claimed in the previous bucket, within the window: a duplicate");
        redis("DEL", bucketKey("dev-server", bucket - 1));
    }

    @Test
    void aBatchOfMoreMessageIdsThanOneRedisCommandTakesIsClaimedWhole() {
        // the claim script reads and writes at most 1000 fields per command (Lua's unpack): 1,500 here
        String run = "big-" + UUID.randomUUID() + "-";
        StringBuilder body = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 1500; i++) {
            body.append(i > 0 ? "," : "").append("{\"type\":\"track\",\"anonymousId\":\"big\",\"event\":\"Bulk\",")
                    .append("\"messageId\":\"").append(run).append(i).append("\"}");
        }
        String batch = body.append("]}").toString();
        for (int attempt = 0; attempt < 2; attempt++) {
            given().header("Authorization", DEV_BASIC).contentType("application/json").body(batch)
                    .when().post("/v1/batch").then().statusCode(200).body("accepted", equalTo(1500));
        }
        assertEquals(1500, count(run), "every messageId published once; the repeated batch was all duplicates");
    }

    @Test
    void messageIdsIngestGeneratedAreNotClaimed() throws Exception {
        // they cannot repeat: no claim, no Redis entry
        String bucket = bucketKey(redisNow() / WINDOW_MS);
        String before = redis("HLEN", bucket);
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"batch\":[{\"type\":\"track\",\"anonymousId\":\"gen\",\"event\":\"No Id 1\"},"
                        + "{\"type\":\"track\",\"anonymousId\":\"gen\",\"event\":\"No Id 2\"}]}")
                .when().post("/v1/batch").then().statusCode(200).body("accepted", equalTo(2));
        assertEquals(before, redis("HLEN", bucketKey(redisNow() / WINDOW_MS)));
    }

    @Test
    void dedupWorksWhenRedisForgotItsScripts() throws Exception {
        // a restarted or failed-over Redis has no cached scripts: EVALSHA gets NOSCRIPT, the text is sent once
        double uncheckedBefore = uncheckedDevWeb();
        redis("SCRIPT", "FLUSH");
        String messageId = "after-script-flush-" + UUID.randomUUID();
        String body = "{\"anonymousId\":\"a\",\"event\":\"Flushed\",\"messageId\":\"" + messageId + "\"}";
        given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                .when().post("/v1/track").then().statusCode(200);
        // the repeat, as an SDK sends it: the claim is settled just after the answer, so a repeat this fast may
        // find it pending (503) and is sent again until it is answered
        int status = 503;
        for (int attempt = 0; attempt < 50 && status == 503; attempt++) {
            if (attempt > 0) {
                Thread.sleep(100);
            }
            status = given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                    .when().post("/v1/track").then().extract().statusCode();
        }
        assertEquals(200, status, "the repeat is acknowledged as a duplicate");
        assertEquals(1, count(messageId));
        // against the count before: an earlier test's request may have met a Redis slower than the
        // dedup timeout on a loaded machine, and the counter lives as long as the application
        assertEquals(uncheckedBefore, uncheckedDevWeb(), "the claims were checked, not published unchecked");
    }

    private static double uncheckedDevWeb() {
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("touchpoint_ingest_dedup_unavailable_total\\{source=\"dev-web\"} ([0-9.E]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The value of a RESP bulk-string reply. */
    private static String bulk(String reply) {
        String[] lines = reply.split("\r\n");
        assertTrue(lines.length >= 2 && lines[0].startsWith("$"), "a value: " + reply);
        return lines[1];
    }

    /** One command to the test Redis in RESP (parts are strings or raw bytes), the reply as raw text. */
    private static String redis(Object... command) throws Exception {
        URI uri = URI.create(ConfigProvider.getConfig().getValue("quarkus.redis.hosts", String.class));
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            ByteArrayOutputStream resp = new ByteArrayOutputStream();
            resp.writeBytes(("*" + command.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (Object part : command) {
                byte[] bytes = part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8);
                resp.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                resp.writeBytes(bytes);
                resp.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            socket.getOutputStream().write(resp.toByteArray());
            socket.getOutputStream().flush();
            socket.setSoTimeout(5000);
            byte[] buffer = new byte[512];
            int n = socket.getInputStream().read(buffer);
            String reply = new String(buffer, 0, n, StandardCharsets.UTF_8);
            assertTrue(!reply.startsWith("-"), "redis " + command[0] + ": " + reply);
            return reply;
        }
    }

    @Test
    void theSameMessageIdFromAnotherSourceIsAnotherEvent() throws Exception {
        String messageId = "two-sources-" + UUID.randomUUID();
        String body = "{\"userId\":\"u-two\",\"event\":\"Order Completed\",\"messageId\":\"" + messageId + "\"}";
        given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                .when().post("/v1/track").then().statusCode(200);
        given().header("Authorization", basic("dev-server-write-key")).contentType("application/json").body(body)
                .when().post("/v1/track").then().statusCode(200);
        given().header("Authorization", basic("dev-app-write-key")).contentType("application/json").body(body)
                .when().post("/v1/track").then().statusCode(200);
        List<JsonNode> records = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TopicReader.readAll(TOUCHPOINTS)) {
            if (r.value().contains(messageId)) {
                records.add(JSON.readTree(r.value()));
            }
        }
        assertEquals(3, records.size());
        assertEquals(List.of("app/dev-app", "server/dev-server", "web/dev-web"), records.stream()
                .map(r -> r.get("channel").asText() + "/" + r.get("sourceId").asText()).sorted().toList(),
                "every event is tagged with its source's channel and id");
    }

    @Test
    void aSourceThatAnonymisesIpsNeverPublishesTheFullAddress() throws Exception {
        String marker = "ip-" + UUID.randomUUID();
        given().header("Authorization", basic("test-private-write-key")).header("X-Forwarded-For", "203.0.113.77")
                .contentType("application/json").body("{\"anonymousId\":\"" + marker + "\",\"event\":\"Opened\"}")
                .when().post("/v1/track").then().statusCode(200);
        given().header("Authorization", basic("test-private-write-key")).contentType("application/json")
                .body("{\"anonymousId\":\"" + marker + "-6\",\"event\":\"Opened\",\"context\":{\"ip\":\"2001:db8:85a3:1:2:8a2e:370:7334\"}}")
                .when().post("/v1/track").then().statusCode(200);
        JsonNode v4 = JSON.readTree(TopicReader.single(TOUCHPOINTS, v -> v.contains(marker + "\"")).value());
        assertEquals("203.0.113.0", v4.at("/context/ip").asText());
        assertEquals("email", v4.get("channel").asText());
        JsonNode v6 = JSON.readTree(TopicReader.single(TOUCHPOINTS, v -> v.contains(marker + "-6")).value());
        assertEquals("2001:db8:85a3:0:0:0:0:0", v6.at("/context/ip").asText());
    }

    @Test
    void aSourceOverItsRateLimitGets429WithRetryAfter() {
        // test-limited: 1 request/s, burst 3
        List<Integer> statuses = new ArrayList<>();
        Response limited = null;
        for (int i = 0; i < 6; i++) {
            Response r = given().header("Authorization", basic("test-limited-write-key")).contentType("application/json")
                    .body("{\"anonymousId\":\"limited\",\"event\":\"Burst " + i + "\"}").when().post("/v1/track");
            statuses.add(r.statusCode());
            if (r.statusCode() == 429 && limited == null) {
                limited = r;
            }
        }
        assertTrue(statuses.subList(0, 3).stream().allMatch(s -> s == 200), statuses.toString());
        assertTrue(statuses.contains(429), statuses.toString());
        assertEquals("application/problem+json", limited.contentType());
        assertEquals("urn:touchpoint:problem:rate-limited", limited.jsonPath().getString("type"));
        assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1);
        // other sources are not affected
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"free\",\"event\":\"Unlimited\"}").when().post("/v1/track").then().statusCode(200);
    }

    @Test
    void aRateLimitIsSharedByEveryInstance() throws Exception {
        // test-shared: 1 request/s, burst 2. Another instance has just used the source's bucket up:
        String bucket = "tp:ingest:rate:{test-shared}";
        String[] time = redis("TIME").split("\r\n");
        long now = Long.parseLong(time[2]) * 1_000_000 + Long.parseLong(time[4]);
        redis("HSET", bucket, "tokens", "0", "at", Long.toString(now));
        Response limited = given().header("Authorization", basic("test-shared-write-key")).contentType("application/json")
                .body("{\"anonymousId\":\"shared\",\"event\":\"Refused here\"}").when().post("/v1/track");
        assertEquals(429, limited.statusCode(), "the bucket lives in Redis, not in this instance");
        assertEquals("1", limited.header("Retry-After"));
        // a full bucket again (as after a quiet second): the burst, then 429
        redis("DEL", bucket);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(given().header("Authorization", basic("test-shared-write-key")).contentType("application/json")
                    .body("{\"anonymousId\":\"shared\",\"event\":\"Burst " + i + "\"}").when().post("/v1/track")
                    .statusCode());
        }
        assertEquals(List.of(200, 200), statuses.subList(0, 2), statuses.toString());
        assertTrue(statuses.contains(429), statuses.toString());
        String state = redis("HGET", bucket, "tokens");
        assertTrue(state.startsWith("$"), "the bucket is kept in Redis: " + state);
    }

    private static long count(String marker) {
        return TopicReader.readAll(TOUCHPOINTS).stream().filter(r -> r.value().contains(marker)).count();
    }
}
