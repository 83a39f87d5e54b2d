package io.touchpoint.journey;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.response.Response;

/** Produces touchpoints.v1 records with a plain KafkaProducer and waits (bounded) for their effect. */
final class TestTouchpoints {

    static final String TOKEN = "dev-api-token";
    static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaProducer<String, String> producer;

    private TestTouchpoints() {
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A valid canonical touchpoints.v1 record (see deploy/contracts). */
    static Map<String, Object> event(String type, String event, String userId, String anonymousId, Instant at) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 1);
        m.put("messageId", unique("msg"));
        m.put("type", type);
        m.put("event", event);
        m.put("channel", "web");
        m.put("sourceId", "dev-web");
        m.put("userId", userId);
        m.put("anonymousId", anonymousId);
        m.put("previousId", null);
        m.put("groupId", null);
        m.put("traits", null);
        m.put("properties", null);
        m.put("context", Map.of("ip", "203.0.113.7"));
        m.put("originalTimestamp", at.toString());
        m.put("sentAt", at.toString());
        m.put("receivedAt", at.toString());
        m.put("timestamp", at.toString());
        return m;
    }

    /** A contract sample (deploy/contracts/samples/touchpoints.v1.<name>.json) as a mutable map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> sample(String name) {
        try {
            return JSON.readValue(java.nio.file.Files.readString(
                    ContractSchemas.CONTRACTS.resolve("samples/touchpoints.v1." + name + ".json")), LinkedHashMap.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of a counter of the running service (0 when it does not exist yet). */
    static double counter(String name, String... tags) {
        var registry = io.quarkus.arc.Arc.container().instance(io.micrometer.core.instrument.MeterRegistry.class).get();
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    static void send(Map<String, Object> event) {
        try {
            String key = event.get("userId") != null ? (String) event.get("userId") : (String) event.get("anonymousId");
            sendRaw(key, JSON.writeValueAsString(event));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void sendRaw(String key, String value) {
        try {
            producer().send(new ProducerRecord<>("touchpoints.v1", key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Response customerByIdentifier(String identifier) {
        return given().auth().oauth2(TOKEN).queryParam("identifier", identifier).when().get("/customers");
    }

    static Response journey(String customerId) {
        return given().auth().oauth2(TOKEN).when().get("/customers/{id}/journey", customerId);
    }

    /** Polls until the condition holds, for at most 20 s; returns the last value. */
    static <T> T await(String what, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            sleep(200);
        }
        throw new AssertionError("timed out after 20 s waiting for " + what + "; last: " + describe(last));
    }

    private static String describe(Object o) {
        return o instanceof Response r ? r.statusCode() + " " + r.asString() : String.valueOf(o);
    }

    /** The customer holding the identifier, once it exists. */
    static Response awaitCustomer(String identifier, Predicate<Response> done) {
        return await("customer " + identifier, () -> customerByIdentifier(identifier),
                r -> r.statusCode() == 200 && done.test(r));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static KafkaConsumer<String, String> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, unique("test-reader"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
        c.subscribe(List.of(topic));
        return c;
    }

    /** Reads the topic from the beginning until {@code enough} holds for the matching records (20 s at most). */
    static List<ConsumerRecord<String, String>> readUntil(String topic, Predicate<ConsumerRecord<String, String>> match,
            Predicate<List<ConsumerRecord<String, String>>> enough) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> c = consumer(topic)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
                    if (match.test(r)) {
                        found.add(r);
                    }
                }
                if (enough.test(found)) {
                    return found;
                }
            }
        }
        throw new AssertionError("timed out reading " + topic + "; matching records: " + found.size());
    }
}
