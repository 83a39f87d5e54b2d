package io.touchpoint.journey.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.FetchType;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import org.hibernate.annotations.Formula;
import org.hibernate.annotations.Immutable;

/**
 * A stored touchpoint as the query side reads it (ADR 0018).
 */
@Entity
@Immutable
@NamedQuery(name = "Touchpoint.summary", query = "select count(t), min(t.occurredAt), max(t.occurredAt)"
        + " from Touchpoint t where t.customerId = :c")
@NamedQuery(name = "Touchpoint.currentStage", query = "select t.stage from Touchpoint t where t.customerId = :c"
        + " and t.stage is not null order by t.occurredAt desc, t.messageId desc")
@NamedQuery(name = "Touchpoint.ofCustomer",
        query = "from Touchpoint t where t.customerId = :c order by t.occurredAt, t.messageId")
@NamedQuery(name = "Touchpoint.ofCustomerAfter", query = "from Touchpoint t where t.customerId = :c"
        + " and (t.occurredAt, t.messageId) > (:at, :m) order by t.occurredAt, t.messageId")
@NamedQuery(name = "Touchpoint.export", query = "select t.customerId, t.messageId, t.payload from Touchpoint t"
        + " order by t.messageId")
@NamedQuery(name = "Touchpoint.exportAfter", query = "select t.customerId, t.messageId, t.payload from Touchpoint t"
        + " where t.messageId > :m order by t.messageId")
@Table(name = "touchpoint")
public class Touchpoint {

    @Id
    @Column(name = "message_id")
    public String messageId;

    @Column(name = "customer_id")
    public UUID customerId;

    public String type;

    public String event;

    public String channel;

    @Column(name = "source_id")
    public String sourceId;

    /** Corrected event time. */
    @Column(name = "occurred_at")
    public Instant occurredAt;

    @Column(name = "received_at")
    public Instant receivedAt;

    /** The stage the touchpoint maps to; null: none. */
    public String stage;

    /**
     * The record as received, as the text stored: the driver decodes a json column into a Vert.x
     * JSON value, which would renumber what the export hands on. Read only when selected (the export).
     */
    @Basic(fetch = FetchType.LAZY)
    @Formula("cast(payload as text)")
    public String payload;

    CustomerStore.StoredTouchpoint stored() {
        return new CustomerStore.StoredTouchpoint(messageId, type, event, channel, sourceId, occurredAt, receivedAt, stage);
    }
}
