package io.touchpoint.metrics.repository;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.metrics.config.MetricsConfig;

/**
 * Reads journey-service's export API (deploy/contracts/README.md), the source of truth of a rebuild: pages of
 * {@code {"items":[...],"next":"<cursor>"|null}} with the Bearer API token. Blocking (JDK HttpClient): it runs
 * on the rebuild's worker thread, never on the event loop. The token is never logged.
 */
@ApplicationScoped
public class JourneyExportClient {

    public static final String STAGE_HISTORY = "/export/stage-history";
    public static final String TOUCHPOINTS = "/export/touchpoints";

    /** One page of an export. */
    public record Page(List<JsonNode> items, String next) {
    }

    private final MetricsConfig.Journey config;
    private final ObjectMapper json;
    private final HttpClient http;

    @Inject
    public JourneyExportClient(MetricsConfig config, ObjectMapper json) {
        this.config = config.journey();
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
    }

    public boolean isConfigured() {
        return config.url().filter(u -> !u.isBlank()).isPresent();
    }

    /** @throws ExportFailedException when journey-service does not answer a readable page */
    public Page page(String path, String after, int limit) {
        String base = config.url().orElseThrow(() -> new ExportFailedException("touchpoint.metrics.journey.url is not set"));
        StringBuilder uri = new StringBuilder(base.replaceAll("/+$", "")).append(path).append("?limit=").append(limit);
        if (after != null) {
            uri.append("&after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.toString()))
                .timeout(config.timeout()).header("Accept", "application/json").GET();
        config.token().filter(t -> !t.isBlank()).ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ExportFailedException(path + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExportFailedException(path + " interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new ExportFailedException(path + " answered " + response.statusCode());
        }
        try {
            JsonNode body = json.readTree(response.body());
            JsonNode items = body.get("items");
            if (items == null || !items.isArray()) {
                throw new ExportFailedException(path + " answered a page without an items array");
            }
            List<JsonNode> list = new ArrayList<>();
            items.forEach(list::add);
            JsonNode next = body.get("next");
            return new Page(list, next == null || next.isNull() ? null : next.asText());
        } catch (IOException e) {
            throw new ExportFailedException(path + " answered something that is not JSON", e);
        }
    }

    public Duration timeout() {
        return config.timeout();
    }

    /** The export could not be read; the rebuild stops and the live counters stay as they were. */
    public static class ExportFailedException extends RuntimeException {
        public ExportFailedException(String message) {
            super(message);
        }

        public ExportFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
