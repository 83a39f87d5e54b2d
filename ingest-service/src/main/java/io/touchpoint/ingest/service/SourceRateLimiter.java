package io.touchpoint.ingest.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.touchpoint.ingest.config.IngestConfig;

/**
 * Requests per second per source (and so per write key), as a token bucket in this instance. With
 * N instances behind a load balancer a source gets up to N times its rate; the limit protects each
 * instance and Kafka from one noisy source, it is not a billing quota.
 */
@ApplicationScoped
public class SourceRateLimiter {

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final IngestConfig config;

    @Inject
    public SourceRateLimiter(IngestConfig config) {
        this.config = config;
    }

    /** @throws RateLimitedException when the source has used up its bucket */
    public void acquire(String sourceId) {
        IngestConfig.Source source = config.sources().get(sourceId);
        if (source == null || source.rateLimit().isEmpty()) {
            return;
        }
        IngestConfig.RateLimit limit = source.rateLimit().get();
        Bucket bucket = buckets.computeIfAbsent(sourceId,
                id -> new Bucket(limit.requestsPerSecond(), limit.burst().orElse(limit.requestsPerSecond())));
        long waitNanos = bucket.take(System.nanoTime());
        if (waitNanos > 0) {
            throw new RateLimitedException(sourceId, (int) Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
        }
    }

    /** Refills continuously at {@code perSecond}, holds at most {@code capacity} tokens. */
    static final class Bucket {
        private final double perNano;
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(int perSecond, int capacity) {
            this.perNano = perSecond / 1e9;
            this.capacity = capacity;
            this.tokens = capacity;
            this.last = System.nanoTime();
        }

        /** Takes a token and returns 0, or returns how long until one is available. */
        synchronized long take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }
    }
}
