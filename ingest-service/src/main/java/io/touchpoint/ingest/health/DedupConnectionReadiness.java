package io.touchpoint.ingest.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.repository.DedupWindow;

/**
 * A starting instance is ready once Redis has answered it: the dedup scripts are loaded through the
 * connections the claims use. Before that, the first request's claim would wait for a new connection and
 * a script upload, time out ({@code dedup.timeout}) and publish its events unchecked, leaving a pending
 * claim that answers a retry 503 until it expires (ADR 0017). Once Redis has answered, this check stays
 * UP: an outage later is ADR 0005's case, events are published without dedup. If Redis has not answered
 * within {@code dedup.readiness-grace} of the start, the instance is ready anyway, for the same reason.
 */
@Readiness
@ApplicationScoped
public class DedupConnectionReadiness implements AsyncHealthCheck {

    static final String NAME = "Dedup connection";
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);

    @Inject
    DedupWindow dedup;

    @Inject
    IngestConfig config;

    private volatile long startedAt = System.nanoTime();

    void started(@Observes StartupEvent start) {
        startedAt = System.nanoTime();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (dedup.scriptsLoaded()) {
            return Uni.createFrom().item(up());
        }
        return dedup.loadScripts()
                .ifNoItem().after(ANSWER_WITHIN).fail()
                .map(loaded -> up())
                .onFailure().recoverWithItem(e -> {
                    Duration grace = config.dedup().readinessGrace();
                    boolean graceOver = System.nanoTime() - startedAt > grace.toNanos();
                    return HealthCheckResponse.named(NAME).status(graceOver)
                            .withData("redis", "no answer: " + e)
                            .withData("dedup", graceOver ? "events are published unchecked until Redis answers"
                                    : "waiting for Redis, at most " + grace.toSeconds() + " s after start")
                            .build();
                });
    }

    private static HealthCheckResponse up() {
        return HealthCheckResponse.named(NAME).up().withData("redis", "answered; dedup scripts loaded").build();
    }
}
