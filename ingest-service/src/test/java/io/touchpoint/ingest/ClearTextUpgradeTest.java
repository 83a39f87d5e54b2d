package io.touchpoint.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * HTTP clients that try HTTP/2 first (the JDK's HttpClient does by default) send {@code Upgrade: h2c} with
 * the POST body. Vert.x consumed that body during the upgrade and the request then failed with 500; ingest
 * now declines the upgrade, so the same request is simply answered over HTTP/1.1 and the event lands.
 */
@QuarkusTest
@QuarkusTestResource(TouchpointStackResource.class)
class ClearTextUpgradeTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aClientOfferingH2cUpgradeGetsItsEventAccepted() throws Exception {
        String messageId = "h2c-" + UUID.randomUUID();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/track"))
                .header("Authorization", TrackEndpointTest.DEV_BASIC).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"anonymousId\":\"anon-h2c\",\"event\":\"Product Viewed\","
                        + "\"messageId\":\"" + messageId + "\"}"))
                .timeout(Duration.ofSeconds(15)).build();

        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"success\":true"), response.body());
        assertEquals(HttpClient.Version.HTTP_1_1, response.version(), "the upgrade is declined");
        TopicReader.single(TrackEndpointTest.TOUCHPOINTS, v -> v.contains(messageId));
    }
}
