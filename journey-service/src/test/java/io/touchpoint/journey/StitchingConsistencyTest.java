package io.touchpoint.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.touchpoint.journey.service.Identifier;
import io.touchpoint.journey.service.IdentityGraph;
import io.touchpoint.journey.service.JourneyStitcher;
import io.touchpoint.journey.service.TouchpointParser;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Re-delivery changes no row, and two consumers working on one topic at once (disjoint partitions,
 * both writing the same people) end with the same customers, stages and histories as one consumer
 * alone. Real Kafka, real PostgreSQL, the service's own JourneyStitcher.
 */
@QuarkusTest
@QuarkusTestResource(TouchpointStackResource.class)
class StitchingConsistencyTest {

    @Inject
    AgroalDataSource db;

    @Inject
    JourneyStitcher stitcher;

    @Inject
    Vertx vertx;

    @Inject
    IdentityGraph identity;

    @Test
    void redeliveringTheSameThousandRecordsChangesNoRow() throws Exception {
        String run = TestTouchpoints.unique("redeliver");
        List<Map<String, Object>> records = IdentityMix.people(run, 700, 140, true).records().subList(0, 1000);
        List<String> values = new ArrayList<>();
        for (Map<String, Object> r : records) {
            values.add(TestTouchpoints.JSON.writeValueAsString(r));
        }
        produce("touchpoints.v1", records, values);
        TestTouchpoints.await("1000 stored", () -> count("select count(*) from touchpoint where message_id like '" + run + "-%'"),
                n -> n == 1000);
        Map<String, List<String>> before = dump();

        double duplicates = TestTouchpoints.counter("touchpoint.journey.touchpoints", "outcome", "duplicate");
        produce("touchpoints.v1", records, values);
        TestTouchpoints.await("1000 duplicates seen", () -> TestTouchpoints.counter("touchpoint.journey.touchpoints",
                "outcome", "duplicate"), n -> n >= duplicates + 1000);

        Map<String, List<String>> after = dump();
        for (String table : before.keySet()) {
            assertEquals(before.get(table).size(), after.get(table).size(), table + " row count");
            assertEquals(before.get(table), after.get(table), table + " rows");
        }
        assertTrue(before.get("touchpoint").size() >= 1000);
        assertTrue(before.get("identity_conflict").stream().anyMatch(r -> r.contains(run)),
                "the mix includes conflicts, so their table is compared with rows in it");
    }

    @Test
    void twoConsumersAtOnceGiveTheSameResultAsOne() throws Exception {
        int people = 40;
        IdentityMix.Data two = IdentityMix.people(TestTouchpoints.unique("two"), 801, people, false);
        IdentityMix.Data one = IdentityMix.people(TestTouchpoints.unique("one"), 802, people, false);
        String twoTopic = createTopic();
        String oneTopic = createTopic();
        produce(twoTopic, two.records(), null);
        produce(oneTopic, one.records(), null);

        // instance A reads partitions 0-2, instance B 3-5, at the same time; one person's records are
        // keyed by different ids and so spread over both
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            AtomicInteger done = new AtomicInteger();
            int total = two.records().size();
            Future<?> a = pool.submit(() -> consume(twoTopic, List.of(0, 1, 2), done, total));
            Future<?> b = pool.submit(() -> consume(twoTopic, List.of(3, 4, 5), done, total));
            a.get(3, TimeUnit.MINUTES);
            b.get(3, TimeUnit.MINUTES);
            AtomicInteger doneOne = new AtomicInteger();
            pool.submit(() -> consume(oneTopic, List.of(0, 1, 2, 3, 4, 5), doneOne, one.records().size()))
                    .get(3, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }

        Result byTwo = result(two);
        Result byOne = result(one);
        assertEquals(people, byOne.customers().size(), "one customer per person: " + byOne.customers());
        for (Set<String> c : byOne.customers()) {
            assertEquals(6, c.size(), "web, app, user, email, phone and caller linked: " + c);
        }
        assertEquals(byOne.customers(), byTwo.customers());
        assertEquals(byOne.touchpoints(), byTwo.touchpoints());
        assertEquals(byOne.stages(), byTwo.stages());
        assertTrue(count("select count(*) from customer where merged_into is not null") > 0,
                "the mix merged customers, so rows left behind by a merge would show below");
        assertEquals(List.of(), orphans(), "rows whose customer is missing, merged away or erased");
    }

