package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** What operators rely on: readiness that includes Kafka, the ingest counters, the API description. */
@QuarkusTest
class ObservabilityTest {

    private static final Pattern ACCEPTED = Pattern.compile(
            "touchpoint_ingest_events_total\\{channel=\"web\",outcome=\"accepted\",source=\"dev-web\",type=\"track\"} ([0-9.]+)");

    @Test
    void readinessIsUpAndChecksKafka() throws InterruptedException {
        // as a probe does: the first looks may still be fetching the topics' metadata
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (given().when().get("/q/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Kafka connection health check"))
                // what a first request needs: the topics' leaders known to their producers, Redis answering
                .body("checks.find { it.name == 'Touchpoint topics' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Touchpoint topics' }.data.'touchpoints.v1'", containsString("each with a leader"))
                .body("checks.find { it.name == 'Touchpoint topics' }.data.'touchpoints.rejected.v1'", containsString("each with a leader"))
                .body("checks.find { it.name == 'Dedup connection' }.status", equalTo("UP"));
    }

    @Test
    void acceptedAndRejectedEventsAreCounted() {
        double before = accepted(metrics());
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"metrics-test\",\"event\":\"Counted\"}")
                .when().post("/v1/track").then().statusCode(200);
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"metrics-test\"}")
                .when().post("/v1/track").then().statusCode(400);

        String after = metrics();
        assertTrue(accepted(after) >= before + 1, "accepted counter moved");
        assertTrue(after.contains("touchpoint_ingest_rejected_total{channel=\"web\",reason=\"missing_event\","
                + "source=\"dev-web\",type=\"track\"}"), after);
        assertTrue(after.contains("touchpoint_ingest_request_seconds_count{endpoint=\"track\",status=\"200\"}"), after);
        assertTrue(after.contains("touchpoint_ingest_request_seconds_count{endpoint=\"track\",status=\"400\"}"), after);
        // fixed buckets, so Prometheus can compute the p99 (histogram_quantile) the dashboards show
        assertTrue(after.matches("(?s).*touchpoint_ingest_request_seconds_bucket\\{endpoint=\"track\",status=\"200\",le=\"0\\.005\"\\} .*"),
                after);
        assertTrue(after.contains("touchpoint_ingest_request_seconds_bucket{endpoint=\"track\",status=\"200\",le=\"+Inf\"}"),
                after);
        assertTrue(after.contains(
                "touchpoint_ingest_events_total{channel=\"web\",outcome=\"rejected\",source=\"dev-web\",type=\"track\"}"));
        assertTrue(after.contains("touchpoint_ingest_kafka_ack_seconds_count{outcome=\"acked\",topic=\"touchpoints.v1\"}"));
    }

    @Test
    void openApiDocumentsTheEndpointsAndProblemShape() {
        given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200)
                .body(containsString("/v1/track"))
                .body(containsString("/v1/identify"))
                .body(containsString("/v1/page"))
                .body(containsString("/v1/screen"))
                .body(containsString("/v1/group"))
                .body(containsString("/v1/alias"))
                .body(containsString("/v1/batch"))
                .body(containsString("/v1/import"))
                .body(containsString("/v1/{call}"))
                .body(containsString("/v1/b"))
                .body(containsString("/beacon/v1/batch"))
                .body(containsString("/v1/projects/{writeKey}/settings"))
                .body(containsString("/sourceConfig"))
                .body(containsString("/webhooks/{sourceId}"))
                .body(containsString("urn:touchpoint:problem:rate-limited"))
                .body(containsString("urn:touchpoint:problem:invalid-signature"))
                .body(containsString("\"429\""))
                .body(containsString("Retry-After"))
                .body(containsString("BatchResult"))
                .body(containsString("application/problem+json"))
                .body(containsString("\"Problem\""));
    }

    private static String metrics() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double accepted(String exposition) {
        Matcher m = ACCEPTED.matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
