package io.touchpoint.journey;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.touchpoint.stack.StackProcess;

/**
 * A real Kafka broker and a real PostgreSQL (deploy/stack, in a process of its own, on free ports)
 * for the whole test run. No Docker, no Dev Services, no mocks.
 */
public class TouchpointStackResource implements QuarkusTestResourceLifecycleManager {

    private StackProcess stack;

    @Override
    public Map<String, String> start() {
        stack = StackProcess.builder().kafka().postgres().start();
        return Map.of(
                "kafka.bootstrap.servers", stack.kafkaBootstrap(),
                "quarkus.datasource.reactive.url", stack.postgresReactiveUrl(),
                "quarkus.datasource.jdbc.url", stack.postgresJdbcUrl(),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}
