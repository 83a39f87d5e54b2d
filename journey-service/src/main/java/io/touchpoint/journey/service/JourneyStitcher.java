package io.touchpoint.journey.service;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.repository.DatabaseOutage;
import io.touchpoint.journey.repository.OutboxStore;
import io.touchpoint.journey.repository.TouchpointStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Turns one touchpoint into journey state, in one PostgreSQL transaction: resolve the customer
 * (identity graph), store the touchpoint (idempotent by messageId), merge customers, assign the
 * stage, update the stage history and write the resulting transitions to the outbox.
 */
@ApplicationScoped
public class JourneyStitcher {

    private static final Logger LOG = Logger.getLogger(JourneyStitcher.class);

    /** What became of a record. */
    public enum Outcome {
        STORED, DUPLICATE,
        /** Carries an identifier of an erased customer: dropped, nothing written. */
        SUPPRESSED
    }

    @Inject
    Mutiny.SessionFactory sessions;

    @Inject
    IdentityGraph identity;

    @Inject
    TouchpointStore touchpoints;

    @Inject
    OutboxStore outbox;

    @Inject
    StageModel model;

    @Inject
    JourneyMetrics metrics;

    public Uni<Outcome> record(TouchpointEvent event) {
        return inTransaction(s -> record(s, event), "touchpoint " + event.messageId(), 8)
                .invoke(metrics::touchpoint);
    }

    /**
     * Records a batch in ONE transaction, in order: one commit per batch instead of one per record
     * (deploy/bench/journey measured 105 events/s one by one, 256 in transactions of 100). Every
     * record's effects are inside that transaction. Contention (a deadlock with another instance's
     * batch, a racing merge) runs the batch again; any other failure fails the Uni and the caller falls
     * back to {@link #record} per record, so only the broken record goes to the dead-letter topic.
     */
    public Uni<List<Outcome>> recordAll(List<TouchpointEvent> events) {
        return inTransaction(s -> recordAll(s, events), events.size() + " touchpoints", 3)
                .invoke(outcomes -> outcomes.forEach(metrics::touchpoint));
    }

