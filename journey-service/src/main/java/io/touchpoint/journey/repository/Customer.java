package io.touchpoint.journey.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

/**
 * A customer as the query side reads it (ADR 0018): the stitcher and erasure write the table with
 * set-based SQL on the plain reactive pool, so Hibernate never writes it.
 */
@Entity
@Immutable
@NamedQuery(name = "Customer.resolve", query = "select coalesce(c.mergedInto, c.id) from Customer c"
        + " join Customer l on l.id = coalesce(c.mergedInto, c.id) where c.id = :id and l.erasedAt is null")
@Table(name = "customer")
public class Customer {

    @Id
    public UUID id;

    @Column(name = "created_at")
    public Instant createdAt;

    /** The customer this one was merged into; null while it is live. */
    @Column(name = "merged_into")
    public UUID mergedInto;

    @Column(name = "merged_at")
    public Instant mergedAt;

    @Column(name = "erased_at")
    public Instant erasedAt;
}
