package io.touchpoint.journey.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.touchpoint.journey.config.JourneyConfig;
import io.touchpoint.journey.repository.IdentityStore.CustomerRow;

/**
 * The rules of the identity graph: which identifiers a touchpoint carries, which customer it belongs
 * to, which identifiers to attach and which customers to merge on the way ({@link #decide}), and the
 * per-type limits. {@link IdentityBatch} applies them to a batch in memory.
 *
 * <p>Serialised on identity, not on partition: the two halves of one person can arrive on different
 * partitions (and instances) at once. A transaction locks exactly what it changes, without waiting:
 * the advisory lock ({@link #lockKey}) of each identifier it would insert, and the rows of the
 * customers it resolves to. Records that need a lock another transaction holds are set aside for the
 * next transaction ({@link SetAside}, ADR 0014).
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

    /** A customer row changed (merged away) between reading an identifier and locking the row; try again. */
    public static class ConcurrentMergeException extends RuntimeException {
        public ConcurrentMergeException(UUID id) {
            super("customer " + id + " was merged while this touchpoint was resolved");
        }
    }

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

    /** Alias's previousId (an old user id or an anonymous id), unless absent or a placeholder. */
    public String previousId(TouchpointEvent e) {
        return "alias".equals(e.type()) && !blocked.isBlocked(e.previousId()) ? e.previousId() : null;
    }

    /**
     * Every identifier the touchpoint may link or be suppressed by: its own, and for alias both
     * readings of previousId (which one is meant is only known once the graph is read).
     */
    public List<Identifier> lookups(TouchpointEvent e) {
        List<Identifier> out = new ArrayList<>(identifiers(e));
        String previous = previousId(e);
        if (previous != null) {
            out.add(Identifier.userId(previous));
            out.add(Identifier.anonymousId(previous));
        }
        return out;
    }

    /**
     * The advisory lock ({@code pg_advisory_xact_lock(0x4944, key)}) a transaction holds while it
     * inserts the identifier, so two transactions never create it twice. One key per identifier (32
     * bits: two batches of 2,000 records share a key by chance about once in a thousand pairs, which
     * only sets a record aside).
     */
    public int lockKey(Identifier id) {
        // spread String.hashCode (stable across JVMs and instances)
        int h = id.key().hashCode() * 0x9E3779B1;
        return h ^ (h >>> 16);
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
