package io.touchpoint.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.touchpoint.stack.StackProcess;

/**
 * Scale-out: one ingest-service, TWO journey-service and TWO metrics-service instances in the same consumer
 * groups on their own stack. Both instances of each group get partitions and do part of the work, and the
 * result is the population's expected answer, as one instance gives: one customer per person whichever
 * identifier is asked for and whichever instance is asked, every touchpoint stored exactly once, and the
 * funnel counts of the population (equal to the SQL aggregate of the stored journeys).
 */
class ScaleOutIT {

    private static final String TOKEN = TouchpointSystem.API_TOKEN;
    private static final int PEOPLE = 48;
    private static final int PARTITIONS = 6; // touchpoints.v1 and journey.transitions.v1 of the local stack
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> LIFECYCLE = List.of("awareness", "discovery", "consideration", "purchase",
            "use", "support", "repeat", "advocacy");

    private static StackProcess stack;
    private static final List<ServiceProcess> started = new ArrayList<>();
    private static ServiceProcess ingest;
    private static List<ServiceProcess> journeys;
    private static List<ServiceProcess> metrics;

    @BeforeAll
    static void start() throws Exception {
        stack = StackProcess.builder().kafka().postgres().redis().start();
        int ingestPort = StackProcess.freePort();
        int journeyPort = StackProcess.freePort();
        Map<String, String> env = TouchpointSystem.serviceEnvironment(stack, journeyPort);
        ingest = launch("ingest-service", ingestPort, env, "ingest");
        journeys = List.of(launch("journey-service", journeyPort, env, "journey-1"),
                launch("journey-service", StackProcess.freePort(), env, "journey-2"));
        metrics = List.of(launch("metrics-service", StackProcess.freePort(), env, "metrics-1"),
                launch("metrics-service", StackProcess.freePort(), env, "metrics-2"));
        for (ServiceProcess s : started) {
            s.awaitReady(Duration.ofSeconds(180));
        }
    }

