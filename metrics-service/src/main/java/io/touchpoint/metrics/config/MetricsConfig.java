package io.touchpoint.metrics.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Typed settings of metrics-service under {@code touchpoint.metrics}. The funnels are not here: both services
 * read them from the funnel files ({@link FunnelsConfig}).
 */
@ConfigMapping(prefix = "touchpoint.metrics")
public interface MetricsConfig {

    /**
     * How long a transitionId is remembered, so a re-delivered record changes no counter. Must exceed the
     * longest time a record can be re-delivered (consumer lag plus topic retention of a replay).
     */
    @WithDefault("P30D")
    Duration dedupWindow();

    /** How often the {@code touchpoint_funnel_customers} gauges are read from Redis. */
    @WithDefault("15s")
    Duration gaugeRefresh();

    /** How often the drop-off sweep looks for steps whose conversion window has passed. */
    @WithDefault("30s")
    Duration sweepInterval();

    /** The stage whose customers are the base of the churn rate ("distinct customers who reached purchase"). */
    @WithDefault("purchase")
    String churnBaseStage();

    /**
     * Records per counter-script call. A consumed batch is split per part (funnel, people) and into calls of
     * this many, all sent in one pipeline; Redis serves nothing else while one call runs (20-40 µs per record on
     * the development machine). Larger calls merge more counter deltas into one HINCRBY.
     */
    @WithDefault("1000")
    int recordsPerScriptCall();

    /** journey-service's export API, the source of a rebuild. */
    Journey journey();

    /** Rebuild from journey-service. */
    Rebuild rebuild();

    interface Journey {
        /** Base URL of journey-service, e.g. {@code http://127.0.0.1:8082}; without it a rebuild is refused. */
        Optional<String> url();

        /** journey-service's API token ({@code TOUCHPOINT_JOURNEY_API_TOKEN}); never logged. */
        Optional<String> token();

        /** Per request to the export API. */
        @WithDefault("30s")
        Duration timeout();
    }

    interface Rebuild {
        /** Items per export page (the API allows 1..5000). */
        @WithDefault("1000")
        int pageSize();
    }
}
