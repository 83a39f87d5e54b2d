package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.instant;
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

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.Identifier;

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
        return Multi.createFrom().iterable(sortedKeys)
                .onItem().transformToUniAndConcatenate(k -> s
                        .createNativeQuery("select count(*) from (select pg_advisory_xact_lock(hashtext(:k))) l", Object.class)
                        .setParameter("k", k)
                        .getSingleResult())
                .collect().last()
                .replaceWithVoid();
    }

    public Uni<Optional<UUID>> customerOf(Mutiny.Session s, Identifier id) {
        return s.createNativeQuery("select cast(customer_id as text) from identifier where type = :t and value = :v",
                        Object.class)
                .setParameter("t", id.type().code())
                .setParameter("v", id.value())
                .getResultList()
                .map(rows -> rows.isEmpty() ? Optional.empty() : Optional.of(uuid(rows.get(0))));
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
                .setParameter("t", id.type().code())
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

    /** The live customer an id resolves to (following merges), if the id was ever issued. */
    public Uni<Optional<UUID>> resolve(Mutiny.Session s, UUID id) {
        return s.find(Customer.class, id).map(c -> {
            if (c == null) {
                return Optional.<UUID>empty();
            }
            return Optional.of(c.mergedInto == null ? c.id : c.mergedInto);
        });
    }

    public Uni<List<Identifier>> identifiersOf(Mutiny.Session s, UUID customer) {
        return s.createNativeQuery("select type, value from identifier where customer_id = :c order by type desc, created_at, value",
                        Object[].class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> rows.stream()
                        .flatMap(r -> Identifier.Type.fromCode(text(r[0])).map(t -> new Identifier(t, text(r[1]))).stream())
                        .toList());
    }
}
