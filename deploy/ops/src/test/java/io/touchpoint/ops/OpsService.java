package io.touchpoint.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service ({@code <module>/target/quarkus-app/quarkus-run.jar}) run as a process in its prod profile:
 * none of the caller's Quarkus, Touchpoint or Kafka environment leaks in, only what the check passes.
 */
final class OpsService implements AutoCloseable {

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private OpsService(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static OpsService start(String module, Map<String, String> env) {
        return start(module, module, env);
    }

    static OpsService start(String module, String logName, Map<String, String> env) {
        Path jar = OpsFiles.ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + module + " first (./mvnw verify -pl deploy/ops -am)");
        }
        int port = freePort();
        try {
            Path logs = Path.of(System.getProperty("touchpoint.ops.logs", "target/ops-logs"));
            Files.createDirectories(logs);
            Path log = logs.resolve(logName + ".log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx192m", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.port=" + port, "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("TOUCHPOINT_")
                    || k.startsWith("KAFKA_"));
            pb.environment().putAll(env);
            return new OpsService(module, port, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Until the HTTP port accepts connections: health would report the absent Kafka, PostgreSQL and Redis. */
    void awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not listening after " + timeout + ":\n" + logTail());
            }
            Thread.sleep(250);
        }
    }

    /** The exit code of a process expected to stop by itself. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " still running after " + timeout + ":\n" + logTail());
        }
        return process.exitValue();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    String logTail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: Quarkus shuts down gracefully
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
