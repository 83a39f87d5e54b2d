package io.touchpoint.ingest.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Script calls of concurrent requests sent to Redis together: at most {@code maxInFlight} pipelined
 * batches at a time; calls made meanwhile wait and leave together as the next batch (group commit).
 * Redis then reads many commands with one read and answers them with one write: one command per
 * round trip cost Redis as much CPU per event as the claim's own hash work under batch load
 * (deploy/bench/ingest). An idle instance sends each call at once, so nothing waits for a timer.
 *
 * <p>A batch that fails as a whole (a Redis that forgot its scripts answers {@code NOSCRIPT}, a
 * connection lost mid-way) is sent again call by call through {@link RedisScript#run}: the calls
 * must be idempotent, as the claim and settle scripts are (a claim finding its own entries takes them
 * as its own).
 */
final class ScriptPipeline {

    private record Call(RedisScript script, Consumer<Request> args, UniEmitter<? super Response> emitter) {
    }

    private final ReactiveRedisDataSource redis;
    private final int maxInFlight;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Call> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    ScriptPipeline(ReactiveRedisDataSource redis, int maxInFlight, int maxBatch) {
        this.redis = redis;
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
    }

    /** Runs the script in the next batch; the answer is the script's own. */
    Uni<Response> run(RedisScript script, Consumer<Request> args) {
        return Uni.createFrom().emitter(emitter -> {
            waiting.add(new Call(script, args, emitter));
            drain();
        });
    }

    private void drain() {
        while (!waiting.isEmpty()) {
            int n = inFlight.get();
            if (n >= maxInFlight) {
                return; // the batch in flight drains again when it completes
            }
            if (!inFlight.compareAndSet(n, n + 1)) {
                continue;
            }
            List<Call> batch = new ArrayList<>();
            Call call;
            while (batch.size() < maxBatch && (call = waiting.poll()) != null) {
                batch.add(call);
            }
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
                continue;
            }
            send(batch);
        }
    }

    private void send(List<Call> batch) {
        if (batch.size() == 1) {
            Call call = batch.get(0);
            call.script().run(redis, call.args()).subscribe().with(answer -> {
                release();
                call.emitter().complete(answer);
            }, failure -> {
                release();
                call.emitter().fail(failure);
            });
            return;
        }
        List<Request> requests = new ArrayList<>(batch.size());
        for (Call call : batch) {
            requests.add(call.script().request(call.args()));
        }
        redis.getRedis().batch(requests).subscribe().with(answers -> {
            release();
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).emitter().complete(answers.get(i));
            }
        }, failure -> {
            release();
            for (Call call : batch) {
                call.script().run(redis, call.args()).subscribe().with(call.emitter()::complete, call.emitter()::fail);
            }
        });
    }

    private void release() {
        inFlight.decrementAndGet();
        drain();
    }
}
