package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.instant;
import static io.touchpoint.journey.repository.SqlValues.number;
import static io.touchpoint.journey.repository.SqlValues.param;
import static io.touchpoint.journey.repository.SqlValues.text;
import static io.touchpoint.journey.repository.SqlValues.uuid;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.Identifier;
import io.touchpoint.journey.service.IdentityGraph;

/** SQL of the identity graph: identifiers, customers, locks and merges. Runs inside the caller's transaction. */
@ApplicationScoped
public class IdentityStore {

    /** A locked customer row. */
    public record CustomerRow(UUID id, Instant createdAt, UUID mergedInto) {
    }

    /**
     * Takes a transaction-scoped advisory lock per key, in the given order. Callers pass keys sorted,
     * so two transactions never wait on each other crosswise.
     */
    public Uni<Void> lock(Mutiny.Session s, List<String> sortedKeys) {
        if (sortedKeys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // one round trip for all keys; VALUES rows are scanned in the order given (sorted by the caller)
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < sortedKeys.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(:k").append(i).append(')');
        }
        var q = s.createNativeQuery("select count(*) from (select pg_advisory_xact_lock(hashtext(v.k)) from (values "
                + values + ") as v(k)) l", Object.class);
        for (int i = 0; i < sortedKeys.size(); i++) {
            q.setParameter("k" + i, sortedKeys.get(i));
        }
        return q.getSingleResult().replaceWithVoid();
    }

    public Uni<Optional<UUID>> customerOf(Mutiny.Session s, Identifier id) {
        return s.createNativeQuery("select cast(customer_id as text) from identifier where type = :t and value = :v",
                        Object.class)
                .setParameter("t", id.type())
                .setParameter("v", id.value())
                .getResultList()
                .map(rows -> rows.isEmpty() ? Optional.empty() : Optional.of(uuid(rows.get(0))));
    }

    /** The customers holding any of the identifiers, in one round trip; unknown identifiers are absent. */
    public Uni<Map<Identifier, UUID>> customersOf(Mutiny.Session s, List<Identifier> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        StringBuilder sql = new StringBuilder("select type, value, cast(customer_id as text) from identifier where (type, value) in (");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:t").append(i).append(", :v").append(i).append(')');
        }
        var q = s.createNativeQuery(sql.append(')').toString(), Object[].class);
        for (int i = 0; i < ids.size(); i++) {
            q.setParameter("t" + i, ids.get(i).type()).setParameter("v" + i, ids.get(i).value());
        }
        return q.getResultList().map(rows -> {
            Map<Identifier, UUID> found = new HashMap<>();
            for (Object[] r : rows) {
                found.put(new Identifier(text(r[0]), text(r[1])), uuid(r[2]));
            }
            // keep the caller's order: the first known identifier anchors some decisions
            Map<Identifier, UUID> ordered = new java.util.LinkedHashMap<>();
            ids.forEach(i -> {
                if (found.containsKey(i)) {
                    ordered.put(i, found.get(i));
                }
            });
            return ordered;
        });
    }

