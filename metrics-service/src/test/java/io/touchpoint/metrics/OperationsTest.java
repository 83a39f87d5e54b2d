package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;
import static io.touchpoint.metrics.FunnelApi.awaitEntered;
import static io.touchpoint.metrics.TransitionRecords.customer;
import static io.touchpoint.metrics.TransitionRecords.now;
import static io.touchpoint.metrics.TransitionRecords.send;
import static io.touchpoint.metrics.TransitionRecords.stageEntered;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** What operators see: Prometheus metrics, readiness, OpenAPI; all open without the API token. */
@QuarkusTest
class OperationsTest {

    @Test
    void theFunnelGaugeShowsCustomersWhoEnteredAStep() {
        // funnel 'signup' (visit, signup) exists only in the test profile and only this test uses it
        String a = customer();
        String b = customer();
        send(a, stageEntered(a, "visit", "web", now()), stageEntered(a, "signup", "web", now()));
        send(b, stageEntered(b, "visit", "app", now()));
        awaitEntered("signup", "visit", null, 2);

        FunnelApi.await("touchpoint_funnel_customers{funnel=signup,stage=visit} == 2",
                () -> PrometheusScrape.value("touchpoint_funnel_customers", "funnel", "signup", "stage", "visit"),
                v -> v == 2.0);
        assertEquals(1.0, FunnelApi.await("signup gauge == 1",
                () -> PrometheusScrape.value("touchpoint_funnel_customers", "funnel", "signup", "stage", "signup"),
                v -> v == 1.0));
        String exposition = PrometheusScrape.scrape();
        assertTrue(exposition.contains("touchpoint_funnel_customers{funnel=\"lifecycle\",stage=\"advocacy\"}"),
                "a gauge per funnel and stage, also at zero");
        assertTrue(PrometheusScrape.value("touchpoint_metrics_transitions_total", "kind", "stage_entered", "outcome",
                "counted") >= 3, "counted transitions");
        assertTrue(exposition.contains("touchpoint_metrics_transitions_total{kind=\"other\",outcome=\"skipped\"}"));
    }

    @Test
    void readinessIncludesRedisAndKafka() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Redis")))
                .body("checks.name", hasItem(containsString("Kafka")));
    }

    @Test
    void openApiDocumentsTheEndpoints() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths.'/funnels'.get.summary", equalTo("The configured funnels"))
                .body("paths.'/funnels/{id}'.get.responses.'404'.description", equalTo("Unknown funnel"))
                .body("components.securitySchemes.apiToken.scheme", equalTo("bearer"))
                .body("paths.'/kpis'.get.parameters.name", hasItem("stage"))
                .body("paths.'/kpis'.get.responses.'200'.content.'application/json'.examples", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/funnels/{id}'.get.parameters.name", hasItem("from"))
                .body("paths.'/dropoffs'.get.parameters.name", hasItem("top"))
                .body("paths.'/admin/rebuild'.post.responses.'409'.description", equalTo("A rebuild is running"));
    }
}
