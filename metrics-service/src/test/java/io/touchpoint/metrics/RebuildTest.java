package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * POST /admin/rebuild against {@link JourneyExportStub} (contract level: contract-shaped pages, not the real
 * journey-service). Uses the test-profile funnel {@code rebuild} (r-one → r-two) only.
 */
@QuarkusTest
class RebuildTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void fastPagesAgain() {
        JourneyExportStub.delayPages(0);
    }

    @Test
    void liveRecordsThatArriveDuringARebuildCountOnceInTheRebuiltCounters() {
        String exported = TransitionRecords.customer();
        String exportedTwice = TransitionRecords.customer();
        String live = TransitionRecords.customer();
        Instant t = Instant.parse("2026-10-01T10:00:00Z");
        JourneyExportStub.serve(List.of(row(exported, "r-one", t), row(exportedTwice, "r-one", t),
                row(exportedTwice, "r-two", t.plusSeconds(60))), List.of());
        JourneyExportStub.delayPages(2500);
        long before = FunnelApi.entered("rebuild", "r-one");

        given().auth().oauth2(FunnelApi.TOKEN).when().post("/admin/rebuild").then().statusCode(202)
                .body("state", equalTo("running"));
        given().auth().oauth2(FunnelApi.TOKEN).when().post("/admin/rebuild").then().statusCode(409)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:touchpoint:problem:conflict"))
                .body("detail", containsString("running"));

        // while the export is read: a customer the export does not have, and a record the export also has
        TransitionRecords.send(live, TransitionRecords.stageEntered(live, "r-one", "web", t.plusSeconds(5)));
        TransitionRecords.send(exportedTwice, TransitionRecords.stageEntered("stage_entered:" + exportedTwice + ":r-two",
                exportedTwice, "r-two", "web", t.plusSeconds(60)));
        // the live generation counts them meanwhile
        FunnelApi.awaitEntered("rebuild", "r-one", null, before + 1);
        assertEquals("running", status().getString("state"), "the rebuild was still running");

        JsonPath done = FunnelApi.await("rebuild done", RebuildTest::status, s -> !"running".equals(s.getString("state")));
        assertEquals("succeeded", done.getString("state"), done.prettify());
        assertEquals(3, done.getLong("stageEntries"));
        // the rebuilt counters: the export's two customers plus the live one, and r-two once
        assertEquals(3, FunnelApi.entered("rebuild", "r-one"));
        assertEquals(1, FunnelApi.entered("rebuild", "r-two"));
        assertEquals(1L, FunnelApi.converted("rebuild", "r-one", null));
    }

    private static JsonPath status() {
        return given().auth().oauth2(FunnelApi.TOKEN).when().get("/admin/rebuild").then().statusCode(200).extract()
                .jsonPath();
    }

    private static ObjectNode row(String customerId, String stage, Instant at) {
        return JSON.createObjectNode().put("customerId", customerId).put("stage", stage)
                .put("enteredAt", at.toString()).put("channel", "app").put("sourceId", "dev-app")
                .put("causeMessageId", "m-" + customerId + "-" + stage);
    }
}
