package io.touchpoint.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.touchpoint.ingest.config.Channel;
import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;

class TouchpointNormaliserTest {

    private static final AuthenticatedSource APP = new AuthenticatedSource("ios-app", Channel.APP, "iOS");
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:01.500Z");

    private final TouchpointNormaliser normaliser = new TouchpointNormaliser(8, 32 * 1024);

    private Touchpoint normalise(CallType type, String json) {
        return normaliser.call(type, json.getBytes(StandardCharsets.UTF_8), new Arrival(APP, NOW, "192.0.2.1"));
    }

    private EventRejectedException refused(CallType type, String json) {
        return assertThrows(EventRejectedException.class, () -> normalise(type, json));
    }

    @Test
    void channelAndSourceComeFromTheSourceNotTheBody() {
        Touchpoint tp = normalise(CallType.TRACK, "{\"anonymousId\":\"a\",\"event\":\"e\",\"channel\":\"web\"}");
        assertEquals(Channel.APP, tp.channel());
        assertEquals("ios-app", tp.sourceId());
        assertEquals("a", tp.customerKey());
        assertEquals("192.0.2.1", tp.context().tree().get("ip").asText());
    }

    @Test
    void refusalsCarryTheirReason() {
        assertEquals(RejectionReason.MISSING_IDENTITY, refused(CallType.TRACK, "{\"event\":\"e\"}").reason());
        assertEquals(RejectionReason.MISSING_EVENT, refused(CallType.TRACK, "{\"userId\":\"u\",\"event\":\" \"}").reason());
        assertEquals(RejectionReason.INVALID_JSON, refused(CallType.TRACK, "[1]").reason());
        assertEquals(RejectionReason.INVALID_JSON, refused(CallType.TRACK, "{\"userId\":\"u\"} trailing").reason());
        assertEquals(RejectionReason.INVALID_JSON,
                refused(CallType.IDENTIFY, "{\"userId\":\"u\",\"userId\":\"v\"}").reason(), "duplicate keys");
        assertEquals(RejectionReason.TOO_DEEP,
                refused(CallType.TRACK, "{\"userId\":\"u\",\"event\":\"e\",\"properties\":" + "{\"a\":".repeat(10)
                        + "1" + "}".repeat(11)).reason());
        assertEquals(RejectionReason.INVALID_FIELD,
                refused(CallType.TRACK, "{\"userId\":{\"id\":1},\"event\":\"e\"}").reason());
        assertEquals(RejectionReason.INVALID_FIELD, refused(CallType.TRACK,
                "{\"userId\":\"u\",\"event\":\"e\",\"messageId\":\"" + "m".repeat(257) + "\"}").reason());
        EventRejectedException sentAt = refused(CallType.TRACK, "{\"userId\":\"u\",\"event\":\"e\",\"sentAt\":\"soon\"}");
        assertEquals(RejectionReason.INVALID_TIMESTAMP, sentAt.reason());
        assertTrue(sentAt.detail().contains("'sentAt'"));
    }

    @Test
    void writeKeyIsFoundInBrokenOrHugeBodiesAndRedacted() {
        byte[] broken = "{\"event\":\"x\",\"writeKey\":\"k-123\",\"properties\":{".getBytes(StandardCharsets.UTF_8);
        assertEquals(Optional.of("k-123"), SegmentReader.writeKeyIn(broken));
        assertEquals(Optional.empty(), SegmentReader.writeKeyIn("{\"p\":{\"writeKey\":\"nested\"}}"
                .getBytes(StandardCharsets.UTF_8)), "only the top-level field counts");
        String redacted = TouchpointNormaliser.redactWriteKey("{\"writeKey\" : \"k-\\\"123\",\"event\":\"x\"}");
        assertFalse(redacted.contains("k-"));
        assertTrue(redacted.contains("\"event\":\"x\""));
    }
}
