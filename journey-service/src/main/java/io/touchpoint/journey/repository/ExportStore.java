package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.instant;
import static io.touchpoint.journey.repository.SqlValues.param;
import static io.touchpoint.journey.repository.SqlValues.text;
import static io.touchpoint.journey.repository.SqlValues.uuid;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.Identifier;
import io.touchpoint.journey.service.StageEntry;

/**
 * Reads across customers in a stable order, keyset-paged: the export API (metrics-service's rebuild
 * source), customers by stage, and recorded identity conflicts. Only live customers have stage
 * history and touchpoints (a merge moves them to the survivor, erasure deletes them).
 */
@ApplicationScoped
public class ExportStore {

    /** A stage entry of a customer. */
    public record CustomerStage(UUID customerId, StageEntry entry) {
    }

    /** A stored touchpoint record of a customer, as received. */
    public record CustomerTouchpoint(UUID customerId, String messageId, JsonNode touchpoint) {
    }

    /** A recorded conflict as seen from one customer. */
    public record ConflictRow(UUID otherCustomerId, Identifier identifier, String messageId, Instant detectedAt) {
    }

    /** Stage history in (customer_id, stage) order, after the given position. */
    public Uni<List<CustomerStage>> stageHistory(Mutiny.Session s, UUID afterCustomer, String afterStage, int limit) {
        String after = afterCustomer == null ? "" : " where (customer_id, stage) > (:c, :s)";
        var q = s.createNativeQuery("select cast(customer_id as text), stage, entered_at, channel, source_id,"
                        + " cause_message_id from stage_history" + after + " order by customer_id, stage limit :n",
                        Object[].class)
                .setParameter("n", limit);
        if (afterCustomer != null) {
            q.setParameter("c", afterCustomer).setParameter("s", afterStage);
        }
        return q.getResultList().map(rows -> rows.stream().map(r -> new CustomerStage(uuid(r[0]),
                new StageEntry(text(r[1]), instant(r[2]), text(r[3]), text(r[4]), text(r[5])))).toList());
    }

    /** Touchpoints in message_id order (byte order, independent of the database's collation), after the given one. */
    public Uni<List<CustomerTouchpoint>> touchpoints(Mutiny.Session s, String afterMessage, int limit) {
        String after = afterMessage == null ? "" : " where message_id collate \"C\" > :m";
        var q = s.createNativeQuery("select cast(customer_id as text), message_id, cast(payload as text) from touchpoint"
                        + after + " order by message_id collate \"C\" limit :n", Object[].class)
                .setParameter("n", limit);
        if (afterMessage != null) {
            q.setParameter("m", afterMessage);
        }
        return q.getResultList().map(rows -> rows.stream()
                .map(r -> new CustomerTouchpoint(uuid(r[0]), text(r[1]), TouchpointStore.json(r[2]))).toList());
    }

    /** Customers who entered the stage at or after {@code since}, in (entered_at, customer_id) order. */
    public Uni<List<CustomerStage>> customersInStage(Mutiny.Session s, String stage, Instant since, Instant afterAt,
            UUID afterCustomer, int limit) {
        String after = afterAt == null ? "" : " and (entered_at, customer_id) > (:a, :c)";
        var q = s.createNativeQuery("select cast(customer_id as text), stage, entered_at, channel, source_id,"
                        + " cause_message_id from stage_history where stage = :s and entered_at >= :since" + after
                        + " order by entered_at, customer_id limit :n", Object[].class)
                .setParameter("s", stage)
                .setParameter("since", param(since == null ? Instant.EPOCH : since))
                .setParameter("n", limit);
        if (afterAt != null) {
            q.setParameter("a", param(afterAt)).setParameter("c", afterCustomer);
        }
        return q.getResultList().map(rows -> rows.stream().map(r -> new CustomerStage(uuid(r[0]),
                new StageEntry(text(r[1]), instant(r[2]), text(r[3]), text(r[4]), text(r[5])))).toList());
    }

    /** Conflicts involving the customer (or customers merged into it), seen from its side. */
    public Uni<List<ConflictRow>> conflicts(Mutiny.Session s, UUID customer) {
        return s.createNativeQuery("select cast(coalesce(a.merged_into, a.id) as text), cast(coalesce(b.merged_into, b.id) as text),"
                        + " k.identifier_type, k.identifier_value, k.message_id, k.detected_at, k.id"
                        + " from identity_conflict k join customer a on a.id = k.customer_id"
                        + " join customer b on b.id = k.other_customer_id"
                        + " where coalesce(a.merged_into, a.id) = :c or coalesce(b.merged_into, b.id) = :c"
                        + " order by k.detected_at, k.id", Object[].class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> rows.stream()
                        .map(r -> {
                            UUID a = uuid(r[0]);
                            UUID b = uuid(r[1]);
                            return new ConflictRow(a.equals(customer) ? b : a, new Identifier(text(r[2]), text(r[3])),
                                    text(r[4]), instant(r[5]));
                        })
                        .filter(c -> !c.otherCustomerId().equals(customer))
                        .toList());
    }
}
