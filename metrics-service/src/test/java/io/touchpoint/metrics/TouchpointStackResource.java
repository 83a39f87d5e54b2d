package io.touchpoint.metrics;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.touchpoint.stack.StackProcess;

/**
 * A real Kafka broker and Redis on free ports, in a process of their own (no Docker, no Dev Services), for all
 * tests of this module. The broker creates the Touchpoint topics, journey.transitions.v1 and its DLQ included,
 * and touchpoints.kpi.dlq.v1.
 */
public class TouchpointStackResource implements QuarkusTestResourceLifecycleManager {

    private StackProcess stack;

    @Override
    public Map<String, String> start() {
        // the KPI consumer's dead-letter topic is ours alone, so the stack does not create it by default
        stack = StackProcess.builder().kafka().redis().topic("touchpoints.kpi.dlq.v1", 1).start();
        return Map.of(
                "kafka.bootstrap.servers", stack.kafkaBootstrap(),
                "quarkus.redis.hosts", stack.redisUrl());
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}
