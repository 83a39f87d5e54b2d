package io.touchpoint.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.path.json.JsonPath;
import io.touchpoint.stack.StackProcess;

/**
 * Recovery (ADR 0015): while a steady stream of customers goes through ingest, journey-service and then
 * metrics-service are killed with kill -9 and started again. Each resumes its work within 10 s once it is
 * up again, and the end result is exactly what was sent: every touchpoint stored once, each customer
 * counted once per funnel step, each order once in the KPIs; nothing lost, nothing counted twice,
 * although Kafka delivers again whatever the killed instance had not committed.
 *
 * <p>The consumers run here with Kafka's default session timeout, 45 s, instead of the shipped 10 s: the
 * dead member's session is then still open when its successor joins, so only static membership (the
 * successor is the same member) lets it resume at once, on a fast machine and on a slow one alike.
 * The time from the restart to the first progress is printed too; most of it is the JVM starting, which
 * on a loaded 2-core machine alone takes longer than 10 s.
 */
class RecoveryIT {

    private static final String TOKEN = TouchpointSystem.API_TOKEN;
    private static final Duration RESUME_WITHIN = Duration.ofSeconds(10);
    private static final Duration KAFKA_SESSION_TIMEOUT = Duration.ofSeconds(45);
    /** Long enough for a backlog to build up while the service is gone. */
    private static final Duration DEAD_FOR = Duration.ofSeconds(3);
    /** One customer per request at this pace: ~20 customers, ~85 touchpoints a second. */
    private static final long PERSON_EVERY_MS = 50;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> LIFECYCLE = List.of("awareness", "discovery", "consideration", "purchase",
            "use", "support", "repeat", "advocacy");

    private static StackProcess stack;
    private static final List<ServiceProcess> started = new ArrayList<>();
    private static ServiceProcess ingest;
    private static ServiceProcess journey;
    private static ServiceProcess metrics;

    @BeforeAll
    static void start() throws Exception {
        stack = StackProcess.builder().kafka().postgres().redis().start();
        int journeyPort = StackProcess.freePort();
        Map<String, String> env = TouchpointSystem.serviceEnvironment(stack, journeyPort);
        String logs = System.getProperty("touchpoint.e2e.logs", "target/e2e-logs");
        System.setProperty("touchpoint.e2e.logs", logs + "/recovery");
        try {
            ingest = track(ServiceProcess.start("ingest-service", StackProcess.freePort(), env));
            journey = track(ServiceProcess.start("journey-service", journeyPort,
                    withSessionTimeout(env, "touchpoints")));
            metrics = track(ServiceProcess.start("metrics-service", StackProcess.freePort(),
                    withSessionTimeout(env, "journey-transitions", "kpi-touchpoints")));
        } finally {
            System.setProperty("touchpoint.e2e.logs", logs);
        }
        for (ServiceProcess s : List.of(ingest, journey, metrics)) {
            s.awaitReady(Duration.ofSeconds(180));
        }
    }

    /** Kafka's default session timeout for the channels' consumers (see the class comment). */
    private static Map<String, String> withSessionTimeout(Map<String, String> env, String... channels) {
        StringBuilder options = new StringBuilder();
        for (String channel : channels) {
            options.append(" -Dmp.messaging.incoming.").append(channel).append(".session.timeout.ms=")
                    .append(KAFKA_SESSION_TIMEOUT.toMillis());
        }
        Map<String, String> with = new java.util.HashMap<>(env);
        with.put("JAVA_TOOL_OPTIONS", options.toString().trim());
        return with;
    }

    private static ServiceProcess track(ServiceProcess s) {
        started.add(s);
        return s;
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
    void aServiceKilledMidStreamResumesWithinTenSecondsOfItsRestartAndTheCountsStayExact() throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        Stream stream = new Stream(run, Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS));
        Thread sender = new Thread(stream, "recovery-stream");
        sender.start();
        try {
            awaitTrue("journey-service stores and metrics-service counts the stream",
                    () -> counter(journey, STORED) > 0 && counter(metrics, COUNTED) > 0 && counter(metrics, KPI_COUNTED) > 0);

            journey.kill();
            Thread.sleep(DEAD_FOR.toMillis());
            Restart journeyRestart = restart(journey, "journey-service", List.of(STORED));
            journey = journeyRestart.service();

            metrics.kill();
            Thread.sleep(DEAD_FOR.toMillis());
            // both consumer groups of metrics-service: the transitions' and the KPI touchpoints'
            Restart metricsRestart = restart(metrics, "metrics-service", List.of(COUNTED, KPI_COUNTED));
            metrics = metricsRestart.service();

            System.out.printf("RecoveryIT: %s; %s%n", journeyRestart.describe(), metricsRestart.describe());
            assertTrue(journeyRestart.resumedOnceUp().compareTo(RESUME_WITHIN) < 0, journeyRestart.describe());
            assertTrue(metricsRestart.resumedOnceUp().compareTo(RESUME_WITHIN) < 0, metricsRestart.describe());
        } finally {
            stream.stop();
            sender.join(30_000);
        }
        assertNull(stream.failure, "every request of the stream was accepted");
        assertTrue(stream.people > 0);

