package io.touchpoint.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Writes journey.transitions.v1 records the way journey-service does: JSON, key = customerId. */
public final class TransitionRecords {

    public static final String TOPIC = "journey.transitions.v1";
    public static final String DLQ_TOPIC = "journey.transitions.dlq.v1";

    private TransitionRecords() {
    }

    public static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** A whole-millisecond instant, like the contract's timestamps. */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public static String customer() {
        return UUID.randomUUID().toString();
    }

    public static String stageEntered(String transitionId, String customerId, String stage, String channel,
            Instant at) {
        return """
                {"schemaVersion":1,"transitionId":"%s","kind":"stage_entered","customerId":"%s","at":"%s",\
                "stage":"%s","previousStage":null,"channel":"%s","sourceId":"dev-web",\
                "causeMessageId":"%s","absorbedCustomerId":null}"""
                .formatted(transitionId, customerId, at, stage, channel, UUID.randomUUID());
    }

    public static String stageEntered(String customerId, String stage, String channel, Instant at) {
        return stageEntered("stage_entered:" + customerId + ":" + stage + ":" + UUID.randomUUID(), customerId, stage,
                channel, at);
    }

    public static String customerMerged(String survivorId, String absorbedId, Instant at) {
        return """
                {"schemaVersion":1,"transitionId":"customer_merged:%s:%s","kind":"customer_merged",\
                "customerId":"%s","at":"%s","stage":null,"previousStage":null,"channel":null,"sourceId":null,\
                "causeMessageId":"%s","absorbedCustomerId":"%s"}"""
                .formatted(survivorId, absorbedId, survivorId, at, UUID.randomUUID(), absorbedId);
    }

    /** Sends each record and waits for the broker's acknowledgement (acks=all). */
    public static void send(String key, String... values) {
        send(key, List.of(values));
    }

    public static void send(String key, List<String> values) {
        Properties props = new Properties();
        props.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(TOPIC, key, value)).get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not accept the record", e);
        }
    }

    public static Duration patience() {
        return Duration.ofSeconds(60);
    }
}
