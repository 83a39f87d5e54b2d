package io.touchpoint.ingest.service;

import java.util.concurrent.ScheduledExecutorService;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * Where a request's timeouts ({@code ifNoItem().after(…).on(RequestTimers.current())}) wait: on the
 * Vert.x event loop that assembles them, else on Mutiny's default worker pool as before.
 *
 * <p>Why: every request arms two or three timeouts (the dedup claim, the Kafka acknowledgement, a
 * rate limit) and almost always cancels them. Mutiny's default schedules each on the worker pool's
 * scheduler (a locked tree set and a thread woken for each), which cost ingest about as much CPU per
 * batch event as writing its record (deploy/bench/ingest profile, 2026-12-02). On the event loop a
 * timer is an entry in that thread's own queue, and a cancel from another thread (the Kafka
 * producer's acknowledgement) waits for the loop's next turn instead of waking anyone.
 */
public final class RequestTimers {

    private RequestTimers() {
    }

    public static ScheduledExecutorService current() {
        Context context = Vertx.currentContext();
        if (context instanceof ContextInternal internal && Context.isOnEventLoopThread()) {
            return internal.nettyEventLoop();
        }
        return Infrastructure.getDefaultWorkerPool();
    }
}
