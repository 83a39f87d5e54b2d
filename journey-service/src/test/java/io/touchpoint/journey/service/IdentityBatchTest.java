package io.touchpoint.journey.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.touchpoint.journey.config.JourneyConfig;
import io.touchpoint.journey.repository.IdentityStore.Attachment;
import io.touchpoint.journey.repository.IdentityStore.CustomerRow;
import io.touchpoint.journey.repository.IdentityStore.Merge;
import io.touchpoint.journey.repository.IdentityStore.Profile;

/**
 * A batch resolved in memory gives what one transaction per record gives: same customers, merges into
 * the oldest, user-id conflicts kept apart, and nothing written for customers that only lived inside
 * the batch. Pure logic: the database's answers are given as the batch's starting state.
 */
class IdentityBatchTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    private final IdentityGraph rules = rules();

    @Test
    void anonymousVisitThenIdentifyIsOneNewCustomerWithBothIdentifiers() {
        IdentityBatch batch = batch(Map.of(), List.of(), Map.of());
        UUID visit = batch.resolve(event("m1", null, "anon-1", null));
        UUID identify = batch.resolve(event("m2", "user-1", "anon-1", "jane@example.com"));

        assertEquals(visit, identify);
        assertEquals(Set.of(visit), batch.newCustomers().keySet());
        assertEquals(Set.of(new Attachment(Identifier.anonymousId("anon-1"), visit),
                new Attachment(Identifier.userId("user-1"), visit), new Attachment(new Identifier("email", "jane@example.com"), visit)),
                Set.copyOf(batch.attachments()));
        assertEquals(List.of(), batch.merges());
    }

    @Test
    void twoNewCustomersJoinedLaterInTheBatchAreWrittenAsOne() {
        IdentityBatch batch = batch(Map.of(), List.of(), Map.of());
        UUID web = batch.resolve(event("m1", null, "web-1", null));
        UUID app = batch.resolve(event("m2", null, "app-1", "jane@example.com"));
        assertNotEquals(web, app);
        UUID joined = batch.resolve(event("m3", "user-1", "web-1", "jane@example.com"));

        // the first created survives; the other was never visible outside the batch, so it is not written
        assertEquals(web, joined);
        assertEquals(web, batch.find(app));
        assertEquals(Set.of(web), batch.newCustomers().keySet());
        assertTrue(batch.attachments().stream().allMatch(a -> a.customer().equals(web)));
        assertEquals(List.of(), batch.merges(), "no stored customer was absorbed");
    }

    @Test
    void storedCustomersLinkedByTheBatchMergeIntoTheOldest() {
        UUID older = UUID.randomUUID(), newer = UUID.randomUUID();
        IdentityBatch batch = batch(
                Map.of(Identifier.anonymousId("web-1"), older, Identifier.anonymousId("app-1"), newer),
                List.of(new CustomerRow(older, NOW.minus(Duration.ofDays(2)), null),
                        new CustomerRow(newer, NOW.minus(Duration.ofDays(1)), null)),
                Map.of());
        UUID survivor = batch.resolve(event("m1", "user-1", "web-1", null));
        UUID again = batch.resolve(event("m2", "user-1", "app-1", null));

        assertEquals(older, survivor);
        assertEquals(older, again);
        assertEquals(List.of(new Merge(newer, older)), batch.merges());
        assertEquals("m2", batch.absorbedBy(newer));
        assertEquals(Map.of(older, List.of(newer)), batch.absorbedBySurvivor());
        assertEquals(Map.of(), batch.newCustomers());
    }

    @Test
    void twoUserIdsSharingAnEmailStayApartAndTheConflictIsRecordedOnce() {
        UUID jane = UUID.randomUUID();
        Identifier email = new Identifier("email", "shared@example.com");
        IdentityBatch batch = batch(Map.of(email, jane, Identifier.userId("jane"), jane),
                List.of(new CustomerRow(jane, NOW.minus(Duration.ofDays(1)), null)),
                Map.of(jane, new Profile(Set.of("jane"), Map.of("user_id", 1L, "email", 1L))));
        UUID john = batch.resolve(event("m1", "john", null, "shared@example.com"));
        UUID johnAgain = batch.resolve(event("m2", "john", null, "shared@example.com"));

        assertNotEquals(jane, john);
        assertEquals(john, johnAgain);
        assertEquals(List.of(), batch.merges());
        assertEquals(1, batch.conflicts().size());
        assertEquals(jane, batch.conflicts().get(0).otherCustomer());
        assertEquals(email, batch.conflicts().get(0).identifier());
        // the email stays with the customer that had it
        assertTrue(batch.attachments().stream().noneMatch(a -> a.identifier().equals(email)));
    }

    @Test
    void aliasLinksThePreviousIdAsTheAnonymousIdTheGraphKnows() {
        UUID old = UUID.randomUUID();
        IdentityBatch batch = batch(Map.of(Identifier.anonymousId("legacy-7"), old), old);
        UUID aliased = batch.resolve(TouchpointParser.parse("""
                {"schemaVersion":1,"messageId":"a1","type":"alias","channel":"web","sourceId":"s","userId":"new-7",
                 "previousId":"legacy-7","receivedAt":"2026-11-23T10:00:00Z","timestamp":"2026-11-23T10:00:00Z"}"""));
        assertEquals(old, aliased);
        assertEquals(List.of(new Attachment(Identifier.userId("new-7"), old)), batch.attachments());
    }

    @Test
    void identifiersOverTheTypeLimitAreNotAttachedCountingTheBatchsOwn() {
        IdentityBatch batch = batch(Map.of(), List.of(), Map.of());
        UUID c = batch.resolve(eventWithDevice("m1", "user-1", "d1"));
        batch.resolve(eventWithDevice("m2", "user-1", "d2"));
        batch.resolve(eventWithDevice("m3", "user-1", "d3"));
        long devices = batch.attachments().stream().filter(a -> a.identifier().type().equals("device_id")).count();
        assertEquals(2, devices, "the limit in this test's configuration is 2 device ids");
        assertEquals(Set.of(c), batch.newCustomers().keySet());
    }

    private IdentityBatch batch(Map<Identifier, UUID> owners, UUID customer) {
        return batch(owners, List.of(new CustomerRow(customer, NOW.minus(Duration.ofDays(3)), null)), Map.of());
    }

    private IdentityBatch batch(Map<Identifier, UUID> owners, List<CustomerRow> rows, Map<UUID, Profile> profiles) {
        Map<UUID, Profile> all = new HashMap<>(profiles);
        for (CustomerRow r : rows) {
            all.computeIfAbsent(r.id(), id -> {
                Set<String> userIds = new HashSet<>();
                Map<String, Long> counts = new HashMap<>();
                owners.forEach((i, c) -> {
                    if (c.equals(id)) {
                        counts.merge(i.type(), 1L, Long::sum);
                        if (i.type().equals(Identifier.USER_ID)) {
                            userIds.add(i.value());
                        }
                    }
                });
                return new Profile(userIds, counts);
            });
        }
        return new IdentityBatch(rules, NOW, owners, rows, all);
    }

    private static TouchpointEvent event(String messageId, String userId, String anonymousId, String email) {
        String traits = email == null ? "null" : "{\"email\":\"" + email + "\"}";
        return TouchpointParser.parse("{\"schemaVersion\":1,\"messageId\":\"" + messageId + "\",\"type\":\"identify\","
                + "\"channel\":\"web\",\"sourceId\":\"s\",\"userId\":" + quoted(userId) + ",\"anonymousId\":"
                + quoted(anonymousId) + ",\"traits\":" + traits
                + ",\"receivedAt\":\"2026-11-23T10:00:00Z\",\"timestamp\":\"2026-11-23T10:00:00Z\"}");
    }

    private static TouchpointEvent eventWithDevice(String messageId, String userId, String device) {
        return TouchpointParser.parse("{\"schemaVersion\":1,\"messageId\":\"" + messageId + "\",\"type\":\"track\","
                + "\"event\":\"Application Opened\",\"channel\":\"app\",\"sourceId\":\"s\",\"userId\":\"" + userId + "\","
                + "\"context\":{\"device\":{\"id\":\"" + device + "\"}},"
                + "\"receivedAt\":\"2026-11-23T10:00:00Z\",\"timestamp\":\"2026-11-23T10:00:00Z\"}");
    }

    private static String quoted(String v) {
        return v == null ? "null" : "\"" + v + "\"";
    }

    private static IdentityGraph rules() {
        IdentityGraph g = new IdentityGraph();
        g.blocked = new BlockedIdentifiers(Set.of("anonymous", "0"));
        g.config = new JourneyConfig() {
            public Api api() {
                return Optional::empty;
            }

            public Identity identity() {
                return new Identity() {
                    public List<String> blockedValues() {
                        return List.of("anonymous", "0");
                    }

                    public Map<String, Integer> maxPerCustomer() {
                        return Map.of("device_id", 2);
                    }

                    public int maxPerCustomerOther() {
                        return 20;
                    }

                    public Optional<String> suppressionKey() {
                        return Optional.empty();
                    }
                };
            }

            public StageModelSettings stageModel() {
                return Optional::empty;
            }

            public Funnels funnels() {
                return List::of;
            }

            public Outbox outbox() {
                return new Outbox() {
                    public int batchSize() {
                        return 1000;
                    }

                    public Duration pollInterval() {
                        return Duration.ofSeconds(1);
                    }
                };
            }

            public Consumer consumer() {
                return () -> 1000;
            }
        };
        return g;
    }
}
