package io.touchpoint.journey.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.touchpoint.journey.repository.IdentityStore.Attachment;
import io.touchpoint.journey.repository.IdentityStore.ConflictRow;
import io.touchpoint.journey.repository.IdentityStore.CustomerRow;
import io.touchpoint.journey.repository.IdentityStore.Merge;
import io.touchpoint.journey.repository.IdentityStore.Profile;

/**
 * The part of the identity graph one batch of touchpoints touches, in memory. The batch's
 * touchpoints are resolved one after the other with {@link IdentityGraph#decide}, exactly as if each
 * had its own transaction; the database is read once before (every identifier of the batch, the
 * customers holding them) and written once after ({@link #newCustomers}, {@link #attachments},
 * {@link #merges}, {@link #conflicts}).
 *
 * <p>A customer created and absorbed within the same batch was never visible outside it, so it is
 * never written: its touchpoints and identifiers go straight to the survivor. Pure logic: no I/O.
 */
final class IdentityBatch {

    /** A customer as far as this batch knows it. */
    private static final class Node {
        final UUID id;
        final Instant createdAt;
        /** In the database before this batch. */
        final boolean stored;
        final Set<String> userIds = new HashSet<>();
        final Map<String, Long> counts = new HashMap<>();
        UUID absorbedInto;
        String absorbedBy;

        Node(UUID id, Instant createdAt, boolean stored) {
            this.id = id;
            this.createdAt = createdAt;
            this.stored = stored;
        }
    }

    private final IdentityGraph rules;
    private final Instant now;
    private final Map<Identifier, UUID> owners;
    private final Map<UUID, Node> customers = new HashMap<>();
    private final Map<UUID, Instant> created = new LinkedHashMap<>();
    private final List<Attachment> attached = new ArrayList<>();
    private final List<ConflictRow> conflicts = new ArrayList<>();
    /** Stored customers absorbed in this batch, in the order it happened. */
    private final List<Node> absorbedStored = new ArrayList<>();

    /**
     * @param owners the stored customer of each identifier of the batch that has one
     * @param rows the (locked, live) customer rows of those customers
     * @param profiles their user ids and identifier counts
     */
    IdentityBatch(IdentityGraph rules, Instant now, Map<Identifier, UUID> owners, List<CustomerRow> rows,
            Map<UUID, Profile> profiles) {
        this.rules = rules;
        this.now = now;
        this.owners = new HashMap<>(owners);
        for (CustomerRow r : rows) {
            Node n = new Node(r.id(), r.createdAt(), true);
            Profile p = profiles.get(r.id());
            if (p != null) {
                n.userIds.addAll(p.userIds());
                n.counts.putAll(p.countsByType());
            }
            customers.put(r.id(), n);
        }
    }

    /**
     * Resolves one touchpoint and applies its identity changes to the batch's graph.
     *
     * @return the customer the touchpoint belongs to at this point of the batch (see {@link #find})
     */
    UUID resolve(TouchpointEvent e) {
        List<Identifier> ids = new ArrayList<>(rules.identifiers(e));
        String previous = rules.previousId(e);
        if (previous != null) {
            // alias's previousId is whichever reading the graph knows as a user id, else an anonymous id
            Identifier asUser = Identifier.userId(previous);
            Identifier prev = owners.containsKey(asUser) ? asUser : Identifier.anonymousId(previous);
            if (!ids.contains(prev)) {
                ids.add(prev);
            }
        }
        Map<Identifier, UUID> known = new LinkedHashMap<>();
        List<Identifier> unknown = new ArrayList<>();
        for (Identifier i : ids) {
            UUID owner = owners.get(i);
            if (owner != null) {
                known.put(i, find(owner));
            } else {
                unknown.add(i);
            }
        }
        IdentityGraph.Plan plan;
        if (known.isEmpty()) {
            plan = new IdentityGraph.Plan(UUID.randomUUID(), true, unknown, List.of());
        } else {
            List<CustomerRow> rows = new ArrayList<>();
            Map<UUID, Set<String>> userIds = new HashMap<>();
            for (UUID c : new TreeSet<>(known.values())) {
                Node n = customers.get(c);
                rows.add(new CustomerRow(n.id, n.createdAt, null));
                userIds.put(c, n.userIds);
            }
            plan = IdentityGraph.decide(e, ids, known, unknown, rows, userIds);
        }
        apply(plan, e.messageId());
        return plan.customer();
    }

