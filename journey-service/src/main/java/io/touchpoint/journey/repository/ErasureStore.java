package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.param;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/** SQL of erasure: the suppression list and deleting what is known of a customer. Runs in the caller's transaction. */
@ApplicationScoped
public class ErasureStore {

    /** What one erasure removed. */
    public record Erased(int touchpoints, int identifiers, int stages) {
    }

    public Uni<Void> suppress(Mutiny.Session s, List<String> digests, Instant now) {
        if (digests.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return s.createNativeQuery("insert into suppression (digest, erased_at) select distinct e.v, cast(:at as timestamptz)"
                        + " from jsonb_array_elements_text(cast(cast(:d as text) as jsonb)) as e(v) on conflict (digest) do nothing")
                .setParameter("d", JsonRows.texts(digests)).setParameter("at", param(now))
                .executeUpdate().replaceWithVoid();
    }

    /**
     * Deletes the customer's touchpoints, identifiers, stage history, conflicts and outbox rows (they
     * carry user and anonymous ids), and marks the customer erased. Customers merged into it before
     * keep their id rows, which resolve to the erased customer and so answer 404.
     */
    public Uni<Erased> erase(Mutiny.Session s, UUID customer, Instant now) {
        int[] counts = new int[3];
        return delete(s, "delete from touchpoint where customer_id = :c", customer).invoke(n -> counts[0] = n)
                .chain(() -> delete(s, "delete from identifier where customer_id = :c", customer)).invoke(n -> counts[1] = n)
                .chain(() -> delete(s, "delete from stage_history where customer_id = :c", customer)).invoke(n -> counts[2] = n)
                .chain(() -> delete(s, "delete from identity_conflict where customer_id in (select id from customer"
                        + " where id = :c or merged_into = :c) or other_customer_id in (select id from customer"
                        + " where id = :c or merged_into = :c)", customer))
                .chain(() -> s.createNativeQuery("delete from outbox where record_key = :k")
                        .setParameter("k", customer.toString()).executeUpdate())
                .chain(() -> s.createNativeQuery("update customer set erased_at = :at where id = :c")
                        .setParameter("c", customer).setParameter("at", param(now)).executeUpdate())
                .map(x -> new Erased(counts[0], counts[1], counts[2]));
    }

    private static Uni<Integer> delete(Mutiny.Session s, String sql, UUID customer) {
        return s.createNativeQuery(sql).setParameter("c", customer).executeUpdate();
    }
}