    private <T> Uni<T> inTransaction(java.util.function.Function<Mutiny.Session, Uni<T>> work, String what,
            int contentionAttempts) {
        return onRecordContext(Uni.createFrom().deferred(() -> sessions.withTransaction((s, tx) -> work.apply(s))))
                // PostgreSQL unreachable is not the record's fault: the partition waits, so an outage
                // never sends good touchpoints to the dead-letter topic
                .onFailure(DatabaseOutage::isOutage).invoke(e -> LOG.warnf("%s wait for PostgreSQL: %s", what,
                        e.getMessage()))
                .onFailure(DatabaseOutage::isOutage).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(15)).indefinitely()
                // lock waits of concurrent merges and deadlocks/serialisation failures: the whole
                // transaction runs again a few times; anything else goes to the dead-letter topic
                .onFailure(JourneyStitcher::isContention).retry()
                .withBackOff(Duration.ofMillis(50), Duration.ofSeconds(2)).atMost(contentionAttempts);
    }

    private Uni<List<Outcome>> recordAll(Mutiny.Session s, List<TouchpointEvent> events) {
        List<Outcome> outcomes = new java.util.ArrayList<>(events.size());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (TouchpointEvent e : events) {
            chain = chain.chain(() -> record(s, e)).invoke(outcomes::add).replaceWithVoid();
        }
        return chain.replaceWith(outcomes);
    }

    /**
     * Hibernate Reactive runs only on the Vert.x context of the record. A retry's back-off delay
     * resumes on a worker thread, so every attempt is subscribed on that context again.
     */
    private static <T> Uni<T> onRecordContext(Uni<T> attempt) {
        Context context = Vertx.currentContext();
        return context == null ? attempt
                : attempt.runSubscriptionOn(task -> context.runOnContext(ignored -> task.run()));
    }

    private Uni<Outcome> record(Mutiny.Session s, TouchpointEvent e) {
        Instant now = Instant.now();
        return identity.plan(s, e).chain(plan -> plan == IdentityGraph.SUPPRESSED
                ? Uni.createFrom().item(Outcome.SUPPRESSED)
                : touchpoints.insert(s, e, plan.customer()).chain(inserted -> {
            if (!inserted) {
                LOG.debugf("touchpoint %s already stored: nothing changes", e.messageId());
                return Uni.createFrom().item(Outcome.DUPLICATE);
            }
            return identity.apply(s, plan, e.messageId(), now)
                    .call(merged -> writeMerges(s, plan, e, now))
                    .chain(merged -> assignStages(s, plan.customer(), e, merged))
                    .replaceWith(Outcome.STORED);
        }));
    }

    private Uni<Void> writeMerges(Mutiny.Session s, IdentityGraph.Plan plan, TouchpointEvent e, Instant now) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID absorbed : plan.absorbed()) {
            chain = chain.chain(() -> outbox.add(s, Transition.customerMerged(plan.customer(), absorbed, now, e.messageId())));
        }
        return chain;
    }

    private Uni<Void> assignStages(Mutiny.Session s, UUID customer, TouchpointEvent e, boolean merged) {
        if (!e.isStageCandidate() && !merged) {
            return Uni.createFrom().voidItem();
        }
        Uni<Boolean> replay = merged ? Uni.createFrom().item(true)
                : touchpoints.hasLaterTouchpoint(s, customer, e.timestamp(), e.messageId());
        return replay.chain(full -> full ? replay(s, customer) : append(s, customer, e));
    }

    /** The common case: the touchpoint is the customer's latest, so only it needs a stage. */
    private Uni<Void> append(Mutiny.Session s, UUID customer, TouchpointEvent e) {
        return touchpoints.stageHistory(s, customer).chain(history -> {
            Set<String> reached = history.stream().map(StageEntry::stage).collect(Collectors.toCollection(HashSet::new));
            String stage = model.stageFor(e.facts(), reached).orElse(null);
            if (stage == null) {
                return Uni.createFrom().voidItem();
            }
            Uni<Void> setStage = touchpoints.setStage(s, e.messageId(), stage);
            if (reached.contains(stage)) {
                return setStage;
            }
            StageEntry entry = new StageEntry(stage, e.timestamp(), e.channel(), e.sourceId(), e.messageId());
            String previous = model.furthest(reached).orElse(null);
            return setStage.chain(() -> touchpoints.saveStage(s, customer, entry))
                    .chain(() -> outbox.add(s, Transition.stageEntered(customer, entry, previous, e.facts())));
        });
    }

    /**
     * A late touchpoint or a merge: replay all of the customer's touchpoints in corrected-time order
     * and bring stored stages and stage history in line. Stages entered for the first time produce a
     * stage_entered transition; a known stage now entered at another time or through another touchpoint
     * produces a stage_corrected transition (metrics move the entry to its new place).
     */
    private Uni<Void> replay(Mutiny.Session s, UUID customer) {
        return touchpoints.stageCandidates(s, customer).chain(facts -> touchpoints.stageHistory(s, customer)
                .chain(history -> {
                    StageTimeline timeline = StageTimeline.replay(model, facts);
                    Map<String, StageEntry> before = history.stream()
                            .collect(Collectors.toMap(StageEntry::stage, Function.identity()));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (TouchpointFacts t : facts) {
                        String stage = timeline.stageByMessage().get(t.messageId());
                        if (!Objects.equals(stage, t.stage())) {
                            chain = chain.chain(() -> touchpoints.setStage(s, t.messageId(), stage));
                        }
                    }
                    for (StageTimeline.Entered entered : timeline.entered().values()) {
                        StageEntry now = entered.entry();
                        StageEntry old = before.get(now.stage());
                        if (old == null) {
                            chain = chain.chain(() -> touchpoints.saveStage(s, customer, now))
                                    .chain(() -> outbox.add(s, Transition.stageEntered(customer, now,
                                            entered.previousStage(), entered.cause())));
                        } else if (!old.equals(now)) {
                            chain = chain.chain(() -> touchpoints.saveStage(s, customer, now));
                            if (!old.enteredAt().equals(now.enteredAt()) || !old.causeMessageId().equals(now.causeMessageId())) {
                                chain = chain.chain(() -> outbox.add(s, Transition.stageCorrected(customer, now, old,
                                        entered.previousStage(), entered.cause())));
                            }
                        }
                    }
                    for (String stage : List.copyOf(before.keySet())) {
                        if (!timeline.entered().containsKey(stage)) {
                            LOG.infof("customer %s no longer reaches stage %s after replay", customer, stage);
                            chain = chain.chain(() -> touchpoints.deleteStage(s, customer, stage));
                        }
                    }
                    return chain;
                }));
    }

    /** Two transactions got in each other's way; running again resolves it. */
    static boolean isContention(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IdentityGraph.ConcurrentMergeException) {
                return true;
            }
            String m = String.valueOf(c.getMessage());
            // PostgreSQL: 40001 serialization_failure, 40P01 deadlock_detected, 23505 when two new
            // customers raced for one identifier (the loser retries and finds the winner's)
            if (m.contains("40001") || m.contains("40P01") || m.contains("23505")) {
                return true;
            }
        }
        return false;
    }
}
