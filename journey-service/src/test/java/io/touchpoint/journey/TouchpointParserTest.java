package io.touchpoint.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.touchpoint.journey.service.InvalidTouchpointException;
import io.touchpoint.journey.service.TouchpointEvent;
import io.touchpoint.journey.service.TouchpointParser;

/** Consumer side of the touchpoints.v1 contract: every sample parses; broken records are refused. */
class TouchpointParserTest {

    static List<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(ContractSchemas.CONTRACTS.resolve("samples"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("touchpoints.v1.")).sorted().toList();
        }
    }

    @Test
    void everyContractSampleIsAccepted() throws IOException {
        List<Path> samples = samples();
        assertFalse(samples.isEmpty(), "no touchpoints.v1 samples found in " + ContractSchemas.CONTRACTS);
        for (Path sample : samples) {
            String json = Files.readString(sample);
            assertTrue(ContractSchemas.validate("touchpoints.v1.schema.json", json).isEmpty(), sample + " is a valid sample");
            TouchpointEvent e = TouchpointParser.parse(json);
            assertFalse(e.messageId().isEmpty(), sample.toString());
            assertEquals(json, e.payload());
        }
    }

    @Test
    void trackSampleFieldsAreRead() throws IOException {
        TouchpointEvent e = TouchpointParser.parse(Files.readString(
                ContractSchemas.CONTRACTS.resolve("samples/touchpoints.v1.track.json")));
        assertEquals("ajs-next-1732351200-6f1c2a", e.messageId());
        assertEquals("track", e.type());
        assertEquals("Product Viewed", e.event());
        assertEquals("web", e.channel());
        assertEquals("anon-507f191e810c19729de860ea", e.anonymousId());
        assertEquals(Instant.parse("2026-11-23T09:59:59.500Z"), e.timestamp());
        assertTrue(e.isStageCandidate());
    }

    @Test
    void brokenRecordsAreRefusedWithAReason() {
        assertThrows(InvalidTouchpointException.class, () -> TouchpointParser.parse("not json {"));
        assertThrows(InvalidTouchpointException.class, () -> TouchpointParser.parse("[1,2]"));
        InvalidTouchpointException noId = assertThrows(InvalidTouchpointException.class, () -> TouchpointParser.parse("""
                {"schemaVersion":1,"messageId":"m","type":"track","channel":"web","sourceId":"s",
                 "receivedAt":"2026-11-23T10:00:00.000Z","timestamp":"2026-11-23T10:00:00.000Z"}"""));
        assertTrue(noId.getMessage().contains("neither userId nor anonymousId"));
        InvalidTouchpointException channel = assertThrows(InvalidTouchpointException.class, () -> TouchpointParser.parse("""
                {"schemaVersion":1,"messageId":"m","type":"track","channel":"fax","sourceId":"s","userId":"u",
                 "receivedAt":"2026-11-23T10:00:00.000Z","timestamp":"2026-11-23T10:00:00.000Z"}"""));
        assertTrue(channel.getMessage().contains("unknown channel 'fax'"));
    }
}
