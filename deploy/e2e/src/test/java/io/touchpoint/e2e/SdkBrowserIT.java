package io.touchpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The real browser SDKs from npm in Debian's headless chromium (deploy/e2e/sdk/browser-story.mjs, driven by
 * playwright-core), on a page served from another origin than ingest so that every request is a real
 * cross-origin one: configured with nothing but ingest's URL and a write key, they load their settings from
 * ingest, send one visitor's story, and journey-service shows it as one stitched customer.
 */
class SdkBrowserIT {

    private static TouchpointSystem system;
    private static String chromium;

    @BeforeAll
    static void start() throws Exception {
        // fail before starting the system when Node.js, the packages or chromium are missing
        SdkRuntime.node();
        chromium = SdkRuntime.chromium();
        system = TouchpointSystem.get();
    }

    @Test
    void analyticsNextPerEventDelivery() throws Exception {
        JsonNode run = story("segment", "/v1/projects/" + TouchpointSystem.WRITE_KEY + "/settings");
        // segmentio/index.ts: `${protocol}://${apiHost}/${type[0]}` with apiHost from our settings
        assertEquals(Set.of("/v1/p", "/v1/t", "/v1/i"), Set.copyOf(posts(run)), run.toPrettyString());
    }

    @Test
    void analyticsNextBatchingDelivery() throws Exception {
        JsonNode run = story("segment-batching", "/v1/projects/" + TouchpointSystem.WRITE_KEY + "/settings");
        // one batch when the machine keeps up, several when its timer fires between the calls: all to /v1/b
        List<String> posts = posts(run);
        assertTrue(!posts.isEmpty() && posts.stream().allMatch("/v1/b"::equals), run.toPrettyString());
    }

    @Test
    void rudderStackJsXhrTransport() throws Exception {
        JsonNode run = story("rudderstack", "/sourceConfig/");
        assertEquals(Set.of("/v1/page", "/v1/track", "/v1/identify"), Set.copyOf(posts(run)), run.toPrettyString());
    }

    @Test
    void rudderStackJsBeaconTransport() throws Exception {
        JsonNode run = story("rudderstack-beacon", "/sourceConfig/");
        List<String> posts = posts(run);
        assertTrue(!posts.isEmpty() && posts.stream().allMatch("/beacon/v1/batch"::equals), run.toPrettyString());
    }

    /**
     * Runs the SDK's story in chromium and asserts what holds for every browser SDK: the settings came from
     * ingest, the page's requests went nowhere but to its own origin and to ingest and none failed (CORS
     * included), each event was delivered exactly once, and the journey shows them in order.
     */
    private static JsonNode story(String sdkCase, String settingsPath) throws Exception {
        String id = sdkCase + "-" + Long.toString(System.nanoTime(), 36);
        String anonymousId = "anon-" + id;
        String userId = "user-" + id;
        String ingest = system.ingest.baseUrl();
        JsonNode run = SdkRuntime.runNode("browser-story.mjs", List.of(sdkCase, ingest, TouchpointSystem.WRITE_KEY,
                anonymousId, userId, "order-" + id), Map.of("TOUCHPOINT_CHROMIUM", chromium));
        String all = run.toPrettyString();

        String page = run.path("origin").asText();
        assertNotEquals(origin(ingest), page, "the page is served from another origin than ingest");
        SdkRuntime.assertDelivered(run, ingest);
        List<String> elsewhere = new ArrayList<>();
        for (JsonNode exchange : run.path("exchanges")) {
            String url = exchange.path("url").asText();
            if (!SdkRuntime.under(url, ingest) && !SdkRuntime.under(url, page)) {
                elsewhere.add(url);
            }
        }
        assertEquals(List.of(), elsewhere, "requests to neither the page's origin nor ingest (a CDN?): " + all);
        assertTrue(SdkRuntime.ingestPaths(run, ingest, "GET").contains(settingsPath),
                "the SDK loaded its settings from ingest's " + settingsPath + ": " + all);

        List<String> story = StitchedJourney.story("Pricing");
        List<String> delivered = new ArrayList<>();
        run.path("delivered").forEach(event -> delivered.add(event.asText()));
        assertEquals(story.stream().sorted().toList(), delivered.stream().sorted().toList(),
                "every event of the story delivered exactly once (ingest answered 2xx): " + all);

        StitchedJourney.assertOneCustomer(system, userId, anonymousId, story, "dev-web");
        return run;
    }

    private static List<String> posts(JsonNode run) {
        return SdkRuntime.ingestPaths(run, system.ingest.baseUrl(), "POST");
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
