package io.touchpoint.conventions.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * The settings of this module ({@code touchpoint.conventions.*}), which a service's application.properties give.
 * Declared as a mapping so that a service whose own mapping covers {@code touchpoint.*} (journey) accepts them.
 */
@ConfigMapping(prefix = "touchpoint.conventions")
public interface ConventionsConfig {

    /**
     * {@code required} in a service whose API is guarded by the query APIs' bearer token (journey, metrics): the
     * conventions' ApiTokenFilter is built into it. Read at build time; unset elsewhere (ingest).
     */
    Optional<String> apiToken();
}
