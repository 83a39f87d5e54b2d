package io.touchpoint.conventions.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The membership rules of ADR 0015, as an operator relies on them. */
class ConsumerGroupMembershipTest {

    @Test
    void aRestartedInstanceKeepsItsIdAndTwoInstancesOnOneHostDiffer() {
        Object first = consumer(new ConsumerGroupMembership(Optional.empty(), 8080)).get("group.instance.id");
        Object restarted = consumer(new ConsumerGroupMembership(Optional.empty(), 8080)).get("group.instance.id");
        Object beside = consumer(new ConsumerGroupMembership(Optional.empty(), 8090)).get("group.instance.id");
        assertEquals(first, restarted);
        assertNotEquals(first, beside);
        // what the broker accepts (it refuses to create the consumer otherwise)
        assertTrue(first.toString().matches("[A-Za-z0-9._-]+"), first.toString());
    }

    @Test
    void theConfiguredInstanceIdWinsAndEachConsumerOfTheInstanceHasItsOwn() {
        ConsumerGroupMembership membership = new ConsumerGroupMembership(Optional.of("pod-0"), 8080);
        assertEquals("pod-0.kafka-consumer-a", consumer(membership, "kafka-consumer-a").get("group.instance.id"));
        assertEquals("pod-0.kafka-consumer-b", consumer(membership, "kafka-consumer-b").get("group.instance.id"));
    }

    @Test
    void aDeadMemberLosesItsPartitionsAfterTenSecondsUnlessTheChannelSaysOtherwise() {
        Map<String, Object> defaults = consumer(new ConsumerGroupMembership(Optional.empty(), 8080));
        assertEquals("10000", defaults.get("session.timeout.ms"));
        assertEquals("3000", defaults.get("heartbeat.interval.ms"));

        Map<String, Object> channel = new HashMap<>(Map.of("group.id", "g", "session.timeout.ms", "20000"));
        new ConsumerGroupMembership(Optional.empty(), 8080).customize("c", null, channel);
        assertEquals("20000", channel.get("session.timeout.ms"));
    }

    @Test
    void producersHaveNoGroupAndAreLeftAlone() {
        Map<String, Object> producer = new HashMap<>(Map.of("client.id", "kafka-producer-dlq", "acks", "all"));
        new ConsumerGroupMembership(Optional.empty(), 8080).customize("dlq", null, producer);
        assertFalse(producer.containsKey("group.instance.id"));
        assertFalse(producer.containsKey("session.timeout.ms"));
    }

    private static Map<String, Object> consumer(ConsumerGroupMembership membership) {
        return consumer(membership, "kafka-consumer-touchpoints");
    }

    private static Map<String, Object> consumer(ConsumerGroupMembership membership, String clientId) {
        Map<String, Object> config = new HashMap<>(Map.of("group.id", "journey-service", "client.id", clientId));
        return membership.customize("touchpoints", null, config);
    }
}
