package io.touchpoint.metrics.repository;

/**
 * The Redis key layout of metrics-service (module README, "Redis keys"; ADR 0013). Everything lives under
 * {@code tp:metrics:}. Counters and state live in a generation ({@code tp:metrics:g<N>:}, so a rebuild can fill a
 * fresh one and swap to it in one step) and there in a <em>part</em> with a Redis Cluster hash tag of its own:
 * {@code {funnel:<id>}} per funnel and {@code {people}} for the KPIs and identities. One script call touches one
 * part, so one slot; the pointers to the generations share the tag {@code {control}}.
 */
public final class FunnelCounterKeys {

    public static final String PREFIX = "tp:metrics:";
    /** Prefix of the generation live counters are read from; absent means {@link #FIRST_GENERATION}. */
    public static final String GENERATION = PREFIX + "{control}:generation";
    /** Prefix of the generation a rebuild is filling (with a lease TTL); live records are applied to it too. */
    public static final String BUILDING = PREFIX + "{control}:building";
    /** Sequence of generation numbers. */
    public static final String GENERATION_SEQUENCE = PREFIX + "{control}:generation-seq";
    public static final String FIRST_GENERATION = PREFIX + "g0:";
    /** Suffix of a part's marker that its generation was deleted: writes leave it alone. */
    public static final String RETIRED = "retired";

    private FunnelCounterKeys() {
    }

    /** Prefix of one funnel's part in a generation: {@code <generation>{funnel:<funnelId>}:}. */
    public static String funnelPart(String generation, String funnelId) {
        return generation + "{funnel:" + funnelId + "}:";
    }

    /** Prefix of the KPI and identity part in a generation: {@code <generation>{people}:}. */
    public static String peoplePart(String generation) {
        return generation + "{people}:";
    }

    /** All-time counters of a funnel: {@code <generation>{funnel:<funnelId>}:total}. */
    public static String funnelTotal(String generation, String funnelId) {
        return funnelPart(generation, funnelId) + "total";
    }

    /** Counters of a funnel by UTC day of entry: {@code <generation>{funnel:<funnelId>}:day:<yyyy-MM-dd>}. */
    public static String funnelDay(String generation, String funnelId, String day) {
        return funnelPart(generation, funnelId) + "day:" + day;
    }

    /** All-time KPI counters: {@code <generation>{people}:kpi:total}. */
    public static String kpiTotal(String generation) {
        return peoplePart(generation) + "kpi:total";
    }

    /** KPI counters by UTC day of the event: {@code <generation>{people}:kpi:day:<yyyy-MM-dd>}. */
    public static String kpiDay(String generation, String day) {
        return peoplePart(generation) + "kpi:day:" + day;
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
