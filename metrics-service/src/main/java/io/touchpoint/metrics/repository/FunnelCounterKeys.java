package io.touchpoint.metrics.repository;

/**
 * The Redis key layout of metrics-service (documented in the module README). Everything lives under
 * {@code tp:metrics:}; the Lua script derives the same keys from {@link #PREFIX}.
 */
public final class FunnelCounterKeys {

    public static final String PREFIX = "tp:metrics:";

    private FunnelCounterKeys() {
    }

    /** Marker that a transition was applied: {@code tp:metrics:seen:<transitionId>}, with a TTL. */
    public static String seen(String transitionId) {
        return PREFIX + "seen:" + transitionId;
    }

    /** Per-customer state hash: {@code tp:metrics:customer:<customerId>}, field stage, value {@code at|day|channel}. */
    public static String customer(String customerId) {
        return PREFIX + "customer:" + customerId;
    }

    /** Absorbed customer → survivor: {@code tp:metrics:alias:<customerId>}. */
    public static String alias(String customerId) {
        return PREFIX + "alias:" + customerId;
    }

    /** All-time counters of a funnel: {@code tp:metrics:funnel:<funnelId>:total}. */
    public static String funnelTotal(String funnelId) {
        return PREFIX + "funnel:" + funnelId + ":total";
    }

    /** Counters of a funnel by UTC day of entry: {@code tp:metrics:funnel:<funnelId>:day:<yyyy-MM-dd>}. */
    public static String funnelDay(String funnelId, String day) {
        return PREFIX + "funnel:" + funnelId + ":day:" + day;
    }

    /** Hash field: {@code entered:<stage>} or, per channel, {@code entered:<stage>:<channel>}. */
    public static String enteredField(String stage, String channel) {
        return channel == null ? "entered:" + stage : "entered:" + stage + ":" + channel;
    }

    /** Hash field: {@code converted:<stage>} or, per channel, {@code converted:<stage>:<channel>}. */
    public static String convertedField(String stage, String channel) {
        return channel == null ? "converted:" + stage : "converted:" + stage + ":" + channel;
    }
}
