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
        return addAll(s, List.of(t));
    }

    /** Adds the transitions in the given order (the relay publishes by id, so order is kept per customer). */
    public Uni<Void> addAll(Mutiny.Session s, List<Transition> transitions) {
        if (transitions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        JsonRows rows = new JsonRows();
        try {
            for (int i = 0; i < transitions.size(); i++) {
                Transition t = transitions.get(i);
                rows.row().put("n", i).put("k", t.customerId()).put("tid", t.transitionId())
                        .raw("p", json.writeValueAsString(t));
            }
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return s.createNativeQuery("insert into outbox (topic, record_key, transition_id, payload)"
                        + " select :topic, r.k, r.tid, r.p from jsonb_to_recordset(cast(cast(:r as text) as jsonb))"
                        + " as r(n int, k text, tid text, p jsonb) order by r.n")
                .setParameter("topic", Transition.TOPIC)
                .setParameter("r", rows.json())
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
        return s.createNativeQuery("update outbox set sent_at = now() where id in (select cast(e.v as bigint)"
                        + " from jsonb_array_elements_text(cast(cast(:ids as text) as jsonb)) as e(v))")
                .setParameter("ids", JsonRows.texts(ids))
                .executeUpdate()
                .replaceWithVoid();
    }
}
