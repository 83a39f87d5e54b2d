package io.touchpoint.ingest;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.touchpoint.stack.StackProcess;

/**
 * A real Kafka broker (KRaft, in a process of its own, on free ports) for every {@code @QuarkusTest}
 * of this module: no mocks, no Dev Services, no Docker. The stack creates the Touchpoint topics.
 */
public class TouchpointStackResource implements QuarkusTestResourceLifecycleManager {

    private StackProcess stack;

    @Override
    public Map<String, String> start() {
        stack = StackProcess.builder().kafka().start();
        return Map.of("kafka.bootstrap.servers", stack.kafkaBootstrap());
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}
