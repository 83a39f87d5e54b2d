package io.touchpoint.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.restassured.response.Response;
import io.touchpoint.stack.StackProcess;

/**
 * The whole system as a user runs it, started once per test JVM and shared by the e2e classes: the
 * embedded stack and the three packaged services as separate processes, in the dev profile (the local
 * credentials and demo sources). Stopped by a shutdown hook.
 */
final class TouchpointSystem {

    static final String WRITE_KEY = "dev-write-key";
    static final String APP_WRITE_KEY = "dev-app-write-key";
    static final String SERVER_WRITE_KEY = "dev-server-write-key";
    static final String API_TOKEN = "dev-api-token";
    /** Secrets of the dev profile's demo webhook sources (ingest-service application.properties). */
    static final String CONTACT_CENTER_SECRET = "whsec_ZGV2LWNjLWRlbW8tc2lnbmluZy1rZXk=";
    static final String SOCIAL_SECRET = "dev-social-demo-secret";
    static final Duration FLOW_TIMEOUT = Duration.ofSeconds(60);

    private static TouchpointSystem running;

    final StackProcess stack;
    final ServiceProcess ingest;
    final ServiceProcess journey;
    final ServiceProcess metrics;

    private TouchpointSystem(StackProcess stack, ServiceProcess ingest, ServiceProcess journey, ServiceProcess metrics) {
        this.stack = stack;
        this.ingest = ingest;
        this.journey = journey;
        this.metrics = metrics;
    }

    static synchronized TouchpointSystem get() throws Exception {
        if (running == null) {
            running = start();
            Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "touchpoint-e2e-stop"));
        }
        return running;
    }

    private static TouchpointSystem start() throws Exception {
        StackProcess stack = StackProcess.builder().kafka().postgres().redis().start();
        int ingestPort = StackProcess.freePort();
        int journeyPort = StackProcess.freePort();
        int metricsPort = StackProcess.freePort();
        Map<String, String> env = serviceEnvironment(stack, journeyPort);
        ServiceProcess ingest = ServiceProcess.start("ingest-service", ingestPort, env);
        ServiceProcess journey = ServiceProcess.start("journey-service", journeyPort, env);
        ServiceProcess metrics = ServiceProcess.start("metrics-service", metricsPort, env);
        for (ServiceProcess s : List.of(ingest, journey, metrics)) {
            s.awaitReady(Duration.ofSeconds(150));
        }
        return new TouchpointSystem(stack, ingest, journey, metrics);
    }

    /** What every service process gets: the dev profile and the stack's addresses. */
    static Map<String, String> serviceEnvironment(StackProcess stack, int journeyPort) {
        return Map.of(
                "QUARKUS_PROFILE", "dev",
                "KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap(),
                "TOUCHPOINT_DB_HOST", "127.0.0.1",
                "TOUCHPOINT_DB_PORT", String.valueOf(stack.postgresPort()),
                "TOUCHPOINT_REDIS_URL", stack.redisUrl(),
                // metrics-service rebuilds from journey-service's export API
                "TOUCHPOINT_JOURNEY_URL", "http://127.0.0.1:" + journeyPort);
    }

    private void stop() {
        for (AutoCloseable part : new AutoCloseable[] { ingest, journey, metrics, stack }) {
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("e2e: stopping " + part + ": " + e);
            }
        }
    }

    /** Polls {@code call} until {@code done} holds; fails with every service's log tail after the flow timeout. */
    Response await(String what, Supplier<Response> call, Predicate<Response> done) throws InterruptedException {
        long deadline = System.nanoTime() + FLOW_TIMEOUT.toNanos();
        Response last = null;
        while (System.nanoTime() < deadline) {
            last = call.get();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " not as expected within " + FLOW_TIMEOUT + "; last answer "
                + (last == null ? "none" : last.statusCode() + " " + last.asString()) + "\n" + logs());
    }

    String logs() {
        return "--- ingest ---\n" + ingest.logTail() + "\n--- journey ---\n" + journey.logTail()
                + "\n--- metrics ---\n" + metrics.logTail();
    }
}
