package io.touchpoint.journey.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.config.JourneyConfig;
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

    private static final Logger LOG = Logger.getLogger(IdentityGraph.class);

    /**
     * What to do for one touchpoint.
     *
     * @param customer the customer the touchpoint belongs to (new or existing, never an absorbed one)
     * @param newCustomer whether {@code customer} must be created
     * @param attach identifiers not known yet, to attach to {@code customer}
     * @param absorbed customers to merge into {@code customer}
     * @param conflicts customers the touchpoint would have merged with {@code customer}, were it not for two
     *            different user_ids, and the identifier they share with it
     */
    public record Plan(UUID customer, boolean newCustomer, List<Identifier> attach, List<UUID> absorbed,
            List<Conflict> conflicts) {

        Plan(UUID customer, boolean newCustomer, List<Identifier> attach, List<UUID> absorbed) {
            this(customer, newCustomer, attach, absorbed, List.of());
        }
    }

    /** Another customer holding {@code identifier}, not merged because its user_id differs. */
    public record Conflict(UUID otherCustomer, Identifier identifier) {
    }

    /** The touchpoint carries an identifier of an erased customer: it is dropped, nothing is written. */
    public static final Plan SUPPRESSED = new Plan(null, false, List.of(), List.of());

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

    @Inject
    JourneyConfig config;

    /**
     * The identifiers an event carries (userId, anonymousId, then traits, device and externalIds), without
     * blocked values. Alias's previousId is resolved in {@link #plan}.
     */
    public List<Identifier> identifiers(TouchpointEvent e) {
        Set<Identifier> ids = new LinkedHashSet<>();
        if (!blocked.isBlocked(e.userId())) {
            ids.add(Identifier.userId(e.userId()));
        }
        if (!blocked.isBlocked(e.anonymousId())) {
            ids.add(Identifier.anonymousId(e.anonymousId()));
        }
        for (Identifier i : e.traitIdentifiers()) {
            if (!blocked.isBlocked(i.value()) && !blocked.isBlocked(bareValue(i))) {
                ids.add(i);
            }
        }
        return new ArrayList<>(ids);
    }

    /** "twitter:anonymous" is as much a placeholder as "anonymous". */
    private static String bareValue(Identifier i) {
        int colon = i.value().indexOf(':');
        return Identifier.SOCIAL_HANDLE.equals(i.type()) && colon >= 0 ? i.value().substring(colon + 1) : i.value();
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
        List<Identifier> suppressible = new ArrayList<>(direct);
        if (previous != null) {
            suppressible.add(Identifier.userId(previous));
            suppressible.add(Identifier.anonymousId(previous));
        }
        // erasure takes the same identifier locks, so it is either fully before or fully after this check
        return store.lock(s, List.copyOf(lockKeys))
                .chain(() -> store.anySuppressed(s, suppressible.stream().map(Suppression::digest).toList()))
                .chain(suppressed -> suppressed ? Uni.createFrom().item(SUPPRESSED)
                        : previousIdentifier(s, previous).chain(prev -> {
                            List<Identifier> all = new ArrayList<>(direct);
                            prev.filter(p -> !all.contains(p)).ifPresent(all::add);
                            return store.customersOf(s, all).chain(known -> decide(s, e, all, known));
                        }));
    }

    private Uni<Optional<Identifier>> previousIdentifier(Mutiny.Session s, String previous) {
        if (previous == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        Identifier asUser = Identifier.userId(previous);
        return store.customerOf(s, asUser)
                .map(c -> Optional.of(c.isPresent() ? asUser : Identifier.anonymousId(previous)));
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
        ids.stream().filter(i -> Identifier.USER_ID.equals(i.type())).forEach(i -> userIds.add(i.value()));

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
                .filter(i -> Identifier.USER_ID.equals(i.type()) && i.value().equals(e.userId()))
                .findFirst();
        Identifier anchor = userId.orElseGet(() -> ids.stream().filter(known::containsKey).findFirst().orElseThrow());
        List<Identifier> attachable = unknown.stream().filter(i -> !Identifier.USER_ID.equals(i.type()) || i.equals(anchor))
                .toList();
        UUID owner = known.get(anchor);
        boolean newCustomer = owner == null;
        UUID customer = newCustomer ? UUID.randomUUID() : owner;
        // every other customer the touchpoint links to is a conflict: recorded, never merged
        List<Conflict> conflicts = new ArrayList<>();
        known.forEach((id, c) -> {
            if (!c.equals(customer)) {
                conflicts.add(new Conflict(c, id));
            }
        });
        return new Plan(customer, newCustomer, attachable, List.of(), conflicts);
    }

    /** Writes the plan's identity changes; returns true when customers were merged. */
    public Uni<Boolean> apply(Mutiny.Session s, Plan plan, String messageId, Instant now) {
        Uni<Void> chain = plan.newCustomer() ? store.createCustomer(s, plan.customer(), now) : Uni.createFrom().voidItem();
        if (!plan.attach().isEmpty()) {
            Uni<Map<String, Long>> counts = plan.newCustomer() ? Uni.createFrom().item(Map.of())
                    : store.identifierCounts(s, plan.customer());
            chain = chain.chain(() -> counts).chain(held -> {
                Uni<Void> attach = Uni.createFrom().voidItem();
                for (Identifier id : withinLimits(plan.attach(), held)) {
                    attach = attach.chain(() -> store.attach(s, id, plan.customer(), now));
                }
                return attach;
            });
        }
        for (Conflict c : plan.conflicts()) {
            chain = chain.chain(() -> store.recordConflict(s, plan.customer(), c, messageId, now));
        }
        for (UUID absorbed : plan.absorbed()) {
            chain = chain.chain(() -> store.merge(s, absorbed, plan.customer(), now));
        }
        return chain.map(x -> !plan.absorbed().isEmpty());
    }

    /**
     * Drops identifiers of a type the customer already holds its limit of: a shared kiosk device or a
     * bot cycling anonymous ids would otherwise grow one customer without bound and link strangers.
     */
    List<Identifier> withinLimits(List<Identifier> attach, Map<String, Long> held) {
        Map<String, Long> counts = new HashMap<>(held);
        List<Identifier> out = new ArrayList<>();
        for (Identifier id : attach) {
            long limit = limit(id.type());
            long n = counts.getOrDefault(id.type(), 0L);
            if (n < limit) {
                out.add(id);
                counts.put(id.type(), n + 1);
            } else {
                LOG.debugf("identifier type %s over its limit of %d per customer: not attached", id.type(), limit);
            }
        }
        return out;
    }

    private long limit(String type) {
        Integer l = config.identity().maxPerCustomer().get(type);
        return l != null ? l : config.identity().maxPerCustomerOther();
    }
}
