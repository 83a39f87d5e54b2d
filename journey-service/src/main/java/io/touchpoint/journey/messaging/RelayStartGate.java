package io.touchpoint.journey.messaging;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Holds the scheduled relay back until start-up is over. The scheduler can fire while Reactive
 * Messaging is still wiring its channels (it does on a slow machine), and the relay's emitter
 * cannot be created before that. Application observers of StartupEvent run after the messaging one.
 */
@Singleton
public class RelayStartGate implements Scheduled.SkipPredicate {

    private volatile boolean started;

    void onStart(@Observes StartupEvent event) {
        started = true;
    }

    /** Shutting down: the pool closes, a pass would only fail (the rows wait for the next start or instance). */
    void onStop(@Observes ShutdownEvent event) {
        started = false;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return !started;
    }
}
