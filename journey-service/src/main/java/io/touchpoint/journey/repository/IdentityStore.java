package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.args;
import static io.touchpoint.journey.repository.SqlValues.instant;
import static io.touchpoint.journey.repository.SqlValues.param;
import static io.touchpoint.journey.repository.SqlValues.texts;
import static io.touchpoint.journey.repository.SqlValues.times;
import static io.touchpoint.journey.repository.SqlValues.uuids;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.Identifier;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * SQL of the identity graph: identifiers, customers, locks and merges, on the plain reactive
 * connection of the caller's transaction (ADR 0018). The stitcher's statements take a whole batch of
 * touchpoints at a time (one statement per step, each column of the rows as one array parameter, see
 * {@link SqlValues#args}); erasure takes the same customer lock. The query side reads customers and
 * identifiers through {@link CustomerStore}.
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

    /**
     * Takes the transaction-scoped advisory lock ({@code pg_advisory_xact_lock(0x4944, key)}) of each
     * identifier the transaction may insert. Without {@code wait} it never waits
     * ({@code pg_try_advisory_xact_lock}) and answers the keys another transaction holds; with it, it
     * takes them in ascending order (so two waiting transactions never wait on each other crosswise)
     * and answers none.
     */
    public Uni<Set<Integer>> lockIdentifiers(SqlConnection c, Collection<Integer> keys, boolean wait) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        Integer[] k = keys.stream().sorted().distinct().toArray(Integer[]::new);
        if (wait) {
            return c.preparedQuery("select count(pg_advisory_xact_lock(" + LOCK_CLASS + ", k)) from (select unnest($1::int[]) k order by 1) l")
                    .execute(args((Object) k))
                    .replaceWith(Set.of());
        }
        return c.preparedQuery("select k from unnest($1::int[]) k where not pg_try_advisory_xact_lock(" + LOCK_CLASS + ", k)")
                .execute(args((Object) k))
                .map(rows -> {
                    Set<Integer> held = new HashSet<>();
                    for (Row r : rows) {
                        held.add(r.getInteger(0));
                    }
                    return held;
                });
    }

    /** What the database knows of a batch before it is stitched. */
    public record Known(Set<String> storedMessageIds, Set<String> suppressedDigests, Map<Identifier, UUID> owners) {
    }

    /**
     * In one round trip: which of the messageIds are stored already (or were suppressed before), which digests are on the
     * suppression list (identifiers of erased customers), and the customers holding the identifiers.
     * Each key is looked up through its index (a lateral subquery per key): a hash join would read the
     * whole table for every batch.
     */
    public Uni<Known> known(SqlConnection c, Collection<String> messageIds, Collection<String> digests,
            Collection<Identifier> ids) {
        String[] types = new String[ids.size()];
        String[] values = new String[ids.size()];
        int n = 0;
        for (Identifier i : ids) {
            types[n] = i.type();
            values[n++] = i.value();
        }
        // a messageId is known when stored, or when it was dropped before as suppressed
        return c.preparedQuery("select 'm', k.m, null::text, null::uuid from unnest($1::text[]) k(m)"
                        + " cross join lateral (select 1 from touchpoint t where t.message_id = k.m"
                        + " union all select 1 from suppressed_touchpoint s where s.message_id = k.m limit 1) x"
                        + " union all select 's', k.d, null, null from unnest($2::text[]) k(d)"
                        + " cross join lateral (select 1 from suppression x where x.digest = k.d limit 1) x"
                        + " union all select 'i', k.t, k.v, x.customer_id from unnest($3::text[], $4::text[]) k(t, v)"
                        + " cross join lateral (select i.customer_id from identifier i where i.type = k.t and i.value = k.v limit 1) x")
                .execute(args(texts(messageIds), texts(digests), types, values))
                .map(rows -> {
                    Known known = new Known(new HashSet<>(), new HashSet<>(), new HashMap<>());
                    for (Row r : rows) {
                        switch (r.getString(0)) {
                            case "m" -> known.storedMessageIds().add(r.getString(1));
                            case "s" -> known.suppressedDigests().add(r.getString(1));
                            default -> known.owners().put(new Identifier(r.getString(1), r.getString(2)), r.getUUID(3));
                        }
                    }
                    return known;
                });
    }

    /**
     * Locks the rows of those customers that are live (not merged away, not erased) and returns them.
     * Without {@code wait}, rows another transaction has locked are skipped ({@code SKIP LOCKED}): the
     * caller sets aside what needs them. With it, rows are locked in id order, a merge or an erasure
     * running meanwhile is waited for, and a row it changed is left out.
     */
    public Uni<List<CustomerRow>> lockCustomers(SqlConnection c, Collection<UUID> ids, boolean wait) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return c.preparedQuery("select id, created_at, merged_into from customer where id = any($1::uuid[])"
                        + " and merged_into is null and erased_at is null order by id for update" + (wait ? "" : " skip locked"))
                .execute(args((Object) uuids(ids)))
                .map(rows -> {
                    List<CustomerRow> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new CustomerRow(r.getUUID(0), instant(r.getOffsetDateTime(1)), r.getUUID(2)));
                    }
                    return out;
                });
    }

    /** user_id values and identifier counts by type of each customer, in one round trip. */
    public Uni<Map<UUID, Profile>> profiles(SqlConnection c, Collection<UUID> customers) {
        if (customers.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return c.preparedQuery("select customer_id, type, count(*), array_agg(value) filter (where type = 'user_id')"
                        + " from identifier where customer_id = any($1::uuid[]) group by customer_id, type")
                .execute(args((Object) uuids(customers)))
                .map(rows -> {
                    Map<UUID, Profile> out = new HashMap<>();
                    for (Row r : rows) {
                        Profile p = out.computeIfAbsent(r.getUUID(0), k -> new Profile(new HashSet<>(), new HashMap<>()));
                        p.countsByType().put(r.getString(1), r.getLong(2));
                        String[] userIds = r.getArrayOfStrings(3);
                        if (userIds != null) {
                            p.userIds().addAll(List.of(userIds));
                        }
                    }
                    return out;
                });
    }

    public Uni<Void> createCustomers(SqlConnection c, Map<UUID, Instant> createdAt) {
        if (createdAt.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("insert into customer (id, created_at) select * from unnest($1::uuid[], $2::timestamptz[])")
                .execute(args(uuids(createdAt.keySet()), times(createdAt.values())))
                .replaceWithVoid();
    }

    public Uni<Void> attachAll(SqlConnection c, List<Attachment> attachments, Instant now) {
        if (attachments.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = attachments.size();
        String[] types = new String[n];
        String[] values = new String[n];
        UUID[] customers = new UUID[n];
        for (int i = 0; i < n; i++) {
            Attachment a = attachments.get(i);
            types[i] = a.identifier().type();
            values[i] = a.identifier().value();
            customers[i] = a.customer();
        }
        return c.preparedQuery("insert into identifier (type, value, customer_id, created_at)"
                        + " select r.t, r.v, r.c, $4 from unnest($1::text[], $2::text[], $3::uuid[]) r(t, v, c)")
                .execute(args(types, values, customers, param(now)))
                .replaceWithVoid();
    }

    public Uni<Void> recordConflicts(SqlConnection c, List<ConflictRow> conflicts, Instant now) {
        if (conflicts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = conflicts.size();
        UUID[] customers = new UUID[n];
        UUID[] others = new UUID[n];
        String[] types = new String[n];
        String[] values = new String[n];
        String[] messages = new String[n];
        for (int i = 0; i < n; i++) {
            ConflictRow r = conflicts.get(i);
            customers[i] = r.customer();
            others[i] = r.otherCustomer();
            types[i] = r.identifier().type();
            values[i] = r.identifier().value();
            messages[i] = r.messageId();
        }
        return c.preparedQuery("insert into identity_conflict (customer_id, other_customer_id, identifier_type,"
                        + " identifier_value, message_id, detected_at) select r.c, r.o, r.t, r.v, r.m, $6"
                        + " from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) r(c, o, t, v, m)"
                        + " on conflict (customer_id, other_customer_id, identifier_type, identifier_value) do nothing")
                .execute(args(customers, others, types, values, messages, param(now)))
                .replaceWithVoid();
    }

    /**
     * Moves everything of each absorbed customer to its survivor: identifiers, touchpoints, and
     * customers merged into it before. Its stage history is dropped; the caller recomputes the
     * survivor's. A survivor is never itself absorbed in the same call. Rows are found through the
     * customer indexes ({@code = any}), not by joining whole tables.
     */
    public Uni<Void> mergeAll(SqlConnection c, List<Merge> merges, Instant now) {
        if (merges.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID[] from = new UUID[merges.size()];
        UUID[] to = new UUID[merges.size()];
        for (int i = 0; i < merges.size(); i++) {
            from[i] = merges.get(i).absorbed();
            to[i] = merges.get(i).survivor();
        }
        String pairs = " from unnest($1::uuid[], $2::uuid[]) m(f, t)";
        List<String> steps = List.of(
                "update identifier x set customer_id = m.t" + pairs + " where x.customer_id = m.f and x.customer_id = any($1)",
                "update touchpoint x set customer_id = m.t" + pairs + " where x.customer_id = m.f and x.customer_id = any($1)",
                "delete from stage_history x using unnest($1::uuid[], $2::uuid[]) m(f, t)"
                        + " where x.customer_id = m.f and x.customer_id = any($1)",
                "update customer x set merged_into = m.t" + pairs + " where x.merged_into = m.f and x.merged_into = any($1)");
        // sent together (pipelined): the connection runs them in this order
        List<Uni<Void>> sent = new ArrayList<>();
        for (String sql : steps) {
            sent.add(c.preparedQuery(sql).execute(args(from, to)).replaceWithVoid());
        }
        sent.add(c.preparedQuery("update customer x set merged_into = m.t, merged_at = $3" + pairs
                        + " where x.id = m.f and x.id = any($1)")
                .execute(args(from, to, param(now))).replaceWithVoid());
        return Uni.join().all(sent).andFailFast().replaceWithVoid();
    }
}
