package io.touchpoint.ingest.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * One token bucket per source in Redis, shared by every ingest instance: key
 * {@code tp:ingest:rate:{<sourceId>}}, a hash of {@code tokens} and {@code at} (Redis server time in
 * microseconds, so the instances' clocks do not matter). One script call per request takes a token
 * or says how long until one is back.
 */
@ApplicationScoped
public class SharedRateLimits {

    static final String PREFIX = "tp:ingest:rate:";

    /**
     * KEYS[1] the bucket; ARGV[1] tokens per second, ARGV[2] capacity (the burst). Refills for the
     * time since the last call, takes a token when there is one; returns 0 then, else the
     * microseconds until a token is back. The bucket expires once it would be full again.
     */
    private static final RedisScript TAKE = new RedisScript("""
            local rate, capacity = tonumber(ARGV[1]), tonumber(ARGV[2])
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
            local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens, at = tonumber(bucket[1]), tonumber(bucket[2])
            if not tokens or not at then
              tokens, at = capacity, now
            end
            if now > at then
              tokens = math.min(capacity, tokens + (now - at) * rate / 1000000)
              at = now
            end
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
            else
              wait = math.ceil((1 - tokens) * 1000000 / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', string.format('%.0f', at))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
            return wait""");

    @Inject
    ReactiveRedisDataSource redis;

    /** Takes a token of the source's bucket: 0 when taken, else the microseconds until one is back. */
    public Uni<Long> take(String sourceId, int perSecond, int capacity) {
        return TAKE.run(redis, request -> request.arg(1).arg(PREFIX + "{" + sourceId + "}").arg(perSecond)
                .arg(capacity)).map(answer -> answer.toLong());
    }
}
