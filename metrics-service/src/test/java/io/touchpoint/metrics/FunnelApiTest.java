package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The query API's contract: authentication, answers and problem+json errors. */
@QuarkusTest
class FunnelApiTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Test
    void withoutATokenTheApiAnswers401WithABearerChallenge() {
        given().when().get("/funnels/lifecycle")
                .then().statusCode(401)
                .contentType(startsWith(PROBLEM_JSON))
                .header("WWW-Authenticate", "Bearer realm=\"touchpoint\"")
                .body("type", equalTo("urn:touchpoint:problem:unauthorized"))
                .body("title", equalTo("Unauthorized"))
                .body("status", equalTo(401))
                .body("instance", equalTo("/funnels/lifecycle"));
    }

    @Test
    void aWrongTokenOrSchemeIs401() {
        given().auth().oauth2("not-the-token").when().get("/funnels")
                .then().statusCode(401).contentType(startsWith(PROBLEM_JSON))
                .header("WWW-Authenticate", "Bearer realm=\"touchpoint\"")
                .body("detail", equalTo("the API token is not valid"));
        given().auth().preemptive().basic("dev-api-token", "").when().get("/funnels")
                .then().statusCode(401).body("type", equalTo("urn:touchpoint:problem:unauthorized"));
        // unknown paths are not revealed to unauthenticated callers either
        given().when().get("/no-such-thing").then().statusCode(401);
    }

    @Test
    void listsTheConfiguredFunnels() {
        given().auth().oauth2(FunnelApi.TOKEN).when().get("/funnels")
                .then().statusCode(200).contentType(startsWith("application/json"))
                .body("id", hasItem("lifecycle"))
                .body("find { it.id == 'lifecycle' }.stages", contains("awareness", "discovery", "consideration",
                        "purchase", "use", "support", "repeat", "advocacy"))
                .body("find { it.id == 'lifecycle' }.conversionWindow", equalTo("P14D"))
                .body("find { it.id == 'purchase' }.stages", contains("discovery", "consideration", "purchase"));
    }

    @Test
    void aFunnelHasOneStepPerStageAndTheLastConvertsToNothing() {
        given().auth().oauth2(FunnelApi.TOKEN).when().get("/funnels/purchase")
                .then().statusCode(200)
                .body("funnel", equalTo("purchase"))
                .body("conversionWindow", equalTo("P14D"))
                .body("channel", nullValue())
                .body("steps.stage", contains("discovery", "consideration", "purchase"))
                .body("steps[2].convertedToNext", nullValue())
                .body("steps[2].conversionRate", nullValue());
        given().auth().oauth2(FunnelApi.TOKEN).queryParam("channel", "contact_center").when().get("/funnels/lifecycle")
                .then().statusCode(200)
                .body("channel", equalTo("contact_center"))
                .body("steps", hasSize(8));
    }

    @Test
    void anUnknownFunnelIs404() {
        given().auth().oauth2(FunnelApi.TOKEN).when().get("/funnels/checkout-v9")
                .then().statusCode(404).contentType(startsWith(PROBLEM_JSON))
                .body("type", equalTo("urn:touchpoint:problem:not-found"))
                .body("status", equalTo(404))
                .body("detail", containsString("checkout-v9"))
                .body("instance", equalTo("/funnels/checkout-v9"));
    }

    @Test
    void anUnknownChannelIs400() {
        given().auth().oauth2(FunnelApi.TOKEN).queryParam("channel", "fax").when().get("/funnels/lifecycle")
                .then().statusCode(400).contentType(startsWith(PROBLEM_JSON))
                .body("type", equalTo("urn:touchpoint:problem:invalid-parameter"))
                .body("status", equalTo(400))
                .body("detail", containsString("contact_center"));
    }

    @Test
    void quarkusOwnErrorsAreProblemJsonToo() {
        given().auth().oauth2(FunnelApi.TOKEN).when().get("/no-such-thing")
                .then().statusCode(404).contentType(startsWith(PROBLEM_JSON))
                .body("type", equalTo("urn:touchpoint:problem:not-found"))
                .body("instance", equalTo("/no-such-thing"));
        given().auth().oauth2(FunnelApi.TOKEN).when().delete("/funnels/lifecycle")
                .then().statusCode(405).contentType(startsWith(PROBLEM_JSON))
                .body("type", equalTo("urn:touchpoint:problem:method-not-allowed"))
                .body("status", equalTo(405));
    }
}
