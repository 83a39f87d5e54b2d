package io.touchpoint.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

/**
 * The embedded local stack: a real single-node KRaft Kafka broker (child JVM), a real PostgreSQL
 * and a real Redis, all bound to 127.0.0.1, all data under one folder.
 *
 * <p>Prints one line {@code TOUCHPOINT-STACK READY ...} when every part accepts connections and the
 * topics exist, and writes the same endpoints to {@code <data-dir>/stack.env}. Stops everything on
 * SIGTERM, and also when standard input closes if started with {@code --exit-with-parent} (tests
 * use that, so a killed test JVM never leaves a broker behind).
 */
public final class LocalStack implements AutoCloseable {

    public static final String READY_MARKER = "TOUCHPOINT-STACK READY";
    /** Printed after a {@code kafka-stop} / {@code kafka-start} command on standard input was carried out. */
    public static final String KAFKA_STOPPED_MARKER = "TOUCHPOINT-STACK KAFKA-STOPPED";
    public static final String KAFKA_STARTED_MARKER = "TOUCHPOINT-STACK KAFKA-STARTED";
    public static final String KAFKA_FAILED_MARKER = "TOUCHPOINT-STACK KAFKA-FAILED";
    static final String DATABASE = "touchpoint";

    /** Topic name → partitions. The main topics get room for several consumer instances. */
    static final Map<String, Integer> DEFAULT_TOPICS = new LinkedHashMap<>();
    static {
        DEFAULT_TOPICS.put("touchpoints.v1", 6);
        DEFAULT_TOPICS.put("touchpoints.rejected.v1", 3);
        DEFAULT_TOPICS.put("journey.transitions.v1", 6);
        DEFAULT_TOPICS.put("touchpoints.dlq.v1", 1);
        DEFAULT_TOPICS.put("journey.transitions.dlq.v1", 1);
        DEFAULT_TOPICS.put("touchpoints.kpi.dlq.v1", 1);
    }

    private final Options options;
    private final List<AutoCloseable> started = new ArrayList<>();
    private volatile Process kafkaBroker;

