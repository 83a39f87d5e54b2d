package io.touchpoint.ingest.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.Startup;

/**
 * The producer of {@code touchpoints.v1}: a plain {@link KafkaProducer}, configured from
 * {@code touchpoint.producer.*} (acks=all, idempotence on, see application.properties).
 *
 * <p>Why not a SmallRye emitter like the rejected topic: on the hot path every record went through
 * a per-message reactive pipeline and one hop per record to the sink's thread; under 64 concurrent
 * batches the records queued there for over a second while the producer itself needed ~80 ms
 * (measured, deploy/bench/ingest). Here one task per request hands all its records to the producer
 * on a dedicated thread — never on the event loop, since {@code send} may block up to max.block.ms
 * when the broker is gone — and each record's future completes from the producer's callback.
 */
@Startup
@ApplicationScoped
public class TouchpointProducer {

    public static final String CONFIG_PREFIX = "touchpoint.producer.";

    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService sender;
    private final KafkaClientMetrics clientMetrics;

    /** A record to send: its key and its serialized value. */
    public record Outgoing(String key, byte[] value) {
    }

    @Inject
    public TouchpointProducer(Config config, MeterRegistry registry) {
        Properties props = new Properties();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(CONFIG_PREFIX)) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(v -> props.put(name.substring(CONFIG_PREFIX.length()), v));
            }
        }
        props.putIfAbsent(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.getOptionalValue("kafka.bootstrap.servers", String.class).orElse("127.0.0.1:19092"));
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ingest-touchpoints");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "touchpoint-producer");
            t.setDaemon(true);
            return t;
        });
        this.clientMetrics = new KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
    }

    /**
     * Sends the records of one request, in order. Each future completes when the broker acknowledged
     * that record, or fails when the producer gave up on it (delivery.timeout.ms).
     */
    public List<CompletableFuture<Void>> send(String topic, List<Outgoing> records) {
        List<CompletableFuture<Void>> acks = records.stream().map(r -> new CompletableFuture<Void>()).toList();
        try {
            sender.execute(() -> {
                for (int i = 0; i < records.size(); i++) {
                    CompletableFuture<Void> ack = acks.get(i);
                    Outgoing r = records.get(i);
                    try {
                        producer.send(new ProducerRecord<>(topic, r.key(), r.value()), (metadata, failure) -> {
                            if (failure == null) {
                                ack.complete(null);
                            } else {
                                ack.completeExceptionally(failure);
                            }
                        });
                    } catch (RuntimeException e) {
                        // buffer full for max.block.ms, or the producer is closed
                        ack.completeExceptionally(e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            acks.forEach(a -> a.completeExceptionally(e));
        }
        return acks;
    }

    @PreDestroy
    void close() {
        sender.shutdown();
        // flushes what is in flight: answered requests are already acknowledged, others get their 503
        producer.close(Duration.ofSeconds(10));
        clientMetrics.close();
    }
}