    /**
     * Another transaction (as another instance's would) holds one customer's row and the insert lock of
     * one new identifier. A batch touching those two people and two others stitches the others while the
     * locks are still held, without waiting in PostgreSQL; the two people's records follow once the locks
     * are released, in their order, as if nothing had been in the way.
     */
    @Test
    void aBatchDoesNotWaitForCustomersItDoesNotShareWithAnotherTransaction() throws Exception {
        String run = TestTouchpoints.unique("aside");
        Instant t = Instant.parse("2026-11-20T08:00:00Z");
        // A is stored before; its row will be locked by the other transaction
        recordAll(List.of(json(TestTouchpoints.event("track", "Product Viewed", null, run + "-web-a", t))));
        String customerA = rows("select customer_id from identifier where value = '" + run + "-web-a'").get(0)[0];

        List<String> batch = List.of(
                json(TestTouchpoints.event("identify", null, run + "-user-a", run + "-web-a", t.plusSeconds(10))),
                json(TestTouchpoints.event("identify", null, run + "-user-b", run + "-web-b", t.plusSeconds(10))),
                json(TestTouchpoints.event("track", "Product Viewed", null, run + "-web-c", t.plusSeconds(10))),
                json(TestTouchpoints.event("identify", null, run + "-user-c", run + "-web-c", t.plusSeconds(20))),
                json(TestTouchpoints.event("track", "Order Completed", run + "-user-a", null, t.plusSeconds(30))),
                json(TestTouchpoints.event("track", "Order Completed", run + "-user-d", null, t.plusSeconds(30))));
        double setAside = TestTouchpoints.counter("touchpoint.journey.touchpoints.set.aside");
        CompletableFuture<List<JourneyStitcher.Outcome>> done;
        try (Connection other = db.getConnection()) {
            other.setAutoCommit(false);
            try (Statement st = other.createStatement()) {
                st.execute("select 1 from customer where id = '" + customerA + "' for update");
                st.execute("select pg_advisory_xact_lock(" + 0x4944 + ", "
                        + identity.lockKey(Identifier.userId(run + "-user-b")) + ")");
            }
            done = recordAllAsync(batch);
            // C and D are stored while A's row and B's user id are still held
            TestTouchpoints.await("C and D stored beside the held locks", () -> count("select count(*) from identifier"
                    + " where value in ('" + run + "-user-c', '" + run + "-web-c', '" + run + "-user-d')"), n -> n == 3);
            assertEquals(0, count("select count(*) from identifier where value in ('" + run + "-user-a', '" + run
                    + "-user-b', '" + run + "-web-b')"), "A and B wait for the other transaction");
            TestTouchpoints.await("A's identify and order and B's identify set aside",
                    () -> TestTouchpoints.counter("touchpoint.journey.touchpoints.set.aside"), n -> n >= setAside + 3);
            assertEquals(4, count("select count(*) from touchpoint where payload::text like '%" + run + "-%'"),
                    "A's earlier visit, C's two records and D's order");
            other.commit();
        }
        assertEquals(java.util.Collections.nCopies(6, JourneyStitcher.Outcome.STORED), done.get(60, TimeUnit.SECONDS));
        // A is one customer with its visit, its identify and its order; B and C one customer each
        assertEquals(List.of(customerA), rows("select distinct customer_id::text from identifier where value in ('"
                + run + "-web-a', '" + run + "-user-a')").stream().map(r -> r[0]).toList());
        assertEquals(3, count("select count(*) from touchpoint where customer_id = '" + customerA + "'"));
        assertEquals(1, count("select count(distinct customer_id) from identifier where value in ('" + run + "-user-b', '"
                + run + "-web-b')"));
        assertEquals(1, count("select count(distinct customer_id) from identifier where value in ('" + run + "-user-c', '"
                + run + "-web-c')"));
        assertEquals(List.of(), orphans());
    }

    private static String json(Map<String, Object> event) throws Exception {
        return TestTouchpoints.JSON.writeValueAsString(event);
    }

    /**
     * Rows of the whole database that do not belong to a live customer, by table: touchpoints, identifiers
     * and stage entries must point at an existing customer that is neither merged away nor erased (more
     * than a foreign key says; the stitcher keeps it under its locks), conflicts at existing customers.
     */
    private List<String> orphans() throws SQLException {
        String live = " x left join customer c on c.id = x.customer_id"
                + " where c.id is null or c.merged_into is not null or c.erased_at is not null";
        List<String> out = new ArrayList<>();
        for (String[] r : rows("select 'touchpoint', count(*) from touchpoint" + live
                + " union all select 'identifier', count(*) from identifier" + live
                + " union all select 'stage_history', count(*) from stage_history" + live
                + " union all select 'identity_conflict', count(*) from identity_conflict x where not exists"
                + " (select 1 from customer c where c.id = x.customer_id)"
                + " or not exists (select 1 from customer c where c.id = x.other_customer_id)")) {
            if (!r[1].equals("0")) {
                out.add(r[0] + ": " + r[1]);
            }
        }
        return out;
    }

    /** Customers as sets of labels; touchpoints and stage entries with their customer's labels. */
    record Result(Set<Set<String>> customers, Map<String, String> touchpoints, Set<String> stages) {
    }

