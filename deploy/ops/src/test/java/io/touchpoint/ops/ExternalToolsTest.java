package io.touchpoint.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * promtool (Debian's `prometheus` package) and docker-compose (Debian's `docker-compose`) on our files. Skipped
 * where a tool is not installed, unless -Dtouchpoint.ops.require-tools=true (then missing tools fail the build).
 * Install: apt-get install -y prometheus docker-compose.
 */
class ExternalToolsTest {

    /** Placeholders for the variables docker-compose.yml requires; validation only, never used anywhere. */
    private static final Map<String, String> COMPOSE_ENV = Map.of("POSTGRES_PASSWORD", "placeholder",
            "TOUCHPOINT_API_TOKEN", "placeholder", "TOUCHPOINT_SUPPRESSION_KEY", "placeholder", "TOUCHPOINT_WEB_WRITE_KEY", "placeholder",
            "GRAFANA_ADMIN_PASSWORD", "placeholder");

    record Result(int exit, String output) {
    }

    private static String tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        boolean required = Boolean.getBoolean("touchpoint.ops.require-tools");
        assertTrue(!required, name + " is not installed (apt-get install -y prometheus docker-compose)");
        assumeTrue(false, name + " is not installed: skipped (apt-get install -y prometheus docker-compose)");
        return null;
    }

    private static Result run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(OpsFiles.ROOT.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeAll(COMPOSE_ENV.keySet());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " finished");
        return new Result(p.exitValue(), out);
    }

    @Test
    void promtoolAcceptsTheConfigurations() throws Exception {
        String promtool = tool("promtool");
        for (String config : List.of("deploy/prometheus/prometheus.yml", "deploy/prometheus/compose/prometheus.yml")) {
            // the compose copy names its rules by their path inside the container; promtool reads them here
            Path tmp = Files.createTempFile("prometheus", ".yml");
            try {
                Files.writeString(tmp, Files.readString(OpsFiles.ROOT.resolve(config))
                        .replace("/etc/prometheus/rules/", OpsFiles.deploy("prometheus/rules/") + "/")
                        .replace("- rules/", "- " + OpsFiles.deploy("prometheus/rules/") + "/"));
                Result r = run(Map.of(), promtool, "check", "config", tmp.toString());
                assertEquals(0, r.exit(), config + ":\n" + r.output());
                assertTrue(r.output().contains("SUCCESS: 1 rule files found"), config + " loads the rules:\n" + r.output());
            } finally {
                Files.delete(tmp);
            }
        }
    }

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Result r = run(Map.of(), tool("promtool"), "check", "rules", "deploy/prometheus/rules/touchpoint-alerts.yml");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("SUCCESS: 6 rules found"), r.output());
    }

    @Test
    void dockerComposeValidatesAndRequiresTheCredentials() throws Exception {
        String compose = tool("docker-compose");
        Result ok = run(COMPOSE_ENV, compose, "-f", "deploy/docker-compose.yml", "config");
        assertEquals(0, ok.exit(), ok.output());
        List<String> services = new ArrayList<>(List.of("kafka:", "kafka-topics:", "postgres:", "redis:",
                "ingest-service:", "journey-service:", "metrics-service:", "prometheus:", "grafana:"));
        services.removeIf(s -> ok.output().contains("\n  " + s + "\n"));
        assertEquals(List.of(), services, "services missing from the resolved file");
        // without the credentials in the environment it refuses to resolve: nothing secret has a default
        Result missing = run(Map.of(), compose, "-f", "deploy/docker-compose.yml", "config", "-q");
        assertNotEquals(0, missing.exit(), missing.output());
        assertTrue(missing.output().contains("POSTGRES_PASSWORD") || missing.output().contains("TOUCHPOINT_"),
                missing.output());
    }
}
