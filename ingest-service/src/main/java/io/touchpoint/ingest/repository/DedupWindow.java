package io.touchpoint.ingest.repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.service.IngestMetrics;
import io.touchpoint.ingest.service.RequestTimers;
import io.vertx.mutiny.redis.client.Response;

/**
 * Which messageIds of a source were already published, shared by every ingest instance (Redis).
 *
 * <p>A request <em>claims</em> its messageIds in one script call. The messageIds of a source live in
 * time buckets as long as the dedup window, one hash each ({@code tp:ingest:dedup-v2:{<sourceId>}:<n>},
 * n = Redis time / window, expiring two windows and a minute after the bucket began): field = the
 * messageId's {@linkplain #digest digest} (16 bytes), value = the claim id. A claim looks the
 * messageIds up in the current bucket and, when it exists, the previous one ({@code HMGET} each) and
 * writes the new ones with one {@code HSET}: a few Redis commands per request instead of a key with
 * its own TTL per messageId, which was most of Redis's work under load (deploy/bench/ingest). The
 * value names the request's <em>claim</em> {@code tp:ingest:claim-v2:{<sourceId>}:<claimId>}, whose
 * value is its state and its time (Redis ms): {@code p<time>} (pending, short TTL) while the records
 * are in the producer; once Kafka settled them it becomes {@code d<time>} (done) for the window when
 * Kafka acknowledged any record, or is deleted when Kafka gave up on them all (the messageIds of
 * records that failed beside acknowledged ones are removed from the bucket). So a messageId is final
 * only once its record is durable, and settling costs one command per request. A messageId whose
 * claim is gone (given up, or its instance died and the pending TTL ran out) or older than the window
 * (an entry of the previous bucket) is free again: the window stays exact, not one to two windows.
 *
 * <p>Only clients' messageIds are claimed: one that ingest generated cannot repeat.
 *
 * <p>Redis down or slower than {@code dedup.timeout}: the claim is {@link Claim#UNCHECKED} and the
 * event is published anyway. Losing an event is worse than publishing it twice, and every consumer
 * of touchpoints.v1 is idempotent on messageId (docs/adr/0002).
 */
@ApplicationScoped
public class DedupWindow {

    private static final Logger LOG = Logger.getLogger(DedupWindow.class);
    /**
     * Version 2 of the layout (fields are digests, values claim ids, claims carry their time); the keys
     * of version 1 ({@code tp:ingest:dedup-bucket:}, {@code tp:ingest:claim:}) are not read (ADR 0005).
     */
    static final String BUCKET_PREFIX = "tp:ingest:dedup-v2:";
    static final String CLAIM_PREFIX = "tp:ingest:claim-v2:";
    /** Bytes of a messageId's digest: the first 128 bits of its SHA-256. */
    static final int FIELD_BYTES = 16;

    public enum Claim {
        /** Ours to publish. */
        NEW,
        /** Published and acknowledged before: acknowledge the client, publish nothing. */
        DUPLICATE,
        /** An earlier attempt is still waiting for Kafka: answer 503 so the client retries later. */
        IN_FLIGHT,
        /** Redis did not answer: publish without dedup. */
        UNCHECKED
    }

    /** The claims of one request: one {@link Claim} per messageId, and the claim to settle them with. */
    public static final class Claims {
        private final String claimId;
        private final long bucket;
        private final long claimedAt;
        private final Claim[] claims;

        Claims(String claimId, long bucket, long claimedAt, Claim[] claims) {
            this.claimId = claimId;
            this.bucket = bucket;
            this.claimedAt = claimedAt;
            this.claims = claims;
        }

        public Claim get(int index) {
            return claims[index];
        }

        public int size() {
            return claims.length;
        }

        long bucket() {
            return bucket;
        }
    }

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    IngestConfig config;

    @Inject
    IngestMetrics metrics;

