package io.touchpoint.ingest.messaging;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.service.IngestMetrics;
import io.touchpoint.ingest.service.PublishUnavailableException;
import io.touchpoint.ingest.service.RejectedTouchpoint;
import io.touchpoint.ingest.service.Touchpoint;

/**
 * Writes records to Kafka and completes only when the broker acknowledged them (acks=all,
 * idempotent producer, see application.properties): touchpoints through {@link TouchpointProducer},
 * refusals through the SmallRye channel {@code rejected-out}. A nack or no acknowledgement within
 * {@code touchpoint.ingest.ack-timeout} fails with {@link PublishUnavailableException}, which the
 * caller turns into 503 so the client retries: nothing is accepted that Kafka did not take.
 */
@ApplicationScoped
public class TouchpointPublisher {

    public static final String TOUCHPOINTS_TOPIC = "touchpoints.v1";
    public static final String REJECTED_TOPIC = "touchpoints.rejected.v1";

    @Inject
    TouchpointProducer touchpoints;

    // BUFFER, never DROP: when the buffer is full the send fails and the client gets 503.
    @Inject
    @Channel("rejected-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
    MutinyEmitter<String> rejected;

    @Inject
    IngestConfig config;

    @Inject
    IngestMetrics metrics;

    private final ObjectMapper mapper;

    public TouchpointPublisher() {
        this.mapper = new ObjectMapper();
    }


    /**
     * Hands a touchpoint to the producer now. The future completes when the broker acknowledged it,
     * or fails when the producer gives up (delivery.timeout.ms) — whether or not a request still
     * waits for it, so the dedup claim can follow what really happened to the record.
     */
    public List<CompletableFuture<Void>> sendNow(List<Touchpoint> batch) {
        List<TouchpointProducer.Outgoing> records = new java.util.ArrayList<>(batch.size());
        for (Touchpoint t : batch) {
            records.add(new TouchpointProducer.Outgoing(t.customerKey(), TouchpointJson.write(t)));
        }
        long start = System.nanoTime();
        List<CompletableFuture<Void>> acks = touchpoints.send(TOUCHPOINTS_TOPIC, records);
        acks.forEach(ack -> ack.whenComplete((ok, failure) -> metrics.kafkaAck(TOUCHPOINTS_TOPIC, failure == null,
                System.nanoTime() - start)));
        return acks;
    }

    /** Waits for acknowledgements at most {@code ack-timeout}; then fails with {@link PublishUnavailableException}. */
    public Uni<Void> awaitAcks(List<CompletableFuture<Void>> acks) {
        if (acks.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Duration timeout = config.ackTimeout();
        // a copy: giving up waiting must not cancel the send itself
        CompletableFuture<Void> all = CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> null);
        return Uni.createFrom().completionStage(all)
                .ifNoItem().after(timeout).failWith(() -> new PublishUnavailableException(
                        "Kafka did not acknowledge the record within " + timeout.toMillis() + " ms", null))
                .onFailure(e -> !(e instanceof PublishUnavailableException))
                .transform(e -> new PublishUnavailableException("Kafka refused the record", e));
    }

    /** Publishes a refused event keyed by its source. */
    public Uni<Void> publish(RejectedTouchpoint record) {
        return send(rejected, REJECTED_TOPIC, record.sourceId(), record);
    }

    private Uni<Void> send(MutinyEmitter<String> emitter, String topic, String key, Object value) {
        return Uni.createFrom().deferred(() -> {
            String json;
            try {
                json = mapper.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                return Uni.createFrom().failure(new IllegalStateException("cannot write a " + topic + " record", e));
            }
            Message<String> message = Message.of(json)
                    .addMetadata(OutgoingKafkaRecordMetadata.<String> builder().withKey(key).build());
            long start = System.nanoTime();
            Duration timeout = config.ackTimeout();
            return Uni.createFrom().deferred(() -> emitter.sendMessage(message))
                    .ifNoItem().after(timeout).failWith(() -> new PublishUnavailableException(
                            "Kafka did not acknowledge the record within " + timeout.toMillis() + " ms", null))
                    .onFailure(e -> !(e instanceof PublishUnavailableException))
                    .transform(e -> new PublishUnavailableException("Kafka refused the record", e))
                    .onItemOrFailure().invoke((ok, failure) -> metrics.kafkaAck(topic, failure == null,
                            System.nanoTime() - start));
        });
    }
}
