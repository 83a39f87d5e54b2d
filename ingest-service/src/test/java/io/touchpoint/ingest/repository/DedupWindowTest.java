package io.touchpoint.ingest.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.ingest.repository.DedupWindow.Claim;
import io.touchpoint.ingest.repository.DedupWindow.Claims;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/** The claim and settle scripts against the real Redis, below the HTTP layer. */
@QuarkusTest
class DedupWindowTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    DedupWindow dedup;

    @Inject
    ReactiveRedisDataSource redis;

    @Test
    void aFieldIsTheFirst16BytesOfTheSha256OfTheMessageId() throws Exception {
        String id = "2f1c9e0a-7d55-4c3e-9a57-0c1d2e3f4a5b";
        byte[] full = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(Arrays.copyOf(full, 16), DedupWindow.field(id));
        assertFalse(Arrays.equals(DedupWindow.field(id), DedupWindow.field(id + "x")));
        // non-ASCII ids hash their UTF-8 bytes
        assertArrayEquals(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest("ü-1".getBytes(StandardCharsets.UTF_8)), 16),
                DedupWindow.field("ü-1"));
    }

    @Test
    void settlingForgetsWhatKafkaGaveUpOnByTheSameDigest() throws Exception {
        String kept = "kept-" + UUID.randomUUID();
        String failed = "failed-" + UUID.randomUUID();
        Claims claims = dedup.claim("dev-app", Arrays.asList(kept, null, failed)).await().atMost(WAIT);
        assertEquals(Claim.NEW, claims.get(0));
        assertEquals(Claim.NEW, claims.get(1));
        assertEquals(Claim.NEW, claims.get(2));
        // pending: a repeat while the records are in the producer is in flight
        Claims again = dedup.claim("dev-app", List.of(kept, failed)).await().atMost(WAIT);
        assertEquals(Claim.IN_FLIGHT, again.get(0));
        assertEquals(Claim.IN_FLIGHT, again.get(1));
        dedup.settle("dev-app", claims, List.of(failed), true);
        String bucket = DedupWindow.bucketPrefix("dev-app") + claims.bucket();
        for (int i = 0; i < 50 && exists(bucket, failed); i++) {
            Thread.sleep(100);
        }
        assertFalse(exists(bucket, failed), "the failed messageId's field was deleted");
        assertEquals(true, exists(bucket, kept));
        Claims after = dedup.claim("dev-app", List.of(kept, failed)).await().atMost(WAIT);
        assertEquals(Claim.DUPLICATE, after.get(0), "acknowledged: a duplicate for the window");
        assertEquals(Claim.NEW, after.get(1), "given up: free for the retry");
        dedup.settle("dev-app", after, List.of(), true);
    }

    private boolean exists(String bucket, String messageId) {
        return redis.getRedis().send(Request.cmd(Command.HEXISTS).arg(bucket).arg(DedupWindow.field(messageId)))
                .await().atMost(WAIT).toInteger() == 1;
    }
}
