package io.touchpoint.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads a topic with a plain consumer, from the beginning up to the end offsets at the time of the
 * call. Every test request has been acknowledged (or refused) before the answer, so whatever it
 * wrote is below those offsets; a bounded wait guards against a slow broker.
 */
final class TopicReader {

    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private TopicReader() {
    }

    static List<ConsumerRecord<String, String>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, MAX_WAIT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, MAX_WAIT);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            Instant deadline = Instant.now().plus(MAX_WAIT);
            while (!reached(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("could not read " + topic + " to its end within " + MAX_WAIT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** The one record of the topic whose value satisfies the predicate; fails if there is none or several. */
    static ConsumerRecord<String, String> single(String topic, Predicate<String> value) {
        List<ConsumerRecord<String, String>> all = readAll(topic);
        List<ConsumerRecord<String, String>> matching = all.stream().filter(r -> value.test(r.value())).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected exactly one matching record among the " + all.size() + " on " + topic
                    + ", found " + matching.size() + ": " + matching.stream().map(ConsumerRecord::value).toList()
                    + "; all: " + all.stream().map(r -> r.value().substring(0, Math.min(300, r.value().length())))
                            .toList());
        }
        return matching.get(0);
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
