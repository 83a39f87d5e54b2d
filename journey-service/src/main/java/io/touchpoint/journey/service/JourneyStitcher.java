package io.touchpoint.journey.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.repository.DatabaseOutage;
import io.touchpoint.journey.repository.IdentityStore;
import io.touchpoint.journey.repository.OutboxStore;
import io.touchpoint.journey.repository.TouchpointStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Turns touchpoints into journey state, a batch per PostgreSQL transaction: resolve each touchpoint's
 * customer (identity graph), store it (idempotent by messageId), merge customers, assign stages,
 * update stage histories and write the resulting transitions to the outbox.
 */
@ApplicationScoped
public class JourneyStitcher {

    private static final Logger LOG = Logger.getLogger(JourneyStitcher.class);

    /** What became of a record. */
    public enum Outcome {
        STORED, DUPLICATE,
        /** Carries an identifier of an erased customer: dropped, nothing written. */
        SUPPRESSED,
        /** No usable identifier (userId/anonymousId missing or placeholders): nothing written, dead-lettered. */
        INVALID
    }

    /** Why an {@link Outcome#INVALID} record was refused. */
    public static final String INVALID_REASON = "no usable identifier: userId/anonymousId are missing or blocked placeholder values";

    /**
     * The plain reactive pool under Hibernate Reactive: the stitcher's statements are fixed SQL with
     * array parameters, so an ORM session would only add per-statement work (deploy/bench/journey).
     */
    @Inject
    Pool pool;

    @Inject
    IdentityGraph identity;

    @Inject
    IdentityStore identities;

    @Inject
    TouchpointStore touchpoints;

    @Inject
    OutboxStore outbox;

    @Inject
    StageModel model;

    @Inject
    JourneyMetrics metrics;

    @Inject
    Suppression suppression;

    public Uni<Outcome> record(TouchpointEvent event) {
        return recordAll(List.of(event)).map(outcomes -> outcomes.get(0));
    }

    /**
     * Attempts without progress (every record set aside) after which a transaction waits for the locks
     * instead of setting records aside; the attempts before back off 20, 40, 80 ms.
     */
    static final int ATTEMPTS_WITHOUT_WAITING = 4;

    /** Attempts of one batch at most (each one stitches what it can; only merges racing on and on exhaust them). */
    static final int MAX_ATTEMPTS = 64;

