package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.args;
import static io.touchpoint.journey.repository.SqlValues.instant;
import static io.touchpoint.journey.repository.SqlValues.param;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.StageEntry;
import io.touchpoint.journey.service.TouchpointEvent;
import io.touchpoint.journey.service.TouchpointFacts;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The stitcher's SQL of touchpoints and stage history: a whole batch at a time on the plain reactive
 * connection of its transaction (each column as one array parameter, ADR 0018). The query side reads
 * them through {@link CustomerStore} and {@link ExportStore}.
 */
@ApplicationScoped
public class TouchpointStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stored JSON value (json read as text); missing when absent. */
    private static JsonNode json(String v) {
        if (v == null) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("json column is not JSON", e);
        }
    }

    /** A touchpoint to store, with the customer it belongs to and the stage it maps to (null: none). */
    public record NewTouchpoint(TouchpointEvent event, UUID customer, String stage) {
    }

    /** A stage entry of a customer, to write or delete. */
    public record CustomerStage(UUID customer, StageEntry entry) {
    }

    /**
     * Inserts the touchpoints in one statement. The caller checked their messageIds under the identity
     * locks; a messageId stored meanwhile all the same (a re-sent record whose identifiers differ)
     * violates the primary key, the transaction fails and the batch runs again, and then finds it
     * stored. Never doubled, and no {@code on conflict} clause, which checked the key before every
     * row and wrote a confirmation record for it.
     */
    public Uni<Void> insertAll(SqlConnection c, List<NewTouchpoint> touchpoints) {
        if (touchpoints.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = touchpoints.size();
        String[] messages = new String[n];
        UUID[] customers = new UUID[n];
        String[] types = new String[n];
        String[] events = new String[n];
        String[] channels = new String[n];
        String[] sources = new String[n];
        OffsetDateTime[] at = new OffsetDateTime[n];
        OffsetDateTime[] received = new OffsetDateTime[n];
        String[] stages = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            NewTouchpoint t = touchpoints.get(i);
            TouchpointEvent e = t.event();
            messages[i] = e.messageId();
            customers[i] = t.customer();
            types[i] = e.type();
            events[i] = e.event();
            channels[i] = e.channel();
            sources[i] = e.sourceId();
            at[i] = param(e.timestamp());
            received[i] = param(e.receivedAt());
            stages[i] = t.stage();
            payloads[i] = e.payload();
        }
        return c.preparedQuery("insert into touchpoint (message_id, customer_id, type, event, channel, source_id,"
                        + " occurred_at, received_at, stage, payload)"
                        + " select r.m, r.c, r.type, r.event, r.channel, r.source, r.at, r.received, r.stage, r.payload::json"
                        + " from unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],"
                        + " $7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[])"
                        + " as r(m, c, type, event, channel, source, at, received, stage, payload)")
                .execute(args(messages, customers, types, events, channels, sources, at, received, stages, payloads))
                .replaceWithVoid();
    }

    /**
     * Remembers the messageIds of touchpoints dropped as suppressed, so that a re-delivery is a
     * duplicate (and not counted as suppressed again).
     */
    public Uni<Void> recordSuppressed(SqlConnection c, List<String> messageIds, Instant now) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("insert into suppressed_touchpoint (message_id, suppressed_at)"
                        + " select m, $2 from unnest($1::text[]) m on conflict (message_id) do nothing")
                .execute(args(SqlValues.texts(messageIds), param(now)))
                .replaceWithVoid();
    }

    /** Per customer: the corrected time of its latest touchpoint (absent: none) and its stage history. */
    public record StageState(Map<UUID, Instant> latest, Map<UUID, List<StageEntry>> histories) {
    }

    /** The stage state of the customers, in one round trip. */
    public Uni<StageState> stageState(SqlConnection c, Collection<UUID> customers) {
        if (customers.isEmpty()) {
            return Uni.createFrom().item(new StageState(Map.of(), Map.of()));
        }
        // a row without stage carries the customer's latest touchpoint time (an index lookup per customer)
        return c.preparedQuery("select h.customer_id, h.stage, h.entered_at, h.channel, h.source_id, h.cause_message_id"
                        + " from stage_history h where h.customer_id = any($1::uuid[])"
                        + " union all select k.c, null, (select max(t.occurred_at) from touchpoint t where t.customer_id = k.c),"
                        + " null, null, null from unnest($1::uuid[]) k(c)")
                .execute(args((Object) SqlValues.uuids(customers)))
                .map(rows -> {
                    StageState state = new StageState(new HashMap<>(), new HashMap<>());
                    for (Row r : rows) {
                        UUID customer = r.getUUID(0);
                        if (r.getString(1) == null) {
                            if (r.getValue(2) != null) {
                                state.latest().put(customer, instant(r.getOffsetDateTime(2)));
                            }
                        } else {
                            state.histories().computeIfAbsent(customer, k -> new ArrayList<>()).add(new StageEntry(
                                    r.getString(1), instant(r.getOffsetDateTime(2)), r.getString(3), r.getString(4),
                                    r.getString(5)));
                        }
                    }
                    return state;
                });
    }

    /** All stored touchpoints of the customers that can map to a stage, by customer. */
    public Uni<Map<UUID, List<TouchpointFacts>>> stageCandidates(SqlConnection c, Collection<UUID> customers) {
        if (customers.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return c.preparedQuery("select customer_id, message_id, type, event, channel, source_id, occurred_at, stage,"
                        + " payload->>'userId', payload->>'anonymousId', (payload->'properties')::text"
                        + " from touchpoint where customer_id = any($1::uuid[]) and type in ('track', 'page', 'screen')")
                .execute(args((Object) SqlValues.uuids(customers)))
                .map(rows -> {
                    Map<UUID, List<TouchpointFacts>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getUUID(0), k -> new ArrayList<>()).add(new TouchpointFacts(r.getString(1),
                                r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                                instant(r.getOffsetDateTime(6)), r.getString(7), r.getString(8), r.getString(9),
                                json(r.getString(10))));
                    }
                    return out;
                });
    }

    /** Sets the stage of stored touchpoints (messageId to stage; a null stage clears it). */
    public Uni<Void> setStages(SqlConnection c, Map<String, String> stageByMessage) {
        if (stageByMessage.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("update touchpoint t set stage = r.s from unnest($1::text[], $2::text[]) r(m, s)"
                        + " where t.message_id = r.m and t.message_id = any($1)")
                .execute(args(SqlValues.texts(stageByMessage.keySet()), SqlValues.texts(stageByMessage.values())))
                .replaceWithVoid();
    }

    /**
     * Records customers' first entries into stages ({@code corrections} false: none of them has an
     * entry for that stage yet, as read under the customer's lock), or corrects entries (a late
     * event, a merge). New entries are plainly inserted: an upsert checked the key before every row
     * and wrote a confirmation for it; should an entry exist all the same, the unique key fails the
     * transaction and the batch runs again on what is stored.
     */
    public Uni<Void> saveStages(SqlConnection c, List<CustomerStage> entries, boolean corrections) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = entries.size();
        UUID[] customers = new UUID[n];
        String[] stages = new String[n];
        OffsetDateTime[] at = new OffsetDateTime[n];
        String[] channels = new String[n];
        String[] sources = new String[n];
        String[] causes = new String[n];
        for (int i = 0; i < n; i++) {
            CustomerStage cs = entries.get(i);
            StageEntry e = cs.entry();
            customers[i] = cs.customer();
            stages[i] = e.stage();
            at[i] = param(e.enteredAt());
            channels[i] = e.channel();
            sources[i] = e.sourceId();
            causes[i] = e.causeMessageId();
        }
        return c.preparedQuery("insert into stage_history (customer_id, stage, entered_at, channel, source_id,"
                        + " cause_message_id) select * from unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[],"
                        + " $5::text[], $6::text[])"
                        + (corrections ? " on conflict (customer_id, stage) do update set entered_at = excluded.entered_at,"
                                + " channel = excluded.channel, source_id = excluded.source_id,"
                                + " cause_message_id = excluded.cause_message_id" : ""))
                .execute(args(customers, stages, at, channels, sources, causes))
                .replaceWithVoid();
    }

    /** Removes stage entries a customer no longer reaches. */
    public Uni<Void> deleteStages(SqlConnection c, List<CustomerStage> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID[] customers = new UUID[entries.size()];
        String[] stages = new String[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            customers[i] = entries.get(i).customer();
            stages[i] = entries.get(i).entry().stage();
        }
        return c.preparedQuery("delete from stage_history h using unnest($1::uuid[], $2::text[]) r(c, s)"
                        + " where h.customer_id = r.c and h.stage = r.s and h.customer_id = any($1)")
                .execute(args(customers, stages))
                .replaceWithVoid();
    }
}
