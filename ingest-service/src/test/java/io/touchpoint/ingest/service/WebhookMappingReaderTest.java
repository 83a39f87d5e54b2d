package io.touchpoint.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Webhook mapping files: the built-in ones as documented, and start-up errors that name the member at fault. */
class WebhookMappingReaderTest {

    @Test
    void theBuiltInContactCenterMappingReadsAsDocumented() {
        WebhookMapping m = WebhookMappingReader.read("contact-center", bundled("contact-center"));
        assertEquals("/type", m.eventType());
        assertEquals("/occurredAt", m.timestamp());
        assertEquals(new WebhookMapping.Identity("caller_id", "/data/caller", null, null, null), m.identity());
        assertEquals(List.of("case.opened", "case.resolved", "contact.started", "survey.completed"),
                m.events().keySet().stream().sorted().toList());
        assertEquals(new WebhookMapping.EventRule("Case Resolved", Map.of("caseId", "/data/caseId", "contactCount",
                "/data/contactCount", "resolutionSeconds", "/data/resolutionSeconds")), m.events().get("case.resolved"));
    }

    @Test
    void theBuiltInSocialMappingReadsAsDocumented() {
        WebhookMapping m = WebhookMappingReader.read("social", bundled("social"));
        assertEquals(new WebhookMapping.Identity("social_handle", null, "/platform", "/author/handle", null), m.identity());
        assertEquals(List.of("comment", "direct_message", "like", "mention", "share"),
                m.events().keySet().stream().sorted().toList());
        assertEquals(new WebhookMapping.EventRule("Direct Message", Map.of("platform", "$platform", "handle", "$handle",
                "text", "/message/text")), m.events().get("direct_message"));
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        WebhookMappingException e = assertThrows(WebhookMappingException.class, () -> read("acme.json", """
                {"eventType": "type",
                 "identity": {"type": "caller_id"},
                 "events": {"call.ended": {"properties": {"x": "/a"}},
                            "call.started": {"event": "Contact Started", "properties": {"who": "$handle", "y": "data/y"}}}}
                """));
        assertEquals(List.of(
                "eventType is 'type', not a JSON Pointer (it starts with /, e.g. /data/id)",
                "identity.phone is required: a JSON Pointer into the payload, such as /data/id",
                "events.call.ended.event is required: the tracking-plan event name, e.g. \"Case Resolved\"",
                "events.call.started.properties.who is '$handle'; with this identity type only [$phone] or JSON Pointers"
                        + " are known",
                "events.call.started.properties.y is 'data/y', not a JSON Pointer (it starts with /, e.g. /data/id)"),
                e.problems());
        assertTrue(e.getMessage().startsWith("Invalid webhook mapping acme.json: "), e.getMessage());
    }

    @Test
    void aMisspelledMemberOrAnUnknownIdentityIsRefused() {
        WebhookMappingException typo = assertThrows(WebhookMappingException.class, () -> read("typo.json", """
                {"eventType": "/type", "identity": {"type": "caller_id", "phone": "/p"}, "evnts": {}}
                """));
        assertTrue(typo.getMessage().contains("\"evnts\""), typo.getMessage());
        WebhookMappingException identity = assertThrows(WebhookMappingException.class, () -> read("id.json", """
                {"eventType": "/type", "identity": {"type": "email"}, "events": {"a": {"event": "A"}}}
                """));
        assertEquals(List.of("identity.type is 'email'; it must be caller_id or social_handle"), identity.problems());
    }

    @Test
    void aFixedPlatformNeedsNoPointer() {
        WebhookMapping m = read("x.json", """
                {"eventType": "/e", "identity": {"type": "social_handle", "platform": "=twitter", "handle": "/h"},
                 "events": {"mention": {"event": "Mention", "properties": {"platform": "$platform"}}}}
                """);
        assertEquals("=twitter", m.identity().platform());
    }

    private static WebhookMapping read(String source, String json) {
        return WebhookMappingReader.read(source, json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bundled(String name) {
        try (InputStream in = WebhookMappingReaderTest.class.getResourceAsStream("/webhook-mappings/" + name + ".json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
