package io.touchpoint.metrics.config;

import java.util.List;

import io.smallrye.config.ConfigMapping;

/** Where the funnel definitions are ({@code touchpoint.funnels}), the same setting journey-service has. */
@ConfigMapping(prefix = "touchpoint.funnels")
public interface FunnelsConfig {

    /**
     * The funnel files, read in order ({@code classpath:} for a bundled resource, else a path on disk); a funnel
     * name may appear once. The default, {@code classpath:funnels.json}, is deploy/contracts/funnels.json, which
     * journey-service reads too: replace it for both services ({@code TOUCHPOINT_FUNNELS_FILES}).
     */
    List<String> files();
}
