package io.touchpoint.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The three packaged services, started once for the checks of this JVM in their prod profile: fresh random
 * secrets, Kafka, PostgreSQL and Redis pointed at a closed port (journey skips its start-up migration for that),
 * so nothing but their HTTP answers and start-up rules is exercised.
 */
final class PackagedServices {

    final String token = "ops-" + UUID.randomUUID();
    final String writeKey = "ops-wk-" + UUID.randomUUID();
    final OpsService ingest;
    final OpsService journey;
    final OpsService metrics;

    private static PackagedServices running;

    private PackagedServices() throws InterruptedException {
        String deadPort = String.valueOf(OpsService.freePort());
        ingest = OpsService.start("ingest-service", Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + deadPort,
                "TOUCHPOINT_REDIS_URL", "redis://127.0.0.1:" + deadPort,
                "TOUCHPOINT_INGEST_ACK_TIMEOUT", "1s",
                "TOUCHPOINT_INGEST_SOURCES__OPS__CHANNEL", "web",
                "TOUCHPOINT_INGEST_SOURCES__OPS__NAME", "Ops check",
                "TOUCHPOINT_INGEST_SOURCES__OPS__WRITE_KEY", writeKey));
        journey = OpsService.start("journey-service", Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + deadPort,
                "TOUCHPOINT_DB_PORT", deadPort,
                "QUARKUS_FLYWAY_MIGRATE_AT_START", "false",
                "TOUCHPOINT_API_TOKEN", token,
                "TOUCHPOINT_SUPPRESSION_KEY", "ops-" + UUID.randomUUID()));
        metrics = OpsService.start("metrics-service", Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + deadPort,
                "TOUCHPOINT_REDIS_URL", "redis://127.0.0.1:" + deadPort,
                "TOUCHPOINT_API_TOKEN", token));
        for (OpsService s : all()) {
            s.awaitListening(Duration.ofSeconds(180));
        }
    }

    static synchronized PackagedServices get() throws InterruptedException {
        if (running == null) {
            running = new PackagedServices();
            Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "ops-services-stop"));
        }
        return running;
    }

    List<OpsService> all() {
        return List.of(ingest, journey, metrics);
    }

    private void stop() {
        for (OpsService s : all()) {
            try {
                s.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
