package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static io.touchpoint.ingest.TrackEndpointTest.TOUCHPOINTS;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.touchpoint.stack.StackProcess;

/**
 * Redis unreachable: events are still accepted and published (never lost), without the dedup check.
 * A repeated messageId is then published again; downstream consumers are idempotent on messageId
 * (docs/adr/0002), so it is absorbed there. The metric says how many events went unchecked.
 */
@QuarkusTest
@TestProfile(RedisDownTest.NoRedis.class)
class RedisDownTest {

    public static class NoRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + StackProcess.freePort(),
                    "touchpoint.ingest.dedup.timeout", "300ms",
                    // longer than this class runs: the instance has never heard from Redis
                    "touchpoint.ingest.dedup.readiness-grace", "10m");
        }
    }

    @Test
    void eventsAreAcceptedAndPublishedWithoutDedupWhenRedisIsDown() {
        String messageId = "no-redis-" + UUID.randomUUID();
        // untimed: the application's first request also pays the producer's first metadata fetch, seconds
        // on a loaded machine; without a messageId it claims nothing, so it leaves the counter alone
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"a\",\"event\":\"Warm Up\"}").when().post("/v1/track").then().statusCode(200);
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", DEV_BASIC).contentType("application/json")
                    .body("{\"anonymousId\":\"a\",\"event\":\"Still Counted\",\"messageId\":\"" + messageId + "\"}")
                    .when().post("/v1/track")
                    .then().statusCode(200).body("success", equalTo(true)).time(lessThan(5000L));
        }
        assertEquals(2, TopicReader.readAll(TOUCHPOINTS).stream().filter(r -> r.value().contains(messageId)).count(),
                "nothing lost; the repeat is left to the idempotent consumers");
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.contains("touchpoint_ingest_dedup_unavailable_total{source=\"dev-web\"} 2.0"), metrics);
    }

    @Test
    void aStartingInstanceIsNotReadyBeforeRedisAnswers() {
        given().when().get("/q/health/ready")
                .then().statusCode(503)
                .body("checks.find { it.name == 'Dedup connection' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Dedup connection' }.data.dedup", containsString("waiting for Redis"));
    }

    @Test
    void rateLimitsFallBackToThisInstanceWhenRedisIsDown() {
        // test-limited: 1 request/s, burst 3, decided by this instance's own bucket while Redis is away
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(given().header("Authorization", DedupAndLimitsTest.basic("test-limited-write-key"))
                    .contentType("application/json").body("{\"anonymousId\":\"limited\",\"event\":\"Burst " + i + "\"}")
                    .when().post("/v1/track").statusCode());
        }
        assertEquals(List.of(200, 200, 200), statuses.subList(0, 3), statuses.toString());
        assertTrue(statuses.contains(429), statuses.toString());
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.contains("touchpoint_ingest_rate_limit_unavailable_total{source=\"test-limited\"} 6.0"), metrics);
    }
}