    /** True when any digest is on the suppression list (identifiers of erased customers). */
    public Uni<Boolean> anySuppressed(Mutiny.Session s, List<String> digests) {
        if (digests.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return s.createNativeQuery("select count(*) from suppression where digest in (:d)", Object.class)
                .setParameter("d", digests)
                .getSingleResult()
                .map(n -> number(n) > 0);
    }

    /** How many identifiers of each type the customer holds. */
    public Uni<Map<String, Long>> identifierCounts(Mutiny.Session s, UUID customer) {
        return s.createNativeQuery("select type, count(*) from identifier where customer_id = :c group by type", Object[].class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> {
                    Map<String, Long> out = new HashMap<>();
                    rows.forEach(r -> out.put(text(r[0]), number(r[1])));
                    return out;
                });
    }

    public Uni<Void> recordConflict(Mutiny.Session s, UUID customer, IdentityGraph.Conflict c, String messageId,
            Instant now) {
        return s.createNativeQuery("insert into identity_conflict (customer_id, other_customer_id, identifier_type,"
                        + " identifier_value, message_id, detected_at) values (:c, :o, :t, :v, :m, :at)"
                        + " on conflict (customer_id, other_customer_id, identifier_type, identifier_value) do nothing")
                .setParameter("c", customer)
                .setParameter("o", c.otherCustomer())
                .setParameter("t", c.identifier().type())
                .setParameter("v", c.identifier().value())
                .setParameter("m", messageId)
                .setParameter("at", param(now))
                .executeUpdate()
                .replaceWithVoid();
    }

    /** Locks the customer rows (in id order) and returns them; a merge running meanwhile is waited for. */
    public Uni<List<CustomerRow>> lockCustomers(Mutiny.Session s, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return s.createNativeQuery("select cast(id as text), created_at, cast(merged_into as text) from customer"
                        + " where id in (:ids) order by id for update", Object[].class)
                .setParameter("ids", List.copyOf(ids))
                .getResultList()
                .map(rows -> rows.stream().map(r -> new CustomerRow(uuid(r[0]), instant(r[1]), uuid(r[2]))).toList());
    }

    /** user_id values per customer. */
    public Uni<Map<UUID, Set<String>>> userIds(Mutiny.Session s, Collection<UUID> customers) {
        if (customers.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return s.createNativeQuery("select cast(customer_id as text), value from identifier"
                        + " where type = 'user_id' and customer_id in (:ids)", Object[].class)
                .setParameter("ids", List.copyOf(customers))
                .getResultList()
                .map(rows -> {
                    Map<UUID, Set<String>> out = new HashMap<>();
                    for (Object[] r : rows) {
                        out.computeIfAbsent(uuid(r[0]), k -> new HashSet<>()).add(text(r[1]));
                    }
                    return out;
                });
    }

    public Uni<Void> createCustomer(Mutiny.Session s, UUID id, Instant now) {
        return s.createNativeQuery("insert into customer (id, created_at) values (:id, :at)")
                .setParameter("id", id)
                .setParameter("at", param(now))
                .executeUpdate()
                .replaceWithVoid();
    }

    public Uni<Void> attach(Mutiny.Session s, Identifier id, UUID customer, Instant now) {
        return s.createNativeQuery("insert into identifier (type, value, customer_id, created_at)"
                        + " values (:t, :v, :c, :at)")
                .setParameter("t", id.type())
                .setParameter("v", id.value())
                .setParameter("c", customer)
                .setParameter("at", param(now))
                .executeUpdate()
                .replaceWithVoid();
    }

    /**
     * Moves everything of {@code absorbed} to {@code survivor}: identifiers, touchpoints, and customers
     * merged into it before. Its stage history is dropped; the caller recomputes the survivor's.
     */
    public Uni<Void> merge(Mutiny.Session s, UUID absorbed, UUID survivor, Instant now) {
        List<Uni<Integer>> steps = new ArrayList<>();
        steps.add(update(s, "update identifier set customer_id = :to where customer_id = :from", absorbed, survivor));
        steps.add(update(s, "update touchpoint set customer_id = :to where customer_id = :from", absorbed, survivor));
        steps.add(s.createNativeQuery("delete from stage_history where customer_id = :from")
                .setParameter("from", absorbed).executeUpdate());
        steps.add(update(s, "update customer set merged_into = :to where merged_into = :from", absorbed, survivor));
        steps.add(s.createNativeQuery("update customer set merged_into = :to, merged_at = :at where id = :from")
                .setParameter("from", absorbed).setParameter("to", survivor).setParameter("at", param(now))
                .executeUpdate());
        // one statement after the other: a session runs one query at a time
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Uni<Integer> step : steps) {
            chain = chain.chain(() -> step).replaceWithVoid();
        }
        return chain;
    }

    private static Uni<Integer> update(Mutiny.Session s, String sql, UUID from, UUID to) {
        return s.createNativeQuery(sql).setParameter("from", from).setParameter("to", to).executeUpdate();
    }

    /** The live customer an id resolves to (following merges), if the id was ever issued and is not erased. */
    public Uni<Optional<UUID>> resolve(Mutiny.Session s, UUID id) {
        return s.createNativeQuery("select cast(coalesce(c.merged_into, c.id) as text) from customer c"
                        + " join customer l on l.id = coalesce(c.merged_into, c.id)"
                        + " where c.id = :id and l.erased_at is null", Object.class)
                .setParameter("id", id)
                .getResultList()
                .map(rows -> rows.isEmpty() ? Optional.<UUID>empty() : Optional.of(uuid(rows.get(0))));
    }

    public Uni<List<Identifier>> identifiersOf(Mutiny.Session s, UUID customer) {
        return s.createNativeQuery("select type, value from identifier where customer_id = :c order by type desc, created_at, value",
                        Object[].class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> rows.stream().map(r -> new Identifier(text(r[0]), text(r[1]))).toList());
    }
}
