package io.touchpoint.ingest.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import jakarta.ws.rs.core.HttpHeaders;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/** What a request says about who sent it: the Segment write key and the client address. */
final class RequestCredentials {

    private RequestCredentials() {
    }

    /** The query parameter RudderStack's beacon transport (and any SDK that cannot set headers) carries the key in. */
    static final String WRITE_KEY_PARAM = "writeKey";

    /**
     * The write key the request names outside its body: the Basic user of {@code Authorization}, else
     * the {@code writeKey} query parameter (navigator.sendBeacon cannot set headers:
     * {@code /beacon/v1/batch?writeKey=…}). Empty when it names none: the key may then be in the body.
     */
    static Optional<String> writeKey(RoutingContext ctx) {
        Optional<String> basic = basicWriteKey(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (basic.isPresent()) {
            return basic;
        }
        java.util.List<String> query = ctx.queryParam(WRITE_KEY_PARAM);
        return query.isEmpty() ? Optional.empty() : Optional.of(query.get(0));
    }

    /**
     * The write key of {@code Authorization: Basic base64(writeKey:)}. Empty when there is no Basic
     * header (the key may then be in the body); a Basic header that cannot be decoded yields an empty
     * key, which authenticates nobody.
     */
    static Optional<String> basicWriteKey(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return Optional.of(colon >= 0 ? decoded.substring(0, colon) : decoded);
        } catch (IllegalArgumentException e) {
            return Optional.of("");
        }
    }

    /** The first hop of {@code X-Forwarded-For} (the original client behind proxies), else the peer address. */
    static String clientIp(HttpServerRequest request) {
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded != null) {
            String first = forwarded.split(",", 2)[0].trim();
            if (!first.isEmpty()) {
                return first;
            }
        }
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }

    /**
     * Which attempt an SDK says this request is: {@code X-Retry-Count} (analytics-next, analytics-kotlin,
     * analytics-swift; absent on the first attempt) or {@code Rsa-Retry-Attempt} (RudderStack JS v3).
     * 0 for a first attempt or a value that is not a positive number.
     */
    static int retryAttempt(HttpServerRequest request) {
        String value = request.getHeader("X-Retry-Count");
        if (value == null) {
            value = request.getHeader("Rsa-Retry-Attempt");
        }
        if (value == null || value.isEmpty() || value.length() > 9) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
