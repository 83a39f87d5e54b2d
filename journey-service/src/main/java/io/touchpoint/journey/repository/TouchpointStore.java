package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.instant;
import static io.touchpoint.journey.repository.SqlValues.number;
import static io.touchpoint.journey.repository.SqlValues.param;
import static io.touchpoint.journey.repository.SqlValues.text;
import static io.touchpoint.journey.repository.SqlValues.uuid;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * SQL of touchpoints and stage history. The stitcher's statements take a whole batch at a time (rows
 * as one JSON parameter, see {@link JsonRows}). Runs inside the caller's transaction.
 */
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

    /** A touchpoint to store, with the customer it belongs to and the stage it maps to (null: none). */
    public record NewTouchpoint(TouchpointEvent event, UUID customer, String stage) {
    }

    /** A stage entry of a customer, to write or delete. */
    public record CustomerStage(UUID customer, StageEntry entry) {
    }

    /**
     * Inserts the touchpoints in one statement. A messageId stored meanwhile is skipped, never doubled
     * (the caller checked under the identity locks, so this is the last line of defence).
     */
    public Uni<Void> insertAll(Mutiny.Session s, List<NewTouchpoint> touchpoints) {
        if (touchpoints.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        JsonRows rows = new JsonRows();
        for (NewTouchpoint t : touchpoints) {
            TouchpointEvent e = t.event();
            rows.row().put("m", e.messageId()).put("c", t.customer()).put("type", e.type()).put("event", e.event())
                    .put("channel", e.channel()).put("source", e.sourceId()).put("at", e.timestamp())
                    .put("received", e.receivedAt()).put("stage", t.stage()).raw("payload", e.payload());
        }
        return s.createNativeQuery("insert into touchpoint (message_id, customer_id, type, event, channel, source_id,"
                        + " occurred_at, received_at, stage, payload)"
                        + " select r.m, r.c, r.type, r.event, r.channel, r.source, r.at, r.received, r.stage, r.payload"
                        + " from jsonb_to_recordset(cast(cast(:r as text) as jsonb)) as r(m text, c uuid, type text, event text,"
                        + " channel text, source text, at timestamptz, received timestamptz, stage text, payload jsonb)"
                        + " on conflict (message_id) do nothing")
                .setParameter("r", rows.json())
                .executeUpdate()
                .replaceWithVoid();
    }

    /** Per customer: the corrected time of its latest touchpoint (absent: none) and its stage history. */
    public record StageState(Map<UUID, Instant> latest, Map<UUID, List<StageEntry>> histories) {
    }

    /** The stage state of the customers, in one round trip. */
    public Uni<StageState> stageState(Mutiny.Session s, Collection<UUID> customers) {
        if (customers.isEmpty()) {
            return Uni.createFrom().item(new StageState(Map.of(), Map.of()));
        }
        // a row without stage carries the customer's latest touchpoint time
        return s.createNativeQuery("select cast(h.customer_id as text), h.stage, h.entered_at, h.channel, h.source_id,"
                        + " h.cause_message_id from stage_history h where h.customer_id in (select cast(e.v as uuid)"
                        + " from jsonb_array_elements_text(cast(cast(:c as text) as jsonb)) as e(v))"
                        + " union all select e.v, null, (select max(t.occurred_at) from touchpoint t"
                        + " where t.customer_id = cast(e.v as uuid)), null, null, null"
                        + " from jsonb_array_elements_text(cast(cast(:c as text) as jsonb)) as e(v)", Object[].class)
                .setParameter("c", JsonRows.texts(customers))
                .getResultList()
                .map(rows -> {
                    StageState state = new StageState(new HashMap<>(), new HashMap<>());
                    for (Object[] r : rows) {
                        UUID customer = uuid(r[0]);
                        if (r[1] == null) {
                            if (r[2] != null) {
                                state.latest().put(customer, instant(r[2]));
                            }
                        } else {
                            state.histories().computeIfAbsent(customer, k -> new ArrayList<>()).add(new StageEntry(
                                    text(r[1]), instant(r[2]), text(r[3]), text(r[4]), text(r[5])));
                        }
                    }
                    return state;
                });
    }

    /** All stored touchpoints of the customers that can map to a stage, by customer. */
    public Uni<Map<UUID, List<TouchpointFacts>>> stageCandidates(Mutiny.Session s, Collection<UUID> customers) {
        if (customers.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return s.createNativeQuery("select cast(customer_id as text), message_id, type, event, channel, source_id,"
                        + " occurred_at, stage, payload->>'userId', payload->>'anonymousId', cast(payload->'properties' as text)"
                        + " from touchpoint where customer_id in (select cast(e.v as uuid)"
                        + " from jsonb_array_elements_text(cast(cast(:c as text) as jsonb)) as e(v)) and type in ('track', 'page', 'screen')",
                        Object[].class)
                .setParameter("c", JsonRows.texts(customers))
                .getResultList()
                .map(rows -> {
                    Map<UUID, List<TouchpointFacts>> out = new HashMap<>();
                    for (Object[] r : rows) {
                        out.computeIfAbsent(uuid(r[0]), k -> new ArrayList<>()).add(new TouchpointFacts(text(r[1]),
                                text(r[2]), text(r[3]), text(r[4]), text(r[5]), instant(r[6]), text(r[7]), text(r[8]),
                                text(r[9]), json(r[10])));
                    }
                    return out;
                });
    }

    /** Sets the stage of stored touchpoints (messageId to stage; a null stage clears it). */
    public Uni<Void> setStages(Mutiny.Session s, Map<String, String> stageByMessage) {
        if (stageByMessage.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        JsonRows rows = new JsonRows();
        stageByMessage.forEach((m, stage) -> rows.row().put("m", m).put("s", stage));
        return s.createNativeQuery("update touchpoint t set stage = r.s from jsonb_to_recordset(cast(cast(:r as text) as jsonb))"
                        + " as r(m text, s text) where t.message_id = r.m")
                .setParameter("r", rows.json())
                .executeUpdate()
                .replaceWithVoid();
    }

    /** Records customers' first entries into stages, or corrects them (a late event, a merge). */
    public Uni<Void> saveStages(Mutiny.Session s, List<CustomerStage> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        JsonRows rows = new JsonRows();
        for (CustomerStage cs : entries) {
            StageEntry e = cs.entry();
            rows.row().put("c", cs.customer()).put("s", e.stage()).put("at", e.enteredAt()).put("ch", e.channel())
                    .put("src", e.sourceId()).put("m", e.causeMessageId());
        }
        return s.createNativeQuery("insert into stage_history (customer_id, stage, entered_at, channel, source_id,"
                        + " cause_message_id) select r.c, r.s, r.at, r.ch, r.src, r.m from jsonb_to_recordset(cast(cast(:r as text) as jsonb))"
                        + " as r(c uuid, s text, at timestamptz, ch text, src text, m text)"
                        + " on conflict (customer_id, stage) do update set entered_at = excluded.entered_at,"
                        + " channel = excluded.channel, source_id = excluded.source_id,"
                        + " cause_message_id = excluded.cause_message_id")
                .setParameter("r", rows.json())
                .executeUpdate()
                .replaceWithVoid();
    }

    /** Removes stage entries a customer no longer reaches. */
    public Uni<Void> deleteStages(Mutiny.Session s, List<CustomerStage> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        JsonRows rows = new JsonRows();
        entries.forEach(cs -> rows.row().put("c", cs.customer()).put("s", cs.entry().stage()));
        return s.createNativeQuery("delete from stage_history h using jsonb_to_recordset(cast(cast(:r as text) as jsonb))"
                        + " as r(c uuid, s text) where h.customer_id = r.c and h.stage = r.s")
                .setParameter("r", rows.json())
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
