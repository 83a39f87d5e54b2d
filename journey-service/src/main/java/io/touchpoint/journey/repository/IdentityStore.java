package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.instant;
import static io.touchpoint.journey.repository.SqlValues.number;
import static io.touchpoint.journey.repository.SqlValues.param;
import static io.touchpoint.journey.repository.SqlValues.text;
import static io.touchpoint.journey.repository.SqlValues.uuid;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.Identifier;

/**
 * SQL of the identity graph: identifiers, customers, locks and merges, for a whole batch of
 * touchpoints at a time (one statement per step, rows passed as one JSON parameter, see
 * {@link JsonRows}). Runs inside the caller's transaction.
 */
@ApplicationScoped
public class IdentityStore {

    /** Advisory-lock class of identity buckets ({@code pg_advisory_xact_lock(int, int)}), "ID" in ASCII. */
    static final int LOCK_CLASS = 0x4944;

    /** A locked customer row. */
    public record CustomerRow(UUID id, Instant createdAt, UUID mergedInto) {
    }

    /** What the resolution rules need to know of a stored customer: its user ids and identifiers per type. */
    public record Profile(Set<String> userIds, Map<String, Long> countsByType) {
    }

    /** {@code absorbed} and everything it owned go to {@code survivor}. */
    public record Merge(UUID absorbed, UUID survivor) {
    }

    /** A new identifier of a customer. */
    public record Attachment(Identifier identifier, UUID customer) {
    }

    /** Two customers one touchpoint would have merged, were it not for two different user_ids. */
    public record ConflictRow(UUID customer, UUID otherCustomer, Identifier identifier, String messageId) {
    }

    @Inject
    ObjectMapper json;

