package io.touchpoint.journey.repository;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.Transition;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** The transitions outbox: written in the journey's transaction, drained (deleted once published) by the relay. */
@ApplicationScoped
public class OutboxStore {

    /** An unsent outbox row. */
    public record Pending(long id, String key, String payload) {
    }

    @Inject
    ObjectMapper json;

    /**
     * Adds the transitions in the given order, on the plain reactive connection of the stitcher's or
     * erasure's transaction (the relay publishes by id, so order is kept per customer).
     */
    public Uni<Void> addAll(SqlConnection c, List<Transition> transitions) {
        if (transitions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = transitions.size();
        String[] keys = new String[n];
        String[] ids = new String[n];
        String[] payloads = new String[n];
        try {
            for (int i = 0; i < n; i++) {
                Transition t = transitions.get(i);
                keys[i] = t.customerId();
                ids[i] = t.transitionId();
                payloads[i] = json.writeValueAsString(t);
            }
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return c.preparedQuery("insert into outbox (topic, record_key, transition_id, payload)"
                        + " select $1, r.k, r.tid, r.p from unnest($2::text[], $3::text[], $4::text[]) with ordinality"
                        + " as r(k, tid, p, n) order by r.n")
                .execute(SqlValues.args(Transition.TOPIC, keys, ids, payloads))
                .replaceWithVoid();
    }

    /** Advisory-lock class of the relay ({@code pg_advisory_xact_lock(int, int)}), "OB" in ASCII. */
    public static final int RELAY_LOCK_CLASS = 0x4F42;

    /**
     * Takes up to {@code limit} rows in id order: deletes them in the caller's transaction and returns
     * them; {@code null} when a pass of another instance holds the relay's advisory lock. One relay at a
     * time, across instances, holds that lock until it commits, so rows are published in id order (per
     * customer, the order written) and no row is taken twice. A pass that finds the lock taken does not
     * wait in PostgreSQL (ADR 0014): it ends at once and the caller comes back shortly, for the rows
     * committed after the other pass took its own. The caller publishes the rows before it commits; a
     * failed publication rolls the transaction back and the rows are there again. Deleting instead of
     * marking rows sent keeps the table as small as the backlog (ADR 0010).
     *
     * <p>Sent as simple queries, planned at every pass: a prepared statement's cached plan, made while
     * the outbox was small, read the whole heap (dead rows included) and sorted it at every pass once
     * the outbox had grown (22 ms per pass of 1,000 rows in deploy/bench/journey, more than the
     * touchpoint insert); planned afresh, the primary key's index gives the first rows in order.
     * The advisory lock replaces {@code FOR UPDATE SKIP LOCKED}, which wrote a lock into every row
     * before its delete, and let two instances' relays publish one customer's rows out of order.
     */
    public Uni<List<Pending>> takeUnsent(SqlConnection c, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        String lock = "pg_try_advisory_xact_lock(" + RELAY_LOCK_CLASS + ", 0)";
        // sent together (pipelined); the delete asks for the lock again as a one-time filter (a holder
        // gets it again at no cost; without it nothing is read). Another pass may commit between the two
        // statements: then the delete gets the lock, and the rows it took are this pass's to publish.
        Uni<Boolean> locked = c.query("select " + lock).execute().map(rows -> rows.iterator().next().getBoolean(0));
        Uni<List<Pending>> taken = c.query("delete from outbox where (select " + lock + ") and id in (select id from outbox"
                        + " order by id limit " + limit + ") returning id, record_key, payload")
                .execute()
                .map(rows -> {
                    List<Pending> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new Pending(r.getLong(0), r.getString(1), r.getString(2)));
                    }
                    // RETURNING gives no order: publish in id order (per customer, the order written)
                    out.sort(Comparator.comparingLong(Pending::id));
                    return out;
                });
        return Uni.combine().all().unis(locked, taken).with((l, rows) -> l || !rows.isEmpty() ? rows : null);
    }
}
