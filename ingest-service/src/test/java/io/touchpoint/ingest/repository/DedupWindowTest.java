package io.touchpoint.ingest.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
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

    @Test
    void concurrentClaimsSentTogetherKeepTheirOwnAnswersEvenWhenRedisForgotItsScripts() {
        // claims made while a batch is in flight leave together; a batch refused as a whole (NOSCRIPT
        // after a restart) is sent again call by call
        redis.getRedis().send(Request.cmd(Command.SCRIPT).arg("FLUSH")).await().atMost(WAIT);
        String run = "together-" + UUID.randomUUID() + "-";
        List<Uni<Claims>> first = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            first.add(dedup.claim("dev-app", List.of(run + i, run + "shared")));
        }
        List<Claims> claimed = awaitAll(first);
        int shared = 0;
        for (Claims c : claimed) {
            assertEquals(Claim.NEW, c.get(0));
            if (c.get(1) == Claim.NEW) {
                shared++;
            } else {
                assertEquals(Claim.IN_FLIGHT, c.get(1));
            }
        }
        assertEquals(1, shared, "exactly one request owns the shared messageId");
        for (Claims c : claimed) {
            dedup.settle("dev-app", c, List.of(), true);
        }
        List<Uni<Claims>> again = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            again.add(dedup.claim("dev-app", List.of(run + i)));
        }
        for (Claims c : awaitAll(again)) {
            // settled asynchronously: pending a moment longer, done after
            assertTrue(c.get(0) == Claim.DUPLICATE || c.get(0) == Claim.IN_FLIGHT, c.get(0).toString());
        }
    }

    private static List<Claims> awaitAll(List<Uni<Claims>> claims) {
        return Uni.join().all(claims).andFailFast().await().atMost(WAIT);
    }

    private boolean exists(String bucket, String messageId) {
        return redis.getRedis().send(Request.cmd(Command.HEXISTS).arg(bucket).arg(DedupWindow.field(messageId)))
                .await().atMost(WAIT).toInteger() == 1;
    }
}
