package io.touchpoint.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Redis is a cache of counts; journey-service's PostgreSQL is the truth. After Redis loses everything
 * (FLUSHALL), a rebuild through journey-service's export API gives back counters equal to the SQL aggregate
 * over the stored journeys: per funnel step, per channel, and the survey and case KPIs.
 */
class RebuildIT {

    private static final String TOKEN = TouchpointSystem.API_TOKEN;
    private static final List<String> LIFECYCLE = List.of("awareness", "discovery", "consideration", "purchase",
            "use", "support", "repeat", "advocacy");
    private static final List<String> CHANNELS = List.of("web", "app", "server", "contact_center", "social");
    private static TouchpointSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = TouchpointSystem.get();
    }

    @Test
    void afterFlushAllARebuildEqualsTheSqlAggregate() throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        int posted = postPopulation(run, 60, new Random(20261123L));

        // settled: journey-service stored every touchpoint of the population and published every transition,
        // and the live counters already agree with PostgreSQL (nothing left in flight)
        system.await("journey-service stored the " + posted + " touchpoints", RebuildIT::lifecycle,
                r -> sqlCount("payload::text like '%rb-%" + run + "-%'") == posted);
        system.await("journey-service published every transition", RebuildIT::lifecycle,
                r -> sqlCountOf("select count(*) from outbox") == 0);
        system.await("live funnel equals SQL", RebuildIT::lifecycle,
                r -> r.statusCode() == 200 && OmnichannelIT.enteredOf(r.jsonPath()).equals(sqlEntered(null)));

        redis("FLUSHALL");
        Map<String, Long> flushed = OmnichannelIT.enteredOf(lifecycle().jsonPath());
        assertTrue(flushed.values().stream().allMatch(n -> n == 0), "FLUSHALL emptied the funnel: " + flushed);

        given().auth().oauth2(TOKEN).post(system.metrics.baseUrl() + "/admin/rebuild").then().statusCode(202);
        JsonPath status = system.await("rebuild finished",
                () -> given().auth().oauth2(TOKEN).get(system.metrics.baseUrl() + "/admin/rebuild"),
                r -> r.statusCode() == 200 && !"running".equals(r.jsonPath().getString("state"))).jsonPath();
        assertEquals("succeeded", status.getString("state"), status.prettify());

        assertEquals(sqlEntered(null), OmnichannelIT.enteredOf(lifecycle().jsonPath()), "all channels");
        for (String channel : CHANNELS) {
            JsonPath funnel = given().auth().oauth2(TOKEN).queryParam("channel", channel)
                    .get(system.metrics.baseUrl() + "/funnels/lifecycle").then().statusCode(200).extract().jsonPath();
            assertEquals(sqlEntered(channel), OmnichannelIT.enteredOf(funnel), "channel " + channel);
        }

        assertKpisEqualSql("after the rebuild (" + status.prettify() + ")");
    }

    private static void assertKpisEqualSql(String when) {
        JsonPath kpis = given().auth().oauth2(TOKEN).get(system.metrics.baseUrl() + "/kpis").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(sqlCount("event = 'Survey Completed' and payload->'properties'->>'surveyType' = 'nps'"),
                kpis.getLong("nps.responses"), "NPS responses " + when);
        assertEquals(sqlCount("event = 'Survey Completed' and payload->'properties'->>'surveyType' = 'nps'"
                + " and (payload->'properties'->>'score')::numeric >= 9"), kpis.getLong("nps.promoters"), "promoters " + when);
        assertEquals(sqlCount("event = 'Survey Completed' and payload->'properties'->>'surveyType' = 'csat'"
                + " and (payload->'properties'->>'score')::numeric between 1 and 5"),
                kpis.getLong("csat.responses"), "CSAT responses " + when);
        assertEquals(sqlCount("event = 'Case Resolved'"), kpis.getLong("firstContactResolution.resolvedCases"),
                "resolved cases " + when);
        assertEquals(sqlCount("event = 'Case Resolved' and (payload->'properties'->>'contactCount')::int = 1"),
                kpis.getLong("firstContactResolution.resolvedOnFirstContact"), "first-contact resolutions " + when);
        assertEquals(sqlCount("event = 'Mention'"), kpis.getLong("socialEngagement.mention"), "mentions " + when);
    }

    /** Customers over web, app, server and the contact center, with seeded stages, scores and cases. */
    private static int postPopulation(String run, int customers, Random rnd) {
        Instant base = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        int posted = 0;
        for (int i = 0; i < customers; i++) {
            String anon = "rb-anon-" + run + "-" + i;
            String user = "rb-user-" + run + "-" + i;
            Instant t = base.plusSeconds(rnd.nextInt(36_000));
            List<Map<String, Object>> batch = new java.util.ArrayList<>();
            batch.add(Map.of("type", "page", "anonymousId", anon, "name", "Landing", "timestamp", t.toString()));
            int depth = rnd.nextInt(5);
            if (depth >= 1) {
                batch.add(Map.of("type", "track", "anonymousId", anon, "event", "Product Viewed",
                        "timestamp", t.plusSeconds(60).toString()));
            }
            if (depth >= 2) {
                batch.add(Map.of("type", "identify", "anonymousId", anon, "userId", user,
                        "traits", Map.of("email", user + "@example.com"), "timestamp", t.plusSeconds(120).toString()));
                batch.add(Map.of("type", "track", "userId", user, "event", "Product Added",
                        "timestamp", t.plusSeconds(180).toString()));
            }
            if (depth >= 3) {
                batch.add(Map.of("type", "track", "userId", user, "event", "Order Completed",
                        "properties", Map.of("order_id", "o-" + run + "-" + i, "revenue", 10 + rnd.nextInt(200)),
                        "timestamp", t.plusSeconds(600).toString()));
            }
            if (rnd.nextBoolean()) {
                batch.add(Map.of("type", "track", "anonymousId", anon, "event", "Survey Completed",
                        "properties", Map.of("surveyType", rnd.nextBoolean() ? "nps" : "csat", "score", rnd.nextInt(6)
                                + (rnd.nextBoolean() ? 5 : 0)), "timestamp", t.plusSeconds(900).toString()));
            }
            given().contentType(ContentType.JSON).auth().preemptive().basic(TouchpointSystem.WRITE_KEY, "")
                    .body(Map.of("batch", batch)).post(system.ingest.baseUrl() + "/v1/batch").then().statusCode(200);
            posted += batch.size();
            if (depth == 4) {
                String caller = String.format("+1666%07d", rnd.nextInt(10_000_000));
                String body = "{\"type\":\"case.resolved\",\"occurredAt\":\"" + t.plusSeconds(1200)
                        + "\",\"data\":{\"caseId\":\"rb-" + run + "-" + i + "\",\"caller\":\"" + caller
                        + "\",\"contactCount\":" + (1 + rnd.nextInt(3)) + ",\"resolutionSeconds\":"
                        + (60 + rnd.nextInt(3600)) + "}}";
                String id = "rb-" + run + "-" + i;
                long ts = Instant.now().getEpochSecond();
                given().contentType(ContentType.JSON).header("webhook-id", id).header("webhook-timestamp", ts)
                        .header("webhook-signature", WebhookSigner.standardWebhooks(
                                TouchpointSystem.CONTACT_CENTER_SECRET, id, ts, body))
                        .body(body).post(system.ingest.baseUrl() + "/webhooks/cc-demo").then().statusCode(200);
                posted++;
            }
        }
        return posted;
    }

    private static io.restassured.response.Response lifecycle() {
        return given().auth().oauth2(TOKEN).get(system.metrics.baseUrl() + "/funnels/lifecycle");
    }

    /** Live customers per stage of the lifecycle funnel (optionally by the channel of their entry). */
    private static Map<String, Long> sqlEntered(String channel) {
        Map<String, Long> entered = new LinkedHashMap<>();
        LIFECYCLE.forEach(stage -> entered.put(stage, 0L));
        String sql = "select sh.stage, count(distinct sh.customer_id) from stage_history sh"
                + " join customer c on c.id = sh.customer_id where c.merged_into is null"
                + (channel == null ? "" : " and sh.channel = '" + channel + "'") + " group by sh.stage";
        query(sql, rs -> entered.computeIfPresent(rs.getString(1), (k, v) -> {
            try {
                return rs.getLong(2);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }));
        return entered;
    }

    /** Touchpoints of live customers matching the condition. */
    private static long sqlCount(String touchpointCondition) {
        return sqlCountOf("select count(*) from touchpoint t join customer c on c.id = t.customer_id"
                + " where c.merged_into is null and " + touchpointCondition);
    }

    private static long sqlCountOf(String sql) {
        long[] n = { 0 };
        query(sql, rs -> n[0] = rs.getLong(1));
        return n[0];
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private static void query(String sql, RowReader reader) {
        try (Connection c = DriverManager.getConnection(system.stack.postgresJdbcUrl(), "postgres", "");
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** One command over RESP; enough for FLUSHALL without a Redis client dependency. */
    private static void redis(String command) throws IOException {
        URI uri = URI.create(system.stack.redisUrl());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("*1\r\n$" + command.length() + "\r\n" + command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                reply.append((char) b);
            }
            assertEquals("+OK", reply.toString().trim(), "redis " + command);
        }
    }
}
