package io.touchpoint.journey.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.repository.IdentityStore;
import io.touchpoint.journey.repository.TouchpointStore;
import io.touchpoint.journey.repository.TouchpointStore.StoredTouchpoint;
import io.touchpoint.journey.repository.TouchpointStore.Summary;

/** Read side of the journeys for the REST API. */
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
    IdentityStore identities;

    @Inject
    TouchpointStore touchpoints;

    /** Parses {@code type:value}, e.g. {@code user_id:u-1}. */
    public static Identifier parseIdentifier(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidParameterException("query parameter 'identifier' is required, e.g. identifier=user_id:u-1");
        }
        int colon = raw.indexOf(':');
        if (colon <= 0 || colon == raw.length() - 1) {
            throw new InvalidParameterException("identifier must look like <type>:<value>, e.g. user_id:u-1; was '" + raw + "'");
        }
        String type = raw.substring(0, colon);
        return Identifier.Type.fromCode(type)
                .map(t -> new Identifier(t, raw.substring(colon + 1)))
                .orElseThrow(() -> new InvalidParameterException("unknown identifier type '" + type + "'; known: "
                        + java.util.Arrays.stream(Identifier.Type.values()).map(Identifier.Type::code).toList()));
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
        return sessions.withSession(s -> identities.customerOf(s, identifier)
                .chain(found -> found.isEmpty()
                        ? Uni.createFrom().failure(new CustomerNotFoundException("no customer has identifier " + identifier))
                        : profile(s, found.get())));
    }

    public Uni<CustomerProfile> byId(UUID id) {
        return sessions.withSession(s -> live(s, id).chain(live -> profile(s, live)));
    }

    public Uni<Journey> journey(UUID id) {
        return sessions.withSession(s -> live(s, id).chain(live -> touchpoints.summary(s, live)
                .chain(summary -> touchpoints.stageHistory(s, live)
                        .chain(stages -> touchpoints.touchpoints(s, live)
                                .map(list -> new Journey(live, summary.currentStage(), stages, list))))));
    }

    private Uni<UUID> live(Mutiny.Session s, UUID id) {
        return identities.resolve(s, id).map(found -> found.orElseThrow(
                () -> new CustomerNotFoundException("no customer has id " + id)));
    }

    private Uni<CustomerProfile> profile(Mutiny.Session s, UUID id) {
        return identities.identifiersOf(s, id)
                .chain(ids -> touchpoints.summary(s, id).map(sum -> new CustomerProfile(id, ids, sum)));
    }
}
