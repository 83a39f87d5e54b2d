package io.touchpoint.metrics.service;

import java.time.Instant;
import java.util.List;

/**
 * What one touchpoint adds to the KPI counters: measure deltas (summed per day, channel and stage) and
 * "firsts" (a customer counts once, in the bucket of its earliest such event: paying customers, churned
 * customers). {@code customerId} is known only when the event comes from journey-service's export (rebuild);
 * live events find their customer through {@code userId}/{@code anonymousId}.
 */
public record KpiEvent(String messageId, String customerId, String userId, String anonymousId, Instant at,
        String channel, String kind, List<Measure> measures, List<String> firsts) {

    public KpiEvent {
        measures = List.copyOf(measures);
        firsts = List.copyOf(firsts);
    }

    /** A counter and what the event adds to it (whole numbers: Redis adds integers atomically). */
    public record Measure(String name, long delta) {
    }

    public KpiEvent withCustomer(String id) {
        return new KpiEvent(messageId, id, userId, anonymousId, at, channel, kind, measures, firsts);
    }
}
