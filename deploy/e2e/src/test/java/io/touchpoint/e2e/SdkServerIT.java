package io.touchpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The real server SDKs from npm (deploy/e2e/sdk/server-story.mjs), configured with nothing but ingest's URL
 * and a write key, send one customer's story; journey-service shows it as one stitched customer.
 */
class SdkServerIT {

    private static TouchpointSystem system;

    @BeforeAll
    static void start() throws Exception {
        SdkRuntime.node(); // fail before starting the system when Node.js or the packages are missing
        system = TouchpointSystem.get();
    }

    @Test
    void segmentAnalyticsNode() throws Exception {
        story("segment");
    }

    @Test
    void rudderstackSdkNode() throws Exception {
        story("rudderstack");
    }

    private static void story(String sdk) throws Exception {
        String run = sdk + "-node-" + Long.toString(System.nanoTime(), 36);
        String anonymousId = "anon-" + run;
        String userId = "user-" + run;
        JsonNode result = SdkRuntime.runNode("server-story.mjs", List.of(sdk, system.ingest.baseUrl(),
                TouchpointSystem.SERVER_WRITE_KEY, anonymousId, userId, "order-" + run));
        SdkRuntime.assertDelivered(result, system.ingest.baseUrl());
        assertEquals(Set.of("/v1/batch"), Set.copyOf(SdkRuntime.ingestPaths(result, system.ingest.baseUrl(), "POST")));
        StitchedJourney.assertOneCustomer(system, userId, anonymousId, StitchedJourney.story("Pricing"), "dev-server");
    }
}
