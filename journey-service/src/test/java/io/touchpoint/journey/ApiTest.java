package io.touchpoint.journey;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** The HTTP surface: token, problem+json errors, stage model, and the open /q/ endpoints. */
@QuarkusTest
class ApiTest {

    private static final String TOKEN = TestTouchpoints.TOKEN;

    private static ValidatableResponse problem(ValidatableResponse r, int status, String code) {
        return r.statusCode(status)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:touchpoint:problem:" + code))
                .body("status", equalTo(status))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body("detail", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void missingTokenIs401WithBearerChallenge() {
        problem(given().when().get("/customers/" + UUID.randomUUID()).then(), 401, "unauthorized")
                .header("WWW-Authenticate", "Bearer realm=\"touchpoint\"");
        problem(given().when().get("/stages").then(), 401, "unauthorized");
    }

    @Test
    void wrongTokenIs401() {
        problem(given().auth().oauth2("dev-api-token-but-wrong").when().get("/customers/" + UUID.randomUUID()).then(),
                401, "unauthorized")
                .header("WWW-Authenticate", "Bearer realm=\"touchpoint\"");
        problem(given().header("Authorization", "Basic ZGV2OmRldg==").when().get("/funnels").then(), 401, "unauthorized");
    }

    @Test
    void unknownCustomerIs404() {
        String id = UUID.randomUUID().toString();
        problem(given().auth().oauth2(TOKEN).when().get("/customers/" + id).then(), 404, "not-found")
                .body("instance", equalTo("/customers/" + id));
        problem(given().auth().oauth2(TOKEN).when().get("/customers/" + id + "/journey").then(), 404, "not-found");
        problem(given().auth().oauth2(TOKEN).queryParam("identifier", "user_id:" + id).when().get("/customers").then(),
                404, "not-found");
    }

    @Test
    void badIdentifierOrIdIs400() {
        problem(given().auth().oauth2(TOKEN).when().get("/customers").then(), 400, "invalid-parameter");
        problem(given().auth().oauth2(TOKEN).queryParam("identifier", "u-1").when().get("/customers").then(),
                400, "invalid-parameter").body("detail", containsString("<type>:<value>"));
        problem(given().auth().oauth2(TOKEN).queryParam("identifier", "fax:a@example.com").when().get("/customers").then(),
                400, "invalid-parameter").body("detail", containsString("unknown identifier type"));
        // known type, value that cannot be one
        problem(given().auth().oauth2(TOKEN).queryParam("identifier", "phone:12").when().get("/customers").then(),
                400, "invalid-parameter").body("detail", containsString("not a valid phone"));
        problem(given().auth().oauth2(TOKEN).when().get("/customers/not-a-uuid").then(), 400, "invalid-parameter");
    }

    @Test
    void quarkusOwnErrorsAreProblemJsonToo() {
        problem(given().auth().oauth2(TOKEN).when().get("/no-such-path").then(), 404, "not-found");
        problem(given().auth().oauth2(TOKEN).when().delete("/stages").then(), 405, "method-not-allowed");
    }

    @Test
    void stageModelAndFunnelsAreServed() {
        given().auth().oauth2(TOKEN).when().get("/stages").then().statusCode(200)
                .body("stages", equalTo(java.util.List.of("awareness", "discovery", "consideration", "purchase", "use",
                        "support", "repeat", "advocacy")))
                .body("rules[0].stage", equalTo("repeat"))
                .body("rules[0].requiresStage", equalTo("purchase"));
        given().auth().oauth2(TOKEN).when().get("/funnels").then().statusCode(200)
                .body("funnels.name", hasItems("lifecycle", "purchase"))
                .body("funnels.find { it.name == 'purchase' }.stages",
                        equalTo(java.util.List.of("discovery", "consideration", "purchase")))
                .body("funnels.find { it.name == 'purchase' }.conversionWindow", equalTo("P14D"));
    }

    @Test
    void healthMetricsAndOpenApiStayOpen() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItems(containsString("PostgreSQL"), containsString("Kafka")));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("touchpoint_journey_touchpoints_total{"))
                .body(containsString("outcome=\"stored\""))
                .body(containsString("outcome=\"duplicate\""))
                .body(containsString("touchpoint_journey_transitions_published_total"));
        given().when().get("/q/openapi").then().statusCode(200)
                .body(containsString("/customers/{id}/journey"))
                .body(containsString("/funnels"));
    }
}
