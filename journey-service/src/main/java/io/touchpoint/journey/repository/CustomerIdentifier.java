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

import io.touchpoint.journey.service.Identifier;

/** An identifier and the customer it belongs to, as the query side reads it (ADR 0018). */
@Entity
@Immutable
@NamedQuery(name = "CustomerIdentifier.customerOf",
        query = "select i.customerId from CustomerIdentifier i where i.type = :t and i.value = :v")
@NamedQuery(name = "CustomerIdentifier.ofCustomer",
        query = "from CustomerIdentifier i where i.customerId = :c order by i.type desc, i.createdAt, i.value")
@Table(name = "identifier")
@IdClass(CustomerIdentifier.Key.class)
public class CustomerIdentifier {

    /** The primary key: an identifier belongs to one customer at most. */
    public record Key(String type, String value) implements Serializable {
    }

    @Id
    public String type;

    @Id
    public String value;

    @Column(name = "customer_id")
    public UUID customerId;

    @Column(name = "created_at")
    public Instant createdAt;

    Identifier identifier() {
        return new Identifier(type, value);
    }
}
