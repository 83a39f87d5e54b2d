package io.touchpoint.journey;

import static io.restassured.RestAssured.given;
import static io.touchpoint.journey.TestTouchpoints.TOKEN;
import static io.touchpoint.journey.TestTouchpoints.await;
import static io.touchpoint.journey.TestTouchpoints.awaitCustomer;
import static io.touchpoint.journey.TestTouchpoints.customerByIdentifier;
import static io.touchpoint.journey.TestTouchpoints.event;
import static io.touchpoint.journey.TestTouchpoints.readUntil;
import static io.touchpoint.journey.TestTouchpoints.send;
import static io.touchpoint.journey.TestTouchpoints.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** DELETE /customers/{id} and the export API, against a real Kafka and PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(TouchpointStackResource.class)
class ErasureAndExportTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.000Z");

    @Inject
    AgroalDataSource db;

    @Test
    void erasureRemovesEverythingSuppressesLaterEventsAndPublishesCustomerErased() throws SQLException {
        String n = unique("erase");
        String email = n + "@example.com";
        Map<String, Object> identify = event("identify", null, "user-" + n, "anon-" + n, T0);
        identify.put("traits", Map.of("email", email));
        send(identify);
        send(event("track", "Order Completed", "user-" + n, null, T0.plusSeconds(60)));
        String id = awaitCustomer("email:" + email, r -> r.jsonPath().getInt("touchpointCount") == 2).jsonPath()
                .getString("id");
        await("stage history", () -> TestTouchpoints.journey(id), r -> r.jsonPath().getList("stages").size() == 1);

        JsonPath erased = given().auth().oauth2(TOKEN).delete("/customers/{id}", id).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(id, erased.getString("customerId"));
        assertEquals(2, erased.getInt("touchpoints"));
        assertEquals(3, erased.getInt("identifiers"));
        assertEquals(1, erased.getInt("stages"));

        // gone from every read path
        given().auth().oauth2(TOKEN).get("/customers/{id}", id).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(TOKEN).get("/customers/{id}/journey", id).then().statusCode(404);
        customerByIdentifier("email:" + email).then().statusCode(404);
        customerByIdentifier("user_id:user-" + n).then().statusCode(404);
        given().auth().oauth2(TOKEN).delete("/customers/{id}", id).then().statusCode(404);
        assertEquals(0, count("select count(*) from touchpoint where customer_id = '" + id + "'"));
        assertEquals(0, count("select count(*) from stage_history where customer_id = '" + id + "'"));
        // the suppression list holds keyed digests, never the values, nor plain hashes anyone could recompute
        assertEquals(0, count("select count(*) from suppression where digest like '%" + n + "%'"));
        assertEquals(3, count("select count(*) from suppression where digest in ('"
                + String.join("','", hmac("email:" + email), hmac("user_id:user-" + n), hmac("anonymous_id:anon-" + n))
                + "')"));
        assertEquals(0, count("select count(*) from suppression where digest in ('"
                + String.join("','", sha256("email:" + email), sha256("user_id:user-" + n)) + "')"));

        List<ConsumerRecord<String, String>> t = readUntil("journey.transitions.v1",
                r -> id.equals(r.key()) && r.value().contains("customer_erased"), l -> !l.isEmpty());
        JourneyStitchingTest.assertValid(t.get(0).value());
        assertEquals("customer_erased:" + id, JourneyStitchingTest.read(t.get(0).value()).get("transitionId").asText());

        // a later touchpoint with the erased email (new device, new anonymous id) is dropped and counted
        double before = TestTouchpoints.counter("touchpoint.journey.touchpoints", "outcome", "suppressed");
        Map<String, Object> comeback = event("identify", null, null, "anon-new-" + n, T0.plusSeconds(3600));
        comeback.put("traits", Map.of("email", email.toUpperCase()));
        send(comeback);
        await("suppressed counter", () -> TestTouchpoints.counter("touchpoint.journey.touchpoints", "outcome", "suppressed"),
                v -> v >= before + 1);
        customerByIdentifier("anonymous_id:anon-new-" + n).then().statusCode(404);
        assertEquals(0, count("select count(*) from touchpoint where message_id = '" + comeback.get("messageId") + "'"));

        // re-delivered, the same record is a duplicate: dropped again, but not counted as suppressed twice
        double suppressedOnce = TestTouchpoints.counter("touchpoint.journey.touchpoints", "outcome", "suppressed");
        double duplicates = TestTouchpoints.counter("touchpoint.journey.touchpoints", "outcome", "duplicate");
        send(comeback);
        await("duplicate counter", () -> TestTouchpoints.counter("touchpoint.journey.touchpoints", "outcome", "duplicate"),
                v -> v >= duplicates + 1);
        assertEquals(suppressedOnce, TestTouchpoints.counter("touchpoint.journey.touchpoints", "outcome", "suppressed"));
        assertEquals(0, count("select count(*) from touchpoint where message_id = '" + comeback.get("messageId") + "'"));
    }

    @Test
    void exportPagesStageHistoryAndTouchpointsOfLiveCustomersOnly() {
        String n = unique("export");
        send(event("track", "Product Viewed", "keep-" + n, null, T0));
        send(event("track", "Product Added", "keep-" + n, null, T0.plusSeconds(10)));
        send(event("track", "Product Viewed", "drop-" + n, null, T0));
        String keep = awaitCustomer("user_id:keep-" + n, r -> r.jsonPath().getInt("touchpointCount") == 2).jsonPath()
                .getString("id");
        String drop = awaitCustomer("user_id:drop-" + n, r -> true).jsonPath().getString("id");
        await("stages", () -> TestTouchpoints.journey(keep), r -> r.jsonPath().getList("stages").size() == 2);
        await("stages", () -> TestTouchpoints.journey(drop), r -> r.jsonPath().getList("stages").size() == 1);
        given().auth().oauth2(TOKEN).delete("/customers/{id}", drop).then().statusCode(200);

        List<JsonPath> history = exportAll("/export/stage-history", 2);
        List<Map<String, Object>> mine = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        String previous = "";
        for (JsonPath page : history) {
            List<Map<String, Object>> items = page.getList("items");
            for (Map<String, Object> item : items) {
                String key = item.get("customerId") + "/" + item.get("stage");
                assertTrue(keys.add(key), "no entry twice across pages: " + key);
                assertTrue(key.compareTo(previous) > 0, "stable (customerId, stage) order");
                previous = key;
                if (keep.equals(item.get("customerId"))) {
                    mine.add(item);
                }
                assertFalse(drop.equals(item.get("customerId")), "erased customers are not exported");
            }
        }
        assertEquals(List.of("consideration", "discovery"), mine.stream().map(m -> m.get("stage")).toList());
        assertEquals("2026-11-23T10:00:00.000Z", mine.get(1).get("enteredAt"));
        assertEquals("web", mine.get(1).get("channel"));
        assertEquals("dev-web", mine.get(1).get("sourceId"));

        List<JsonPath> touchpoints = exportAll("/export/touchpoints", 3);
        List<JsonNode> kept = new ArrayList<>();
        for (JsonPath page : touchpoints) {
            List<Map<String, Object>> items = page.getList("items");
            for (Map<String, Object> item : items) {
                JsonNode tp = TestTouchpoints.JSON.valueToTree(item.get("touchpoint"));
                assertFalse(drop.equals(item.get("customerId")));
                var problems = ContractSchemas.validate("touchpoints.v1.schema.json", tp.toString());
                assertTrue(problems.isEmpty(), problems + " in " + tp);
                if (keep.equals(item.get("customerId"))) {
                    kept.add(tp);
                }
            }
        }
        assertEquals(List.of("Product Viewed", "Product Added").stream().sorted().toList(),
                kept.stream().map(t -> t.get("event").asText()).sorted().toList());
    }

    @Test
    void exportAndPagingRefuseBadCursorsAndLimits() {
        for (String path : List.of("/export/stage-history", "/export/touchpoints")) {
            for (String limit : List.of("0", "5001", "x")) {
                given().auth().oauth2(TOKEN).queryParam("limit", limit).get(path).then().statusCode(400)
                        .contentType("application/problem+json");
            }
            given().auth().oauth2(TOKEN).queryParam("after", "!!not-a-cursor").get(path).then().statusCode(400);
            given().get(path).then().statusCode(401);
        }
        given().auth().oauth2(TOKEN).queryParam("stage", "nowhere").get("/customers").then().statusCode(400);
        given().auth().oauth2(TOKEN).queryParam("stage", "purchase").queryParam("since", "yesterday").get("/customers")
                .then().statusCode(400);
        given().delete("/customers/{id}", java.util.UUID.randomUUID()).then().statusCode(401);
        given().auth().oauth2(TOKEN).delete("/customers/{id}", java.util.UUID.randomUUID()).then().statusCode(404);
        given().auth().oauth2(TOKEN).delete("/customers/{id}", "not-a-uuid").then().statusCode(400);
    }

    @Test
    void touchpointsAndCustomersInStagePageWithACursor() {
        String n = unique("page");
        for (int i = 0; i < 5; i++) {
            send(event("track", i == 4 ? "Order Completed" : "Product Viewed", "u-" + n, null, T0.plusSeconds(i)));
        }
        String id = awaitCustomer("user_id:u-" + n, r -> r.jsonPath().getInt("touchpointCount") == 5).jsonPath()
                .getString("id");
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var req = given().auth().oauth2(TOKEN).queryParam("limit", 2);
            if (cursor != null) {
                req.queryParam("cursor", cursor);
            }
            JsonPath page = req.get("/customers/{id}/touchpoints", id).then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.timestamp"));
            cursor = page.getString("next");
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(List.of("2026-11-23T10:00:00.000Z", "2026-11-23T10:00:01.000Z", "2026-11-23T10:00:02.000Z",
                "2026-11-23T10:00:03.000Z", "2026-11-23T10:00:04.000Z"), seen);

        Response inStage = await("purchase listed", () -> given().auth().oauth2(TOKEN).queryParam("stage", "purchase")
                .queryParam("since", "2026-11-23T10:00:04Z").queryParam("limit", 500).get("/customers"),
                r -> r.statusCode() == 200 && r.jsonPath().getList("items.customerId").contains(id));
        assertTrue(inStage.jsonPath().getList("items.enteredAt").stream()
                .allMatch(at -> ((String) at).compareTo("2026-11-23T10:00:04.000Z") >= 0));
        JsonPath later = given().auth().oauth2(TOKEN).queryParam("stage", "purchase")
                .queryParam("since", "2026-11-23T10:00:05Z").queryParam("limit", 500).get("/customers").then()
                .statusCode(200).extract().jsonPath();
        assertFalse(later.getList("items.customerId").contains(id), "entered before 'since'");
    }

    private List<JsonPath> exportAll(String path, int limit) {
        List<JsonPath> pages = new ArrayList<>();
        String after = null;
        do {
            var req = given().auth().oauth2(TOKEN).queryParam("limit", limit);
            if (after != null) {
                req.queryParam("after", after);
            }
            JsonPath page = req.get(path).then().statusCode(200).extract().jsonPath();
            pages.add(page);
            after = page.getString("next");
            if (after == null) {
                assertNull(page.get("next"));
            }
        } while (after != null);
        return pages;
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** HMAC-SHA256 under the test profile's suppression key (touchpoint.identity.suppression-key). */
    private static String hmac(String key) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec("dev-suppression-key".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String key) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
