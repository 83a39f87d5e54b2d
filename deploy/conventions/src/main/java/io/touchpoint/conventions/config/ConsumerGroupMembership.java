package io.touchpoint.conventions.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.ClientCustomizer;

/**
 * Static group membership for every Kafka consumer of every service (ADR 0015): journey's (group journey-service),
 * metrics' transitions (metrics-service) and KPI touchpoints (metrics-service-kpi), and any consumer a service adds.
 * Each consumer gets a {@code group.instance.id} that is the same across restarts of one instance and different
 * between instances: {@code touchpoint.consumer.instance-id} ({@code TOUCHPOINT_CONSUMER_INSTANCE_ID}) when set,
 * else host name and HTTP port (two instances on one host differ by port), then the consumer's client id
 * ({@code vm-8082.kafka-consumer-touchpoints}).
 * A restarted instance, even after kill -9, rejoins under its old id and gets its partitions back at once
 * instead of waiting for the dead member's session to expire and a rebalance. A member that does not come
 * back loses its partitions to the others after {@code session.timeout.ms}, 10 s here instead of Kafka's
 * 45 s; either can be set per channel ({@code mp.messaging.incoming.<channel>.session.timeout.ms}).
 */
@ApplicationScoped
public class ConsumerGroupMembership implements ClientCustomizer<Map<String, Object>> {

    private static final Logger LOG = Logger.getLogger(ConsumerGroupMembership.class);

    static final String SESSION_TIMEOUT_MS = "10000";
    /** A third of the session timeout, as Kafka advises: two heartbeats may be lost before the session ends. */
    static final String HEARTBEAT_INTERVAL_MS = "3000";

    private final String instance;

    @Inject
    public ConsumerGroupMembership(@ConfigProperty(name = "touchpoint.consumer.instance-id") Optional<String> instanceId,
            @ConfigProperty(name = "quarkus.http.port") int httpPort) {
        // Kafka allows ASCII letters and digits, '.', '_' and '-' in a group.instance.id, as in host names
        this.instance = instanceId.filter(id -> !id.isBlank()).orElseGet(() -> hostName() + "-" + httpPort);
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> client) {
        // producers (dead letters, transitions, touchpoints) get the same customizers: only consumers have a group
        if (!client.containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            return client;
        }
        // the client id tells consumers of one instance apart (one per channel, and per partition thread)
        String id = instance + "." + client.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, channel);
        if (client.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id) == null) {
            LOG.infof("channel %s: static member %s of group %s", channel, id, client.get(ConsumerConfig.GROUP_ID_CONFIG));
        }
        client.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        client.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
        return client;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // a host without a resolvable name: the port alone still keeps its instances apart
            return "localhost";
        }
    }
}
