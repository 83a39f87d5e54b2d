package io.touchpoint.journey.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * Which records wait for the next transaction: those needing an identifier or a customer another
 * transaction holds, and every later record that shares an identifier or a customer with a waiting one,
 * so order per identifier and per customer holds. Pure logic.
 */
class SetAsideTest {

    private static final Identifier WEB_A = Identifier.anonymousId("web-a");
    private static final Identifier USER_A = Identifier.userId("user-a");
    private static final Identifier EMAIL_A = new Identifier("email", "a@example.com");
    private static final Identifier WEB_B = Identifier.anonymousId("web-b");
    private static final Identifier USER_B = Identifier.userId("user-b");
    private static final Identifier WEB_C = Identifier.anonymousId("web-c");
    private static final Identifier USER_C = Identifier.userId("user-c");
    private static final UUID CUSTOMER_A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID CUSTOMER_C = UUID.fromString("00000000-0000-0000-0000-00000000000c");

    /** 0: A's visit, 1: A's identify, 2: B's identify, 3: A's order, 4: C's identify, 5: A's email on its own. */
    private static final Map<Integer, List<Identifier>> RECORDS = Map.of(
            0, List.of(WEB_A),
            1, List.of(USER_A, WEB_A),
            2, List.of(USER_B, WEB_B),
            3, List.of(USER_A),
            4, List.of(USER_C, WEB_C),
            5, List.of(EMAIL_A, USER_A));
    private static final List<Integer> ORDER = List.of(0, 1, 2, 3, 4, 5);
    private static final Map<Identifier, UUID> OWNERS = Map.of(WEB_A, CUSTOMER_A, WEB_C, CUSTOMER_C);

    @Test
    void nothingHeldStitchesEverything() {
        List<Integer> waiting = new ArrayList<>();
        assertEquals(ORDER, SetAside.split(ORDER, RECORDS, OWNERS, Set.of(), Set.of(), waiting));
        assertEquals(List.of(), waiting);
    }

    @Test
    void aHeldCustomerHoldsItsRecordsAndLaterOnesSharingTheirIdentifiers() {
        List<Integer> waiting = new ArrayList<>();
        // A's customer is locked elsewhere: its visit and identify wait; the order and the email record
        // carry only user-a, unknown, but the identify that waits carries it too, so they wait behind it
        List<Integer> now = SetAside.split(ORDER, RECORDS, OWNERS, Set.of(), Set.of(CUSTOMER_A), waiting);
        assertEquals(List.of(2, 4), now);
        assertEquals(List.of(0, 1, 3, 5), waiting);
    }

    @Test
    void aHeldNewIdentifierHoldsOnlyTheRecordsLinkedToIt() {
        List<Integer> waiting = new ArrayList<>();
        List<Integer> now = SetAside.split(ORDER, RECORDS, OWNERS, Set.of(USER_B), Set.of(), waiting);
        assertEquals(List.of(0, 1, 3, 4, 5), now);
        assertEquals(List.of(2), waiting);
    }

    @Test
    void aRecordWaitingOnAnIdentifierHoldsLaterRecordsOfTheSameCustomer() {
        Map<Integer, List<Identifier>> records = Map.of(
                0, List.of(EMAIL_A, WEB_A), // needs the new email, held elsewhere
                1, List.of(WEB_A), // shares web-a
                2, List.of(Identifier.anonymousId("app-a"), USER_C)); // nothing in common
        Map<Identifier, UUID> owners = Map.of(WEB_A, CUSTOMER_A, Identifier.anonymousId("app-a"), CUSTOMER_A);
        List<Integer> waiting = new ArrayList<>();
        // record 2 resolves to A's customer through another identifier: it waits behind record 0 as well
        List<Integer> now = SetAside.split(List.of(0, 1, 2), records, owners, Set.of(EMAIL_A), Set.of(), waiting);
        assertEquals(List.of(), now);
        assertEquals(List.of(0, 1, 2), waiting);
    }
}
