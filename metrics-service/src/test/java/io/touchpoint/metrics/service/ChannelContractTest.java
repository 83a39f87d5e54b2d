package io.touchpoint.metrics.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * service.Channel (the channel buckets of the counters and the channel query parameter) lists exactly the channels of touchpoints.v1
 * (deploy/contracts/touchpoints.v1.schema.json).
 */
class ChannelContractTest {

    @Test
    void theChannelsAreTheContractsChannels() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(Path.of("..", "deploy", "contracts", "touchpoints.v1.schema.json")
                .toFile());
        Set<String> contract = new TreeSet<>();
        schema.path("properties").path("channel").path("enum").forEach(c -> contract.add(c.asText()));
        assertFalse(contract.isEmpty(), "the schema's channel enum was read");
        assertEquals(contract, new TreeSet<>(Channel.wireNames()));
    }
}
