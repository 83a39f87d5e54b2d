package io.touchpoint.journey.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.service.JourneyStitcher;
import io.touchpoint.journey.service.TouchpointParser;

/**
 * Reads {@code touchpoints.v1} (consumer group journey-service). A record that cannot be parsed or
 * processed fails the returned Uni; the connector then sends it to {@code touchpoints.dlq.v1} (with
 * the reason in headers) and carries on. Errors are never swallowed here.
 */
@ApplicationScoped
public class TouchpointConsumer {

    @Inject
    JourneyStitcher stitcher;

    @Inject
    TransitionRelay relay;

    @Incoming("touchpoints")
    public Uni<Void> consume(String value) {
        return Uni.createFrom().item(() -> TouchpointParser.parse(value))
                .chain(stitcher::record)
                // publish right after the commit instead of waiting for the next scheduled pass
                .invoke(outcome -> {
                    if (outcome == JourneyStitcher.Outcome.STORED) {
                        relay.trigger();
                    }
                })
                .replaceWithVoid();
    }
}
