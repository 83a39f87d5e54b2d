package io.touchpoint.journey.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed settings of journey-service ({@code touchpoint.*}). */
@ConfigMapping(prefix = "touchpoint")
public interface JourneyConfig {

    Api api();

    Identity identity();

    StageModelSettings stageModel();

    Outbox outbox();

    Consumer consumer();

    interface Consumer {
        /**
         * Records stitched in one PostgreSQL transaction (of a polled batch). Bigger amortises the commit
         * over more records; each record holds a few advisory locks until the commit, so keep it well
         * below max_locks_per_transaction x max_connections / instances.
         */
        @WithDefault("100")
        int transactionSize();
    }

    interface Api {
        /**
         * Bearer token of the query API ({@code TOUCHPOINT_API_TOKEN}). Only the dev and test profiles
         * have a value; prod refuses to start without a real one.
         */
        Optional<String> token();
    }

    interface Identity {
        /**
         * Identifier values that never create or link a customer (compared trimmed, case-insensitively;
         * blank values are always blocked):
         * placeholders SDKs and forms send when they know nobody.
         */
        @WithDefault("null,undefined,anonymous,0,-1,unknown,none,n/a")
        List<String> blockedValues();

        /**
         * At most this many identifiers of a type per customer ({@code max-per-customer.email=10});
         * further ones are not attached. Types not listed use {@link #maxPerCustomerOther()}.
         */
        Map<String, Integer> maxPerCustomer();

        /** The limit of identifier types not listed in {@link #maxPerCustomer()} (e.g. {@code external:*}). */
        @WithDefault("20")
        int maxPerCustomerOther();
    }

    interface StageModelSettings {
        /** A stage model file on disk replacing the bundled {@code stage-model.json}. */
        Optional<String> path();
    }

    interface Outbox {
        /** Rows one relay pass locks and publishes at most. */
        @WithDefault("200")
        int batchSize();

        /** How often the relay looks for unsent rows besides the trigger after each commit. */
        @WithDefault("1s")
        java.time.Duration pollInterval();
    }
}
