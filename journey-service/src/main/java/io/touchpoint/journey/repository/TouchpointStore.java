package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.instant;
import static io.touchpoint.journey.repository.SqlValues.number;
import static io.touchpoint.journey.repository.SqlValues.param;
import static io.touchpoint.journey.repository.SqlValues.text;

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
import io.touchpoint.journey.service.TouchpointEvent;
import io.touchpoint.journey.service.TouchpointFacts;

/** SQL of touchpoints and stage history. Runs inside the caller's transaction. */
@ApplicationScoped
public class TouchpointStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stored JSON value (jsonb read as text); missing when absent. */
    static JsonNode json(Object v) {
        if (v == null) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(v.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("jsonb column is not JSON", e);
        }
    }

    /** A stored touchpoint as the journey API shows it. */
    public record StoredTouchpoint(String messageId, String type, String event, String channel, String sourceId,
            Instant timestamp, Instant receivedAt, String stage) {
    }

    /** Counts and times of a customer's touchpoints, and the stage of the latest stage-mapped one. */
    public record Summary(long count, Instant firstSeenAt, Instant lastSeenAt, String currentStage) {
    }

    /**
     * Inserts the touchpoint unless its messageId is already stored.
     *
     * @return true when inserted, false for a duplicate
     */
    public Uni<Boolean> insert(Mutiny.Session s, TouchpointEvent e, UUID customer) {
        return s.createNativeQuery("insert into touchpoint (message_id, customer_id, type, event, channel, source_id,"
                        + " occurred_at, received_at, payload)"
                        + " values (:m, :c, :type, :event, :channel, :source, :at, :received, cast(cast(:payload as text) as jsonb))"
                        + " on conflict (message_id) do nothing")
                .setParameter("m", e.messageId())
                .setParameter("c", customer)
                .setParameter("type", e.type())
                .setParameter("event", e.event())
                .setParameter("channel", e.channel())
                .setParameter("source", e.sourceId())
                .setParameter("at", param(e.timestamp()))
                .setParameter("received", param(e.receivedAt()))
                .setParameter("payload", e.payload())
                .executeUpdate()
                .map(n -> n == 1);
    }

    /** True when the customer has a touchpoint after the given one in corrected-time order. */
    public Uni<Boolean> hasLaterTouchpoint(Mutiny.Session s, UUID customer, Instant at, String messageId) {
        return s.createNativeQuery("select count(*) from touchpoint where customer_id = :c"
                        + " and (occurred_at > :at or (occurred_at = :at and message_id > :m))", Object.class)
                .setParameter("c", customer)
                .setParameter("at", param(at))
                .setParameter("m", messageId)
                .getSingleResult()
                .map(n -> number(n) > 0);
    }

    /** All touchpoints of a customer that can map to a stage, in corrected-time order. */
    public Uni<List<TouchpointFacts>> stageCandidates(Mutiny.Session s, UUID customer) {
        return s.createNativeQuery("select message_id, type, event, channel, source_id, occurred_at, stage,"
                        + " payload->>'userId', payload->>'anonymousId', cast(payload->'properties' as text)"
                        + " from touchpoint where customer_id = :c and type in ('track', 'page', 'screen')"
                        + " order by occurred_at, message_id", Object[].class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> rows.stream().map(r -> new TouchpointFacts(text(r[0]), text(r[1]), text(r[2]),
                        text(r[3]), text(r[4]), instant(r[5]), text(r[6]), text(r[7]), text(r[8]), json(r[9])))
                        .toList());
    }

    public Uni<Void> setStage(Mutiny.Session s, String messageId, String stage) {
        return s.createNativeQuery("update touchpoint set stage = :stage where message_id = :m")
                .setParameter("stage", stage)
                .setParameter("m", messageId)
                .executeUpdate()
                .replaceWithVoid();
    }

    public Uni<List<StageEntry>> stageHistory(Mutiny.Session s, UUID customer) {
        return s.createNativeQuery("select stage, entered_at, channel, source_id, cause_message_id from stage_history"
                        + " where customer_id = :c order by entered_at, stage", Object[].class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> rows.stream().map(r -> new StageEntry(text(r[0]), instant(r[1]), text(r[2]), text(r[3]),
                        text(r[4]))).toList());
    }

    /** Records the customer's first entry into a stage, or corrects it (a late event, a merge). */
    public Uni<Void> saveStage(Mutiny.Session s, UUID customer, StageEntry e) {
        return s.createNativeQuery("insert into stage_history (customer_id, stage, entered_at, channel, source_id,"
                        + " cause_message_id) values (:c, :stage, :at, :channel, :source, :cause)"
                        + " on conflict (customer_id, stage) do update set entered_at = excluded.entered_at,"
                        + " channel = excluded.channel, source_id = excluded.source_id,"
                        + " cause_message_id = excluded.cause_message_id")
                .setParameter("c", customer)
                .setParameter("stage", e.stage())
                .setParameter("at", param(e.enteredAt()))
                .setParameter("channel", e.channel())
                .setParameter("source", e.sourceId())
                .setParameter("cause", e.causeMessageId())
                .executeUpdate()
                .replaceWithVoid();
    }

    public Uni<Void> deleteStage(Mutiny.Session s, UUID customer, String stage) {
        return s.createNativeQuery("delete from stage_history where customer_id = :c and stage = :stage")
                .setParameter("c", customer)
                .setParameter("stage", stage)
                .executeUpdate()
                .replaceWithVoid();
    }

    public Uni<Summary> summary(Mutiny.Session s, UUID customer) {
        return s.createNativeQuery("select count(*), min(occurred_at), max(occurred_at),"
                        + " (select stage from touchpoint l where l.customer_id = :c and l.stage is not null"
                        + "   order by l.occurred_at desc, l.message_id desc limit 1)"
                        + " from touchpoint where customer_id = :c", Object[].class)
                .setParameter("c", customer)
                .getSingleResult()
                .map(r -> new Summary(number(r[0]), instant(r[1]), instant(r[2]), text(r[3])));
    }

    /**
     * One page of a customer's touchpoints in corrected-time order, after the position
     * ({@code occurred_at}, {@code message_id}) of the last one of the previous page.
     */
    public Uni<List<StoredTouchpoint>> touchpointPage(Mutiny.Session s, UUID customer, Instant afterAt, String afterMessage,
            int limit) {
        String after = afterAt == null ? "" : " and (occurred_at, message_id) > (:at, :m)";
        var q = s.createNativeQuery("select message_id, type, event, channel, source_id, occurred_at, received_at, stage"
                        + " from touchpoint where customer_id = :c" + after + " order by occurred_at, message_id limit :n",
                        Object[].class)
                .setParameter("c", customer)
                .setParameter("n", limit);
        if (afterAt != null) {
            q.setParameter("at", param(afterAt)).setParameter("m", afterMessage);
        }
        return q.getResultList().map(rows -> rows.stream().map(r -> new StoredTouchpoint(text(r[0]), text(r[1]),
                text(r[2]), text(r[3]), text(r[4]), instant(r[5]), instant(r[6]), text(r[7]))).toList());
    }

    public Uni<List<StoredTouchpoint>> touchpoints(Mutiny.Session s, UUID customer) {
        return s.createNativeQuery("select message_id, type, event, channel, source_id, occurred_at, received_at, stage"
                        + " from touchpoint where customer_id = :c order by occurred_at, message_id", Object[].class)
                .setParameter("c", customer)
                .getResultList()
                .map(rows -> rows.stream().map(r -> new StoredTouchpoint(text(r[0]), text(r[1]), text(r[2]), text(r[3]),
                        text(r[4]), instant(r[5]), instant(r[6]), text(r[7]))).toList());
    }

}
