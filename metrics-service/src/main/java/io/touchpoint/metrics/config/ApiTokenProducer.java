package io.touchpoint.metrics.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;
import io.touchpoint.conventions.rest.ApiToken;

/**
 * The query API's bearer token from {@link ApiConfig}, for the conventions' ApiTokenFilter (enabled in
 * application.properties). Produced at start-up, so a production instance without a real token never starts.
 */
public class ApiTokenProducer {

    @Produces
    @Singleton
    @Startup
    ApiToken apiToken(ApiConfig api) {
        return ApiToken.require(api.token());
    }
}
