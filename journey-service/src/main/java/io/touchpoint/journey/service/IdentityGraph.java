package io.touchpoint.journey.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.repository.IdentityStore;
import io.touchpoint.journey.repository.IdentityStore.CustomerRow;

/**
 * Decides which customer a touchpoint belongs to, and which identifiers to attach and customers to
 * merge on the way.
 *
 * <p>Serialised on identity, not on partition: the two halves of one person can arrive on different
 * partitions (and instances) at once, so the transaction first takes an advisory lock per identifier
 * of the event (sorted, so no deadlock), then locks the customer rows involved. {@link #plan} only
 * reads; {@link #apply} writes, after the caller knows the touchpoint is not a duplicate.
 */
@ApplicationScoped
public class IdentityGraph {

    /**
     * What to do for one touchpoint.
     *
     * @param customer the customer the touchpoint belongs to (new or existing, never an absorbed one)
     * @param newCustomer whether {@code customer} must be created
     * @param attach identifiers not known yet, to attach to {@code customer}
     * @param absorbed customers to merge into {@code customer}
     */
    public record Plan(UUID customer, boolean newCustomer, List<Identifier> attach, List<UUID> absorbed) {
    }

    /** A customer row changed (merged away) between reading an identifier and locking the row; try again. */
    public static class ConcurrentMergeException extends RuntimeException {
        ConcurrentMergeException(UUID id) {
            super("customer " + id + " was merged while this touchpoint was resolved");
        }
    }

    @Inject
    IdentityStore store;

    @Inject
    BlockedIdentifiers blocked;

    /** The identifiers an event carries, without blocked values. Alias's previousId is resolved in {@link #plan}. */
    public List<Identifier> identifiers(TouchpointEvent e) {
        Set<Identifier> ids = new LinkedHashSet<>();
        if (!blocked.isBlocked(e.userId())) {
            ids.add(Identifier.userId(e.userId()));
        }
        if (!blocked.isBlocked(e.anonymousId())) {
            ids.add(Identifier.anonymousId(e.anonymousId()));
        }
        return new ArrayList<>(ids);
    }

    public Uni<Plan> plan(Mutiny.Session s, TouchpointEvent e) {
        List<Identifier> direct = identifiers(e);
        // alias's previousId may be an old user id or an anonymous id: lock both readings, use the known one
        String previous = "alias".equals(e.type()) && !blocked.isBlocked(e.previousId()) ? e.previousId() : null;
        TreeSet<String> lockKeys = new TreeSet<>();
        direct.forEach(i -> lockKeys.add(i.key()));
        if (previous != null) {
            lockKeys.add(Identifier.userId(previous).key());
            lockKeys.add(Identifier.anonymousId(previous).key());
        }
        if (lockKeys.isEmpty()) {
            return Uni.createFrom().failure(new InvalidTouchpointException(
                    "no usable identifier: userId/anonymousId are missing or blocked placeholder values"));
        }
        return store.lock(s, List.copyOf(lockKeys))
                .chain(() -> previousIdentifier(s, previous))
                .chain(prev -> {
                    List<Identifier> all = new ArrayList<>(direct);
                    prev.filter(p -> !all.contains(p)).ifPresent(all::add);
                    return lookup(s, all).chain(known -> decide(s, e, all, known));
                });
    }

    private Uni<Optional<Identifier>> previousIdentifier(Mutiny.Session s, String previous) {
        if (previous == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        Identifier asUser = Identifier.userId(previous);
        return store.customerOf(s, asUser)
                .map(c -> Optional.of(c.isPresent() ? asUser : Identifier.anonymousId(previous)));
    }

    private Uni<Map<Identifier, UUID>> lookup(Mutiny.Session s, List<Identifier> ids) {
        Map<Identifier, UUID> known = new LinkedHashMap<>();
        return Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(id -> store.customerOf(s, id).invoke(c -> c.ifPresent(x -> known.put(id, x))))
                .collect().last()
                .map(x -> known);
    }

    private Uni<Plan> decide(Mutiny.Session s, TouchpointEvent e, List<Identifier> ids, Map<Identifier, UUID> known) {
        Set<UUID> customers = new TreeSet<>(known.values());
        List<Identifier> unknown = ids.stream().filter(i -> !known.containsKey(i)).toList();
        if (customers.isEmpty()) {
            return Uni.createFrom().item(new Plan(UUID.randomUUID(), true, unknown, List.of()));
        }
        return store.lockCustomers(s, customers).chain(rows -> {
            for (CustomerRow r : rows) {
                if (r.mergedInto() != null) {
                    throw new ConcurrentMergeException(r.id());
                }
            }
            return store.userIds(s, customers).map(userIds -> decide(e, ids, known, unknown, rows, userIds));
        });
    }

    /** The resolution rules; pure given what the database said. */
    static Plan decide(TouchpointEvent e, List<Identifier> ids, Map<Identifier, UUID> known, List<Identifier> unknown,
            List<CustomerRow> rows, Map<UUID, Set<String>> userIdsByCustomer) {
        Set<String> userIds = new HashSet<>();
        userIdsByCustomer.values().forEach(userIds::addAll);
        ids.stream().filter(i -> i.type() == Identifier.Type.USER_ID).forEach(i -> userIds.add(i.value()));

        if (userIds.size() <= 1) {
            // one person: everything seen together joins the oldest customer
            List<CustomerRow> byAge = new ArrayList<>(rows);
            byAge.sort(Comparator.comparing(CustomerRow::createdAt).thenComparing(CustomerRow::id));
            UUID survivor = byAge.get(0).id();
            List<UUID> absorbed = byAge.stream().skip(1).map(CustomerRow::id).toList();
            return new Plan(survivor, false, unknown, absorbed);
        }
        // Merging would join two different user ids: never automatically. The touchpoint goes to
        // the customer of its userId (a new one if that user id is new) and the rest stays apart.
        Optional<Identifier> userId = ids.stream()
                .filter(i -> i.type() == Identifier.Type.USER_ID && i.value().equals(e.userId()))
                .findFirst();
        Identifier anchor = userId.orElseGet(() -> ids.stream().filter(known::containsKey).findFirst().orElseThrow());
        List<Identifier> attachable = unknown.stream().filter(i -> i.type() != Identifier.Type.USER_ID || i.equals(anchor))
                .toList();
        UUID owner = known.get(anchor);
        if (owner == null) {
            return new Plan(UUID.randomUUID(), true, attachable, List.of());
        }
        return new Plan(owner, false, attachable, List.of());
    }

    /** Writes the plan's identity changes; returns true when customers were merged. */
    public Uni<Boolean> apply(Mutiny.Session s, Plan plan, Instant now) {
        Uni<Void> chain = plan.newCustomer() ? store.createCustomer(s, plan.customer(), now) : Uni.createFrom().voidItem();
        for (Identifier id : plan.attach()) {
            chain = chain.chain(() -> store.attach(s, id, plan.customer(), now));
        }
        for (UUID absorbed : plan.absorbed()) {
            chain = chain.chain(() -> store.merge(s, absorbed, plan.customer(), now));
        }
        return chain.map(x -> !plan.absorbed().isEmpty());
    }
}
