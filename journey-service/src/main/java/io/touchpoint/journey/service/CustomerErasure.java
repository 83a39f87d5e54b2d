package io.touchpoint.journey.service;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.repository.CustomerStore;
import io.touchpoint.journey.repository.ErasureStore;
import io.touchpoint.journey.repository.IdentityStore;
import io.touchpoint.journey.repository.OutboxStore;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Erases a customer (right to erasure), in one transaction: the digests of its identifiers go on
 * the suppression list, its touchpoints, identifiers and stage history are deleted, and a
 * customer_erased transition goes to the outbox so metrics correct themselves.
 *
 * <p>It locks the customer's row with the stitcher's own statement (on the plain reactive pool, ADR
 * 0018), as the stitcher does before it adds anything to a customer, and only then reads the
 * identifiers: a touchpoint of the customer being stitched at the same time is either stored before
 * (and erased) or, once the erasure committed, suppressed by the digests (the stitcher sets aside
 * records of a customer whose row it cannot lock, or finds erased, and reads again).
 */
@ApplicationScoped
public class CustomerErasure {

    private static final Logger LOG = Logger.getLogger(CustomerErasure.class);

    /** What was erased. */
    public record Result(UUID customerId, Instant erasedAt, ErasureStore.Erased erased) {
    }

    @Inject
    Mutiny.SessionFactory sessions;

    @Inject
    Pool pool;

    @Inject
    CustomerStore customers;

    @Inject
    IdentityStore identities;

    @Inject
    ErasureStore erasure;

    @Inject
    OutboxStore outbox;

    @Inject
    JourneyMetrics metrics;

    @Inject
    Suppression suppression;

    public Uni<Result> erase(UUID id) {
        Instant now = Instant.now();
        return sessions.withSession(s -> customers.resolve(s, id))
                .map(found -> found.orElseThrow(() -> new CustomerNotFoundException("no customer has id " + id)))
                .chain(customer -> pool.withTransaction(c -> identities.lockCustomers(c, List.of(customer), true)
                        // only a live row is locked: a merge or an erasure may have come first while we waited
                        .chain(rows -> rows.isEmpty()
                                ? Uni.createFrom().failure(new IdentityGraph.ConcurrentMergeException(customer))
                                : erasure.deleteIdentifiers(c, customer))
                        .chain(ids -> erasure.suppress(c, digests(ids), now)
                                .chain(() -> erasure.erase(c, customer, ids.size(), now)))
                        .call(() -> outbox.addAll(c, List.of(Transition.customerErased(customer, now))))
                        .map(erased -> new Result(customer, now, erased))))
                .onFailure(JourneyStitcher::isContention).retry().atMost(3)
                .invoke(r -> {
                    metrics.erased();
                    // the id only: identifiers are what erasure removes, they must not reappear in logs
                    LOG.infof("customer %s erased: %d touchpoints, %d identifiers", r.customerId(),
                            r.erased().touchpoints(), r.erased().identifiers());
                });
    }

    private List<String> digests(List<Identifier> ids) {
        Set<String> out = new LinkedHashSet<>();
        ids.forEach(i -> out.add(suppression.digest(i)));
        return List.copyOf(out);
    }
}