    private Result result(IdentityMix.Data data) throws SQLException {
        String run = data.records().get(0).get("messageId").toString();
        run = run.substring(0, run.indexOf("-", run.indexOf("-") + 1));
        Map<String, Set<String>> byCustomer = new HashMap<>();
        String customers = "(select customer_id from touchpoint where message_id like '" + run + "-%')";
        for (String[] r : rows("select type || ':' || value, customer_id from identifier where customer_id in " + customers)) {
            byCustomer.computeIfAbsent(r[1], k -> new TreeSet<>()).add(data.labels().getOrDefault(r[0], "?" + r[0]));
        }
        Map<String, String> touchpoints = new HashMap<>();
        for (String[] r : rows("select message_id, customer_id, stage from touchpoint where message_id like '" + run + "-%'")) {
            touchpoints.put(data.labels().get(r[0]), byCustomer.get(r[1]) + " " + r[2]);
        }
        Set<String> stages = new TreeSet<>();
        for (String[] r : rows("select customer_id, stage, entered_at, cause_message_id from stage_history where customer_id in "
                + customers)) {
            stages.add(byCustomer.get(r[0]) + " " + r[1] + " " + r[2] + " " + data.labels().get(r[3]));
        }
        return new Result(Set.copyOf(byCustomer.values()), touchpoints, stages);
    }

    private void consume(String topic, List<Integer> partitions, AtomicInteger done, int total) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestTouchpoints.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "journey-consistency");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.assign(partitions.stream().map(i -> new TopicPartition(topic, i)).toList());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (done.get() < total && System.nanoTime() < deadline) {
                // as the service does: one transaction per polled batch (at most 100 records here)
                List<String> batch = new ArrayList<>();
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    batch.add(r.value());
                }
                if (!batch.isEmpty()) {
                    recordAll(batch);
                    done.addAndGet(batch.size());
                }
                c.commitSync();
            }
        }
    }

    /** As the Kafka connector does: each batch on a fresh duplicated Vert.x context. */
    private void recordAll(List<String> values) {
        try {
            recordAllAsync(values).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("batch failed", e);
        }
    }

    private CompletableFuture<List<JourneyStitcher.Outcome>> recordAllAsync(List<String> values) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        CompletableFuture<List<JourneyStitcher.Outcome>> result = new CompletableFuture<>();
        context.runOnContext(x -> stitcher.recordAll(values.stream().map(TouchpointParser::parse).toList())
                .subscribe().with(result::complete, result::completeExceptionally));
        return result;
    }

    private static String createTopic() throws Exception {
        String name = TestTouchpoints.unique("touchpoints.consistency");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestTouchpoints.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(name, 6, (short) 1))).all().get(60, TimeUnit.SECONDS);
            // Metadata can name the leader before the broker has created the partition's log: a produce
            // then gets NOT_LEADER_OR_FOLLOWER, and the idempotent producer can go on to retry with
            // OUT_OF_ORDER_SEQUENCE_NUMBER until its timeout (seen on a loaded machine). Wait for the logs.
            List<Integer> brokers = admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).stream().map(n -> n.id()).toList();
            TestTouchpoints.await("partition logs", () -> {
                try {
                    Set<TopicPartition> present = new java.util.HashSet<>();
                    admin.describeLogDirs(brokers).allDescriptions().get(10, TimeUnit.SECONDS).values()
                            .forEach(dirs -> dirs.values().forEach(d -> present.addAll(d.replicaInfos().keySet())));
                    return present.stream().filter(tp -> tp.topic().equals(name)).count();
                } catch (Exception e) {
                    return 0L;
                }
            }, n -> n == 6);
        }
        // wait until the producer sees all six partitions (slow on a busy machine)
        TestTouchpoints.await("topic metadata", () -> TestTouchpoints.producer().partitionsFor(name).size(), n -> n == 6);
        return name;
    }

    private static void produce(String topic, List<Map<String, Object>> records, List<String> values) throws Exception {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Map<String, Object> r = records.get(i);
            String key = r.get("userId") != null ? (String) r.get("userId") : (String) r.get("anonymousId");
            String value = values != null ? values.get(i) : TestTouchpoints.JSON.writeValueAsString(r);
            sent.add(TestTouchpoints.producer().send(new ProducerRecord<>(topic, key, value)));
        }
        for (Future<?> f : sent) {
            f.get(90, TimeUnit.SECONDS);
        }
    }

    /**
     * Every row of every table, ordered; of the outbox, how many rows were ever written (the relay
     * deletes rows once published, on its own time).
     */
    private Map<String, List<String>> dump() throws SQLException {
        Map<String, String> queries = Map.of(
                "customer", "select * from customer order by id",
                "identifier", "select * from identifier order by type, value",
                "touchpoint", "select * from touchpoint order by message_id",
                "stage_history", "select * from stage_history order by customer_id, stage",
                "outbox", "select last_value, is_called from outbox_id_seq",
                "identity_conflict", "select * from identity_conflict order by id",
                "suppression", "select * from suppression order by digest");
        Map<String, List<String>> out = new HashMap<>();
        for (var q : queries.entrySet()) {
            out.put(q.getKey(), rows(q.getValue()).stream().map(r -> String.join("|", r)).toList());
        }
        return out;
    }

    private List<String[]> rows(String sql) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }

    private long count(String sql) {
        try {
            return Long.parseLong(rows(sql).get(0)[0]);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

}
