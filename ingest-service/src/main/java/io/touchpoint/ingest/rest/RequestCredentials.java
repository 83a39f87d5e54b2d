package io.touchpoint.ingest.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import io.vertx.core.http.HttpServerRequest;

/** What a request says about who sent it: the Segment write key and the client address. */
final class RequestCredentials {

    private RequestCredentials() {
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
}
