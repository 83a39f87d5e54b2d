package io.touchpoint.ingest.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PostConstruct;
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
import io.touchpoint.ingest.messaging.TouchpointProducer.AckListener;
import io.touchpoint.ingest.messaging.TouchpointProducer.Acks;
import io.touchpoint.ingest.service.IngestMetrics;
import io.touchpoint.ingest.service.PreparedTouchpoint;
import io.touchpoint.ingest.service.PublishUnavailableException;
import io.touchpoint.ingest.service.RejectedTouchpoint;
import io.touchpoint.ingest.service.RequestTimers;

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
    private AckListener touchpointAcks;

    public TouchpointPublisher() {
        this.mapper = new ObjectMapper();
    }

    @PostConstruct
    void init() {
        touchpointAcks = metrics.kafkaAckTimer(TOUCHPOINTS_TOPIC);
    }


    /**
     * Hands the touchpoints of one request to the producer now. {@link Acks#settled()} completes when
     * the broker acknowledged every record or the producer gave up on some (delivery.timeout.ms) —
     * whether or not a request still waits for them, so the dedup claims can follow what really
     * happened to the records.
     */
    public Acks sendNow(List<PreparedTouchpoint> batch) {
        List<String> keys = new ArrayList<>(batch.size());
        List<byte[]> values = new ArrayList<>(batch.size());
        for (PreparedTouchpoint t : batch) {
            keys.add(t.key());
            values.add(t.value());
        }
        return touchpoints.send(TOUCHPOINTS_TOPIC, keys, values, touchpointAcks);
    }

    /**
     * Waits at most {@code ack-timeout} for every record of a request; fails with
     * {@link PublishUnavailableException} when one was refused or the time is up.
     */
    public Uni<Void> awaitAcks(Acks acks) {
        Duration timeout = config.ackTimeout();
        // a copy: giving up waiting must not cancel the send itself
        CompletableFuture<Acks> settled = acks.settled().thenApply(a -> a);
        return Uni.createFrom().completionStage(settled)
                .ifNoItem().after(timeout).on(RequestTimers.current())
                .failWith(() -> new PublishUnavailableException(
                        "Kafka did not acknowledge the record within " + timeout.toMillis() + " ms", null))
                .chain(a -> a.failure() == null ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new PublishUnavailableException("Kafka refused the record",
                                a.failure())));
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
                    .ifNoItem().after(timeout).on(RequestTimers.current())
                    .failWith(() -> new PublishUnavailableException(
                            "Kafka did not acknowledge the record within " + timeout.toMillis() + " ms", null))
                    .onFailure(e -> !(e instanceof PublishUnavailableException))
                    .transform(e -> new PublishUnavailableException("Kafka refused the record", e))
                    .onItemOrFailure().invoke((ok, failure) -> metrics.kafkaAck(topic, failure == null,
                            System.nanoTime() - start));
        });
    }
}