    LocalStack(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        // Client and broker configs are dumped at INFO; only problems are worth reading here.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Options options = Options.parse(args);
        LocalStack stack = new LocalStack(options);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::closeQuietly, "stack-shutdown"));
        if (options.exitWithParent) {
            stack.obeyParent();
        }
        try {
            stack.start();
        } catch (Exception e) {
            System.err.println("touchpoint stack failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        Thread.currentThread().join();
    }

    /**
     * Reads commands from the parent on standard input — {@code kafka-stop} and {@code kafka-start}
     * (same ports, same data, for tests of a broker outage) — and exits on end of stream, which means
     * the parent died or asked us to stop.
     */
    private void obeyParent() {
        Thread watcher = new Thread(() -> {
            try (java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    try {
                        switch (line.trim()) {
                            case "kafka-stop" -> {
                                stopKafka();
                                System.out.println(KAFKA_STOPPED_MARKER);
                            }
                            case "kafka-start" -> {
                                startKafka();
                                System.out.println(KAFKA_STARTED_MARKER);
                            }
                            default -> {
                                // unknown commands are ignored: the parent may be newer than us
                            }
                        }
                    } catch (Exception e) {
                        System.out.println(KAFKA_FAILED_MARKER + " " + e);
                    }
                    System.out.flush();
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as EOF
            }
            System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Stops the broker cleanly (it flushes and closes its logs); its data stays for {@code kafka-start}. */
    private void stopKafka() throws InterruptedException {
        Process broker = kafkaBroker;
        if (broker != null) {
            stopProcess(broker, Duration.ofSeconds(30));
            kafkaBroker = null;
            log("kafka stopped");
        }
    }

    void start() throws Exception {
        Files.createDirectories(options.dataDir);
        Map<String, String> endpoints = new LinkedHashMap<>();
        if (options.redisPort > 0) {
            startRedis();
            endpoints.put("redis", "127.0.0.1:" + options.redisPort);
        }
        if (options.postgresPort > 0) {
            startPostgres();
            endpoints.put("postgres", "127.0.0.1:" + options.postgresPort);
        }
        if (options.kafkaPort > 0) {
            startKafka();
            endpoints.put("kafka", "127.0.0.1:" + options.kafkaPort);
        }
        String line = endpoints.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        Files.writeString(options.dataDir.resolve("stack.env"), endpoints.entrySet().stream()
                .map(e -> e.getKey().toUpperCase() + "=" + e.getValue()).collect(Collectors.joining("\n")) + "\n");
        System.out.println(READY_MARKER + " " + line);
        System.out.flush();
    }

    private void startRedis() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(options.dataDir.resolve("redis"));
        RedisServer redis = RedisServer.newRedisServer()
                .port(options.redisPort)
                .bind("127.0.0.1")
                .setting("dir " + dir.toAbsolutePath())
                // Counters are rebuildable from PostgreSQL; AOF keeps a local run's state across restarts.
                .setting("appendonly " + (options.persistent ? "yes" : "no"))
                .setting("save \"\"")
                .setting("protected-mode no")
                .build();
        redis.start();
        started.add(redis::stop);
        awaitPort(options.redisPort, Duration.ofSeconds(20), "redis");
        log("redis ready on 127.0.0.1:" + options.redisPort);
    }

    private void startPostgres() throws Exception {
        Path dir = options.dataDir.resolve("postgres");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(options.postgresPort)
                .setDataDirectory(dir)
                .setCleanDataDirectory(!options.persistent)
                .setOverrideWorkingDirectory(options.dataDir.resolve("pg-binaries").toFile())
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", options.persistent ? "on" : "off")
                .setPGStartupWait(Duration.ofSeconds(60));
        // e.g. TOUCHPOINT_STACK_POSTGRES_SETTINGS="shared_buffers=1GB,max_wal_size=8GB" (the benchmarks
        // size PostgreSQL as a server, not as a laptop default; deploy/bench/journey/README.md)
        String extra = System.getenv("TOUCHPOINT_STACK_POSTGRES_SETTINGS");
        if (extra != null && !extra.isBlank()) {
            for (String setting : extra.split(",")) {
                String[] kv = setting.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("TOUCHPOINT_STACK_POSTGRES_SETTINGS: expected name=value, got " + setting);
                }
                builder.setServerConfig(kv[0].trim(), kv[1].trim());
            }
            log("postgres settings: " + extra);
        }
        EmbeddedPostgres postgres = builder.start();
        started.add(postgres);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!rs.next()) {
                    st.execute("CREATE DATABASE " + DATABASE);
                }
            }
        }
        log("postgres ready on 127.0.0.1:" + options.postgresPort + " (database " + DATABASE + ", user postgres)");
    }

    private void startKafka() throws Exception {
        Path logDir = Files.createDirectories(options.dataDir.resolve("kafka"));
        int controllerPort = options.kafkaControllerPort;
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + options.kafkaPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + options.kafkaPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toAbsolutePath().toString());
        p.setProperty("num.partitions", "3");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "10");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.flush.interval.messages", options.persistent ? "10000" : "9223372036854775807");
        p.setProperty("auto.create.topics.enable", "true");
        Path config = options.dataDir.resolve("kafka-server.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "generated by LocalStack");
        }
        Path clusterIdFile = options.dataDir.resolve("kafka-cluster-id");
        if (!Files.exists(clusterIdFile)) {
            Files.writeString(clusterIdFile, kafkaClusterId());
        }
        String clusterId = Files.readString(clusterIdFile).trim();

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms128m");
        cmd.add("-Xmx" + options.kafkaHeap);
        cmd.add("-XX:+UseG1GC");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KafkaBroker.class.getName());
        cmd.add(config.toAbsolutePath().toString());
        cmd.add(logDir.toAbsolutePath().toString());
        cmd.add(clusterId);
        Path brokerLog = options.dataDir.resolve("kafka.log");
        Process broker = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(brokerLog.toFile()))
                .start();
        if (kafkaBroker == null && !started.contains(brokerStopper)) {
            started.add(brokerStopper);
        }
        kafkaBroker = broker;

        String bootstrap = "127.0.0.1:" + options.kafkaPort;
        awaitKafka(bootstrap, broker, brokerLog);
        createTopics(bootstrap);
        log("kafka ready on " + bootstrap + " (log " + brokerLog + ")");
    }

    // one entry in the shutdown list whatever broker (after restarts) is current
    private final AutoCloseable brokerStopper = () -> {
        Process current = kafkaBroker;
        if (current != null) {
            stopProcess(current, Duration.ofSeconds(20));
        }
    };

    private void awaitKafka(String bootstrap, Process broker, Path brokerLog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        while (true) {
            if (!broker.isAlive()) {
                throw new IllegalStateException("kafka broker exited with " + broker.exitValue()
                        + "; see " + brokerLog.toAbsolutePath());
            }
            if (canConnect(options.kafkaPort)) {
                try (Admin admin = Admin.create(props)) {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    // not serving metadata yet
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("kafka did not become ready in 90 s; see " + brokerLog.toAbsolutePath());
            }
            Thread.sleep(250);
        }
    }

    private void createTopics(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = options.topics.entrySet().stream()
                    .filter(e -> !existing.contains(e.getKey()))
                    .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** KRaft wants a base64url UUID as cluster id; Kafka's own generator never starts it with '-'. */
    private static String kafkaClusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    private static void stopProcess(Process process, Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close(); // the child treats EOF as "shut down cleanly"
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitPort(int port, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!canConnect(port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not open port " + port + " in " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            System.err.println("stack shutdown: " + e);
        }
    }

    /** Stops in reverse start order: Kafka first, so no client is left talking to it. */
    @Override
    public synchronized void close() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("stack shutdown: " + e);
            }
        }
        started.clear();
    }

    private static void log(String message) {
        System.out.println("[touchpoint-stack] " + message);
        System.out.flush();
    }

    /** Command-line options; a port of 0 leaves that part out. */
    static final class Options {
        Path dataDir = Path.of(".touchpoint");
        int kafkaPort = 19092;
        int kafkaControllerPort = 19093;
        int postgresPort = 15432;
        int redisPort = 16379;
        boolean persistent = true;
        boolean exitWithParent;
        String kafkaHeap = "768m";
        Map<String, Integer> topics = new LinkedHashMap<>(DEFAULT_TOPICS);

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--data-dir" -> o.dataDir = Path.of(args[++i]);
                    case "--kafka-port" -> o.kafkaPort = Integer.parseInt(args[++i]);
                    case "--kafka-controller-port" -> o.kafkaControllerPort = Integer.parseInt(args[++i]);
                    case "--postgres-port" -> o.postgresPort = Integer.parseInt(args[++i]);
                    case "--redis-port" -> o.redisPort = Integer.parseInt(args[++i]);
                    case "--kafka-heap" -> o.kafkaHeap = args[++i];
                    case "--ephemeral" -> o.persistent = false;
                    case "--exit-with-parent" -> o.exitWithParent = true;
                    case "--topic" -> {
                        String[] nameAndPartitions = args[++i].split(":");
                        o.topics.put(nameAndPartitions[0],
                                nameAndPartitions.length > 1 ? Integer.parseInt(nameAndPartitions[1]) : 1);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
                }
            }
            return o;
        }

        static String usage() {
            return "usage: LocalStack [--data-dir DIR] [--kafka-port P] [--kafka-controller-port P] "
                    + "[--postgres-port P] [--redis-port P] [--kafka-heap 768m] [--ephemeral] "
                    + "[--exit-with-parent] [--topic name:partitions]...   (port 0 = leave that part out)";
        }
    }
}
