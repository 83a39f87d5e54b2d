package io.touchpoint.journey.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

/** Two customers a touchpoint would have merged but for two different user_ids, as the query side reads it (ADR 0018). */
@Entity
@Immutable
@NamedQuery(name = "IdentityConflict.ofCustomer", query = "select coalesce(a.mergedInto, a.id), coalesce(b.mergedInto, b.id),"
        + " k.identifierType, k.identifierValue, k.messageId, k.detectedAt"
        + " from IdentityConflict k join Customer a on a.id = k.customerId join Customer b on b.id = k.otherCustomerId"
        + " where coalesce(a.mergedInto, a.id) = :c or coalesce(b.mergedInto, b.id) = :c order by k.detectedAt, k.id")
@Table(name = "identity_conflict")
public class IdentityConflict {

    @Id
    public Long id;

    @Column(name = "customer_id")
    public UUID customerId;

    @Column(name = "other_customer_id")
    public UUID otherCustomerId;

    @Column(name = "identifier_type")
    public String identifierType;

    @Column(name = "identifier_value")
    public String identifierValue;

    @Column(name = "message_id")
    public String messageId;

    @Column(name = "detected_at")
    public Instant detectedAt;
}