    /** Claim ids: random per instance, then a counter. */
    private final String instance = "c" + Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36) + ".";
    private final AtomicLong sequence = new AtomicLong();

    /**
     * Claims the messageIds of a request in one script call. ARGV: the claim id, the window (ms), the
     * pending TTL (ms), the bucket key prefix and the claim key prefix of the source, then the
     * messageIds' digests in one argument (16 bytes each: one argument to encode and parse instead of
     * one per messageId). Returns the bucket written and the claim time, then only the messageIds that
     * are not ours, as pairs (position from 1, 1 = duplicate | 2 = in flight): usually nothing. Redis's
     * own clock decides, so every instance sees the same buckets. The previous bucket is read only when
     * it exists (not during the first window). Commands take at most 1000 fields each (Lua's unpack).
     */
    private static final String CLAIM = """
            local claim, window, pending_ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
            local prefix, claim_prefix, ids = ARGV[4], ARGV[5], ARGV[6]
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local bucket = math.floor(now / window)
            local current, previous = prefix .. bucket, prefix .. (bucket - 1)
            local sub, n = string.sub, #ids / 16
            local fields = {}
            for i = 1, n do fields[i] = sub(ids, i * 16 - 15, i * 16) end
            local function lookup(key)
              if n <= 1000 then return redis.call('HMGET', key, unpack(fields)) end
              local found = {}
              for from = 1, n, 1000 do
                local part = redis.call('HMGET', key, unpack(fields, from, math.min(from + 999, n)))
                for j = 1, #part do found[from + j - 1] = part[j] end
              end
              return found
            end
            local found = lookup(current)
            local before = false
            if redis.call('EXISTS', previous) == 1 then before = lookup(previous) end
            local out, o, new, m, states = {bucket, now}, 2, {}, 0, {}
            for i = 1, n do
              local owner = found[i]
              if not owner and before then owner = before[i] end
              local state = 0
              if owner and owner ~= claim then
                state = states[owner]
                if not state then
                  local v = redis.call('GET', claim_prefix .. owner)
                  state = 0
                  if v and now - tonumber(sub(v, 2)) < window then
                    if sub(v, 1, 1) == 'd' then state = 1 else state = 2 end
                  end
                  states[owner] = state
                end
              end
              if state == 0 then
                new[m + 1] = fields[i]; new[m + 2] = claim; m = m + 2
              else
                out[o + 1] = i; out[o + 2] = state; o = o + 2
              end
            end
            if m > 0 then
              for from = 1, m, 1000 do
                redis.call('HSET', current, unpack(new, from, math.min(from + 999, m)))
              end
              redis.call('PEXPIREAT', current, (bucket + 2) * window + 60000)
              redis.call('SET', claim_prefix .. claim, 'p' .. now, 'PX', pending_ttl)
            end
            return out""";

    /**
     * KEYS[1] the claim, KEYS[2] the bucket it wrote; ARGV[1] the window (ms), ARGV[2] 1 when Kafka
     * acknowledged any record of the request, ARGV[3] the claim time, ARGV[4] the digests of the
     * messageIds Kafka gave up on (16 bytes each, possibly none).
     */
    private static final String SETTLE = """
            local ids = ARGV[4]
            local n = #ids / 16
            if n > 0 then
              local sub, fields = string.sub, {}
              for i = 1, n do fields[i] = sub(ids, i * 16 - 15, i * 16) end
              for from = 1, n, 1000 do
                redis.call('HDEL', KEYS[2], unpack(fields, from, math.min(from + 999, n)))
              end
            end
            if ARGV[2] == '1' then
              redis.call('SET', KEYS[1], 'd' .. ARGV[3], 'PX', ARGV[1])
            else
              redis.call('DEL', KEYS[1])
            end
            return 1""";

    private volatile boolean scriptsLoaded;

    /**
     * Loads the claim and settle scripts into Redis through the connections the claims use. Until it
     * succeeded, a claim pays a new connection and the NOSCRIPT round trip, which on a loaded machine
     * outlasts dedup.timeout: the request is published unchecked and its late claim stays pending for
     * the pending TTL, so a retry of it is answered 503. Readiness waits for it (health/DedupConnectionReadiness).
     */
    public Uni<Void> loadScripts() {
        return CLAIM_SCRIPT.load(redis).chain(() -> SETTLE_SCRIPT.load(redis))
                .invoke(() -> scriptsLoaded = true).replaceWithVoid();
    }

    /** Whether Redis has answered {@link #loadScripts()} once since start. */
    public boolean scriptsLoaded() {
        return scriptsLoaded;
    }

    /** At startup already, not waited for: a process whose readiness nobody asks gets it too. */
    void warmUp(@Observes StartupEvent start) {
        loadScripts().subscribe().with(loaded -> {
        }, e -> LOG.infof("dedup scripts not loaded at startup, readiness tries again: %s", e.toString()));
    }

    /**
     * Claims the messageIds of one request of one source; one Redis round trip for the lot, none when
     * there is nothing to claim.
     *
     * @param messageIds the request's messageIds, {@code null} for one ingest generated (it cannot
     *                   repeat: not claimed, always {@link Claim#NEW})
     */
    public Uni<Claims> claim(String sourceId, List<String> messageIds) {
        int n = messageIds.size();
        int toClaim = 0;
        for (String id : messageIds) {
            if (id != null) {
                toClaim++;
            }
        }
        if (toClaim == 0) {
            Claim[] fresh = new Claim[n];
            Arrays.fill(fresh, Claim.NEW);
            return Uni.createFrom().item(new Claims(null, 0, 0, fresh));
        }
        String claimId = instance + Long.toString(sequence.incrementAndGet(), 36);
        int claimed = toClaim;
        byte[] fields = new byte[toClaim * FIELD_BYTES];
        MessageDigest sha256 = SHA256.get();
        int at = 0;
        for (String id : messageIds) {
            if (id != null) {
                digest(sha256, id, fields, at);
                at += FIELD_BYTES;
            }
        }
        return pipeline().run(CLAIM_SCRIPT, request -> request.arg(0).arg(claimId).arg(config.dedup().window().toMillis())
                .arg(config.dedup().pendingTtl().toMillis()).arg(bucketPrefix(sourceId)).arg(claimPrefix(sourceId))
                .arg(fields))
                .map(answer -> claims(claimId, messageIds, answer))
                .ifNoItem().after(config.dedup().timeout()).on(RequestTimers.current()).fail()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("dedup unavailable, publishing %d event(s) of source %s unchecked: %s", claimed,
                            sourceId, e.toString());
                    metrics.dedupUnavailable(sourceId, claimed);
                    Claim[] unchecked = new Claim[n];
                    for (int i = 0; i < n; i++) {
                        unchecked[i] = messageIds.get(i) == null ? Claim.NEW : Claim.UNCHECKED;
                    }
                    return new Claims(null, 0, 0, unchecked);
                });
    }

    private static Claims claims(String claimId, List<String> messageIds, Response answer) {
        Claim[] claims = new Claim[messageIds.size()];
        Arrays.fill(claims, Claim.NEW);
        int[] positions = null;
        if (answer.size() > 2) {
            // the script numbers only the messageIds it was sent
            positions = new int[messageIds.size()];
            int sent = 0;
            for (int i = 0; i < messageIds.size(); i++) {
                if (messageIds.get(i) != null) {
                    positions[sent++] = i;
                }
            }
        }
        for (int i = 2; i + 1 < answer.size(); i += 2) {
            int position = positions[answer.get(i).toInteger() - 1];
            claims[position] = answer.get(i + 1).toInteger() == 1 ? Claim.DUPLICATE : Claim.IN_FLIGHT;
        }
        return new Claims(claimId, answer.get(0).toLong(), answer.get(1).toLong(), claims);
    }

    /**
     * Settles a request's claims in one round trip once Kafka settled its records: the claim becomes
     * final for the window when any record was acknowledged, the messageIds of records Kafka gave up
     * on are forgotten (so a retry publishes them), and a claim with nothing acknowledged is deleted.
     */
    public void settle(String sourceId, Claims claims, List<String> failedMessageIds, boolean anyAcknowledged) {
        if (claims.claimId == null) {
            return; // unchecked, or nothing to claim
        }
        byte[] failed = new byte[failedMessageIds.size() * FIELD_BYTES];
        MessageDigest sha256 = SHA256.get();
        for (int i = 0; i < failedMessageIds.size(); i++) {
            digest(sha256, failedMessageIds.get(i), failed, i * FIELD_BYTES);
        }
        Uni<Response> settled = pipeline().run(SETTLE_SCRIPT, request -> request.arg(2)
                .arg(claimPrefix(sourceId) + claims.claimId).arg(bucketPrefix(sourceId) + claims.bucket)
                .arg(config.dedup().window().toMillis()).arg(anyAcknowledged ? 1 : 0).arg(claims.claimedAt).arg(failed));
        // A lost confirm leaves the claim to expire after the pending TTL, so a retry may publish again
        // (absorbed downstream); a lost release delays a retry by that TTL.
        settled.subscribe().with(ok -> {
        }, e -> LOG.warnf("dedup claim of source %s not settled: %s", sourceId, e.toString()));
    }

    /** Claims and settles of concurrent requests leave for Redis together (see {@link ScriptPipeline}). */
    private volatile ScriptPipeline pipeline;

    private ScriptPipeline pipeline() {
        ScriptPipeline p = pipeline;
        if (p == null) {
            synchronized (this) {
                if (pipeline == null) {
                    pipeline = new ScriptPipeline(redis, PIPELINE_IN_FLIGHT, PIPELINE_BATCH);
                }
                p = pipeline;
            }
        }
        return p;
    }

    /** Batches in flight at a time, and calls per batch at most. */
    static final int PIPELINE_IN_FLIGHT = 2;
    static final int PIPELINE_BATCH = 64;

    private static final RedisScript CLAIM_SCRIPT = new RedisScript(CLAIM);
    private static final RedisScript SETTLE_SCRIPT = new RedisScript(SETTLE);

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    /**
     * The hash field of a messageId: the first {@value #FIELD_BYTES} bytes of the SHA-256 of its UTF-8
     * bytes, written to {@code into} at {@code at}. Two distinct messageIds of one source share a field
     * with probability ~n²/2¹²⁹ for n messageIds in the window (below 10⁻¹⁸ for 10¹⁰), and SHA-256 gives
     * a client no way to make its ids collide on purpose.
     */
    static void digest(MessageDigest sha256, String messageId, byte[] into, int at) {
        byte[] full = sha256.digest(messageId.getBytes(StandardCharsets.UTF_8));
        System.arraycopy(full, 0, into, at, FIELD_BYTES);
    }

    /** The field of one messageId (tests). */
    static byte[] field(String messageId) {
        byte[] field = new byte[FIELD_BYTES];
        digest(SHA256.get(), messageId, field, 0);
        return field;
    }

    /** The source in braces: all keys of one request share a cluster slot, as a multi-key script needs. */
    static String claimPrefix(String sourceId) {
        return CLAIM_PREFIX + "{" + sourceId + "}:";
    }

    static String bucketPrefix(String sourceId) {
        return BUCKET_PREFIX + "{" + sourceId + "}:";
    }
}
