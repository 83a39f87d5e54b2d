package io.touchpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * The real Java SDKs from Maven Central, Segment's {@code com.segment.analytics.java:analytics} and
 * RudderStack's {@code com.rudderstack.sdk.java.analytics:analytics}, configured with nothing but ingest's
 * URL and a write key, send one customer's story; journey-service shows it as one stitched customer. Each
 * SDK's HTTP client gets an interceptor that only records what ingest answered.
 */
class SdkJavaIT {

    private static final Instant T0 = Instant.now().minus(Duration.ofMinutes(10));
    private static TouchpointSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = TouchpointSystem.get();
    }

    @Test
    void segmentAnalyticsJava() throws Exception {
        String run = "segment-java-" + Long.toString(System.nanoTime(), 36);
        Exchanges exchanges = new Exchanges();
        List<String> failures = new CopyOnWriteArrayList<>();
        com.segment.analytics.Analytics analytics = com.segment.analytics.Analytics
                .builder(TouchpointSystem.SERVER_WRITE_KEY)
                .endpoint(system.ingest.baseUrl())
                .client(exchanges.client())
                .callback(new com.segment.analytics.Callback() {
                    @Override
                    public void success(com.segment.analytics.messages.Message message) {
                    }

                    @Override
                    public void failure(com.segment.analytics.messages.Message message, Throwable error) {
                        failures.add(message.type() + ": " + error);
                    }
                })
                .build();
        try {
            analytics.enqueue(com.segment.analytics.messages.PageMessage.builder("Pricing")
                    .anonymousId("anon-" + run).properties(Map.of("path", "/pricing")).timestamp(at(0)));
            analytics.enqueue(com.segment.analytics.messages.TrackMessage.builder("Product Viewed")
                    .anonymousId("anon-" + run).properties(Map.of("product_id", "p-1")).timestamp(at(1)));
            analytics.enqueue(com.segment.analytics.messages.IdentifyMessage.builder()
                    .anonymousId("anon-" + run).userId("user-" + run).traits(Map.of("plan", "pro")).timestamp(at(2)));
            analytics.enqueue(com.segment.analytics.messages.TrackMessage.builder("Order Completed")
                    .userId("user-" + run).properties(order(run)).timestamp(at(3)));
            analytics.flush();
        } finally {
            analytics.shutdown(); // drains the queue
        }
        exchanges.assertDelivered(failures);
        assertEquals(Set.of("/v1/import/"), exchanges.paths()); // sic: the SDK's own path
        StitchedJourney.assertOneCustomer(system, "user-" + run, "anon-" + run, StitchedJourney.story("Pricing"),
                "dev-server");
    }

    @Test
    void rudderstackSdkJava() throws Exception {
        String run = "rudderstack-java-" + Long.toString(System.nanoTime(), 36);
        Exchanges exchanges = new Exchanges();
        List<String> failures = new CopyOnWriteArrayList<>();
        com.rudderstack.sdk.java.analytics.RudderAnalytics analytics = com.rudderstack.sdk.java.analytics.RudderAnalytics
                .builder(TouchpointSystem.SERVER_WRITE_KEY)
                .setDataPlaneUrl(system.ingest.baseUrl())
                .client(exchanges.client())
                .callback(new com.rudderstack.sdk.java.analytics.Callback() {
                    @Override
                    public void success(com.rudderstack.sdk.java.analytics.messages.Message message) {
                    }

                    @Override
                    public void failure(com.rudderstack.sdk.java.analytics.messages.Message message, Throwable error) {
                        failures.add(message.type() + ": " + error);
                    }
                })
                .build();
        try {
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.PageMessage.builder("Pricing")
                    .anonymousId("anon-" + run).properties(Map.of("path", "/pricing")).timestamp(at(0)));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.TrackMessage.builder("Product Viewed")
                    .anonymousId("anon-" + run).properties(Map.of("product_id", "p-1")).timestamp(at(1)));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.IdentifyMessage.builder()
                    .anonymousId("anon-" + run).userId("user-" + run).traits(Map.of("plan", "pro")).timestamp(at(2)));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.TrackMessage.builder("Order Completed")
                    .userId("user-" + run).properties(order(run)).timestamp(at(3)));
            analytics.flush();
        } finally {
            analytics.shutdown();
        }
        exchanges.assertDelivered(failures);
        assertEquals(Set.of("/v1/batch"), exchanges.paths());
        StitchedJourney.assertOneCustomer(system, "user-" + run, "anon-" + run, StitchedJourney.story("Pricing"),
                "dev-server");
    }

    private static Map<String, Object> order(String run) {
        return Map.of("order_id", "order-" + run, "revenue", 49.9, "currency", "EUR");
    }

    /**
     * The story's steps a minute apart, ten minutes ago (the journey orders touchpoints by event time, corrected
     * for the client's clock with sentAt: calls a few ms apart could swap places by the requests' latency).
     */
    private static Date at(int minute) {
        return Date.from(T0.plus(Duration.ofMinutes(minute)));
    }

    /** Every HTTP exchange of an SDK's OkHttp client: method, URL, content headers, status. */
    private static final class Exchanges {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final Set<String> paths = ConcurrentHashMap.newKeySet();
        final List<String> failed = new CopyOnWriteArrayList<>();

        OkHttpClient client() {
            Interceptor record = chain -> {
                try {
                    Response response = chain.proceed(chain.request());
                    okhttp3.Request request = chain.request();
                    paths.add(request.url().encodedPath());
                    String exchange = request.method() + " " + request.url() + " (" + request.header("Content-Type")
                            + ", " + request.header("Content-Encoding") + ") -> " + response.code();
                    seen.add(exchange);
                    if (response.code() >= 400) {
                        failed.add(exchange);
                    }
                    return response;
                } catch (java.io.IOException e) {
                    failed.add(chain.request().method() + " " + chain.request().url() + " -> " + e);
                    throw e;
                }
            };
            return new OkHttpClient.Builder().addNetworkInterceptor(record).connectTimeout(5, TimeUnit.SECONDS)
                    .readTimeout(15, TimeUnit.SECONDS).build();
        }

        Set<String> paths() {
            return Set.copyOf(paths);
        }

        void assertDelivered(List<String> sdkFailures) {
            assertTrue(seen.stream().anyMatch(e -> e.contains(system.ingest.baseUrl())),
                    "the SDK sent nothing to ingest: " + seen);
            assertEquals(List.of(), failed, "failed requests of the SDK; all: " + seen);
            assertEquals(List.of(), sdkFailures, "messages the SDK reported as failed; requests: " + seen);
        }
    }
}
