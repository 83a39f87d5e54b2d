package io.touchpoint.ingest;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.touchpoint.stack.StackProcess;

/**
 * A real Kafka broker (KRaft, in a process of its own, on free ports) and a real Redis (the dedup
 * window) for every {@code @QuarkusTest} of this module: no mocks, no Dev Services, no Docker. The
 * stack creates the Touchpoint topics.
 */
public class TouchpointStackResource implements QuarkusTestResourceLifecycleManager {

    private static volatile StackProcess current;

    private StackProcess stack;

    /** The stack of the running test application, for tests that stop and restart its broker. */
    static StackProcess current() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        stack = StackProcess.builder().kafka().redis().start();
        current = stack;
        return Map.of("kafka.bootstrap.servers", stack.kafkaBootstrap(),
                "quarkus.redis.hosts", stack.redisUrl());
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}
