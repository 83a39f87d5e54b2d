package io.touchpoint.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * config.Channel (source channels, the channel of every record ingest writes) lists exactly the channels of touchpoints.v1
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
        assertEquals(contract, new TreeSet<>(Arrays.stream(Channel.values()).map(Channel::wire).toList()));
    }
}
