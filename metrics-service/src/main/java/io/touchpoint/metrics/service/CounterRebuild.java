package io.touchpoint.metrics.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.touchpoint.metrics.config.MetricsConfig;
import io.touchpoint.metrics.messaging.InvalidTouchpointException;
import io.touchpoint.metrics.messaging.TouchpointParser;
import io.touchpoint.metrics.repository.FunnelCounterRepository;
import io.touchpoint.metrics.repository.FunnelCounterRepository.Applied;
import io.touchpoint.metrics.repository.GenerationRepository;
import io.touchpoint.metrics.repository.JourneyExportClient;
import io.touchpoint.metrics.repository.JourneyExportClient.Page;
import io.touchpoint.metrics.repository.KpiRepository;
import io.touchpoint.metrics.service.Transition.StageEntered;

/**
 * Recomputes every counter from journey-service's PostgreSQL through its export API, for example after Redis
 * lost its data. The export is written into a fresh generation while the live one keeps serving; live records
 * consumed meanwhile are applied to both (writers read {@code tp:metrics:{control}:building}), and the
 * per-record markers make a record that is both exported and consumed count once. At the end the fresh
 * generation becomes the live one in a single step and the old one is deleted.
 */
@ApplicationScoped
public class CounterRebuild {

    private static final Logger LOG = Logger.getLogger(CounterRebuild.class);
    /** A crashed rebuild frees the building slot after this long; renewed with every page. */
    static final Duration LEASE = Duration.ofMinutes(2);

    /** What the last rebuild of this instance did. */
    @Schema(name = "RebuildStatus")
    public record Status(
            @Schema(enumeration = { "idle", "running", "succeeded", "failed" }, example = "running") String state,
            @Schema(nullable = true, example = "tp:metrics:g2:") String generation,
            @Schema(nullable = true) Instant startedAt, @Schema(nullable = true) Instant finishedAt,
            @Schema(description = "Stage-history rows applied") long stageEntries,
            @Schema(description = "Touchpoints read") long touchpoints,
            @Schema(description = "Touchpoints that counted in a KPI") long kpiEvents,
            @Schema(description = "Export items that could not be read") long unreadable,
            @Schema(nullable = true) String error) {

        static final Status IDLE = new Status("idle", null, null, null, 0, 0, 0, 0, null);
    }

    private final JourneyExportClient export;
    private final GenerationRepository generations;
    private final FunnelCounterRepository funnels;
    private final KpiRepository kpis;
    private final TouchpointParser touchpoints;
    private final DropOffSweep sweep;
    private final int pageSize;
    private final AtomicReference<Status> status = new AtomicReference<>(Status.IDLE);

    @Inject
    public CounterRebuild(JourneyExportClient export, GenerationRepository generations,
            FunnelCounterRepository funnels, KpiRepository kpis, TouchpointParser touchpoints, DropOffSweep sweep,
            MetricsConfig config) {
        this.export = export;
        this.generations = generations;
        this.funnels = funnels;
        this.kpis = kpis;
        this.touchpoints = touchpoints;
        this.sweep = sweep;
        this.pageSize = Math.max(1, Math.min(5000, config.rebuild().pageSize()));
    }

    public Status status() {
        return status.get();
    }

    /**
     * Starts a rebuild in the background.
     *
     * @throws RebuildUnavailableException when no export API is configured
     * @throws RebuildConflictException when a rebuild is running
     */
    public Uni<Status> start() {
        if (!export.isConfigured()) {
            return Uni.createFrom().failure(new RebuildUnavailableException(
                    "no journey-service export API configured (touchpoint.metrics.journey.url)"));
        }
        if ("running".equals(status.get().state())) {
            return Uni.createFrom().failure(new RebuildConflictException("a rebuild is running on this instance"));
        }
        return generations.begin(LEASE).map(prefix -> {
            String generation = prefix.orElseThrow(
                    () -> new RebuildConflictException("a rebuild is running (tp:metrics:{control}:building is held)"));
            Status running = new Status("running", generation, Instant.now(), null, 0, 0, 0, 0, null);
            status.set(running);
            Infrastructure.getDefaultWorkerPool().execute(() -> run(running));
            return running;
        });
    }

