package io.touchpoint.journey;

import static io.touchpoint.journey.TestTouchpoints.await;
import static io.touchpoint.journey.TestTouchpoints.readUntil;
import static io.touchpoint.journey.TestTouchpoints.sleep;
import static io.touchpoint.journey.TestTouchpoints.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.journey.repository.OutboxStore;

/**
 * The outbox relay against a real PostgreSQL and Kafka: while another instance's relay pass holds the
 * relay lock, this instance publishes nothing; once it is released, every row is published once, in
 * id order, and removed from the outbox.
 */
@QuarkusTest
@QuarkusTestResource(TouchpointStackResource.class)
class OutboxRelayTest {

    private static final String TRANSITIONS = "journey.transitions.v1";
    @Inject
    AgroalDataSource db;

    @Test
    void aPassOfAnotherInstanceIsWaitedForThenEveryRowIsPublishedOnceInOrder() throws Exception {
        String key = unique("relay-customer");
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            payloads.add("{\"transitionId\":\"" + key + ":" + i + "\",\"customerId\":\"" + key + "\"}");
        }
        try (Connection otherRelay = db.getConnection()) {
            otherRelay.setAutoCommit(false);
            try (Statement st = otherRelay.createStatement()) {
                st.execute("select pg_advisory_xact_lock(" + OutboxStore.RELAY_LOCK_CLASS + ", 0)");
            }
            // committed meanwhile, one transaction each, as stitcher batches would be
            for (int i = 0; i < payloads.size(); i++) {
                try (Connection w = db.getConnection(); PreparedStatement ps = w.prepareStatement(
                        "insert into outbox (topic, record_key, transition_id, payload) values (?, ?, ?, ?)")) {
                    ps.setString(1, TRANSITIONS);
                    ps.setString(2, key);
                    ps.setString(3, key + ":" + i);
                    ps.setString(4, payloads.get(i));
                    ps.executeUpdate();
                }
            }
            // the relay polls every second: three passes' worth of time, and all rows still wait
            sleep(3_000);
            assertEquals(5, unsent(key), "rows published while another relay held the lock");
            otherRelay.commit();
        }
        List<ConsumerRecord<String, String>> published = readUntil(TRANSITIONS, r -> key.equals(r.key()),
                l -> l.size() >= payloads.size());
        assertEquals(payloads, published.stream().map(ConsumerRecord::value).toList());
        await("outbox rows of " + key + " deleted", () -> unsent(key), n -> n == 0);
        // nothing published twice: a later read still finds each row once
        sleep(1_500);
        assertEquals(payloads, readUntil(TRANSITIONS, r -> key.equals(r.key()), l -> l.size() >= payloads.size())
                .stream().map(ConsumerRecord::value).toList());
    }

    private long unsent(String key) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select count(*) from outbox where record_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
