package io.touchpoint.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * docs/CONVENTIONS.md's "Errors" section against the three packaged services ({@link PackagedServices}: prod
 * profile, random secrets, no Kafka, PostgreSQL or Redis): what the services publish as their problem types must
 * be rows of the table, their live 401, 404, 405 and 503 answers must carry the table's type, status and title
 * and the headers the section names, and each must refuse to start with a development secret. Nothing here
 * comes from the services' code: the expectations are read from CONVENTIONS.md.
 */
class ConventionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PREFIX = "urn:touchpoint:problem:";

    record Row(String code, int status, String title) {
    }

    private static Map<String, Row> table;
    private static String section;
    private static String token;
    private static String writeKey;
    private static OpsService ingest;
    private static OpsService journey;
    private static OpsService metrics;

    @BeforeAll
    static void start() throws Exception {
        String conventions = OpsFiles.read(OpsFiles.ROOT.resolve("docs/CONVENTIONS.md"));
        int errors = conventions.indexOf("\n## Errors");
        assertTrue(errors >= 0, "CONVENTIONS.md has an Errors section");
        int next = conventions.indexOf("\n## ", errors + 1);
        section = conventions.substring(errors, next < 0 ? conventions.length() : next);
        table = table(section);
        PackagedServices services = PackagedServices.get();
        token = services.token;
        writeKey = services.writeKey;
        ingest = services.ingest;
        journey = services.journey;
        metrics = services.metrics;
    }

    /** The rows {@code | `code` | status | title | meaning |} of the section's table. */
    static Map<String, Row> table(String section) {
        Map<String, Row> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\|\\s*`([a-z-]+)`\\s*\\|\\s*(\\d{3})\\s*\\|\\s*([^|]+?)\\s*\\|").matcher(section);
        while (m.find()) {
            rows.put(m.group(1), new Row(m.group(1), Integer.parseInt(m.group(2)), m.group(3)));
        }
        return rows;
    }

    @Test
    void theTableIsRead() {
        assertTrue(table.size() >= 15, "rows: " + table.keySet());
        assertEquals(new Row("unauthorized", 401, "Unauthorized"), table.get("unauthorized"));
        assertEquals(new Row("internal", 500, "Internal error"), table.get("internal"));
    }

    @Test
    void everyPublishedProblemTypeIsARowOfTheTable() throws Exception {
        // what each service can answer whatever its endpoints: the framework's refusals, a bug, an outage
        Set<String> everyService = Set.of("bad-request", "unauthorized", "not-found", "method-not-allowed",
                "not-acceptable", "unsupported-media-type", "internal", "unavailable");
        for (OpsService s : List.of(ingest, journey, metrics)) {
            JsonNode problem = JSON.readTree(get(s, "/q/openapi?format=json", Map.of()).body())
                    .path("components").path("schemas").path("Problem");
            JsonNode published = problem.path("x-problem-types");
            assertTrue(published.isArray() && published.size() > 0, s + " publishes x-problem-types: " + problem);
            Set<String> codes = new TreeSet<>();
            List<String> enumTypes = new ArrayList<>();
            problem.path("properties").path("type").path("enum").forEach(t -> enumTypes.add(t.asText()));
            for (JsonNode type : published) {
                String uri = type.path("type").asText();
                assertTrue(uri.startsWith(PREFIX), s + ": " + uri);
                String code = uri.substring(PREFIX.length());
                Row row = table.get(code);
                assertNotNull(row, s + " answers with '" + code + "', which CONVENTIONS.md does not list");
                assertEquals(row, new Row(code, type.path("status").asInt(), type.path("title").asText()), s.toString());
                codes.add(code);
            }
            assertEquals(codes, new TreeSet<>(enumTypes.stream().map(t -> t.substring(PREFIX.length())).toList()),
                    s + ": the Problem.type enum lists the same types");
            assertTrue(codes.containsAll(everyService), s + " answers " + codes + ", needs " + everyService);
        }
        assertTrue(codesOf(ingest).containsAll(Set.of("invalid-json", "invalid-event", "invalid-signature",
                "too-large", "rate-limited")), "ingest's own refusals");
        assertTrue(codesOf(journey).contains("invalid-parameter") && codesOf(metrics).contains("invalid-parameter"),
                "the query APIs refuse malformed parameters");
        assertTrue(codesOf(metrics).contains("conflict"), "metrics refuses a second rebuild");
    }

    @Test
    void missingOrWrongCredentialsAre401WithTheChallengeTheConventionNames() throws Exception {
        String basic = challenge("Basic");
        String bearer = challenge("Bearer");
        String body = "{\"anonymousId\":\"a-1\",\"event\":\"Ops Check\"}";
        answer(post(ingest, "/v1/track", Map.of(), body), "unauthorized").challenge(basic);
        answer(post(ingest, "/v1/track", Map.of("Authorization", basic("not-a-key")), body), "unauthorized")
                .challenge(basic);
        for (OpsService s : List.of(journey, metrics)) {
            String path = s == journey ? "/customers/" + UUID.randomUUID() : "/funnels";
            answer(get(s, path, Map.of()), "unauthorized").challenge(bearer);
            answer(get(s, path, Map.of("Authorization", "Bearer " + token + "x")), "unauthorized").challenge(bearer);
            answer(get(s, path, Map.of("Authorization", basic(token))), "unauthorized").challenge(bearer);
            // unknown paths are not revealed to an unauthenticated caller
            answer(get(s, "/no-such-path", Map.of()), "unauthorized").challenge(bearer);
            // what stays open (readiness would wait on the absent stores; liveness answers at once)
            for (String open : List.of("/q/health/live", "/q/metrics", "/q/openapi", "/q/swagger-ui/")) {
                assertNotEquals(401, get(s, open, Map.of()).statusCode(), s + " " + open + " stays open");
            }
        }
    }

    @Test
    void swaggerUiIsServedInProdWithoutCredentials() throws Exception {
        assertTrue(OpsFiles.read(OpsFiles.ROOT.resolve("docs/CONVENTIONS.md")).contains("`/q/swagger-ui`"),
                "CONVENTIONS.md names Swagger UI among the open paths");
        HttpClient following = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (OpsService s : List.of(ingest, journey, metrics)) {
            HttpResponse<String> page = get(s, "/q/swagger-ui/", Map.of());
            assertEquals(200, page.statusCode(), s + " /q/swagger-ui/: " + page.body());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), s.toString());
            assertTrue(page.body().contains("SwaggerUIBundle") && page.body().contains("/q/openapi"),
                    s + " serves Swagger UI over its OpenAPI document");
            // the address CONVENTIONS.md and the READMEs give, without the slash, leads to the same page
            HttpResponse<String> named = following.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/q/swagger-ui"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, named.statusCode(), s + " /q/swagger-ui: " + named.body());
            assertTrue(named.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), s.toString());
            assertTrue(named.body().contains("SwaggerUIBundle") && named.body().contains("/q/openapi"),
                    s + " /q/swagger-ui serves Swagger UI over its OpenAPI document");
        }
    }

    @Test
    void unknownPathsAndWrongMethodsAreProblemsOfTheTable() throws Exception {
        Map<String, String> key = Map.of("Authorization", basic(writeKey));
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
        answer(get(ingest, "/v1/no-such-path", key), "not-found");
        answer(get(journey, "/no-such-path", bearer), "not-found");
        answer(get(metrics, "/no-such-path", bearer), "not-found");
        assertEquals("OPTIONS, POST", answer(get(ingest, "/v1/track", key), "method-not-allowed").header("Allow"));
        assertEquals("GET, HEAD, OPTIONS", answer(send(journey, "DELETE", "/stages", bearer), "method-not-allowed")
                .header("Allow"));
        assertEquals("GET, HEAD, OPTIONS", answer(send(metrics, "DELETE", "/funnels", bearer), "method-not-allowed")
                .header("Allow"));
    }

    @Test
    void anUnreachableStoreIs503WithRetryAfter() throws Exception {
        // Kafka (ingest), PostgreSQL (journey) and Redis (metrics) are down here; a retry helps, so Retry-After
        Problem ingestAnswer = answer(post(ingest, "/v1/track", Map.of("Authorization", basic(writeKey)),
                "{\"anonymousId\":\"a-1\",\"event\":\"Ops Check\"}"), "unavailable");
        Problem journeyAnswer = answer(get(journey, "/customers/" + UUID.randomUUID(),
                Map.of("Authorization", "Bearer " + token)), "unavailable");
        Problem metricsAnswer = answer(get(metrics, "/funnels/lifecycle", Map.of("Authorization", "Bearer " + token)),
                "unavailable");
        for (Problem p : List.of(ingestAnswer, journeyAnswer, metricsAnswer)) {
            assertTrue(p.header("Retry-After").matches("\\d+"), p.toString());
        }
        assertTrue(section.contains("with `Retry-After`"), "the section asks for Retry-After on 503s");
    }

    @Test
    void eachServiceRefusesToStartWithADevelopmentSecret() throws Exception {
        assertTrue(section.contains("refuses to start"), "the section states the rule");
        String deadPort = String.valueOf(OpsService.freePort());
        Map<String, Map<String, String>> runs = new LinkedHashMap<>();
        runs.put("ingest-service", Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + deadPort,
                "TOUCHPOINT_REDIS_URL", "redis://127.0.0.1:" + deadPort,
                "TOUCHPOINT_INGEST_SOURCES__OPS__CHANNEL", "web", "TOUCHPOINT_INGEST_SOURCES__OPS__NAME", "Ops",
                "TOUCHPOINT_INGEST_SOURCES__OPS__WRITE_KEY", "dev-write-key"));
        runs.put("journey-service", Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + deadPort,
                "TOUCHPOINT_DB_PORT", deadPort, "QUARKUS_FLYWAY_MIGRATE_AT_START", "false",
                "TOUCHPOINT_API_TOKEN", "dev-api-token", "TOUCHPOINT_SUPPRESSION_KEY", "ops-" + UUID.randomUUID()));
        runs.put("metrics-service", Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + deadPort,
                "TOUCHPOINT_REDIS_URL", "redis://127.0.0.1:" + deadPort, "TOUCHPOINT_API_TOKEN", "dev-api-token"));
        Map<String, String> names = Map.of("ingest-service", "'ops' uses the development write key",
                "journey-service", "TOUCHPOINT_API_TOKEN", "metrics-service", "TOUCHPOINT_API_TOKEN");
        Map<String, OpsService> refused = new HashMap<>();
        runs.forEach((module, env) -> refused.put(module, OpsService.start(module, "refused-" + module, env)));
        for (var e : refused.entrySet()) {
            try (OpsService s = e.getValue()) {
                int exit = s.awaitExit(Duration.ofSeconds(180));
                String log = s.log();
                assertNotEquals(0, exit, e.getKey() + " exits with an error:\n" + s.logTail());
                assertTrue(log.contains(names.get(e.getKey())), e.getKey() + " names what to change:\n" + s.logTail());
                assertFalse(log.contains("dev-api-token") || log.contains("dev-write-key"),
                        e.getKey() + " never prints the secret:\n" + s.logTail());
            }
        }
    }

    private static Set<String> codesOf(OpsService s) throws Exception {
        Set<String> codes = new TreeSet<>();
        JSON.readTree(get(s, "/q/openapi?format=json", Map.of()).body()).path("components").path("schemas")
                .path("Problem").path("x-problem-types")
                .forEach(t -> codes.add(t.path("type").asText().substring(PREFIX.length())));
        return codes;
    }

    /** The challenge CONVENTIONS.md names for a scheme: {@code Basic realm="touchpoint"}. */
    private static String challenge(String scheme) {
        Matcher m = Pattern.compile("`(" + scheme + " realm=\"[^\"]+\")`").matcher(section);
        assertTrue(m.find(), "CONVENTIONS.md names the " + scheme + " challenge");
        return m.group(1);
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** A problem answer, checked against the table's row for {@code code}. */
    record Problem(HttpResponse<String> response, JsonNode body) {
        String header(String name) {
            return response.headers().firstValue(name).orElse("");
        }

        /** Asserts the {@code WWW-Authenticate} value CONVENTIONS.md gives (the realm too, not only the scheme). */
        Problem challenge(String expected) {
            assertEquals(expected, header("WWW-Authenticate"), toString());
            return this;
        }

        @Override
        public String toString() {
            return response.request().method() + " " + response.uri() + " -> " + response.statusCode() + " "
                    + response.headers().map() + " " + response.body();
        }
    }

    private static Problem answer(HttpResponse<String> response, String code) throws Exception {
        Row row = table.get(code);
        assertNotNull(row, "CONVENTIONS.md lists '" + code + "'");
        String what = response.request().method() + " " + response.uri() + " -> " + response.statusCode() + " "
                + response.body();
        assertEquals(row.status(), response.statusCode(), what);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                what);
        JsonNode body = JSON.readTree(response.body());
        assertEquals(PREFIX + code, body.path("type").asText(), what);
        assertEquals(row.status(), body.path("status").asInt(), what);
        assertEquals(row.title(), body.path("title").asText(), what);
        assertFalse(body.path("detail").asText().isBlank(), what);
        assertEquals(response.uri().getRawPath(), body.path("instance").asText(), what);
        return new Problem(response, body);
    }

    private static HttpResponse<String> get(OpsService s, String path, Map<String, String> headers) throws Exception {
        return send(s, "GET", path, headers);
    }

    private static HttpResponse<String> post(OpsService s, String path, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(s.baseUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(OpsService s, String method, String path, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(s.baseUrl() + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
