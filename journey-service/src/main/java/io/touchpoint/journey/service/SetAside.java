package io.touchpoint.journey.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Which records of a batch wait for the next transaction because another transaction holds what they
 * need (ADR 0014): the insert lock of one of their unknown identifiers, or the row of a customer they
 * resolve to (locked, merged away or erased meanwhile). A record that shares an identifier or a
 * customer with a record set aside earlier in the batch waits with it, so the records of one key, one
 * identifier or one customer keep their batch order. Pure logic.
 */
final class SetAside {

    private SetAside() {
    }

    /**
     * @param records the records' indexes, in batch order
     * @param identifiers each record's identifiers (everything it may link)
     * @param owners the stored customer of each identifier that has one
     * @param heldIdentifiers identifiers whose insert lock another transaction holds
     * @param heldCustomers customers this transaction could not lock as live ones
     * @return the records that can be stitched now, in batch order; {@code waiting} receives the others
     */
    static List<Integer> split(List<Integer> records, Map<Integer, ? extends Collection<Identifier>> identifiers,
            Map<Identifier, UUID> owners, Set<Identifier> heldIdentifiers, Set<UUID> heldCustomers, List<Integer> waiting) {
        if (heldIdentifiers.isEmpty() && heldCustomers.isEmpty()) {
            return records;
        }
        Set<Identifier> ids = new HashSet<>(heldIdentifiers);
        Set<UUID> customers = new HashSet<>(heldCustomers);
        List<Integer> now = new ArrayList<>(records.size());
        for (int i : records) {
            Collection<Identifier> mine = identifiers.get(i);
            boolean blocked = false;
            for (Identifier id : mine) {
                UUID owner = owners.get(id);
                if (ids.contains(id) || (owner != null && customers.contains(owner))) {
                    blocked = true;
                    break;
                }
            }
            if (blocked) {
                waiting.add(i);
                for (Identifier id : mine) {
                    ids.add(id);
                    UUID owner = owners.get(id);
                    if (owner != null) {
                        customers.add(owner);
                    }
                }
            } else {
                now.add(i);
            }
        }
        return now;
    }
}
