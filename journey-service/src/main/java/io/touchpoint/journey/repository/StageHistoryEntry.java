package io.touchpoint.journey.repository;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.touchpoint.journey.service.StageEntry;

/** A customer's first entry into a stage, as the query side reads it (ADR 0018). */
@Entity
@Immutable
@NamedQuery(name = "StageHistoryEntry.ofCustomer",
        query = "from StageHistoryEntry h where h.customerId = :c order by h.enteredAt, h.stage")
@NamedQuery(name = "StageHistoryEntry.export", query = "from StageHistoryEntry h order by h.customerId, h.stage")
@NamedQuery(name = "StageHistoryEntry.exportAfter",
        query = "from StageHistoryEntry h where (h.customerId, h.stage) > (:c, :s) order by h.customerId, h.stage")
@NamedQuery(name = "StageHistoryEntry.inStage", query = "from StageHistoryEntry h where h.stage = :s"
        + " and h.enteredAt >= :since order by h.enteredAt, h.customerId")
@NamedQuery(name = "StageHistoryEntry.inStageAfter", query = "from StageHistoryEntry h where h.stage = :s"
        + " and h.enteredAt >= :since and (h.enteredAt, h.customerId) > (:a, :c) order by h.enteredAt, h.customerId")
@Table(name = "stage_history")
@IdClass(StageHistoryEntry.Key.class)
public class StageHistoryEntry {

    /** The primary key: one entry per customer and stage. */
    public record Key(UUID customerId, String stage) implements Serializable {
    }

    @Id
    @Column(name = "customer_id")
    public UUID customerId;

    @Id
    public String stage;

    @Column(name = "entered_at")
    public Instant enteredAt;

    public String channel;

    @Column(name = "source_id")
    public String sourceId;

    @Column(name = "cause_message_id")
    public String causeMessageId;

    StageEntry entry() {
        return new StageEntry(stage, enteredAt, channel, sourceId, causeMessageId);
    }
}