    /**
     * Takes the transaction-scoped advisory lock of each bucket, in ascending order, so two
     * transactions never wait on each other crosswise.
     */
    public Uni<Void> lockBuckets(Mutiny.Session s, SortedSet<Integer> buckets) {
        if (buckets.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return s.createNativeQuery("select count(pg_advisory_xact_lock(" + LOCK_CLASS + ", b)) from (select cast(e.v as int) b"
                        + " from jsonb_array_elements_text(cast(cast(:b as text) as jsonb)) as e(v) order by 1) l", Object.class)
                .setParameter("b", JsonRows.texts(buckets))
                .getSingleResult()
                .replaceWithVoid();
    }

    public Uni<Optional<UUID>> customerOf(Mutiny.Session s, Identifier id) {
        return s.createNativeQuery("select cast(customer_id as text) from identifier where type = :t and value = :v",
                        Object.class)
                .setParameter("t", id.type())
                .setParameter("v", id.value())
                .getResultList()
                .map(rows -> rows.isEmpty() ? Optional.empty() : Optional.of(uuid(rows.get(0))));
    }

    /** What the database knows of a batch before it is stitched. */
    public record Known(Set<String> storedMessageIds, Set<String> suppressedDigests, Map<Identifier, UUID> owners) {
    }

    /**
     * In one round trip: which of the messageIds are stored already, which digests are on the
     * suppression list (identifiers of erased customers), and the customers holding the identifiers.
     */
    public Uni<Known> known(Mutiny.Session s, Collection<String> messageIds, Collection<String> digests,
            Collection<Identifier> ids) {
        JsonRows keys = new JsonRows();
        ids.forEach(i -> keys.row().put("t", i.type()).put("v", i.value()));
        return s.createNativeQuery("select 'm', t.message_id, null, null from touchpoint t"
                        + " join jsonb_array_elements_text(cast(cast(:m as text) as jsonb)) as e(v) on t.message_id = e.v"
                        + " union all select 's', x.digest, null, null from suppression x"
                        + " join jsonb_array_elements_text(cast(cast(:d as text) as jsonb)) as d(v) on x.digest = d.v"
                        + " union all select 'i', i.type, i.value, cast(i.customer_id as text) from identifier i"
                        + " join jsonb_to_recordset(cast(cast(:k as text) as jsonb)) as k(t text, v text)"
                        + " on i.type = k.t and i.value = k.v", Object[].class)
                .setParameter("m", JsonRows.texts(messageIds))
                .setParameter("d", JsonRows.texts(digests))
                .setParameter("k", keys.json())
                .getResultList()
                .map(rows -> {
                    Known known = new Known(new HashSet<>(), new HashSet<>(), new HashMap<>());
                    for (Object[] r : rows) {
                        switch (text(r[0])) {
                            case "m" -> known.storedMessageIds().add(text(r[1]));
                            case "s" -> known.suppressedDigests().add(text(r[1]));
                            default -> known.owners().put(new Identifier(text(r[1]), text(r[2])), uuid(r[3]));
                        }
                    }
                    return known;
                });
    }

    /** Locks the customer rows (in id order) and returns them; a merge running meanwhile is waited for. */
    public Uni<List<CustomerRow>> lockCustomers(Mutiny.Session s, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return s.createNativeQuery("select cast(id as text), created_at, cast(merged_into as text) from customer"
                        + " where id in (select cast(e.v as uuid) from jsonb_array_elements_text(cast(cast(:ids as text) as jsonb)) as e(v))"
                        + " order by id for update", Object[].class)
                .setParameter("ids", JsonRows.texts(ids))
                .getResultList()
                .map(rows -> rows.stream().map(r -> new CustomerRow(uuid(r[0]), instant(r[1]), uuid(r[2]))).toList());
    }

    /** user_id values and identifier counts by type of each customer, in one round trip. */
    public Uni<Map<UUID, Profile>> profiles(Mutiny.Session s, Collection<UUID> customers) {
        if (customers.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return s.createNativeQuery("select cast(customer_id as text), type, count(*),"
                        + " cast(jsonb_agg(value) filter (where type = 'user_id') as text) from identifier"
                        + " where customer_id in (select cast(e.v as uuid) from jsonb_array_elements_text(cast(cast(:ids as text) as jsonb)) as e(v))"
                        + " group by customer_id, type", Object[].class)
                .setParameter("ids", JsonRows.texts(customers))
                .getResultList()
                .map(rows -> {
                    Map<UUID, Profile> out = new HashMap<>();
                    for (Object[] r : rows) {
                        Profile p = out.computeIfAbsent(uuid(r[0]), k -> new Profile(new HashSet<>(), new HashMap<>()));
                        p.countsByType().put(text(r[1]), number(r[2]));
                        if (r[3] != null) {
                            userIdsInto(text(r[3]), p.userIds());
                        }
                    }
                    return out;
                });
    }

    private void userIdsInto(String jsonArray, Set<String> into) {
        try {
            for (JsonNode v : json.readTree(jsonArray)) {
                into.add(v.asText());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("jsonb_agg returned no JSON", e);
        }
    }

    public Uni<Void> createCustomers(Mutiny.Session s, Map<UUID, Instant> createdAt) {
        if (createdAt.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        JsonRows rows = new JsonRows();
        createdAt.forEach((id, at) -> rows.row().put("id", id).put("at", at));
        return execute(s, "insert into customer (id, created_at) select r.id, r.at"
                + " from jsonb_to_recordset(cast(cast(:r as text) as jsonb)) as r(id uuid, at timestamptz)", rows);
    }

    public Uni<Void> attachAll(Mutiny.Session s, List<Attachment> attachments, Instant now) {
        if (attachments.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        JsonRows rows = new JsonRows();
        attachments.forEach(a -> rows.row().put("t", a.identifier().type()).put("v", a.identifier().value())
                .put("c", a.customer()));
        return s.createNativeQuery("insert into identifier (type, value, customer_id, created_at)"
                        + " select r.t, r.v, r.c, cast(:at as timestamptz) from jsonb_to_recordset(cast(cast(:r as text) as jsonb)) as r(t text, v text, c uuid)")
                .setParameter("r", rows.json())
                .setParameter("at", param(now))
                .executeUpdate()
                .replaceWithVoid();
    }

    public Uni<Void> recordConflicts(Mutiny.Session s, List<ConflictRow> conflicts, Instant now) {
        if (conflicts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        JsonRows rows = new JsonRows();
        conflicts.forEach(c -> rows.row().put("c", c.customer()).put("o", c.otherCustomer())
                .put("t", c.identifier().type()).put("v", c.identifier().value()).put("m", c.messageId()));
        return s.createNativeQuery("insert into identity_conflict (customer_id, other_customer_id, identifier_type,"
                        + " identifier_value, message_id, detected_at) select r.c, r.o, r.t, r.v, r.m, cast(:at as timestamptz)"
                        + " from jsonb_to_recordset(cast(cast(:r as text) as jsonb)) as r(c uuid, o uuid, t text, v text, m text)"
                        + " on conflict (customer_id, other_customer_id, identifier_type, identifier_value) do nothing")
                .setParameter("r", rows.json())
                .setParameter("at", param(now))
                .executeUpdate()
                .replaceWithVoid();
    }

    /**
     * Moves everything of each absorbed customer to its survivor: identifiers, touchpoints, and
     * customers merged into it before. Its stage history is dropped; the caller recomputes the
     * survivor's. A survivor is never itself absorbed in the same call.
     */
    public Uni<Void> mergeAll(Mutiny.Session s, List<Merge> merges, Instant now) {
        if (merges.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        JsonRows rows = new JsonRows();
        merges.forEach(m -> rows.row().put("f", m.absorbed()).put("t", m.survivor()));
        String pairs = rows.json();
        String from = " from jsonb_to_recordset(cast(cast(:m as text) as jsonb)) as m(f uuid, t uuid)";
        List<String> steps = List.of(
                "update identifier x set customer_id = m.t" + from + " where x.customer_id = m.f",
                "update touchpoint x set customer_id = m.t" + from + " where x.customer_id = m.f",
                "delete from stage_history x using jsonb_to_recordset(cast(cast(:m as text) as jsonb)) as m(f uuid, t uuid)"
                        + " where x.customer_id = m.f",
                "update customer x set merged_into = m.t" + from + " where x.merged_into = m.f");
        // one statement after the other: a session runs one query at a time
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String sql : steps) {
            chain = chain.chain(() -> s.createNativeQuery(sql).setParameter("m", pairs).executeUpdate()).replaceWithVoid();
        }
        return chain.chain(() -> s.createNativeQuery("update customer x set merged_into = m.t, merged_at = :at" + from
                        + " where x.id = m.f")
                .setParameter("m", pairs).setParameter("at", param(now)).executeUpdate())
                .replaceWithVoid();
    }

    private static Uni<Void> execute(Mutiny.Session s, String sql, JsonRows rows) {
        return s.createNativeQuery(sql).setParameter("r", rows.json()).executeUpdate().replaceWithVoid();
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
