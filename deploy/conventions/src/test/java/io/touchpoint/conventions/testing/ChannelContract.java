package io.touchpoint.conventions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A service's list of channels is exactly the channel enum of touchpoints.v1
 * (deploy/contracts/touchpoints.v1.schema.json, read from the service module's folder). Each service runs it as
 * its {@code ChannelContractTest}, naming the list it keeps.
 */
public abstract class ChannelContract {

    /** The channels (wire names) this service's list holds. */
    protected abstract Collection<String> channels();

    @Test
    public void theChannelsAreTheContractsChannels() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(Path.of("..", "deploy", "contracts", "touchpoints.v1.schema.json")
                .toFile());
        Set<String> contract = new TreeSet<>();
        schema.path("properties").path("channel").path("enum").forEach(c -> contract.add(c.asText()));
        assertFalse(contract.isEmpty(), "the schema's channel enum was read");
        assertEquals(contract, new TreeSet<>(channels()));
    }
}