    /** ServiceProcess names its log after the module; each instance gets its own directory so logs stay apart. */
    private static ServiceProcess launch(String module, int port, Map<String, String> env, String instance) {
        String logs = System.getProperty("touchpoint.e2e.logs", "target/e2e-logs");
        System.setProperty("touchpoint.e2e.logs", logs + "/scale-out/" + instance);
        try {
            ServiceProcess s = ServiceProcess.start(module, port, env);
            started.add(s);
            return s;
        } finally {
            System.setProperty("touchpoint.e2e.logs", logs);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess s : started) {
            s.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void twoInstancesPerGroupGiveTheSameJourneysAndCountsAsOne() throws Exception {
        // both instances of each group hold partitions before anything is posted (no rebalance mid-test)
        awaitTrue("the journey-service instances share touchpoints.v1",
                () -> splitBetween(journeys, "kafka-consumer-touchpoints"));
        awaitTrue("the metrics-service instances share journey.transitions.v1",
                () -> splitBetween(metrics, "kafka-consumer-journey-transitions"));
        awaitTrue("the metrics-service instances share touchpoints.v1 for the KPIs",
                () -> splitBetween(metrics, "kafka-consumer-kpi-touchpoints"));

        String run = Long.toString(System.nanoTime(), 36);
        Instant base = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Integer> touchpointsOf = new LinkedHashMap<>();
        Map<String, Long> expected = new LinkedHashMap<>();
        LIFECYCLE.forEach(stage -> expected.put(stage, 0L));
        for (int i = 0; i < PEOPLE; i++) {
            touchpointsOf.put(person(run, i), postPerson(run, i, base.plusSeconds(i * 60L), expected));
        }
        int posted = touchpointsOf.values().stream().mapToInt(Integer::intValue).sum();

        // every touchpoint stored exactly once, by the two instances together, each doing part of it
        awaitTrue("journey-service stored the " + posted + " touchpoints",
                () -> sqlCount("select count(*) from touchpoint t where t.payload::text like '%so-" + run + "-%'") == posted);
        List<Double> stored = new ArrayList<>();
        for (ServiceProcess j : journeys) {
            stored.add(j.metric("touchpoint_journey_touchpoints_total", "outcome=\"stored\""));
        }
        assertEquals(posted, stored.stream().mapToDouble(Double::doubleValue).sum(), 0.0,
                "stored by instance " + stored + ": none twice, none lost");
        assertTrue(stored.stream().allMatch(n -> n > 0), "both journey instances stored touchpoints " + stored);

        // one live customer per person, holding all its touchpoints, whichever identifier and instance is asked
        assertEquals(PEOPLE, sqlCount("select count(distinct c.id) from customer c join touchpoint t on t.customer_id = c.id"
                + " where c.merged_into is null and t.payload::text like '%so-" + run + "-%'"), "live customers");
        for (int i = 0; i < PEOPLE; i++) {
            String person = person(run, i);
            Set<String> ids = new HashSet<>();
            for (String identifier : List.of("user_id:" + person, "anonymous_id:anon-" + person,
                    "email:" + person + "@example.com", "phone:" + phone(run, i))) {
                for (ServiceProcess j : journeys) {
                    JsonPath customer = given().auth().oauth2(TOKEN).queryParam("identifier", identifier)
                            .get(j.baseUrl() + "/customers").then().statusCode(200).extract().jsonPath();
                    ids.add(customer.getString("id"));
                    assertEquals(touchpointsOf.get(person).longValue(), customer.getLong("touchpointCount"),
                            identifier + " on " + j.baseUrl());
                }
            }
            assertEquals(1, ids.size(), person + " is one customer: " + ids);
        }

        // the funnel is the population's answer and the SQL aggregate, from either metrics instance
        assertEquals(expected, sqlEntered(), "SQL stage entries equal the population's expectation");
        for (ServiceProcess m : metrics) {
            awaitTrue("lifecycle funnel on " + m.baseUrl() + " equals " + expected, () -> expected.equals(entered(m)));
        }
        List<Double> counted = new ArrayList<>();
        for (ServiceProcess m : metrics) {
            counted.add(m.metric("touchpoint_metrics_transitions_total", "kind=\"stage_entered\",outcome=\"counted\""));
        }
        assertTrue(counted.stream().allMatch(n -> n > 0), "both metrics instances counted transitions " + counted);
        JsonPath kpis = given().auth().oauth2(TOKEN).get(metrics.get(1).baseUrl() + "/kpis").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(PEOPLE / 4, kpis.getLong("firstContactResolution.resolvedCases"), "resolved cases, each once");
    }

    private static String person(String run, int i) {
        return "so-" + run + "-" + i;
    }

    private static String phone(String run, int i) {
        return String.format("+1777%03d%04d", Math.floorMod(run.hashCode(), 1000), i);
    }

    /**
     * A person over web, app, server and the contact center; the parts carry different identifiers, so they
     * land on different partitions (and instances) and only meet in journey-service's identity graph.
     */
    private static int postPerson(String run, int i, Instant t, Map<String, Long> expected) {
        String person = person(run, i);
        String anon = "anon-" + person;
        track(TouchpointSystem.WRITE_KEY, "page", Map.of("anonymousId", anon, "name", "Home", "timestamp", t.toString()));
        track(TouchpointSystem.WRITE_KEY, "track", Map.of("anonymousId", anon, "event", "Product Viewed",
                "timestamp", t.plusSeconds(10).toString()));
        track(TouchpointSystem.WRITE_KEY, "identify", Map.of("anonymousId", anon, "userId", person,
                "traits", Map.of("email", person + "@example.com", "phone", phone(run, i)),
                "timestamp", t.plusSeconds(20).toString()));
        int n = 3;
        expected.merge("awareness", 1L, Long::sum);
        expected.merge("discovery", 1L, Long::sum);
        if (i % 2 == 0) {
            track(TouchpointSystem.APP_WRITE_KEY, "track", Map.of("userId", person, "event", "Product Added",
                    "context", Map.of("device", Map.of("id", "dev-" + person)), "timestamp", t.plusSeconds(30).toString()));
            expected.merge("consideration", 1L, Long::sum);
            n++;
        }
        if (i % 3 == 0) {
            track(TouchpointSystem.SERVER_WRITE_KEY, "track", Map.of("userId", person, "event", "Order Completed",
                    "properties", Map.of("order_id", "o-" + person, "revenue", 50 + i), "timestamp", t.plusSeconds(40).toString()));
            expected.merge("purchase", 1L, Long::sum);
            n++;
        }
        if (i % 4 == 0) {
            String body = "{\"type\":\"case.resolved\",\"occurredAt\":\"" + t.plusSeconds(50) + "\",\"data\":{\"caseId\":\"c-"
                    + person + "\",\"caller\":\"" + phone(run, i) + "\",\"contactCount\":1,\"resolutionSeconds\":300}}";
            long ts = Instant.now().getEpochSecond();
            given().contentType(ContentType.JSON).header("webhook-id", "w-" + person).header("webhook-timestamp", ts)
                    .header("webhook-signature", WebhookSigner.standardWebhooks(TouchpointSystem.CONTACT_CENTER_SECRET,
                            "w-" + person, ts, body))
                    .body(body).post(ingest.baseUrl() + "/webhooks/cc-demo").then().statusCode(200);
            expected.merge("support", 1L, Long::sum);
            n++;
        }
        return n;
    }

    private static void track(String writeKey, String call, Map<String, Object> body) {
        given().contentType(ContentType.JSON).auth().preemptive().basic(writeKey, "").body(body)
                .post(ingest.baseUrl() + "/v1/" + call).then().statusCode(200);
    }

    /** True once every instance holds at least one partition of the client's topic and together they hold all. */
    private static boolean splitBetween(List<ServiceProcess> instances, String clientId) {
        double total = 0;
        for (ServiceProcess s : instances) {
            double assigned = s.metric("kafka_consumer_coordinator_assigned_partitions", "client_id=\"" + clientId + "\"");
            if (assigned < 1) {
                return false;
            }
            total += assigned;
        }
        return total == PARTITIONS;
    }

    private static Map<String, Long> entered(ServiceProcess m) {
        return OmnichannelIT.enteredOf(given().auth().oauth2(TOKEN).get(m.baseUrl() + "/funnels/lifecycle")
                .then().statusCode(200).extract().jsonPath());
    }

    private static void awaitTrue(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (ServiceProcess s : started) {
                    logs.append("\n--- ").append(s.baseUrl()).append(" ---\n").append(s.logTail());
                }
                throw new AssertionError(what + ": not within " + TIMEOUT + logs);
            }
            Thread.sleep(300);
        }
    }

    /** Live customers per lifecycle stage, from journey-service's tables. */
    private static Map<String, Long> sqlEntered() {
        Map<String, Long> entered = new LinkedHashMap<>();
        LIFECYCLE.forEach(stage -> entered.put(stage, 0L));
        try (Connection c = DriverManager.getConnection(stack.postgresJdbcUrl(), "postgres", "");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select sh.stage, count(distinct sh.customer_id) from stage_history sh"
                        + " join customer c on c.id = sh.customer_id where c.merged_into is null group by sh.stage")) {
            while (rs.next()) {
                entered.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return entered;
    }

    private static long sqlCount(String sql) {
        try (Connection c = DriverManager.getConnection(stack.postgresJdbcUrl(), "postgres", "");
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
