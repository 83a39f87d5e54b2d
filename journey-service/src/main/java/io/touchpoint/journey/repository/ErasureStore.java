package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.args;
import static io.touchpoint.journey.repository.SqlValues.param;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.Identifier;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of erasure: the suppression list and deleting what is known of a customer, on the plain
 * reactive connection of the caller's transaction (ADR 0018), which holds the customer's row lock.
 */
@ApplicationScoped
public class ErasureStore {

    /** What one erasure removed. */
    public record Erased(int touchpoints, int identifiers, int stages) {
    }

    /** Deletes the customer's identifiers and answers them (the caller puts their digests on the suppression list). */
    public Uni<List<Identifier>> deleteIdentifiers(SqlConnection c, UUID customer) {
        return c.preparedQuery("delete from identifier where customer_id = $1 returning type, value")
                .execute(args(customer))
                .map(rows -> {
                    List<Identifier> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new Identifier(r.getString(0), r.getString(1)));
                    }
                    return out;
                });
    }

    public Uni<Void> suppress(SqlConnection c, List<String> digests, Instant now) {
        if (digests.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("insert into suppression (digest, erased_at) select distinct d, $2::timestamptz"
                        + " from unnest($1::text[]) d on conflict (digest) do nothing")
                .execute(args(SqlValues.texts(digests), param(now)))
                .replaceWithVoid();
    }

    /**
     * Deletes the rest of what is known of the customer: touchpoints, stage history, conflicts and
     * outbox rows (they carry user and anonymous ids), and marks the customer erased. Customers merged
     * into it before keep their id rows, which resolve to the erased customer and so answer 404.
     */
    public Uni<Erased> erase(SqlConnection c, UUID customer, int identifiers, Instant now) {
        Uni<Integer> touchpoints = count(c, "delete from touchpoint where customer_id = $1", args(customer));
        Uni<Integer> stages = count(c, "delete from stage_history where customer_id = $1", args(customer));
        Uni<Integer> conflicts = count(c, "delete from identity_conflict where customer_id in (select id from customer"
                + " where id = $1 or merged_into = $1) or other_customer_id in (select id from customer"
                + " where id = $1 or merged_into = $1)", args(customer));
        Uni<Integer> outbox = count(c, "delete from outbox where record_key = $1", args(customer.toString()));
        Uni<Integer> marked = count(c, "update customer set erased_at = $2 where id = $1", args(customer, param(now)));
        // sent together (pipelined): the connection runs them in this order
        return Uni.combine().all().unis(touchpoints, stages, conflicts, outbox, marked)
                .with((t, s, k, o, m) -> new Erased(t, identifiers, s));
    }

    private static Uni<Integer> count(SqlConnection c, String sql, Tuple params) {
        return c.preparedQuery(sql).execute(params).map(rows -> rows.rowCount());
    }
}