    private void apply(IdentityGraph.Plan plan, String messageId) {
        if (plan.newCustomer()) {
            // strictly increasing within the batch: the oldest customer survives a merge
            Instant at = now.plusNanos(1_000L * created.size());
            customers.put(plan.customer(), new Node(plan.customer(), at, false));
            created.put(plan.customer(), at);
        }
        Node customer = customers.get(plan.customer());
        for (Identifier id : rules.withinLimits(plan.attach(), customer.counts)) {
            owners.put(id, customer.id);
            customer.counts.merge(id.type(), 1L, Long::sum);
            if (Identifier.USER_ID.equals(id.type())) {
                customer.userIds.add(id.value());
            }
            attached.add(new Attachment(id, customer.id));
        }
        for (IdentityGraph.Conflict c : plan.conflicts()) {
            conflicts.add(new ConflictRow(customer.id, c.otherCustomer(), c.identifier(), messageId));
        }
        for (UUID a : plan.absorbed()) {
            Node absorbed = customers.get(a);
            absorbed.absorbedInto = customer.id;
            absorbed.absorbedBy = messageId;
            absorbed.counts.forEach((type, n) -> customer.counts.merge(type, n, Long::sum));
            customer.userIds.addAll(absorbed.userIds);
            if (absorbed.stored) {
                absorbedStored.add(absorbed);
            }
        }
    }

    /** The customer {@code id} is part of now, following merges made in this batch. */
    UUID find(UUID id) {
        UUID c = id;
        for (Node n = customers.get(c); n != null && n.absorbedInto != null; n = customers.get(c)) {
            c = n.absorbedInto;
        }
        return c;
    }

    /** Whether the customer was in the database before this batch. */
    boolean isStored(UUID id) {
        Node n = customers.get(id);
        return n != null && n.stored;
    }

    /** Customers created by the batch and still standing at its end, with their creation times. */
    Map<UUID, Instant> newCustomers() {
        Map<UUID, Instant> out = new LinkedHashMap<>();
        created.forEach((id, at) -> {
            if (find(id).equals(id)) {
                out.put(id, at);
            }
        });
        return out;
    }

    /** Identifiers to insert, each owned by the customer it ends up with. */
    List<Attachment> attachments() {
        return attached.stream().map(a -> new Attachment(a.identifier(), find(a.customer()))).toList();
    }

    /** Stored customers to merge, each into the customer it ends up with. */
    List<Merge> merges() {
        return absorbedStored.stream().map(n -> new Merge(n.id, find(n.id))).toList();
    }

    /** The touchpoint that absorbed a stored customer. */
    String absorbedBy(UUID absorbed) {
        return customers.get(absorbed).absorbedBy;
    }

    /** Stored customers absorbed (directly or not) into each surviving customer. */
    Map<UUID, List<UUID>> absorbedBySurvivor() {
        Map<UUID, List<UUID>> out = new LinkedHashMap<>();
        for (Node n : absorbedStored) {
            out.computeIfAbsent(find(n.id), k -> new ArrayList<>()).add(n.id);
        }
        return out;
    }

    /** Conflicts between the customers they end up with, once each. */
    List<ConflictRow> conflicts() {
        Set<List<Object>> seen = new LinkedHashSet<>();
        List<ConflictRow> out = new ArrayList<>();
        for (ConflictRow c : conflicts) {
            UUID a = find(c.customer());
            UUID b = find(c.otherCustomer());
            if (!a.equals(b) && seen.add(List.of(a, b, c.identifier()))) {
                out.add(new ConflictRow(a, b, c.identifier(), c.messageId()));
            }
        }
        return out;
    }
}
