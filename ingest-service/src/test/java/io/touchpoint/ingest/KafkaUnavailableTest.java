package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.touchpoint.stack.StackProcess;

/**
 * When Kafka does not acknowledge, the client is told to retry (503 + Retry-After), never 200: the
 * producers of this profile point at a port where no broker listens.
 */
@QuarkusTest
@TestProfile(KafkaUnavailableTest.NoBroker.class)
class KafkaUnavailableTest {

    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String nowhere = "127.0.0.1:" + StackProcess.freePort();
            return Map.of(
                    "touchpoint.producer.bootstrap.servers", nowhere,
                    "mp.messaging.outgoing.rejected-out.bootstrap.servers", nowhere,
                    "touchpoint.ingest.ack-timeout", "1s",
                    "touchpoint.ingest.retry-after-seconds", "7");
        }
    }

    @Test
    void unacknowledgedTrackIs503WithRetryAfter() {
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"a\",\"event\":\"Lost?\"}")
                .when().post("/v1/track")
                .then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "7")
                .body("type", equalTo("urn:touchpoint:problem:unavailable"))
                .body("detail", containsString("did not acknowledge"))
                .time(lessThan(8000L));

        String metrics = given().when().get("/q/metrics").then().extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains(
                "touchpoint_ingest_events_total{channel=\"web\",outcome=\"unavailable\",source=\"dev-web\",type=\"track\"}"));
    }

    @Test
    void notReadyWhileNoProducerKnowsTheTopics() {
        given().when().get("/q/health/ready")
                .then().statusCode(503)
                .body("checks.find { it.name == 'Touchpoint topics' }.status", equalTo("DOWN"));
    }

    @Test
    void refusalThatCannotBeRecordedIsAlso503() {
        // a 400 is only given once the rejection is on touchpoints.rejected.v1
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"a\"")
                .when().post("/v1/track")
                .then().statusCode(503).header("Retry-After", "7")
                .body("type", equalTo("urn:touchpoint:problem:unavailable"));
    }
}
