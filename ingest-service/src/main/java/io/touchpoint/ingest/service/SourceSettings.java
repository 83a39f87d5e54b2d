package io.touchpoint.ingest.service;

import java.net.URI;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.Startup;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.config.SourceRegistry;
import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;

/**
 * The settings a browser or mobile SDK loads before it sends anything, answered for a source so that
 * the SDK needs only this service's URL: Segment's project settings (analytics-next's {@code cdnURL},
 * the mobile SDKs' {@code cdnHost}) and RudderStack's source config (RudderStack JS's
 * {@code configUrl}). Both carry no destination and no secret: the only credential in them is the
 * write key the caller already sent.
 */
@Startup
@ApplicationScoped
public class SourceSettings {

    /** The workspace RudderStack JS stores for the source; there is one here. */
    static final String WORKSPACE_ID = "touchpoint";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SourceRegistry sources;
    private final Optional<URI> publicUrl;

    @Inject
    public SourceSettings(SourceRegistry sources, IngestConfig config) {
        this.sources = sources;
        this.publicUrl = config.publicUrl().filter(url -> !url.isBlank()).map(SourceSettings::parse);
    }

    /** Where analytics-next posts: {@code `${protocol}://${apiHost}/t`}, so apiHost has no scheme. */
    record SegmentApi(String apiHost, String protocol) {
        static SegmentApi of(URI base) {
            String path = base.getRawPath() == null ? "" : base.getRawPath();
            if (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return new SegmentApi(base.getRawAuthority() + path + "/v1", base.getScheme());
        }
    }

    static URI parse(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("ingest-service refuses to start: touchpoint.ingest.public-url '" + url
                    + "' is not a URL; set it to the http(s) URL browsers reach this service at", e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getRawAuthority() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalStateException("ingest-service refuses to start: touchpoint.ingest.public-url '" + url
                    + "' must be an http or https URL without query or fragment, e.g. https://collect.example.com");
        }
        return uri;
    }

    /**
     * analytics-next's {@code CDNSettings} (packages/browser/src/browser/settings.ts): the
     * {@code Segment.io} integration's {@code apiKey} becomes the write key of every event, its
     * {@code apiHost} and {@code protocol} the URL it posts to ({@code `${protocol}://${apiHost}/t`}
     * …), so {@code apiHost} is host[:port]/path/v1 without a scheme. {@code metrics.sampleRate} 0:
     * no SDK telemetry is sent (analytics-next would post it to Segment's own {@code /m}).
     *
     * @param requestBase scheme://authority the request came to, used when no public URL is configured
     * @throws UnknownSourceException when no source owns the write key
     */
    public ObjectNode segment(String writeKey, URI requestBase) {
        sources.authenticate(writeKey).orElseThrow(UnknownSourceException::writeKey);
        SegmentApi api = SegmentApi.of(publicUrl.orElse(requestBase));
        ObjectNode settings = JSON.createObjectNode();
        ObjectNode segment = settings.putObject("integrations").putObject("Segment.io");
        segment.put("apiKey", writeKey);
        segment.put("apiHost", api.apiHost());
        segment.put("protocol", api.protocol());
        segment.putArray("unbundledIntegrations");
        segment.put("addBundledMetadata", true);
        segment.putObject("maybeBundledConfigIds");
        segment.putObject("versionSettings").putArray("componentTypes").add("browser").add("android").add("ios");
        ObjectNode plan = settings.putObject("plan");
        plan.putObject("track").putObject("__default").put("enabled", true).putObject("integrations");
        plan.putObject("identify").putObject("__default").put("enabled", true);
        plan.putObject("group").putObject("__default").put("enabled", true);
        settings.putObject("edgeFunction");
        settings.put("analyticsNextEnabled", true);
        settings.putObject("middlewareSettings");
        settings.putObject("enabledMiddleware");
        settings.putObject("metrics").put("sampleRate", 0);
        settings.put("legacyVideoPluginsEnabled", false);
        settings.putArray("remotePlugins");
        return settings;
    }

    /**
     * RudderStack JS v3's source config (packages/analytics-js/src/components/configManager: it
     * requires {@code source.id}, an object {@code source.config} and an array
     * {@code source.destinations}, and stops when {@code source.enabled} is false). No destination:
     * everything goes to the data plane, this service. Error and metrics reporting off, so the SDK
     * posts nothing to {@code /rsaMetrics}.
     *
     * @throws UnauthorizedException when the write key is missing or no source owns it
     */
    public ObjectNode rudderStack(Optional<String> writeKey) {
        AuthenticatedSource source = writeKey.filter(key -> !key.isEmpty()).map(key -> sources.authenticate(key)
                .orElseThrow(() -> new UnauthorizedException(
                        "the write key does not belong to any source; check the write key the SDK is loaded with")))
                .orElseThrow(() -> new UnauthorizedException(
                        "a write key is required: send it as the 'writeKey' query parameter or the HTTP Basic user"));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("isHosted", false);
        ObjectNode config = answer.putObject("source");
        config.put("id", source.id());
        config.put("name", source.name());
        config.put("writeKey", writeKey.get());
        config.put("workspaceId", WORKSPACE_ID);
        config.put("enabled", true);
        config.put("deleted", false);
        ObjectNode stats = config.putObject("config").putObject("statsCollection");
        stats.putObject("errors").put("enabled", false);
        stats.putObject("metrics").put("enabled", false);
        config.putArray("destinations");
        return answer;
    }
}
