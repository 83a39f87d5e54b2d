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
import io.touchpoint.metrics.repository.CounterScript.Part;
import io.touchpoint.metrics.repository.CounterScript.Routed;
import io.touchpoint.metrics.service.FunnelCatalog;
import io.touchpoint.metrics.service.FunnelDefinition;
import io.touchpoint.metrics.service.Transition;
import io.touchpoint.metrics.service.Transition.CustomerErased;
import io.touchpoint.metrics.service.Transition.CustomerMerged;
import io.touchpoint.metrics.service.Transition.StageCorrected;
import io.touchpoint.metrics.service.Transition.StageEntered;

/**
 * Funnel counters and per-customer funnel state in Redis. Writes go through {@link CounterScript} so state,
 * counters and the per-transition marker change together or not at all, a batch of transitions at a time; reads
 * are plain HGETALLs of the current generation.
 */
@ApplicationScoped
public class FunnelCounterRepository {

    /** What the script did with one record; {@code error} is set when it could not count it. */
    public record Applied(Outcome outcome, String error) {

        public enum Outcome {
            COUNTED, DUPLICATE, SKIPPED, FAILED
        }

        public static final Applied SKIPPED = new Applied(Outcome.SKIPPED, null);

        static Applied of(String reply) {
            return switch (reply) {
                case "counted" -> new Applied(Outcome.COUNTED, null);
                case "duplicate" -> new Applied(Outcome.DUPLICATE, null);
                case "skipped" -> SKIPPED;
                default -> new Applied(Outcome.FAILED, reply.startsWith("error:") ? reply.substring(6) : reply);
            };
        }

        public boolean failed() {
            return outcome == Outcome.FAILED;
        }
    }

    static final int READ_CONCURRENCY = 4;

    private final CounterScript script;
    private final ReactiveHashCommands<String, String, String> hashes;
    /** Per stage: the parts a stage entry goes to (the funnels that have it, and the people part). */
    private final Map<String, List<Part>> partsOfStage = new HashMap<>();
    private final List<Part> allParts;

    @Inject
    public FunnelCounterRepository(CounterScript script, FunnelCatalog catalog) {
        this.script = script;
        this.hashes = script.redis().hash(String.class, String.class, String.class);
        for (FunnelDefinition f : catalog.all()) {
            for (String stage : f.stages()) {
                partsOfStage.computeIfAbsent(stage, s -> new ArrayList<>()).add(Part.funnel(f.id()));
            }
        }
        partsOfStage.values().forEach(parts -> parts.add(Part.PEOPLE));
        this.allParts = script.parts();
    }

    /**
     * Applies transitions in their order; one result per transition ({@link Applied#SKIPPED} for a kind this
     * version does not know).
     *
     * @param target {@link CounterScript#LIVE} or the prefix of one generation (a rebuild)
     */
    public Uni<List<Applied>> applyAll(List<? extends Transition> transitions, String target) {
        List<Routed> routed = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < transitions.size(); i++) {
            Routed r = route(transitions.get(i));
            if (r != null) {
                routed.add(r);
                positions.add(i);
            }
        }
        return script.apply(routed, target).map(replies -> {
            List<Applied> out = new ArrayList<>(java.util.Collections.nCopies(transitions.size(), Applied.SKIPPED));
            for (int k = 0; k < replies.size(); k++) {
                out.set(positions.get(k), Applied.of(replies.get(k)));
            }
            return out;
        });
    }

    /** The script's fields of a transition and the parts it changes; null for a kind this version does not know. */
    private Routed route(Transition t) {
        if (t instanceof StageEntered e) {
            return stage("stage_entered", e.transitionId(), e.customerId(), e.stage(), e.at(), e.channel(),
                    e.userId(), e.anonymousId());
        }
        if (t instanceof StageCorrected c) {
            return stage("stage_corrected", c.transitionId(), c.customerId(), c.stage(), c.at(), c.channel(),
                    c.userId(), c.anonymousId());
        }
        if (t instanceof CustomerMerged m) {
            return new Routed(List.of("customer_merged", m.transitionId(), m.survivorId(), m.absorbedId()), allParts);
        }
        if (t instanceof CustomerErased e) {
            return new Routed(List.of("customer_erased", e.transitionId(), e.customerId()), allParts);
        }
        return null;
    }

    private Routed stage(String kind, String transitionId, String customerId, String stage, Instant at,
            String channel, String userId, String anonymousId) {
        // a stage of no funnel still links the touchpoint's identifiers (people part)
        List<Part> parts = partsOfStage.getOrDefault(stage, List.of(Part.PEOPLE));
        return new Routed(List.of(kind, transitionId, customerId, stage, String.valueOf(at.toEpochMilli()), utcDay(at),
                channel, nullToEmpty(userId), nullToEmpty(anonymousId)), parts);
    }

    /**
     * Marks steps whose conversion window passed before {@code now} without the next stage as dropped.
     *
     * @return how many due deadlines the busiest funnel looked at (at most {@code limit}; fewer means done)
     */
    public Uni<Long> sweep(Instant now, int limit, String target) {
        return script.sweep(now.toEpochMilli(), limit, target);
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

    static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    public static String utcDay(Instant at) {
        return at.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }
}
