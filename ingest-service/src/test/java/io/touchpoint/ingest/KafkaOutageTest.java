package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static io.touchpoint.ingest.TrackEndpointTest.TOUCHPOINTS;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.segment.analytics.Analytics;
import com.segment.analytics.messages.TrackMessage;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.touchpoint.stack.StackProcess;

/**
 * The broker goes down and comes back (same port, same data): while it is down requests get 503,
 * never 200; afterwards the real Segment SDK's own retries land every event exactly once. A short
 * ack-timeout keeps the test quick; the SDK's backoff (15 s, then 30 s, …) is its own.
 */
@QuarkusTest
@TestProfile(KafkaOutageTest.ShortAckTimeout.class)
class KafkaOutageTest {

    public static class ShortAckTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("touchpoint.ingest.ack-timeout", "2s", "touchpoint.ingest.retry-after-seconds", "3");
        }
    }

    @Test
    void brokerOutageIs503AndTheSdksRetriesLandEveryEventExactlyOnce() throws Exception {
        String run = UUID.randomUUID().toString();
        int events = 20;
        StackProcess stack = TouchpointStackResource.current();
        // the producers are connected and warm before the outage
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"warm-" + run + "\",\"event\":\"Warm\"}").when().post("/v1/track")
                .then().statusCode(200);

        stack.stopKafka();
        SegmentSdkTest.Outcomes outcomes = new SegmentSdkTest.Outcomes(events);
        Analytics analytics = SegmentSdkTest.sdk("dev-write-key", outcomes, 5);
        try {
            given().header("Authorization", DEV_BASIC).contentType("application/json")
                    .body("{\"anonymousId\":\"down-" + run + "\",\"event\":\"During outage\",\"messageId\":\"down-" + run + "\"}")
                    .when().post("/v1/track")
                    .then().statusCode(503).header("Retry-After", "3")
                    .body("type", equalTo("urn:touchpoint:problem:unavailable"));

            for (int i = 0; i < events; i++) {
                analytics.enqueue(TrackMessage.builder("Outage Event").anonymousId("sdk-outage-" + run)
                        .properties(Map.of("n", i)).messageId("outage-" + run + "-" + i));
            }
            analytics.flush();
            // the SDK's first attempt meets the outage: 503 (ack timeout), then it backs off
            awaitUnavailableAnswers(1);
            assertEquals(0, outcomes.succeeded.size(), "nothing is reported stored while the broker is down");
        } finally {
            stack.startKafka();
        }
        try {
            assertTrue(outcomes.done.await(120, TimeUnit.SECONDS), "the SDK finished within its retries");
        } finally {
            analytics.shutdown();
        }
        assertEquals(Map.of(), outcomes.failed, "no event given up by the SDK");
        assertEquals(events, outcomes.succeeded.size());

        List<String> published = new ArrayList<>();
        TopicReader.readAll(TOUCHPOINTS).stream().filter(r -> r.value().contains("outage-" + run + "-"))
                .forEach(r -> published.add(r.value()));
        for (int i = 0; i < events; i++) {
            String id = "\"messageId\":\"outage-" + run + "-" + i + "\"";
            assertEquals(1, published.stream().filter(v -> v.contains(id)).count(), "event " + i + " exactly once");
        }
        assertEquals(events, published.size());
    }

    /** Waits until the service answered at least this many more 503s on /v1/import. */
    private static void awaitUnavailableAnswers(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String metrics = given().when().get("/q/metrics").then().extract().asString();
            if (metrics.contains("touchpoint_ingest_request_seconds_count{endpoint=\"import\",status=\"503\"}")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the SDK's request was not answered 503 within 30 s");
    }
}
