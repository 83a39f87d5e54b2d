package io.touchpoint.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.touchpoint.metrics.messaging.InvalidTransitionException;
import io.touchpoint.metrics.messaging.TransitionParser;
import io.touchpoint.metrics.service.Transition;

/** The consuming side of the journey.transitions.v1 contract (deploy/contracts/). */
class TransitionContractTest {

    private static final Path CONTRACTS = Path.of("..", "deploy", "contracts");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TransitionParser parser = new TransitionParser(JSON);

    static List<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(CONTRACTS.resolve("samples"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("journey.transitions.v1."))
                    .sorted().toList();
        }
    }

    private static JsonSchema schema() throws IOException {
        JsonNode schema = JSON.readTree(CONTRACTS.resolve("journey.transitions.v1.schema.json").toFile());
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema, config);
    }

    @Test
    void everyKindOfTheContractHasASample() throws IOException {
        List<String> names = samples().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("journey.transitions.v1.customer_erased.json", "journey.transitions.v1.customer_merged.json",
                "journey.transitions.v1.stage_corrected.json", "journey.transitions.v1.stage_entered.json"), names);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void eachSampleValidatesAgainstTheSchemaAndIsAcceptedByTheParser(Path sample) throws IOException {
        String payload = Files.readString(sample);
        Set<ValidationMessage> errors = schema().validate(JSON.readTree(payload));
        assertTrue(errors.isEmpty(), sample + ": " + errors);

        Transition parsed = parser.parse(payload);
        JsonNode raw = JSON.readTree(payload);
        assertEquals(raw.get("transitionId").asText(), parsed.transitionId());
        assertEquals(raw.get("kind").asText(), parsed.kind());
        if (parsed instanceof Transition.StageEntered entered) {
            assertEquals(raw.get("customerId").asText(), entered.customerId());
            assertEquals(raw.get("stage").asText(), entered.stage());
            assertEquals(raw.get("channel").asText(), entered.channel());
            assertEquals(Instant.parse(raw.get("at").asText()), entered.at());
        } else if (parsed instanceof Transition.StageCorrected corrected) {
            assertEquals(raw.get("customerId").asText(), corrected.customerId());
            assertEquals(raw.get("stage").asText(), corrected.stage());
            assertEquals(raw.get("channel").asText(), corrected.channel());
            assertEquals(Instant.parse(raw.get("at").asText()), corrected.at());
            assertEquals(Instant.parse(raw.get("previousAt").asText()), corrected.previousAt());
            assertEquals(raw.get("anonymousId").asText(), corrected.anonymousId());
            assertEquals(null, corrected.userId(), "a null userId stays absent");
        } else if (parsed instanceof Transition.CustomerErased erased) {
            assertEquals(raw.get("customerId").asText(), erased.customerId());
            assertEquals(Instant.parse(raw.get("at").asText()), erased.at());
        } else {
            Transition.CustomerMerged merged = assertInstanceOf(Transition.CustomerMerged.class, parsed);
            assertEquals(raw.get("customerId").asText(), merged.survivorId());
            assertEquals(raw.get("absorbedCustomerId").asText(), merged.absorbedId());
        }
    }

    @Test
    void theSchemaRejectsWhatTheParserRejects() throws IOException {
        String noCustomer = """
                {"schemaVersion":1,"transitionId":"x","kind":"stage_entered","at":"2026-11-23T10:00:00.000Z",\
                "stage":"purchase","channel":"web","causeMessageId":"m"}""";
        assertEquals(false, schema().validate(JSON.readTree(noCustomer)).isEmpty());
        assertThrows(InvalidTransitionException.class, () -> parser.parse(noCustomer));
        assertThrows(InvalidTransitionException.class, () -> parser.parse("{\"schemaVersion\":2}"));
        assertThrows(InvalidTransitionException.class, () -> parser.parse("no json"));
    }

    @Test
    void anUnknownKindIsReadAsUnrecognizedNotRejected() {
        Transition t = parser.parse("""
                {"schemaVersion":1,"transitionId":"t-1","kind":"stage_left","customerId":"c","at":"2026-11-23T10:00:00.000Z"}""");
        assertInstanceOf(Transition.Unrecognized.class, t);
        assertEquals("other", t.kind());
    }

    @Test
    void anUnknownChannelIsCountedUnderOther() {
        Transition t = parser.parse("""
                {"schemaVersion":1,"transitionId":"t-2","kind":"stage_entered","customerId":"c",\
                "at":"2026-11-23T10:00:00.000+01:00","stage":"purchase","channel":"kiosk","causeMessageId":"m"}""");
        Transition.StageEntered entered = assertInstanceOf(Transition.StageEntered.class, t);
        assertEquals("other", entered.channel());
        assertEquals(Instant.parse("2026-11-23T09:00:00Z"), entered.at());
    }
}
