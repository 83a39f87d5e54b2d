package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A rebuild whose export cannot be read fails, says why in its status, and leaves the live counters as
 * they were ({@link JourneyExportStub} answering as a journey-service in trouble would).
 */
@QuarkusTest
class RebuildFailureTest {

    @AfterEach
    void pagesAsUsualAgain() {
        JourneyExportStub.answerEveryPage(null, null);
    }

    @Test
    void anExportAnsweringAnErrorFailsTheRebuildWithTheStatus() {
        JourneyExportStub.serve(List.of(), List.of());
        JourneyExportStub.answerEveryPage(503, "{\"type\":\"urn:touchpoint:problem:unavailable\",\"status\":503}");
        long before = FunnelApi.entered("rebuild", "r-one");

        JsonPath done = rebuild();

        assertEquals("failed", done.getString("state"), done.prettify());
        assertEquals("/export/stage-history answered 503", done.getString("error"));
        assertEquals(before, FunnelApi.entered("rebuild", "r-one"), "the live counters stay as they were");
    }

    @Test
    void anExportAnsweringSomethingElseThanJsonFailsTheRebuild() {
        JourneyExportStub.serve(List.of(), List.of());
        JourneyExportStub.answerEveryPage(200, "<html>a proxy's error page</html>");

        JsonPath done = rebuild();

        assertEquals("failed", done.getString("state"), done.prettify());
        assertEquals("/export/stage-history answered something that is not JSON", done.getString("error"));
    }

    private static JsonPath rebuild() {
        given().auth().oauth2(FunnelApi.TOKEN).when().post("/admin/rebuild").then().statusCode(202);
        return FunnelApi.await("rebuild done", RebuildFailureTest::status, s -> !"running".equals(s.getString("state")));
    }

    private static JsonPath status() {
        return given().auth().oauth2(FunnelApi.TOKEN).when().get("/admin/rebuild").then().statusCode(200).extract()
                .jsonPath();
    }
}
