package io.touchpoint.conventions.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends a consumed record that cannot be processed to its dead-letter topic as SmallRye's dead-letter-queue
 * strategy does: same key and value, the reason in {@code dead-letter-*} headers. The batch consumers (journey's
 * touchpoints, metrics' transitions and KPI touchpoints) send single records themselves, so the rest of a batch
 * is processed and acknowledged with it.
 */
public final class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    /** Completes when the dead-letter topic acknowledged the record. */
    public static Uni<Void> send(MutinyEmitter<String> topic, String topicName, KafkaRecord<String, String> r,
            Throwable reason) {
        long offset = r.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
        LOG.warnf("record at %s-%d@%d goes to %s: %s", r.getTopic(), r.getPartition(), offset, topicName,
                reason.toString());
        RecordHeaders headers = new RecordHeaders();
        header(headers, "dead-letter-reason", String.valueOf(reason.getMessage()));
        if (reason.getCause() != null) {
            header(headers, "dead-letter-cause", String.valueOf(reason.getCause().getMessage()));
        }
        header(headers, "dead-letter-exception-class-name", reason.getClass().getName());
        header(headers, "dead-letter-topic", r.getTopic());
        header(headers, "dead-letter-partition", String.valueOf(r.getPartition()));
        header(headers, "dead-letter-offset", String.valueOf(offset));
        Message<String> m = Message.of(r.getPayload()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(r.getKey()).withHeaders(headers).build());
        return topic.sendMessage(m);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
