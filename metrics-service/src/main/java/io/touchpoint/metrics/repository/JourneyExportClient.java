package io.touchpoint.metrics.repository;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.touchpoint.metrics.config.MetricsConfig;

/**
 * Reads journey-service's export API, the source of truth of a rebuild, through the
 * {@link JourneyExportApi} REST client with the Bearer API token. Blocking: it runs on the rebuild's
 * worker thread, never on the event loop. The token is never logged.
 */
@ApplicationScoped
public class JourneyExportClient {

    public static final String STAGE_HISTORY = "/export/stage-history";
    public static final String TOUCHPOINTS = "/export/touchpoints";

    /** One page of an export. */
    public record Page(List<JsonNode> items, String next) {
    }

    private final MetricsConfig.Journey config;
    /** Null when no URL is configured (a rebuild is then refused). */
    private final JourneyExportApi api;

    @Inject
    public JourneyExportClient(MetricsConfig config) {
        this.config = config.journey();
        this.api = this.config.url().filter(u -> !u.isBlank())
                .map(url -> QuarkusRestClientBuilder.newBuilder()
                        .baseUri(URI.create(url.replaceAll("/+$", "")))
                        .connectTimeout(this.config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout(this.config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                        .build(JourneyExportApi.class))
                .orElse(null);
    }

    public boolean isConfigured() {
        return api != null;
    }

    /**
     * @param path {@link #STAGE_HISTORY} or {@link #TOUCHPOINTS}
     * @throws ExportFailedException when journey-service does not answer a readable page
     */
    public Page page(String path, String after, int limit) {
        if (api == null) {
            throw new ExportFailedException("touchpoint.metrics.journey.url is not set");
        }
        String authorization = config.token().filter(t -> !t.isBlank()).map(t -> "Bearer " + t).orElse(null);
        RestResponse<JourneyExportApi.ExportPage> response;
        try {
            response = api.page(path.substring(path.lastIndexOf('/') + 1), after, limit, authorization);
        } catch (WebApplicationException | ProcessingException e) {
            // the client reports a body it cannot read as JSON like an error status, with the parser's exception as cause
            if (isUnreadableBody(e)) {
                throw new ExportFailedException(path + " answered something that is not JSON", e);
            }
            if (e instanceof WebApplicationException status) {
                throw new ExportFailedException(path + " answered " + status.getResponse().getStatus());
            }
            throw new ExportFailedException(path + " unreachable: " + e.getMessage(), e);
        }
        if (response.getStatus() != 200) {
            throw new ExportFailedException(path + " answered " + response.getStatus());
        }
        JourneyExportApi.ExportPage page = response.getEntity();
        if (page == null || page.items() == null) {
            throw new ExportFailedException(path + " answered a page without an items array");
        }
        return new Page(List.copyOf(page.items()), page.next());
    }

    private static boolean isUnreadableBody(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof JacksonException) {
                return true;
            }
        }
        return false;
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
