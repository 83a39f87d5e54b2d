package io.touchpoint.metrics.repository;

/**
 * The Redis key layout of metrics-service (documented in the module README). Everything lives under
 * {@code tp:metrics:}; counters and state under a generation prefix ({@code tp:metrics:g<N>:}) so a rebuild
 * can fill a fresh generation and swap to it in one step. The Lua script derives the same keys.
 */
public final class FunnelCounterKeys {

    public static final String PREFIX = "tp:metrics:";
    /** Prefix of the generation live counters are read from; absent means {@link #FIRST_GENERATION}. */
    public static final String GENERATION = PREFIX + "generation";
    /** Prefix of the generation a rebuild is filling (with a lease TTL); live records are applied to it too. */
    public static final String BUILDING = PREFIX + "building";
    /** Sequence of generation numbers. */
    public static final String GENERATION_SEQUENCE = PREFIX + "generation-seq";
    public static final String FIRST_GENERATION = PREFIX + "g0:";

    private FunnelCounterKeys() {
    }

    /** All-time counters of a funnel: {@code <generation>funnel:<funnelId>:total}. */
    public static String funnelTotal(String generation, String funnelId) {
        return generation + "funnel:" + funnelId + ":total";
    }

    /** Counters of a funnel by UTC day of entry: {@code <generation>funnel:<funnelId>:day:<yyyy-MM-dd>}. */
    public static String funnelDay(String generation, String funnelId, String day) {
        return generation + "funnel:" + funnelId + ":day:" + day;
    }

    /** All-time KPI counters: {@code <generation>kpi:total}. */
    public static String kpiTotal(String generation) {
        return generation + "kpi:total";
    }

    /** KPI counters by UTC day of the event: {@code <generation>kpi:day:<yyyy-MM-dd>}. */
    public static String kpiDay(String generation, String day) {
        return generation + "kpi:day:" + day;
    }

    /** Funnel hash field: {@code <measure>:<stage>} or, per channel, {@code <measure>:<stage>:<channel>}. */
    public static String funnelField(String measure, String stage, String channel) {
        return channel == null ? measure + ":" + stage : measure + ":" + stage + ":" + channel;
    }

    /** Time-to-convert bucket field: {@code ttc:<stage>:<bucket index>} (+ {@code :<channel>}). */
    public static String ttcField(String stage, int bucket, String channel) {
        return funnelField("ttc", stage + ":" + bucket, channel);
    }
}
