package io.touchpoint.metrics.repository;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.service.FunnelDefinition;
import io.touchpoint.metrics.service.Transition.CustomerErased;
import io.touchpoint.metrics.service.Transition.CustomerMerged;
import io.touchpoint.metrics.service.Transition.StageCorrected;
import io.touchpoint.metrics.service.Transition.StageEntered;

/**
 * Funnel counters and per-customer funnel state in Redis. Writes go through {@link CounterScript} so state,
 * counters and the per-transition marker change together or not at all; reads are plain HGETALLs of the
 * current generation.
 */
@ApplicationScoped
public class FunnelCounterRepository {

    /** What the script did with a record. */
    public enum Applied {
        COUNTED, DUPLICATE, SKIPPED;

        static Applied of(String reply) {
            return switch (reply) {
                case "counted" -> COUNTED;
                case "duplicate" -> DUPLICATE;
                default -> SKIPPED;
            };
        }
    }

    static final int READ_CONCURRENCY = 4;

    private final CounterScript script;
    private final ReactiveHashCommands<String, String, String> hashes;

    @Inject
    public FunnelCounterRepository(CounterScript script) {
        this.script = script;
        this.hashes = script.redis().hash(String.class, String.class, String.class);
    }

    public Uni<Applied> apply(StageEntered t, String target) {
        return stage("stage_entered", t.transitionId(), t.customerId(), t.stage(), t.at(), t.channel(), t.userId(),
                t.anonymousId(), target);
    }

    public Uni<Applied> apply(StageEntered t) {
        return apply(t, CounterScript.LIVE);
    }

    public Uni<Applied> apply(StageCorrected t) {
        return stage("stage_corrected", t.transitionId(), t.customerId(), t.stage(), t.at(), t.channel(), t.userId(),
                t.anonymousId(), CounterScript.LIVE);
    }

    public Uni<Applied> apply(CustomerMerged t) {
        return script.run("customer_merged", CounterScript.LIVE,
                List.of(t.transitionId(), t.survivorId(), t.absorbedId()))
                .map(r -> Applied.of(r.toString()));
    }

    public Uni<Applied> apply(CustomerErased t) {
        return script.run("customer_erased", CounterScript.LIVE, List.of(t.transitionId(), t.customerId()))
                .map(r -> Applied.of(r.toString()));
    }

    /**
     * Marks steps whose conversion window passed before {@code now} without the next stage as dropped.
     *
     * @return how many due deadlines it looked at (at most {@code limit}; fewer means it is done for now)
     */
    public Uni<Long> sweep(Instant now, int limit, String target) {
        return script.run("sweep", target, List.of(String.valueOf(now.toEpochMilli()), String.valueOf(limit)))
                .map(r -> r.toLong());
    }

    /**
     * Counter fields of one funnel summed over the given UTC days (or all time when {@code days} is null),
     * from the current generation.
     */
    public Uni<Map<String, Long>> counters(FunnelDefinition funnel, List<LocalDate> days) {
        return script.currentGeneration().flatMap(generation -> {
            List<String> keys = new ArrayList<>();
            if (days == null) {
                keys.add(FunnelCounterKeys.funnelTotal(generation, funnel.id()));
            } else {
                days.forEach(d -> keys.add(FunnelCounterKeys.funnelDay(generation, funnel.id(), d.toString())));
            }
            return sum(keys);
        });
    }

    /**
     * Sums the integer fields of several hashes (missing hashes add nothing). A few reads at a time: a year of
     * days must not exhaust the Redis connection pool's waiting queue.
     */
    Uni<Map<String, Long>> sum(List<String> keys) {
        return Multi.createFrom().iterable(keys)
                .onItem().transformToUni(hashes::hgetall).merge(READ_CONCURRENCY)
                .collect().in(HashMap<String, Long>::new, (total, m) -> m.forEach(
                        (field, value) -> total.merge(field, Long.parseLong(value), Long::sum)))
                .onFailure().transform(e -> CounterScript.unavailable("reading counters", e))
                .map(m -> (Map<String, Long>) m);
    }

    private Uni<Applied> stage(String op, String transitionId, String customerId, String stage, Instant at,
            String channel, String userId, String anonymousId, String target) {
        return script.run(op, target, List.of(transitionId, customerId, stage, String.valueOf(at.toEpochMilli()),
                utcDay(at), channel, nullToEmpty(userId), nullToEmpty(anonymousId)))
                .map(r -> Applied.of(r.toString()));
    }

    static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    public static String utcDay(Instant at) {
        return at.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }
}