    /**
     * Records a batch with a fixed number of statements per transaction, whatever its size: the
     * batch's identifiers, customers and stage histories are read once, the touchpoints are resolved one
     * after the other in memory ({@link IdentityBatch}, same rules and same result as one transaction
     * per record), and every change is written with one statement per table. deploy/bench/journey
     * measured 395 events/s with a dozen statements per record; see its README for this design.
     *
     * <p>A transaction locks only what it changes and never waits for another one (ADR 0014): records
     * that need an identifier or a customer another transaction holds are set aside ({@link SetAside})
     * and stitched by the next transaction, right after this one commits; so instances working on
     * different customers do not wait for each other. After {@value #ATTEMPTS_WITHOUT_WAITING} attempts
     * that could stitch nothing, the next one waits for the locks (in a fixed order, no deadlock).
     *
     * <p>Contention (a deadlock, two transactions inserting one messageId) runs the attempt again; any
     * other failure fails the Uni and the caller falls back to one record per transaction, so only the
     * broken record goes to the dead-letter topic.
     */
    public Uni<List<Outcome>> recordAll(List<TouchpointEvent> events) {
        Outcome[] outcomes = new Outcome[events.size()];
        List<Integer> all = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            all.add(i);
        }
        Context context = Vertx.currentContext();
        return attempt(context, events, outcomes, all, 1, 0)
                .map(x -> Arrays.asList(outcomes))
                .invoke(done -> done.forEach(metrics::touchpoint));
    }

    private Uni<Void> attempt(Context context, List<TouchpointEvent> events, Outcome[] outcomes, List<Integer> pending,
            int attempt, int idle) {
        List<TouchpointEvent> these = new ArrayList<>(pending.size());
        pending.forEach(i -> these.add(events.get(i)));
        boolean wait = idle >= ATTEMPTS_WITHOUT_WAITING;
        return inTransaction(context, s -> new Batch(s, these, wait).run(), these.size() + " touchpoints", 8)
                .chain(result -> {
                    List<Integer> left = new ArrayList<>();
                    for (int k = 0; k < result.size(); k++) {
                        if (result.get(k) == null) {
                            left.add(pending.get(k));
                        } else {
                            outcomes[pending.get(k)] = result.get(k);
                        }
                    }
                    if (left.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    if (attempt >= MAX_ATTEMPTS) {
                        return Uni.createFrom().failure(new IllegalStateException(left.size() + " touchpoints still"
                                + " set aside after " + attempt + " transactions (customers merged on and on meanwhile)"));
                    }
                    metrics.setAside(left.size());
                    boolean progress = left.size() < pending.size();
                    int nextIdle = progress ? 0 : idle + 1;
                    LOG.debugf("%d of %d touchpoints set aside for the next transaction (attempt %d)", left.size(),
                            pending.size(), attempt);
                    Uni<Void> next = Uni.createFrom().deferred(() -> attempt(context, events, outcomes, left, attempt + 1, nextIdle));
                    if (progress || nextIdle >= ATTEMPTS_WITHOUT_WAITING) {
                        return next;
                    }
                    // whoever holds the locks is mid-transaction: give it time to commit
                    return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(10L << nextIdle)).chain(() -> next);
                });
    }

    private <T> Uni<T> inTransaction(Context context, Function<SqlConnection, Uni<T>> work, String what, int contentionAttempts) {
        return onRecordContext(context, Uni.createFrom().deferred(() -> pool.withTransaction(work)))
                // PostgreSQL unreachable is not the record's fault: the partition waits, so an outage
                // never sends good touchpoints to the dead-letter topic
                .onFailure(DatabaseOutage::isOutage).invoke(e -> LOG.warnf("%s wait for PostgreSQL: %s", what,
                        e.getMessage()))
                .onFailure(DatabaseOutage::isOutage).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(15)).indefinitely()
                // deadlocks, serialisation failures, a messageId inserted meanwhile: the whole
                // transaction runs again a few times; anything else goes to the dead-letter topic
                .onFailure(JourneyStitcher::isContention).retry()
                .withBackOff(Duration.ofMillis(50), Duration.ofSeconds(2)).atMost(contentionAttempts);
    }

    /**
     * Every attempt runs on the Vert.x context of the record (the consumer's callbacks expect it). A
     * retry's back-off delay resumes on a worker thread, so every attempt is subscribed on that context again.
     */
    private static <T> Uni<T> onRecordContext(Context context, Uni<T> attempt) {
        return context == null ? attempt
                : attempt.runSubscriptionOn(task -> context.runOnContext(ignored -> task.run()));
    }

    /**
     * One transaction of a batch: reads, locks, then resolution and stages in memory, then writes.
     * Returns each record's outcome, {@code null} for a record set aside for the next transaction.
     */
    private final class Batch {

        private final SqlConnection s;
        private final List<TouchpointEvent> events;
        /** Wait for locks other transactions hold instead of setting records aside. */
        private final boolean wait;
        private final Outcome[] outcomes;
        private final Instant now = Instant.now();
        /** Records dropped as suppressed: their messageIds are remembered, nothing else. */
        private final List<String> suppressedIds = new ArrayList<>();
        /** Records to store, in batch order. */
        private List<Integer> live = new ArrayList<>();
        private IdentityBatch graph;
        /** Customer of each live record at the end of the batch. */
        private final Map<Integer, UUID> customerOf = new HashMap<>();
        private final Map<String, String> stageOf = new HashMap<>();
        private final Map<String, String> storedStageUpdates = new LinkedHashMap<>();
        /** First entries into stages (inserted). */
        private final List<TouchpointStore.CustomerStage> stageSaves = new ArrayList<>();
        /** Stored entries now entered at another time or through another touchpoint (a late event, a merge). */
        private final List<TouchpointStore.CustomerStage> stageCorrections = new ArrayList<>();
        private final List<TouchpointStore.CustomerStage> stageDeletes = new ArrayList<>();
        private final List<Transition> transitions = new ArrayList<>();

        /** Per record: the identifiers it may link or be suppressed by. */
        private final List<List<Identifier>> lookups;
        /** Unknown identifiers whose insert lock another transaction holds. */
        private final Set<Identifier> heldIdentifiers = new HashSet<>();

        Batch(SqlConnection s, List<TouchpointEvent> events, boolean wait) {
            this.s = s;
            this.events = events;
            this.wait = wait;
            this.outcomes = new Outcome[events.size()];
            this.lookups = events.stream().map(identity::lookups).toList();
        }

        Uni<List<Outcome>> run() {
            for (int i = 0; i < events.size(); i++) {
                if (lookups.get(i).isEmpty()) {
                    outcomes[i] = Outcome.INVALID;
                }
            }
            Set<Identifier> ids = allLookups();
            return identities.known(s, messageIds(), digests(ids), ids).invoke(() -> mark("known"))
                    .chain(this::claimUnknown).invoke(() -> mark("claim"))
                    .map(this::classify)
                    .chain(this::lockCustomers)
                    .invoke(() -> mark("customers"))
                    .invoke(this::resolve).invoke(() -> mark("resolve"))
                    .chain(this::stages).invoke(() -> mark("stages"))
                    .chain(this::write).invoke(() -> mark("write"))
                    .invoke(() -> LOG.debugf("batch of %d touchpoints, ms per step: %s", events.size(), timing))
                    .map(x -> Arrays.asList(outcomes));
        }

        private Set<String> digests(Collection<Identifier> ids) {
            Set<String> digests = new LinkedHashSet<>();
            ids.forEach(id -> digests.add(suppression.digest(id)));
            return digests;
        }

        /**
         * Locks the identifiers nobody holds yet (the batch may insert them): without waiting, so those
         * another transaction is inserting right now are noted as held. They are read again once locked
         * (pipelined, same round trip), so one inserted and committed meanwhile, or erased (its digest
         * suppressed), is seen. Identifiers already owned need no lock of their own: they change
         * (merge, erasure) only under their customer's row lock, taken next.
         */
        private Uni<IdentityStore.Known> claimUnknown(IdentityStore.Known known) {
            Map<Integer, List<Identifier>> byKey = new HashMap<>();
            List<Identifier> unknown = new ArrayList<>();
            for (Identifier id : allLookups()) {
                if (!known.owners().containsKey(id)) {
                    unknown.add(id);
                    byKey.computeIfAbsent(identity.lockKey(id), k -> new ArrayList<>(1)).add(id);
                }
            }
            if (unknown.isEmpty()) {
                return Uni.createFrom().item(known);
            }
            Uni<Set<Integer>> locked = identities.lockIdentifiers(s, byKey.keySet(), wait);
            Uni<IdentityStore.Known> again = identities.known(s, List.of(), digests(unknown), unknown);
            return Uni.combine().all().unis(locked, again).with((held, fresh) -> {
                held.forEach(k -> heldIdentifiers.addAll(byKey.get(k)));
                known.owners().putAll(fresh.owners());
                known.suppressedDigests().addAll(fresh.suppressedDigests());
                return known;
            });
        }

        /**
         * Locks the live customers the records resolve to, sets aside the records that need one it could
         * not lock (or an identifier another transaction holds), and reads the profiles of the rest.
         */
        private Uni<Void> lockCustomers(Map<Identifier, UUID> owners) {
            Set<UUID> wanted = new TreeSet<>();
            for (int i : live) {
                for (Identifier id : lookups.get(i)) {
                    UUID owner = owners.get(id);
                    if (owner != null) {
                        wanted.add(owner);
                    }
                }
            }
            return identities.lockCustomers(s, wanted, wait).chain(rows -> {
                Set<UUID> unavailable = new HashSet<>(wanted);
                rows.forEach(r -> unavailable.remove(r.id()));
                Map<Integer, List<Identifier>> idsOf = new HashMap<>();
                live.forEach(i -> idsOf.put(i, lookups.get(i)));
                List<Integer> waiting = new ArrayList<>();
                live = SetAside.split(live, idsOf, owners, heldIdentifiers, unavailable, waiting);
                // outcome null: the caller gives these records to the next transaction
                Set<UUID> needed = new HashSet<>();
                for (int i : live) {
                    for (Identifier id : lookups.get(i)) {
                        UUID owner = owners.get(id);
                        if (owner != null) {
                            needed.add(owner);
                        }
                    }
                }
                List<IdentityStore.CustomerRow> mine = rows.stream().filter(r -> needed.contains(r.id())).toList();
                return identities.profiles(s, needed)
                        .invoke(profiles -> graph = new IdentityBatch(identity, now, owners, mine, profiles));
            }).replaceWithVoid();
        }

        private long t0 = System.nanoTime();
        private final StringBuilder timing = new StringBuilder();

        private void mark(String what) {
            long t = System.nanoTime();
            timing.append(what).append('=').append((t - t0) / 1_000_000).append(' ');
            t0 = t;
        }

        private List<String> messageIds() {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (outcomes[i] == null) {
                    ids.add(events.get(i).messageId());
                }
            }
            return ids;
        }

        private Set<Identifier> allLookups() {
            Set<Identifier> ids = new LinkedHashSet<>();
            for (int i = 0; i < events.size(); i++) {
                if (outcomes[i] == null) {
                    ids.addAll(lookups.get(i));
                }
            }
            return ids;
        }

        /** Duplicates (stored, or twice in the batch), suppressed records, and the rest: the owners of its identifiers. */
        private Map<Identifier, UUID> classify(IdentityStore.Known known) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < events.size(); i++) {
                if (outcomes[i] != null) {
                    continue;
                }
                TouchpointEvent e = events.get(i);
                if (known.storedMessageIds().contains(e.messageId()) || !seen.add(e.messageId())) {
                    outcomes[i] = Outcome.DUPLICATE;
                } else if (!known.suppressedDigests().isEmpty() && lookups.get(i).stream()
                        .anyMatch(id -> known.suppressedDigests().contains(suppression.digest(id)))) {
                    outcomes[i] = Outcome.SUPPRESSED;
                    suppressedIds.add(e.messageId());
                } else {
                    live.add(i);
                }
            }
            return known.owners();
        }

        private void resolve() {
            Map<Integer, UUID> resolved = new HashMap<>();
            for (int i : live) {
                resolved.put(i, graph.resolve(events.get(i)));
                outcomes[i] = Outcome.STORED;
            }
            // merges later in the batch move earlier touchpoints too
            resolved.forEach((i, c) -> customerOf.put(i, graph.find(c)));
        }

        /**
         * Stage assignment. A customer whose new touchpoints all come after its stored ones only appends
         * (its stage history is enough); a late touchpoint or a merge replays the customer's whole
         * stage-relevant history, so the result is as if everything had arrived in order.
         */
        private Uni<Void> stages() {
            Map<UUID, List<TouchpointFacts>> fresh = new LinkedHashMap<>();
            for (int i : live) {
                TouchpointEvent e = events.get(i);
                if (e.isStageCandidate()) {
                    fresh.computeIfAbsent(customerOf.get(i), k -> new ArrayList<>()).add(e.facts());
                }
            }
            Map<UUID, List<UUID>> absorbed = graph.absorbedBySurvivor();
            Set<UUID> affected = new LinkedHashSet<>(fresh.keySet());
            affected.addAll(absorbed.keySet());
            List<UUID> stored = affected.stream().filter(graph::isStored).toList();
            return touchpoints.stageState(s, stored).chain(state -> {
                Map<UUID, Instant> latest = state.latest();
                Map<UUID, List<StageEntry>> histories = state.histories();
                Set<UUID> replay = new LinkedHashSet<>();
                Set<UUID> candidatesOf = new LinkedHashSet<>();
                for (UUID c : affected) {
                    Instant last = latest.get(c);
                    boolean late = last != null && fresh.getOrDefault(c, List.of()).stream()
                            .anyMatch(f -> !f.occurredAt().isAfter(last));
                    if (late || absorbed.containsKey(c)) {
                        replay.add(c);
                        if (graph.isStored(c)) {
                            candidatesOf.add(c);
                        }
                        candidatesOf.addAll(absorbed.getOrDefault(c, List.of()));
                    }
                }
                return touchpoints.stageCandidates(s, candidatesOf).invoke(candidates -> {
                    for (UUID c : affected) {
                        List<StageEntry> history = histories.getOrDefault(c, List.of());
                        List<TouchpointFacts> mine = fresh.getOrDefault(c, List.of());
                        if (replay.contains(c)) {
                            List<TouchpointFacts> before = new ArrayList<>(candidates.getOrDefault(c, List.of()));
                            absorbed.getOrDefault(c, List.of()).forEach(a -> before.addAll(candidates.getOrDefault(a, List.of())));
                            replay(c, mine, before, history);
                        } else {
                            append(c, mine, history);
                        }
                    }
                });
            }).replaceWithVoid();
        }

        /** The common case: the new touchpoints are the customer's latest, so only they need a stage. */
        private void append(UUID customer, List<TouchpointFacts> fresh, List<StageEntry> history) {
            Set<String> reached = history.stream().map(StageEntry::stage).collect(Collectors.toCollection(HashSet::new));
            List<TouchpointFacts> ordered = new ArrayList<>(fresh);
            ordered.sort(IN_TIME_ORDER);
            for (TouchpointFacts f : ordered) {
                String stage = model.stageFor(f, reached).orElse(null);
                stageOf.put(f.messageId(), stage);
                if (stage != null && !reached.contains(stage)) {
                    StageEntry entry = new StageEntry(stage, f.occurredAt(), f.channel(), f.sourceId(), f.messageId());
                    String previous = model.furthest(reached).orElse(null);
                    stageSaves.add(new TouchpointStore.CustomerStage(customer, entry));
                    transitions.add(Transition.stageEntered(customer, entry, previous, f));
                    reached.add(stage);
                }
            }
        }

        /**
         * A late touchpoint or a merge: replay all the customer's touchpoints in corrected-time order and
         * bring stored stages and stage history in line. Stages entered for the first time produce a
         * stage_entered transition; a known stage now entered at another time or through another
         * touchpoint produces a stage_corrected transition (metrics move the entry to its new place).
         */
        private void replay(UUID customer, List<TouchpointFacts> fresh, List<TouchpointFacts> stored,
                List<StageEntry> history) {
            List<TouchpointFacts> facts = new ArrayList<>(fresh);
            facts.addAll(stored);
            StageTimeline timeline = StageTimeline.replay(model, facts);
            Map<String, StageEntry> before = history.stream().collect(Collectors.toMap(StageEntry::stage, Function.identity()));
            fresh.forEach(t -> stageOf.put(t.messageId(), timeline.stageByMessage().get(t.messageId())));
            for (TouchpointFacts t : stored) {
                String stage = timeline.stageByMessage().get(t.messageId());
                if (!Objects.equals(stage, t.stage())) {
                    storedStageUpdates.put(t.messageId(), stage);
                }
            }
            for (StageTimeline.Entered entered : timeline.entered().values()) {
                StageEntry now = entered.entry();
                StageEntry old = before.get(now.stage());
                if (old == null) {
                    stageSaves.add(new TouchpointStore.CustomerStage(customer, now));
                    transitions.add(Transition.stageEntered(customer, now, entered.previousStage(), entered.cause()));
                } else if (!old.equals(now)) {
                    stageCorrections.add(new TouchpointStore.CustomerStage(customer, now));
                    if (!old.enteredAt().equals(now.enteredAt()) || !old.causeMessageId().equals(now.causeMessageId())) {
                        transitions.add(Transition.stageCorrected(customer, now, old, entered.previousStage(), entered.cause()));
                    }
                }
            }
            for (StageEntry old : history) {
                if (!timeline.entered().containsKey(old.stage())) {
                    LOG.infof("customer %s no longer reaches stage %s after replay", customer, old.stage());
                    stageDeletes.add(new TouchpointStore.CustomerStage(customer, old));
                }
            }
        }

        private Uni<Void> write() {
            List<IdentityStore.Merge> merges = graph.merges();
            List<Transition> all = new ArrayList<>();
            // merges first: metrics fold the absorbed customer's counts in before the survivor's new stages
            merges.forEach(m -> all.add(Transition.customerMerged(m.survivor(), m.absorbed(), now, graph.absorbedBy(m.absorbed()))));
            all.addAll(transitions);
            List<TouchpointStore.NewTouchpoint> rows = new ArrayList<>(live.size());
            for (int i : live) {
                TouchpointEvent e = events.get(i);
                rows.add(new TouchpointStore.NewTouchpoint(e, customerOf.get(i), stageOf.get(e.messageId())));
            }
            mark("prep");
            // Every write is sent without waiting for the one before (pipelined on the transaction's
            // connection, which runs them in this order): each statement's rows are built while
            // PostgreSQL runs the previous ones. The first failure fails the batch (and the transaction).
            List<Supplier<Uni<Void>>> writes = List.of(
                    () -> identities.createCustomers(s, graph.newCustomers()),
                    () -> identities.mergeAll(s, merges, now),
                    () -> identities.attachAll(s, graph.attachments(), now),
                    () -> identities.recordConflicts(s, graph.conflicts(), now),
                    () -> touchpoints.insertAll(s, rows),
                    () -> touchpoints.setStages(s, storedStageUpdates),
                    () -> touchpoints.deleteStages(s, stageDeletes),
                    () -> touchpoints.saveStages(s, stageCorrections, true),
                    () -> touchpoints.saveStages(s, stageSaves, false),
                    () -> outbox.addAll(s, all),
                    () -> touchpoints.recordSuppressed(s, suppressedIds, now));
            List<Uni<Void>> sent = new ArrayList<>(writes.size());
            for (Supplier<Uni<Void>> w : writes) {
                sent.add(Uni.createFrom().<Void>deferred(w::get));
            }
            return Uni.join().all(sent).andFailFast().replaceWithVoid().invoke(() -> mark("writes"));
        }
    }

    private static final Comparator<TouchpointFacts> IN_TIME_ORDER = Comparator.comparing(TouchpointFacts::occurredAt)
            .thenComparing(TouchpointFacts::messageId);

    /**
     * SQLSTATEs of two transactions in each other's way: serialization_failure, deadlock_detected,
     * and unique_violation when two transactions inserted one identifier or messageId (the loser runs
     * again and finds the winner's rows).
     */
    private static final Set<String> CONTENTION_STATES = Set.of("40001", "40P01", "23505");

    /** Two transactions got in each other's way; running again resolves it. */
    static boolean isContention(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IdentityGraph.ConcurrentMergeException
                    || (c instanceof PgException pg && CONTENTION_STATES.contains(pg.getSqlState()))) {
                return true;
            }
        }
        return false;
    }
}
