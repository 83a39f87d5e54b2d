package io.touchpoint.metrics.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Settings of the query API under {@code touchpoint.api}. */
@ConfigMapping(prefix = "touchpoint.api")
public interface ApiConfig {

    /**
     * Bearer token of the query API ({@code TOUCHPOINT_API_TOKEN}). Optional here so that a missing value
     * fails with a clear message (the conventions' ProdSecret, via ApiTokenProducer) instead of a bare expansion error.
     */
    Optional<String> token();
}
