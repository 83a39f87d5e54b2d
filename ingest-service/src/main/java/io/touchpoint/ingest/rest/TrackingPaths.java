package io.touchpoint.ingest.rest;

import java.util.Optional;

import io.touchpoint.ingest.service.CallType;

/**
 * The one table of the tracking API's paths: what each POST path is (a single call of one type, or a
 * batch) and the endpoint it is counted and recorded as. {@link TrackingResource} answers them, the
 * HTTP layer ({@link HttpFailureRoutes}) reads their bodies and records an oversized one by it.
 *
 * <ul>
 * <li>{@code /v1/track}, {@code /v1/identify}, {@code /v1/page}, {@code /v1/screen}, {@code /v1/group},
 * {@code /v1/alias}: one call (Segment's HTTP Tracking API, RudderStack JS, the server SDKs);</li>
 * <li>{@code /v1/t}, {@code /v1/i}, {@code /v1/p}, {@code /v1/s}, {@code /v1/g}, {@code /v1/a}: the same
 * calls by the first letter of their type, as analytics-next posts them
 * ({@code `${remote}/${ctx.event.type.charAt(0)}`}, packages/browser/src/plugins/segmentio/index.ts);</li>
 * <li>{@code /v1/batch}, {@code /v1/import}, {@code /v1/b} (analytics-next batching, analytics-kotlin,
 * analytics-swift), {@code /beacon/v1/batch} (RudderStack JS's sendBeacon transport): a batch.</li>
 * </ul>
 */
public final class TrackingPaths {

    /** What a path is: {@code type} is empty for a batch; {@code endpoint} is the metric and rejection tag. */
    public record Endpoint(Optional<CallType> type, String endpoint) {
        public boolean batch() {
            return type.isEmpty();
        }
    }

    /** Where the HTTP layer reads bodies for this API (Vert.x route paths). */
    static final String[] BODY_ROUTES = { "/v1/*", "/beacon/*" };

    /** The paths in words, for the detail of a 404. */
    static final String SUMMARY = "POST /v1/track, /v1/identify, /v1/page, /v1/screen, /v1/group, /v1/alias "
            + "(or their short forms /v1/t, /v1/i, /v1/p, /v1/s, /v1/g, /v1/a), /v1/batch, /v1/import, /v1/b "
            + "or /beacon/v1/batch";

    private static final Endpoint BATCH = new Endpoint(Optional.empty(), "batch");
    private static final Endpoint IMPORT = new Endpoint(Optional.empty(), "import");

    private TrackingPaths() {
    }

    /** The endpoint a request path names, if the tracking API has one there. */
    public static Optional<Endpoint> of(String path) {
        if (path == null) {
            return Optional.empty();
        }
        if (path.equals("/beacon/v1/batch")) {
            return Optional.of(BATCH);
        }
        if (!path.startsWith("/v1/")) {
            return Optional.empty();
        }
        return ofV1(path.substring(4));
    }

    /** The endpoint of the last segment of a {@code /v1/} path ({@code track}, {@code t}, {@code b} …). */
    public static Optional<Endpoint> ofV1(String name) {
        switch (name) {
            case "batch", "b":
                return Optional.of(BATCH);
            case "import":
                return Optional.of(IMPORT);
            default:
                break;
        }
        for (CallType type : CallType.values()) {
            if (type.wire().equals(name) || (name.length() == 1 && type.wire().charAt(0) == name.charAt(0))) {
                return Optional.of(new Endpoint(Optional.of(type), type.wire()));
            }
        }
        return Optional.empty();
    }
}