    private void run(Status started) {
        String generation = started.generation();
        long[] counts = new long[4];
        try {
            LOG.infof("rebuild into %s started", generation);
            readAll(JourneyExportClient.STAGE_HISTORY, generation, items -> {
                List<StageEntered> entries = new ArrayList<>();
                for (JsonNode item : items) {
                    Optional<StageEntered> entry = stageEntry(item);
                    if (entry.isEmpty()) {
                        counts[3]++;
                    } else {
                        entries.add(entry.get());
                    }
                }
                requireApplied(funnels.applyAll(entries, generation).await().atMost(export.timeout()));
                counts[0] += entries.size();
                progress(started, counts);
            });
            readAll(JourneyExportClient.TOUCHPOINTS, generation, items -> {
                List<KpiEvent> events = new ArrayList<>();
                for (JsonNode item : items) {
                    counts[1]++;
                    String customerId = item.path("customerId").asText(null);
                    JsonNode record = item.get("touchpoint");
                    if (customerId == null || record == null || !record.isObject()) {
                        counts[3]++;
                        continue;
                    }
                    Touchpoint t;
                    try {
                        t = touchpoints.parse(record.toString());
                    } catch (InvalidTouchpointException e) {
                        counts[3]++;
                        continue;
                    }
                    // Touchpoints that are no KPI event still link their identifiers to the customer.
                    events.add(TrackingPlan.measure(t).orElseGet(() -> new KpiEvent(t.messageId(), null,
                            t.userId(), t.anonymousId(), t.at(), t.channel(), "none", List.of(), List.of()))
                            .withCustomer(customerId));
                }
                List<Applied> applied = requireApplied(kpis.applyAll(events, generation).await()
                        .atMost(export.timeout()));
                for (int i = 0; i < events.size(); i++) {
                    if (applied.get(i).outcome() == Applied.Outcome.COUNTED && !events.get(i).measures().isEmpty()) {
                        counts[2]++;
                    }
                }
                progress(started, counts);
            });
            sweep.sweep(Instant.now(), generation).await().atMost(LEASE);
            Optional<String> old = generations.swap(generation).await().atMost(export.timeout());
            if (old.isEmpty()) {
                throw new IllegalStateException("the rebuild lost its lease; the live counters were not replaced");
            }
            status.set(new Status("succeeded", generation, started.startedAt(), Instant.now(), counts[0], counts[1],
                    counts[2], counts[3], null));
            LOG.infof("rebuild into %s done: %d stage entries, %d touchpoints; deleting %s", generation, counts[0],
                    counts[1], old.get());
            generations.delete(old.get()).await().atMost(LEASE);
        } catch (RuntimeException e) {
            LOG.errorf("rebuild into %s failed: %s", generation, e.getMessage());
            status.set(new Status("failed", generation, started.startedAt(), Instant.now(), counts[0], counts[1],
                    counts[2], counts[3], e.getMessage()));
            try {
                generations.release(generation).await().atMost(export.timeout());
                generations.delete(generation).await().atMost(LEASE);
            } catch (RuntimeException cleanup) {
                LOG.warnf("could not clean up %s: %s", generation, cleanup.getMessage());
            }
        }
    }

    /** A row the counters cannot take fails the rebuild: the live counters stay as they were. */
    private static List<Applied> requireApplied(List<Applied> applied) {
        applied.stream().filter(Applied::failed).findFirst().ifPresent(a -> {
            throw new IllegalStateException("an exported row could not be counted: " + a.error());
        });
        return applied;
    }

    private void readAll(String path, String generation, java.util.function.Consumer<List<JsonNode>> apply) {
        String after = null;
        do {
            if (!generations.renew(generation, LEASE).await().atMost(export.timeout())) {
                throw new IllegalStateException("the rebuild lost its lease");
            }
            Page page = export.page(path, after, pageSize);
            apply.accept(page.items());
            after = page.next();
        } while (after != null);
    }

    private void progress(Status started, long[] counts) {
        status.set(new Status("running", started.generation(), started.startedAt(), null, counts[0], counts[1],
                counts[2], counts[3], null));
    }

    /** A stage-history row as the stage_entered transition that produced it (same transitionId). */
    static Optional<StageEntered> stageEntry(JsonNode item) {
        String customerId = item.path("customerId").asText(null);
        String stage = item.path("stage").asText(null);
        String enteredAt = item.path("enteredAt").asText(null);
        if (customerId == null || stage == null || enteredAt == null) {
            return Optional.empty();
        }
        Instant at;
        try {
            at = java.time.OffsetDateTime.parse(enteredAt).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
        String channel = Channel.fromWire(item.path("channel").asText(null)).map(Channel::wireName)
                .orElse(Channel.OTHER);
        return Optional.of(new StageEntered("stage_entered:" + customerId + ":" + stage, customerId, stage, channel,
                at, null, null));
    }
}
