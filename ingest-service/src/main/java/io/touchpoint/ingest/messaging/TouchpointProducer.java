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
import org.apache.kafka.common.PartitionInfo;
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
 * when the broker is gone — and each record's callback settles the request's {@link Acks}: one
 * future per request, not one per record.
 */
@Startup
@ApplicationScoped
public class TouchpointProducer {

    public static final String CONFIG_PREFIX = "touchpoint.producer.";

    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService sender;
    private final KafkaClientMetrics clientMetrics;

    /**
     * What the broker did with the records of one request. {@link #settled()} completes once every
     * record was acknowledged or given up on (delivery.timeout.ms) — whether or not a request still
     * waits for it, so the dedup claims can follow what really happened to the records.
     */
    public static final class Acks {
        private final int total;
        private int pending;
        private boolean[] failed;
        private Exception firstFailure;
        private final CompletableFuture<Acks> settled = new CompletableFuture<>();

        Acks(int total) {
            this.total = total;
            this.pending = total;
            if (total == 0) {
                settled.complete(this);
            }
        }

        void settle(int index, Exception failure) {
            boolean last;
            synchronized (this) {
                if (failure != null) {
                    if (failed == null) {
                        failed = new boolean[total];
                        firstFailure = failure;
                    }
                    failed[index] = true;
                }
                last = --pending == 0;
            }
            if (last) {
                settled.complete(this);
            }
        }

        public CompletableFuture<Acks> settled() {
            return settled;
        }

        /** After {@link #settled()}: whether the broker refused this record or the producer gave up on it. */
        public synchronized boolean failed(int index) {
            return failed != null && failed[index];
        }

        /** After {@link #settled()}: the first failure, or null when every record was acknowledged. */
        public synchronized Exception failure() {
            return firstFailure;
        }

        /** After {@link #settled()}: whether the broker acknowledged at least one record. */
        public synchronized boolean anyAcknowledged() {
            if (failed == null) {
                return total > 0;
            }
            for (boolean f : failed) {
                if (!f) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Called with each record's send-to-acknowledgement time, and whether it was acknowledged. */
    public interface AckListener {
        void acked(boolean ok, long nanos);
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
     * Sends the records of one request (key and value of each), in order, away from the calling
     * thread: {@code send} may block up to max.block.ms when the broker is gone.
     */
    public Acks send(String topic, List<String> keys, List<byte[]> values, AckListener listener) {
        int n = keys.size();
        Acks acks = new Acks(n);
        try {
            sender.execute(() -> {
                for (int i = 0; i < n; i++) {
                    int index = i;
                    long start = System.nanoTime();
                    try {
                        producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i)), (metadata, failure) -> {
                            listener.acked(failure == null, System.nanoTime() - start);
                            acks.settle(index, failure);
                        });
                    } catch (RuntimeException e) {
                        // buffer full for max.block.ms, or the producer is closed
                        listener.acked(false, System.nanoTime() - start);
                        acks.settle(index, e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            for (int i = 0; i < n; i++) {
                acks.settle(i, e);
            }
        }
        return acks;
    }

    /**
     * The partitions of {@code topic} as this producer knows them, fetched on the sending thread (so a
     * request's send after it finds the metadata there); fails after max.block.ms when the topic does
     * not exist or no broker answers.
     */
    public CompletableFuture<List<PartitionInfo>> partitionsFor(String topic) {
        return CompletableFuture.supplyAsync(() -> producer.partitionsFor(topic), sender);
    }

    @PreDestroy
    void close() {
        sender.shutdown();
        // flushes what is in flight: answered requests are already acknowledged, others get their 503
        producer.close(Duration.ofSeconds(10));
        clientMetrics.close();
    }
}
