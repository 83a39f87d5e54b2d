package io.touchpoint.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts {@link LocalStack} in a process of its own and waits until it is ready. Uses only the JDK,
 * so tests can put this jar on a Quarkus test classpath (without its dependencies) and never load
 * the broker's classes there.
 *
 * <pre>
 * try (StackProcess stack = StackProcess.builder().kafka().postgres().redis().start()) {
 *     stack.kafkaBootstrap(); stack.postgresPort(); stack.redisPort();
 * }
 * </pre>
 */
public final class StackProcess implements AutoCloseable {

    private static final String CLASSPATH_RESOURCE = "/touchpoint-stack.classpath";

    private final Process process;
    private final Path dataDir;
    private final boolean deleteDataDir;
    private final int kafkaPort;
    private final int postgresPort;
    private final int redisPort;
    private final java.util.concurrent.BlockingQueue<String> kafkaEvents;

    private StackProcess(Process process, Path dataDir, boolean deleteDataDir, int kafkaPort, int postgresPort,
            int redisPort, java.util.concurrent.BlockingQueue<String> kafkaEvents) {
        this.process = process;
        this.kafkaEvents = kafkaEvents;
        this.dataDir = dataDir;
        this.deleteDataDir = deleteDataDir;
        this.kafkaPort = kafkaPort;
        this.postgresPort = postgresPort;
        this.redisPort = redisPort;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + require(kafkaPort, "kafka");
    }

    public int postgresPort() {
        return require(postgresPort, "postgres");
    }

    /** JDBC URL of the {@code touchpoint} database; user {@code postgres}, no password. */
    public String postgresJdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort() + "/" + "touchpoint";
    }

    /** Vert.x reactive client URL of the same database. */
    public String postgresReactiveUrl() {
        return "postgresql://127.0.0.1:" + postgresPort() + "/" + "touchpoint";
    }

    public int redisPort() {
        return require(redisPort, "redis");
    }

    public String redisUrl() {
        return "redis://127.0.0.1:" + redisPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops the Kafka broker cleanly and returns once it is down; the rest of the stack keeps
     * running. For tests of a broker outage: {@link #startKafka()} brings it back on the same port
     * with the same data.
     */
    public void stopKafka() {
        kafkaCommand("kafka-stop", LocalStack.KAFKA_STOPPED_MARKER);
    }

    /** Starts the broker again after {@link #stopKafka()}: same port, same data, topics kept. */
    public void startKafka() {
        kafkaCommand("kafka-start", LocalStack.KAFKA_STARTED_MARKER);
    }

    private synchronized void kafkaCommand(String command, String doneMarker) {
        require(kafkaPort, "kafka");
        kafkaEvents.clear();
        try {
            process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            String event = kafkaEvents.poll(120, TimeUnit.SECONDS);
            if (event == null || !event.startsWith(doneMarker)) {
                throw new IllegalStateException(command + " failed: " + (event == null ? "no answer in 120 s" : event));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(command + " interrupted", e);
        }
    }

    private static int require(int port, String part) {
        if (port <= 0) {
            throw new IllegalStateException(part + " was not started in this stack");
        }
        return port;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // LocalStack --exit-with-parent stops on EOF
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        if (deleteDataDir) {
            deleteRecursively(dataDir);
        }
    }

    /** A free TCP port on the loopback interface, for parallel and side-by-side runs. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The classpath of the stack process, as the build wrote it, plus this jar or folder. */
    static String stackClasspath() {
        try (InputStream in = StackProcess.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " missing: build deploy/stack first");
            }
            String dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            Path self = Path.of(StackProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self + java.io.File.pathSeparator + dependencies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp folder
        }
    }

    public static final class Builder {
        private boolean kafka;
        private boolean postgres;
        private boolean redis;
        private Path dataDir;
        private final List<String> topics = new ArrayList<>();

        public Builder kafka() {
            kafka = true;
            return this;
        }

        public Builder postgres() {
            postgres = true;
            return this;
        }

        public Builder redis() {
            redis = true;
            return this;
        }

        /** An extra topic beyond the Touchpoint defaults. */
        public Builder topic(String name, int partitions) {
            topics.add(name + ":" + partitions);
            return this;
        }

        /** Keep data here (not deleted on close); by default a fresh temp folder that is deleted. */
        public Builder dataDir(Path dir) {
            dataDir = dir;
            return this;
        }

        public StackProcess start() {
            try {
                boolean temp = dataDir == null;
                Path dir = temp ? Files.createTempDirectory("touchpoint-stack-") : dataDir;
                int kafkaPort = kafka ? freePort() : 0;
                int controllerPort = kafka ? freePort() : 0;
                int postgresPort = postgres ? freePort() : 0;
                int redisPort = redis ? freePort() : 0;

                List<String> cmd = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-cp", stackClasspath(), LocalStack.class.getName(),
                        "--data-dir", dir.toString(),
                        "--kafka-port", String.valueOf(kafkaPort),
                        "--kafka-controller-port", String.valueOf(controllerPort),
                        "--postgres-port", String.valueOf(postgresPort),
                        "--redis-port", String.valueOf(redisPort),
                        "--ephemeral", "--exit-with-parent"));
                for (String t : topics) {
                    cmd.add("--topic");
                    cmd.add(t);
                }
                Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                java.util.concurrent.BlockingQueue<String> kafkaEvents = new java.util.concurrent.LinkedBlockingQueue<>();
                awaitReady(process, dir, kafkaEvents);
                return new StackProcess(process, dir, temp, kafkaPort, postgresPort, redisPort, kafkaEvents);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Echoes the stack's output (prefixed) and returns once it printed the ready marker. */
        private static void awaitReady(Process process, Path dir,
                java.util.concurrent.BlockingQueue<String> kafkaEvents) {
            CompletableFuture<Void> ready = new CompletableFuture<>();
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        System.out.println("[stack] " + line);
                        if (line.startsWith(LocalStack.READY_MARKER)) {
                            ready.complete(null);
                        } else if (line.startsWith("TOUCHPOINT-STACK KAFKA-")) {
                            kafkaEvents.add(line);
                        }
                    }
                } catch (IOException ignored) {
                    // process ended
                }
                ready.completeExceptionally(new IllegalStateException(
                        "touchpoint stack exited before it was ready; data in " + dir));
            }, "stack-output");
            pump.setDaemon(true);
            pump.start();
            try {
                ready.get(180, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
                throw new IllegalStateException("touchpoint stack did not start: " + e.getMessage(), e);
            }
        }
    }
}
