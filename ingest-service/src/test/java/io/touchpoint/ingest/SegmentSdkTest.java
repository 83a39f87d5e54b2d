package io.touchpoint.ingest;

import static io.touchpoint.ingest.TrackEndpointTest.TOUCHPOINTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The real Segment Java SDK ({@code com.segment.analytics.java:analytics} from Maven Central),
 * unchanged, pointed at this service: it batches to {@code /v1/import} with the write key as Basic
 * user, and reports success only on a 2xx.
 */
@QuarkusTest
class SegmentSdkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The SDK's callback: which messages it saw succeed or fail. */
    static final class Outcomes implements Callback {
        final Set<String> succeeded = ConcurrentHashMap.newKeySet();
        final Map<String, Throwable> failed = new ConcurrentHashMap<>();
        final CountDownLatch done;

        Outcomes(int expected) {
            done = new CountDownLatch(expected);
        }

        @Override
        public void success(Message message) {
            succeeded.add(message.messageId());
            done.countDown();
        }

        @Override
        public void failure(Message message, Throwable throwable) {
            failed.put(message.messageId(), throwable);
            done.countDown();
        }
    }

    static Analytics sdk(String writeKey, Callback callback, int retries) {
        return Analytics.builder(writeKey)
                .endpoint("http://127.0.0.1:" + RestAssured.port)
                .flushQueueSize(50)
                .flushInterval(1, TimeUnit.SECONDS)
                .retries(retries)
                .callback(callback)
                .build();
    }

    @Test
    void everyCallOfTheJavaSdkLandsOnTouchpointsOnce() throws Exception {
        String run = UUID.randomUUID().toString();
        Outcomes outcomes = new Outcomes(6);
        Analytics analytics = sdk("dev-server-write-key", outcomes, 1);
        try {
            analytics.enqueue(IdentifyMessage.builder().userId("sdk-" + run).anonymousId("anon-" + run)
                    .traits(Map.of("email", "sdk@example.com")).messageId("sdk-identify-" + run));
            analytics.enqueue(TrackMessage.builder("Order Completed").userId("sdk-" + run)
                    .properties(Map.of("order_id", "o-" + run, "revenue", 129.0, "currency", "EUR"))
                    .messageId("sdk-track-" + run));
            analytics.enqueue(PageMessage.builder("Pricing").anonymousId("anon-" + run).messageId("sdk-page-" + run));
            analytics.enqueue(ScreenMessage.builder("Checkout").userId("sdk-" + run).messageId("sdk-screen-" + run));
            analytics.enqueue(GroupMessage.builder("acme").userId("sdk-" + run).messageId("sdk-group-" + run));
            analytics.enqueue(AliasMessage.builder("anon-" + run).userId("sdk-" + run).messageId("sdk-alias-" + run));
            analytics.flush();
            assertTrue(outcomes.done.await(30, TimeUnit.SECONDS), "the SDK reported every message");
        } finally {
            analytics.shutdown();
        }
        assertEquals(Map.of(), outcomes.failed);
        assertEquals(6, outcomes.succeeded.size());

        List<JsonNode> records = TopicReader.readAll(TOUCHPOINTS).stream().filter(r -> r.value().contains("sdk-")
                && r.value().contains(run)).map(r -> read(r.value())).toList();
        assertEquals(List.of("alias", "group", "identify", "page", "screen", "track"),
                records.stream().map(r -> r.get("type").asText()).sorted().toList(), "each call exactly once");
        JsonNode track = records.stream().filter(r -> r.get("type").asText().equals("track")).findFirst().orElseThrow();
        assertEquals("server", track.get("channel").asText());
        assertEquals("dev-server", track.get("sourceId").asText());
        assertEquals(129.0, track.at("/properties/revenue").asDouble());
        assertEquals("analytics-java", track.at("/context/library/name").asText(), "the SDK's batch context merged in");
        assertTrue(track.get("sentAt").isTextual(), "the SDK's sentAt is kept");
        JsonNode alias = records.stream().filter(r -> r.get("type").asText().equals("alias")).findFirst().orElseThrow();
        assertEquals("anon-" + run, alias.get("previousId").asText());
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
