package io.touchpoint.journey.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.StageEntry;

/**
 * Reads across customers in a stable order, keyset-paged, through Hibernate Reactive entities and
 * HQL named queries (ADR 0018): the export API (metrics-service's rebuild source) and customers by stage. Only
 * live customers have stage history and touchpoints (a merge moves them to the survivor, erasure
 * deletes them).
 */
@ApplicationScoped
public class ExportStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stage entry of a customer. */
    public record CustomerStage(UUID customerId, StageEntry entry) {
    }

    /** A stored touchpoint record of a customer, as received. */
    public record CustomerTouchpoint(UUID customerId, String messageId, JsonNode touchpoint) {
    }

    /** Stage history in (customer_id, stage) order, after the given position. */
    public Uni<List<CustomerStage>> stageHistory(Mutiny.Session s, UUID afterCustomer, String afterStage, int limit) {
        var q = s.createNamedQuery(afterCustomer == null ? "StageHistoryEntry.export" : "StageHistoryEntry.exportAfter",
                        StageHistoryEntry.class)
                .setMaxResults(limit);
        if (afterCustomer != null) {
            q.setParameter("c", afterCustomer).setParameter("s", afterStage);
        }
        return q.getResultList().map(rows -> rows.stream().map(h -> new CustomerStage(h.customerId, h.entry())).toList());
    }

    /** Touchpoints in message_id order (byte order: the column's collation is "C"), after the given one. */
    public Uni<List<CustomerTouchpoint>> touchpoints(Mutiny.Session s, String afterMessage, int limit) {
        var q = s.createNamedQuery(afterMessage == null ? "Touchpoint.export" : "Touchpoint.exportAfter", Object[].class)
                .setMaxResults(limit);
        if (afterMessage != null) {
            q.setParameter("m", afterMessage);
        }
        return q.getResultList().map(rows -> rows.stream()
                .map(r -> new CustomerTouchpoint((UUID) r[0], (String) r[1], json((String) r[2]))).toList());
    }

    /** Customers who entered the stage at or after {@code since}, in (entered_at, customer_id) order. */
    public Uni<List<CustomerStage>> customersInStage(Mutiny.Session s, String stage, Instant since, Instant afterAt,
            UUID afterCustomer, int limit) {
        var q = s.createNamedQuery(afterAt == null ? "StageHistoryEntry.inStage" : "StageHistoryEntry.inStageAfter",
                        StageHistoryEntry.class)
                .setParameter("s", stage)
                .setParameter("since", since == null ? Instant.EPOCH : since)
                .setMaxResults(limit);
        if (afterAt != null) {
            q.setParameter("a", afterAt).setParameter("c", afterCustomer);
        }
        return q.getResultList().map(rows -> rows.stream().map(h -> new CustomerStage(h.customerId, h.entry())).toList());
    }

    private static JsonNode json(String v) {
        if (v == null) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("json column is not JSON", e);
        }
    }
}
