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

    Funnels funnels();

    Outbox outbox();

    Consumer consumer();

    interface Consumer {
        /**
         * Records stitched in one PostgreSQL transaction (of a polled batch). The stitcher runs a fixed
         * number of statements per transaction, whatever its size, so bigger is faster. It holds an
         * advisory lock per identifier it may insert (~1.2 per record when everyone is new), which
         * PostgreSQL's lock table (max_locks_per_transaction x max_connections) must hold for every
         * instance at once.
         */
        @WithDefault("2000")
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

        /**
         * Secret key of the suppression list's HMAC digests ({@code TOUCHPOINT_SUPPRESSION_KEY}). Only the dev
         * and test profiles have a value; prod refuses to start without a real one. Keep it: another key
         * no longer recognises the identifiers erased before.
         */
        Optional<String> suppressionKey();
    }

    interface Funnels {
        /**
         * The funnel files, read in order ({@code classpath:} for a bundled resource, else a path on disk); a
         * funnel name may appear once. The default, {@code classpath:funnels.json}, is deploy/contracts/funnels.json,
         * which metrics-service reads too: replace it for both services ({@code TOUCHPOINT_FUNNELS_FILES}).
         */
        List<String> files();
    }

    interface StageModelSettings {
        /** A stage model file on disk replacing the bundled {@code stage-model.json}. */
        Optional<String> path();
    }

    interface Outbox {
        /**
         * Rows one relay pass takes and publishes at most (a stitched batch of 2,000 touchpoints writes
         * about 1,800 in deploy/bench/journey).
         */
        @WithDefault("1000")
        int batchSize();

        /** How often the relay looks for unsent rows besides the trigger after each commit. */
        @WithDefault("1s")
        java.time.Duration pollInterval();
    }
}
