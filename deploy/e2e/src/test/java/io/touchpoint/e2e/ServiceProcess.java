package io.touchpoint.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One packaged Quarkus service (target/quarkus-app/quarkus-run.jar) running as its own process. */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient METRICS_CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Map<String, String> env;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, int port, Map<String, String> env, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.env = env;
        this.process = process;
        this.log = log;
    }

    static ServiceProcess start(String module, int port, Map<String, String> env) {
        Path logs = Path.of(System.getProperty("touchpoint.e2e.logs", "target/e2e-logs"));
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = logs.resolve(module + ".log");
        return launch(module, port, env, log, ProcessBuilder.Redirect.to(log.toFile()));
    }

    private static ServiceProcess launch(String module, int port, Map<String, String> env, Path log,
            ProcessBuilder.Redirect output) {
        Path root = Path.of(System.getProperty("touchpoint.root", "../..")).toAbsolutePath().normalize();
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + module + " first");
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Dquarkus.http.port=" + port, "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(output);
        pb.environment().putAll(env);
        try {
            return new ServiceProcess(module, port, env, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kill -9: no shutdown hook runs, nothing is flushed or committed, the consumers do not leave their groups. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " still running 30 s after kill -9");
        }
    }

    /** The same service again (same port and environment) after {@link #kill()} or {@link #close()}; its log follows the old one's. */
    ServiceProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        return launch(name, port, env, log, ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits until /q/health/ready answers 200 (every connection of the service is UP). */
    void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + logTail());
            }
            Thread.sleep(300);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sum of the samples of {@code metricName} in /q/metrics whose labels contain {@code labels}; 0 if there is
     * none. UncheckedIOException while the service does not listen (yet).
     */
    double metric(String metricName, String labels) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        String exposition;
        try {
            HttpResponse<String> response = METRICS_CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(this.name + ": /q/metrics answered " + response.statusCode());
            }
            exposition = response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Matcher m = Pattern.compile("^" + metricName + "\\{([^}]*)\\} ([0-9.eE+-]+|NaN)$", Pattern.MULTILINE)
                .matcher(exposition);
        double sum = 0;
        while (m.find()) {
            if (m.group(1).contains(labels) && !"NaN".equals(m.group(2))) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: Quarkus shuts down gracefully
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
