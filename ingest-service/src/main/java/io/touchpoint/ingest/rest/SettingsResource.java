package io.touchpoint.ingest.rest;

import java.net.URI;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.ingest.service.IngestMetrics;
import io.touchpoint.ingest.service.SourceSettings;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The settings the browser and mobile SDKs load before sending, so that they need nothing but this
 * service's URL: analytics-next's {@code cdnURL} (and the mobile SDKs' {@code cdnHost}
 * {@code <host>/v1}) and RudderStack JS v3's {@code configUrl}. CORS applies as to every path.
 */
@Path("/")
@Tag(name = "Settings", description = "Source settings for the browser and mobile SDKs")
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {

    /** Settings change only with the configuration: browsers and shared caches may keep them for a minute. */
    private static final CacheControl CACHE = CacheControl.valueOf("public, max-age=60");
    /** The key may come as Basic auth, so the answer is per requester: no shared cache may keep it. */
    private static final CacheControl PRIVATE_CACHE = CacheControl.valueOf("private, max-age=60");
    /**
     * Access-Control-Allow-Origin echoes the request's Origin (and is absent without one): a cache must not
     * hand one origin's answer to another, or a browser would refuse it.
     */
    private static final String VARY_ORIGIN = "Origin";

    @Inject
    SourceSettings settings;

    @Inject
    IngestMetrics metrics;

    @GET
    @Path("v1/projects/{writeKey}/settings")
    @Operation(summary = "Segment project settings of a source (analytics-next cdnURL, mobile cdnHost)",
            description = "The Segment.io integration points the SDK back at this service: apiKey is the write key, "
                    + "apiHost host[:port][/path]/v1 of touchpoint.ingest.public-url (else of this request), protocol "
                    + "its scheme. No destinations, no secrets. An unknown write key is 404.")
    @Parameter(name = "writeKey", in = ParameterIn.PATH, description = "The source's write key", example = "dev-write-key")
    @APIResponse(responseCode = "200", description = "The source's settings",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "dev-web", value = """
                    {"integrations":{"Segment.io":{"apiKey":"dev-write-key","apiHost":"collect.example.com/v1",
                     "protocol":"https","unbundledIntegrations":[],"addBundledMetadata":true,"maybeBundledConfigIds":{},
                     "versionSettings":{"componentTypes":["browser","android","ios"]}}},
                     "plan":{"track":{"__default":{"enabled":true,"integrations":{}}},"identify":{"__default":{"enabled":true}},
                     "group":{"__default":{"enabled":true}}},"edgeFunction":{},"analyticsNextEnabled":true,
                     "middlewareSettings":{},"enabledMiddleware":{},"metrics":{"sampleRate":0},
                     "legacyVideoPluginsEnabled":false,"remotePlugins":[]}""")))
    @APIResponse(responseCode = "404", description = "No source has this write key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> segment(@PathParam("writeKey") String writeKey, RoutingContext ctx) {
        return RequestTiming.timed(metrics, "settings", Uni.createFrom().item(() -> Response
                .ok(settings.segment(writeKey, base(ctx.request()))).cacheControl(CACHE)
                .header(HttpHeaders.VARY, VARY_ORIGIN).build()));
    }

    @GET
    @Path("sourceConfig")
    @Operation(summary = "RudderStack source config of a source (RudderStack JS v3 configUrl)",
            description = "The write key is the 'writeKey' query parameter (what the SDK sends) or the HTTP Basic user. "
                    + "The source with no destinations: every event goes to the data plane, this service. A missing or "
                    + "unknown write key is 401.")
    @Parameter(name = "writeKey", in = ParameterIn.QUERY, description = "The source's write key", example = "dev-write-key")
    @APIResponse(responseCode = "200", description = "The source",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "dev-web", value = """
                    {"isHosted":false,"source":{"id":"dev-web","name":"Development website","writeKey":"dev-write-key",
                     "workspaceId":"touchpoint","enabled":true,"deleted":false,
                     "config":{"statsCollection":{"errors":{"enabled":false},"metrics":{"enabled":false}}},
                     "destinations":[]}}""")))
    @APIResponse(responseCode = "401", description = "No write key, or one no source owns (WWW-Authenticate: Basic)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> sourceConfig(RoutingContext ctx) {
        return RequestTiming.timed(metrics, "sourceConfig", Uni.createFrom().item(() -> Response
                .ok(settings.rudderStack(RequestCredentials.writeKey(ctx))).cacheControl(PRIVATE_CACHE)
                .header(HttpHeaders.VARY, VARY_ORIGIN + ", " + HttpHeaders.AUTHORIZATION).build()));
    }

    /** scheme://authority as this request reached the service (forwarded headers count when Quarkus honours them). */
    private static URI base(HttpServerRequest request) {
        // HTTP/1.0 without Host: the address the connection reached
        String authority = request.authority() != null ? request.authority().toString()
                : request.localAddress().hostAddress() + ":" + request.localAddress().port();
        return URI.create(request.scheme() + "://" + authority);
    }
}
