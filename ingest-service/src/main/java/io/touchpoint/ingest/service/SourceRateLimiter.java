package io.touchpoint.ingest.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.repository.SharedRateLimits;

/**
 * Requests per second per source (and so per write key), as a token bucket in Redis shared by every
 * ingest instance ({@link SharedRateLimits}): with N instances a source still gets its rate, not N
 * times it. One Redis round trip per request, only for sources with a limit.
 *
 * <p>Redis down or slower than {@code rate-limit-timeout}: this instance decides alone with its own
 * bucket of the same size (what every instance did before the buckets were shared), counted by
 * {@code touchpoint_ingest_rate_limit_unavailable_total}. Neither refusing every request nor
 * letting a noisy source through unlimited: the limit still protects the instance and Kafka, at up
 * to N times the rate while Redis is away.
 */
@ApplicationScoped
public class SourceRateLimiter {

    private static final Logger LOG = Logger.getLogger(SourceRateLimiter.class);
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

    private final Map<String, Bucket> localBuckets = new ConcurrentHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final IngestConfig config;
    private final SharedRateLimits shared;
    private final IngestMetrics metrics;

    @Inject
    public SourceRateLimiter(IngestConfig config, SharedRateLimits shared, IngestMetrics metrics) {
        this.config = config;
        this.shared = shared;
        this.metrics = metrics;
    }

    /**
     * Takes a token of the source's bucket. Completes at once for a source without a limit.
     *
     * @return fails with {@link RateLimitedException} when the source has used up its bucket
     */
    public Uni<Void> acquire(String sourceId) {
        IngestConfig.Source source = config.sources().get(sourceId);
        if (source == null || source.rateLimit().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        IngestConfig.RateLimit limit = source.rateLimit().get();
        int perSecond = limit.requestsPerSecond();
        int capacity = limit.burst().orElse(perSecond);
        return shared.take(sourceId, perSecond, capacity)
                .ifNoItem().after(config.rateLimitTimeout()).on(RequestTimers.current()).fail()
                .onFailure().recoverWithItem(e -> {
                    metrics.rateLimitUnavailable(sourceId);
                    long now = System.nanoTime();
                    long last = lastWarning.get();
                    if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
                        LOG.warnf("shared rate limit unavailable, source %s limited by this instance alone: %s",
                                sourceId, e.toString());
                    }
                    return localBuckets.computeIfAbsent(sourceId, id -> new Bucket(perSecond, capacity))
                            .take(System.nanoTime()) / 1000;
                })
                .invoke(waitMicros -> {
                    if (waitMicros > 0) {
                        throw new RateLimitedException(sourceId, (int) Math.max(1, (waitMicros + 999_999) / 1_000_000));
                    }
                })
                .replaceWithVoid();
    }

    /** This instance's own bucket: refills continuously at {@code perSecond}, holds at most {@code capacity} tokens. */
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

        /** Takes a token and returns 0, or returns how long (ns) until one is available. */
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