        // every touchpoint stored once, whatever Kafka delivered twice around the kill
        awaitTrue("journey-service stored the " + stream.touchpoints + " touchpoints sent",
                () -> sqlCount("select count(*) from touchpoint t where t.payload::text like '%rc-" + run + "-%'")
                        == stream.touchpoints);
        assertEquals(stream.people, sqlCount("select count(distinct c.id) from customer c join touchpoint t on t.customer_id = c.id"
                + " where c.merged_into is null and t.payload::text like '%rc-" + run + "-%'"), "one customer per person");
        awaitTrue("journey-service published every transition", () -> sqlCount("select count(*) from outbox") == 0);

        // each person once per step, each order once: the stream's own tally, not the services'
        Map<String, Long> expected = stream.expectedEntered();
        awaitTrue("the lifecycle funnel equals the stream's " + expected, () -> expected.equals(entered()));
        JsonPath clv = awaitKpis(stream);
        assertEquals(stream.orders, clv.getLong("orders"), "orders counted once each");
        assertEquals(stream.orders, clv.getLong("payingCustomers"), "paying customers");
        assertEquals(stream.revenue, clv.getDouble("revenue"), 0.0, "revenue");
        // and they stay so: nothing re-delivered is counted late
        Thread.sleep(3_000);
        assertEquals(expected, entered(), "the lifecycle funnel, a little later");
        System.out.printf("RecoveryIT: %d customers, %d touchpoints, %d orders, each counted once%n", stream.people,
                stream.touchpoints, stream.orders);
    }

    private static final Counter STORED = new Counter("touchpoint_journey_touchpoints_total", "outcome=\"stored\"");
    private static final Counter COUNTED = new Counter("touchpoint_metrics_transitions_total", "outcome=\"counted\"");
    private static final Counter KPI_COUNTED = new Counter("touchpoint_metrics_touchpoints_total", "outcome=\"counted\"");

    /** A counter of a service's own work: a new process starts it at 0, records delivered again do not move it. */
    private record Counter(String name, String labels) {
    }

    /** How long a restart took: until the new process answered HTTP (it has started), until its work moved. */
    private record Restart(ServiceProcess service, String name, Duration listening, Duration resumed) {
        Duration resumedOnceUp() {
            return resumed.minus(listening);
        }

        String describe() {
            return String.format("%s resumed %.1f s after it was up again (limit %d s): up %.1f s, resumed %.1f s after"
                    + " the restart began", name, resumedOnceUp().toMillis() / 1000.0, RESUME_WITHIN.toSeconds(),
                    listening.toMillis() / 1000.0, resumed.toMillis() / 1000.0);
        }
    }

    /** Starts the killed service again; returns once each counter of its work moved, and how long that took. */
    private static Restart restart(ServiceProcess killed, String name, List<Counter> work) throws InterruptedException {
        long begin = System.nanoTime();
        ServiceProcess service = track(killed.restart());
        Duration listening = null;
        long deadline = begin + TIMEOUT.toNanos();
        while (true) {
            if (!service.isAlive()) {
                throw new AssertionError(name + " exited after its restart:\n" + service.logTail());
            }
            try {
                boolean resumed = true;
                for (Counter c : work) {
                    resumed &= counter(service, c) > 0;
                }
                if (listening == null) {
                    listening = Duration.ofNanos(System.nanoTime() - begin);
                }
                if (resumed) {
                    return new Restart(service, name, listening, Duration.ofNanos(System.nanoTime() - begin));
                }
            } catch (UncheckedIOException notListening) {
                // still starting
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not resume within " + TIMEOUT + " of its restart:\n" + service.logTail());
            }
            Thread.sleep(100);
        }
    }

    private static double counter(ServiceProcess service, Counter c) {
        return service.metric(c.name(), c.labels());
    }

    /**
     * Customers, one POST /v1/batch each, until stopped: a page and a product view as an anonymous visitor,
     * an identify that links the visitor to a user (the two halves are keyed apart, so they meet only in
     * journey-service's identity graph), then for every other one a cart and for every fourth an order.
     * Every event has its own messageId. It tallies what ingest accepted, the expected answer.
     */
    private static final class Stream implements Runnable {
        private final String run;
        private final Instant base;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String auth = "Basic " + Base64.getEncoder().encodeToString(
                (TouchpointSystem.WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
        private volatile boolean stopped;
        volatile String failure;
        volatile int people;
        volatile long touchpoints;
        volatile long considered;
        volatile long orders;
        volatile double revenue;

        Stream(String run, Instant base) {
            this.run = run;
            this.base = base;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            try {
                for (int i = 0; !stopped; i++) {
                    post(i);
                    next += PERSON_EVERY_MS * 1_000_000;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
            } catch (Exception e) {
                failure = e.toString();
            }
        }

        private void post(int i) throws Exception {
            String person = "rc-" + run + "-" + i;
            String anon = "anon-" + person;
            Instant t = base.plusSeconds(i * 60L);
            List<String> events = new ArrayList<>();
            events.add(event(person, 1, "\"type\":\"page\",\"anonymousId\":\"" + anon + "\",\"name\":\"Home\"", t));
            events.add(event(person, 2, "\"type\":\"track\",\"anonymousId\":\"" + anon + "\",\"event\":\"Product Viewed\"",
                    t.plusSeconds(10)));
            events.add(event(person, 3, "\"type\":\"identify\",\"anonymousId\":\"" + anon + "\",\"userId\":\"" + person
                    + "\",\"traits\":{\"email\":\"" + person + "@example.com\"}", t.plusSeconds(20)));
            boolean cart = i % 2 == 0;
            boolean order = i % 4 == 0;
            int amount = 10 + i % 50;
            if (cart) {
                events.add(event(person, 4, "\"type\":\"track\",\"userId\":\"" + person + "\",\"event\":\"Product Added\"",
                        t.plusSeconds(30)));
            }
            if (order) {
                events.add(event(person, 5, "\"type\":\"track\",\"userId\":\"" + person
                        + "\",\"event\":\"Order Completed\",\"properties\":{\"order_id\":\"o-" + person + "\",\"revenue\":"
                        + amount + "}", t.plusSeconds(40)));
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/v1/batch"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", auth).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":[" + String.join(",", events) + "]}")).build();
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("customer " + i + ": ingest answered " + answer.statusCode() + " "
                        + answer.body());
            }
            // counted once accepted, in this one thread: the expected answer
            people++;
            touchpoints += events.size();
            considered += cart ? 1 : 0;
            orders += order ? 1 : 0;
            revenue += order ? amount : 0;
        }

        private static String event(String person, int n, String fields, Instant at) {
            return "{\"messageId\":\"" + person + "-" + n + "\"," + fields + ",\"timestamp\":\"" + at + "\"}";
        }

        /** Customers per lifecycle step: everyone reached awareness and discovery, the carts consideration, the orders purchase. */
        Map<String, Long> expectedEntered() {
            Map<String, Long> expected = new LinkedHashMap<>();
            LIFECYCLE.forEach(stage -> expected.put(stage, 0L));
            expected.put("awareness", (long) people);
            expected.put("discovery", (long) people);
            expected.put("consideration", considered);
            expected.put("purchase", orders);
            return expected;
        }
    }

    private static Map<String, Long> entered() {
        return OmnichannelIT.enteredOf(given().auth().oauth2(TOKEN).get(metrics.baseUrl() + "/funnels/lifecycle")
                .then().statusCode(200).extract().jsonPath());
    }

    private static JsonPath awaitKpis(Stream stream) throws InterruptedException {
        JsonPath[] clv = new JsonPath[1];
        awaitTrue("the KPIs count the stream's " + stream.orders + " orders", () -> {
            clv[0] = given().auth().oauth2(TOKEN).get(metrics.baseUrl() + "/kpis").then().statusCode(200).extract()
                    .jsonPath().setRootPath("clv");
            return clv[0].getLong("orders") >= stream.orders;
        });
        return clv[0];
    }

    private static void awaitTrue(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (ServiceProcess s : List.of(ingest, journey, metrics)) {
                    logs.append("\n--- ").append(s.baseUrl()).append(" ---\n").append(s.logTail());
                }
                throw new AssertionError(what + ": not within " + TIMEOUT + logs);
            }
            Thread.sleep(300);
        }
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
