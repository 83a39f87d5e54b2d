package io.touchpoint.ingest.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.PartitionInfo;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import io.touchpoint.ingest.messaging.TouchpointProducer;
import io.touchpoint.ingest.messaging.TouchpointPublisher;

/**
 * Ready only when each topic ingest publishes to exists and every partition of it has a leader, as seen
 * by the producer that publishes to it: {@code touchpoints.v1} by {@link TouchpointProducer}, refusals
 * by the {@code rejected-out} channel. Asking the producer itself also loads its metadata, which a fresh
 * instance otherwise fetches during its first request, within that request's ack timeout (ADR 0017).
 * Not latched: a topic deleted or a partition without a leader makes the instance unready again.
 */
@Readiness
@ApplicationScoped
public class TouchpointTopicReadiness implements AsyncHealthCheck {

    static final String NAME = "Touchpoint topics";
    /** The producers wait up to max.block.ms for a missing topic; a readiness probe answers sooner. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);

    @Inject
    TouchpointProducer touchpoints;

    @Inject
    KafkaClientService clients;

    /** One look at a time: probes that come while one is under way share its answer. */
    private CompletableFuture<HealthCheckResponse> underWay;

    @Override
    public Uni<HealthCheckResponse> call() {
        CompletableFuture<HealthCheckResponse> check = current();
        // a copy: a probe that gives up waiting must not cancel the look itself
        return Uni.createFrom().completionStage(check.thenApply(r -> r))
                .ifNoItem().after(ANSWER_WITHIN)
                .recoverWithItem(() -> HealthCheckResponse.named(NAME).down()
                        .withData("detail", "no partition metadata within " + ANSWER_WITHIN.toSeconds() + " s").build());
    }

    private synchronized CompletableFuture<HealthCheckResponse> current() {
        if (underWay == null || underWay.isDone()) {
            underWay = look();
        }
        return underWay;
    }

    private CompletableFuture<HealthCheckResponse> look() {
        CompletableFuture<List<PartitionInfo>> main = touchpoints.partitionsFor(TouchpointPublisher.TOUCHPOINTS_TOPIC);
        KafkaProducer<?, ?> rejectedOut = clients.getProducer("rejected-out");
        CompletableFuture<List<PartitionInfo>> rejected = rejectedOut == null
                ? CompletableFuture.failedFuture(new IllegalStateException("the rejected-out channel has no producer"))
                : rejectedOut.partitionsFor(TouchpointPublisher.REJECTED_TOPIC).subscribeAsCompletionStage();
        return main.handle((p, e) -> new Look(TouchpointPublisher.TOUCHPOINTS_TOPIC, p, e))
                .thenCombine(rejected.handle((p, e) -> new Look(TouchpointPublisher.REJECTED_TOPIC, p, e)),
                        (a, b) -> {
                            HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
                            boolean up = a.describe(response) & b.describe(response);
                            return response.status(up).build();
                        });
    }

    /** What one producer knows of one topic. */
    private record Look(String topic, List<PartitionInfo> partitions, Throwable failure) {
        /** Adds a line about the topic; true when every partition has a leader. */
        boolean describe(HealthCheckResponseBuilder response) {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                response.withData(topic, "no metadata: " + cause.getMessage());
                return false;
            }
            if (partitions == null || partitions.isEmpty()) {
                response.withData(topic, "no partitions");
                return false;
            }
            List<Integer> leaderless = new ArrayList<>();
            for (PartitionInfo p : partitions) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    leaderless.add(p.partition());
                }
            }
            response.withData(topic, leaderless.isEmpty() ? partitions.size() + " partitions, each with a leader"
                    : "partitions without a leader: " + leaderless);
            return leaderless.isEmpty();
        }
    }
}
