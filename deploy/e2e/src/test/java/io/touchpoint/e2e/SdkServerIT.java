package io.touchpoint.e2e;

import java.util.List;

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

    private static void story(String sdk) throws Exception {
        String run = sdk + "-node-" + Long.toString(System.nanoTime(), 36);
        String anonymousId = "anon-" + run;
        String userId = "user-" + run;
        JsonNode result = SdkRuntime.runNode("server-story.mjs", List.of(sdk, system.ingest.baseUrl(),
                TouchpointSystem.SERVER_WRITE_KEY, anonymousId, userId, "order-" + run));
        SdkRuntime.assertDelivered(result, system.ingest.baseUrl());
        StitchedJourney.assertOneCustomer(system, userId, anonymousId, StitchedJourney.story("Pricing"), "dev-server");
    }
}
