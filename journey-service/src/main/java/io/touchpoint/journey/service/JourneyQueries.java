package io.touchpoint.journey.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.repository.CustomerStore;
import io.touchpoint.journey.repository.CustomerStore.ConflictRow;
import io.touchpoint.journey.repository.CustomerStore.StoredTouchpoint;
import io.touchpoint.journey.repository.CustomerStore.Summary;
import io.touchpoint.journey.repository.ExportStore;

/** Read side of the journeys for the REST API: Hibernate Reactive sessions over the query-side entities (ADR 0018). */
@ApplicationScoped
public class JourneyQueries {

    /** A customer with its identifiers and touchpoint summary. */
    public record CustomerProfile(UUID id, List<Identifier> identifiers, Summary summary) {
    }

    /** A customer's stage history and touchpoints, in corrected-time order. */
    public record Journey(UUID customerId, String currentStage, List<StageEntry> stages, List<StoredTouchpoint> touchpoints) {
    }

    @Inject
    Mutiny.SessionFactory sessions;

    @Inject
    CustomerStore customers;

    @Inject
    ExportStore export;

    /** Parses {@code type:value}, e.g. {@code user_id:u-1}. */
    public static Identifier parseIdentifier(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidParameterException("query parameter 'identifier' is required, e.g. identifier=user_id:u-1");
        }
        int colon = raw.indexOf(':');
        if (colon <= 0 || colon == raw.length() - 1) {
            throw new InvalidParameterException("identifier must look like <type>:<value>, e.g. user_id:u-1; was '" + raw + "'");
        }
        // external:<type>:<value> has a two-part type
        int split = raw.startsWith(Identifier.EXTERNAL_PREFIX) ? raw.indexOf(':', Identifier.EXTERNAL_PREFIX.length()) : colon;
        if (split <= 0 || split == raw.length() - 1) {
            throw new InvalidParameterException("identifier must look like external:<type>:<value>; was '" + raw + "'");
        }
        String type = raw.substring(0, split);
        if (!Identifier.isKnownType(type)) {
            throw new InvalidParameterException("unknown identifier type '" + type + "'; known: " + Identifier.TYPES
                    + " and external:<type>");
        }
        // normalised like stored values, so Jane@Example.com finds jane@example.com
        return Identifier.normalised(type, raw.substring(split + 1)).orElseThrow(() -> new InvalidParameterException(
                "'" + raw.substring(split + 1) + "' is not a valid " + type));
    }

    public static UUID parseCustomerId(String raw) {
        try {
            UUID id = UUID.fromString(raw);
            if (!id.toString().equalsIgnoreCase(raw)) {
                throw new IllegalArgumentException();
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("customer id must be a UUID; was '" + raw + "'");
        }
    }

    public Uni<CustomerProfile> byIdentifier(Identifier identifier) {
        return sessions.withSession(s -> customers.customerOf(s, identifier)
                .chain(found -> found.isEmpty()
                        ? Uni.createFrom().failure(new CustomerNotFoundException("no customer has identifier " + identifier))
                        : profile(s, found.get())));
    }

    public Uni<CustomerProfile> byId(UUID id) {
        return sessions.withSession(s -> live(s, id).chain(live -> profile(s, live)));
    }

    public Uni<Journey> journey(UUID id) {
        return sessions.withSession(s -> live(s, id).chain(live -> customers.summary(s, live)
                .chain(summary -> customers.stageHistory(s, live)
                        .chain(stages -> customers.touchpoints(s, live)
                                .map(list -> new Journey(live, summary.currentStage(), stages, list))))));
    }

    /** A page of touchpoints and the cursor of the next page (null after the last). */
    public record Page<T>(List<T> items, String next) {
    }

    public Uni<Page<StoredTouchpoint>> touchpointPage(UUID id, String cursor, int limit) {
        List<String> after = PageCursor.decode("cursor", cursor, 2);
        Instant afterAt = after == null ? null : parseInstant("cursor", after.get(0));
        return sessions.withSession(s -> live(s, id).chain(live -> customers.touchpointPage(s, live, afterAt,
                after == null ? null : after.get(1), limit + 1)))
                .map(rows -> page(rows, limit, t -> PageCursor.encode(t.timestamp().toString(), t.messageId())));
    }

    public Uni<Page<ExportStore.CustomerStage>> customersInStage(String stage, Instant since, String cursor, int limit) {
        List<String> after = PageCursor.decode("cursor", cursor, 2);
        Instant afterAt = after == null ? null : parseInstant("cursor", after.get(0));
        UUID afterCustomer = after == null ? null : parseCursorUuid(after.get(1));
        return sessions.withSession(s -> export.customersInStage(s, stage, since, afterAt, afterCustomer, limit + 1))
                .map(rows -> page(rows, limit, r -> PageCursor.encode(r.entry().enteredAt().toString(),
                        r.customerId().toString())));
    }

    public Uni<Page<ExportStore.CustomerStage>> exportStageHistory(String cursor, int limit) {
        List<String> after = PageCursor.decode("after", cursor, 2);
        UUID afterCustomer = after == null ? null : parseCursorUuid(after.get(0));
        return sessions.withSession(s -> export.stageHistory(s, afterCustomer, after == null ? null : after.get(1), limit + 1))
                .map(rows -> page(rows, limit, r -> PageCursor.encode(r.customerId().toString(), r.entry().stage())));
    }

    public Uni<Page<ExportStore.CustomerTouchpoint>> exportTouchpoints(String cursor, int limit) {
        List<String> after = PageCursor.decode("after", cursor, 1);
        return sessions.withSession(s -> export.touchpoints(s, after == null ? null : after.get(0), limit + 1))
                .map(rows -> page(rows, limit, r -> PageCursor.encode(r.messageId())));
    }

    public Uni<List<ConflictRow>> conflicts(UUID id) {
        return sessions.withSession(s -> live(s, id).chain(live -> customers.conflicts(s, live)));
    }

    /** Rows fetched with limit + 1: the extra row only tells that there is a next page. */
    private static <T> Page<T> page(List<T> rows, int limit, java.util.function.Function<T, String> cursorOf) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(List.copyOf(items), cursorOf.apply(items.get(limit - 1)));
    }

    private static Instant parseInstant(String name, String raw) {
        try {
            return Instant.parse(raw);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidParameterException("'" + name + "' is not a cursor this API handed out");
        }
    }

    private static UUID parseCursorUuid(String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("the cursor is not one this API handed out");
        }
    }

    private Uni<UUID> live(Mutiny.Session s, UUID id) {
        return customers.resolve(s, id).map(found -> found.orElseThrow(
                () -> new CustomerNotFoundException("no customer has id " + id)));
    }

    private Uni<CustomerProfile> profile(Mutiny.Session s, UUID id) {
        return customers.identifiersOf(s, id)
                .chain(ids -> customers.summary(s, id).map(sum -> new CustomerProfile(id, ids, sum)));
    }
}
