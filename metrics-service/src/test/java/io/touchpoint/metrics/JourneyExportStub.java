package io.touchpoint.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A stand-in for journey-service's export API (deploy/contracts/README.md), serving contract-shaped pages of
 * whatever a test put here: {@code GET /export/stage-history} and {@code /export/touchpoints} with
 * {@code after}/{@code limit}, an opaque cursor, and the Bearer token. Contract level only: the real
 * journey-service answering from PostgreSQL is proven end to end in deploy/e2e.
 */
public class JourneyExportStub implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "journey-export-test-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile List<ObjectNode> stageHistory = List.of();
    private static volatile List<ObjectNode> touchpoints = List.of();
    private static volatile long delayMillis;
    /** When set, every page answers this status and body instead (a journey-service in trouble). */
    private static volatile Map.Entry<Integer, String> fixedAnswer;
    private HttpServer server;

    public static void serve(List<ObjectNode> history, List<ObjectNode> records) {
        stageHistory = List.copyOf(history);
        touchpoints = List.copyOf(records);
    }

    /** Makes every page slow, so a test can see a rebuild running. */
    public static void delayPages(long millis) {
        delayMillis = millis;
    }

    /** Makes every page answer {@code status} with {@code body}; null status: pages as usual again. */
    public static void answerEveryPage(Integer status, String body) {
        fixedAnswer = status == null ? null : Map.entry(status, body);
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/export/stage-history", ex -> page(ex, stageHistory));
        server.createContext("/export/touchpoints", ex -> page(ex, touchpoints));
        server.start();
        return Map.of("touchpoint.metrics.journey.url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "touchpoint.metrics.journey.token", TOKEN,
                "touchpoint.metrics.rebuild.page-size", "250");
    }

    private static void page(HttpExchange ex, List<ObjectNode> all) throws IOException {
        try (ex) {
            if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                answer(ex, 401, "{\"type\":\"urn:touchpoint:problem:unauthorized\",\"status\":401}");
                return;
            }
            Map.Entry<Integer, String> fixed = fixedAnswer;
            if (fixed != null) {
                answer(ex, fixed.getKey(), fixed.getValue());
                return;
            }
            Map<String, String> query = new HashMap<>();
            String raw = ex.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    String[] kv = pair.split("=", 2);
                    query.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
                }
            }
            int limit = Integer.parseInt(query.getOrDefault("limit", "1000"));
            if (limit < 1 || limit > 5000) {
                answer(ex, 400, "{\"type\":\"urn:touchpoint:problem:invalid-parameter\",\"status\":400}");
                return;
            }
            // opaque to the client: "c" + offset
            int from = query.containsKey("after") ? Integer.parseInt(query.get("after").substring(1)) : 0;
            int to = Math.min(all.size(), from + limit);
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            ObjectNode body = JSON.createObjectNode();
            ArrayNode items = body.putArray("items");
            all.subList(from, to).forEach(items::add);
            if (to < all.size()) {
                body.put("next", "c" + to);
            } else {
                body.putNull("next");
            }
            answer(ex, 200, JSON.writeValueAsString(body));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
