package io.touchpoint.journey.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.Identifier;
import io.touchpoint.journey.service.StageEntry;

/**
 * The query side of one customer, through Hibernate Reactive entities and HQL (ADR 0018): how an id
 * or an identifier resolves, its identifiers, touchpoints, stage history and identity conflicts. The
 * queries are named queries on the entities, so Hibernate parses and checks them at start-up, not on
 * the event loop at the first request.
 */
@ApplicationScoped
public class CustomerStore {

    /** A stored touchpoint as the journey API shows it. */
    public record StoredTouchpoint(String messageId, String type, String event, String channel, String sourceId,
            Instant timestamp, Instant receivedAt, String stage) {
    }

    /** Counts and times of a customer's touchpoints, and the stage of the latest stage-mapped one. */
    public record Summary(long count, Instant firstSeenAt, Instant lastSeenAt, String currentStage) {
    }

    /** A recorded conflict as seen from one customer. */
    public record ConflictRow(UUID otherCustomerId, Identifier identifier, String messageId, Instant detectedAt) {
    }

    /** The live customer an id resolves to (following merges), if the id was ever issued and is not erased. */
    public Uni<Optional<UUID>> resolve(Mutiny.Session s, UUID id) {
        return s.createNamedQuery("Customer.resolve", UUID.class)
                .setParameter("id", id)
                .getResultList()
                .map(rows -> rows.stream().findFirst());
    }

    public Uni<Optional<UUID>> customerOf(Mutiny.Session s, Identifier id) {
        return s.createNamedQuery("CustomerIdentifier.customerOf", UUID.class)
                .setParameter("t", id.type())
                .setParameter("v", id.value())
                .getResultList()
                .map(rows -> rows.stream().findFirst());
    }

    public Uni<List<Identifier>> identifiersOf(Mutiny.Session s, UUID customer) {
        return s.createNamedQuery("CustomerIdentifier.ofCustomer", CustomerIdentifier.class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> rows.stream().map(CustomerIdentifier::identifier).toList());
    }

    public Uni<List<StageEntry>> stageHistory(Mutiny.Session s, UUID customer) {
        return s.createNamedQuery("StageHistoryEntry.ofCustomer", StageHistoryEntry.class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> rows.stream().map(StageHistoryEntry::entry).toList());
    }

    public Uni<Summary> summary(Mutiny.Session s, UUID customer) {
        Uni<Object[]> counts = s.createNamedQuery("Touchpoint.summary", Object[].class)
                .setParameter("c", customer)
                .getSingleResult();
        return counts.chain(r -> s.createNamedQuery("Touchpoint.currentStage", String.class)
                        .setParameter("c", customer)
                        .setMaxResults(1)
                        .getResultList()
                        .map(stage -> new Summary((Long) r[0], (Instant) r[1], (Instant) r[2],
                                stage.isEmpty() ? null : stage.get(0))));
    }

    /**
     * One page of a customer's touchpoints in corrected-time order, after the position
     * ({@code occurred_at}, {@code message_id}) of the last one of the previous page.
     */
    public Uni<List<StoredTouchpoint>> touchpointPage(Mutiny.Session s, UUID customer, Instant afterAt, String afterMessage,
            int limit) {
        var q = s.createNamedQuery(afterAt == null ? "Touchpoint.ofCustomer" : "Touchpoint.ofCustomerAfter", Touchpoint.class)
                .setParameter("c", customer)
                .setMaxResults(limit);
        if (afterAt != null) {
            q.setParameter("at", afterAt).setParameter("m", afterMessage);
        }
        return q.getResultList().map(rows -> rows.stream().map(Touchpoint::stored).toList());
    }

    public Uni<List<StoredTouchpoint>> touchpoints(Mutiny.Session s, UUID customer) {
        return s.createNamedQuery("Touchpoint.ofCustomer", Touchpoint.class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> rows.stream().map(Touchpoint::stored).toList());
    }

    /** Conflicts involving the customer (or customers merged into it), seen from its side. */
    public Uni<List<ConflictRow>> conflicts(Mutiny.Session s, UUID customer) {
        return s.createNamedQuery("IdentityConflict.ofCustomer", Object[].class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> rows.stream()
                        .map(r -> {
                            UUID a = (UUID) r[0];
                            UUID b = (UUID) r[1];
                            return new ConflictRow(a.equals(customer) ? b : a, new Identifier((String) r[2], (String) r[3]),
                                    (String) r[4], (Instant) r[5]);
                        })
                        .filter(c -> !c.otherCustomerId().equals(customer))
                        .toList());
    }
}
