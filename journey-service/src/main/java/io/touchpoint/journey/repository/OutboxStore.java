package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.number;
import static io.touchpoint.journey.repository.SqlValues.text;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.Transition;

/** The transitions outbox: written in the journey's transaction, drained by the relay. */
@ApplicationScoped
public class OutboxStore {

    /** An unsent outbox row. */
    public record Pending(long id, String key, String payload) {
    }

    @Inject
    ObjectMapper json;

    public Uni<Void> add(Mutiny.Session s, Transition t) {
        String payload;
        try {
            payload = json.writeValueAsString(t);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return s.createNativeQuery("insert into outbox (topic, record_key, transition_id, payload)"
                        + " values (:topic, :key, :tid, cast(cast(:payload as text) as jsonb))")
                .setParameter("topic", Transition.TOPIC)
                .setParameter("key", t.customerId())
                .setParameter("tid", t.transitionId())
                .setParameter("payload", payload)
                .executeUpdate()
                .replaceWithVoid();
    }

    /**
     * Locks up to {@code limit} unsent rows in id order, skipping rows another relay holds, so several
     * instances share the work without publishing a row twice at the same time.
     */
    public Uni<List<Pending>> lockUnsent(Mutiny.Session s, int limit) {
        return s.createNativeQuery("select id, record_key, cast(payload as text) from outbox where sent_at is null"
                        + " order by id limit :n for update skip locked", Object[].class)
                .setParameter("n", limit)
                .getResultList()
                .map(rows -> rows.stream().map(r -> new Pending(number(r[0]), text(r[1]), text(r[2]))).toList());
    }

    public Uni<Void> markSent(Mutiny.Session s, List<Long> ids) {
        return s.createNativeQuery("update outbox set sent_at = now() where id in (:ids)")
                .setParameter("ids", ids)
                .executeUpdate()
                .replaceWithVoid();
    }
}
