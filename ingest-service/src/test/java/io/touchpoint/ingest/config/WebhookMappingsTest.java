package io.touchpoint.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.touchpoint.ingest.service.WebhookMapping;
import io.touchpoint.ingest.service.WebhookMappingException;

/** The built-in mappings and a folder of one file per provider, as the service reads them at start-up. */
class WebhookMappingsTest {

    private static final String ACME = """
            {"eventType": "/kind", "identity": {"type": "caller_id", "phone": "/from"},
             "events": {"call.ended": {"event": "Contact Started", "properties": {"callId": "/id"}}}}
            """;

    @Test
    void withoutAFolderTheBuiltInMappingsAreThere() {
        assertEquals(List.of("contact-center", "social"), List.copyOf(WebhookMappings.load(Optional.empty()).keySet()));
    }

    @Test
    void aFileInTheFolderAddsAMappingNamedAfterIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("acme-voice.json"), ACME);
        Files.writeString(dir.resolve("notes.txt"), "not a mapping");
        Map<String, WebhookMapping> all = WebhookMappings.load(Optional.of(dir.toString()));
        assertEquals(List.of("acme-voice", "contact-center", "social"), List.copyOf(all.keySet()));
        assertEquals("Contact Started", all.get("acme-voice").events().get("call.ended").event());
    }

    @Test
    void aFileNamedLikeABuiltInMappingReplacesIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("social.json"), ACME);
        assertEquals("/kind", WebhookMappings.load(Optional.of(dir.toString())).get("social").eventType());
    }

    @Test
    void aBrokenFileStopsTheStartNamingTheFileAndTheMember(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("acme.json");
        Files.writeString(broken, ACME.replace("\"/from\"", "\"from\""));
        WebhookMappingException e = assertThrows(WebhookMappingException.class,
                () -> WebhookMappings.load(Optional.of(dir.toString())));
        assertEquals("Invalid webhook mapping " + broken + ": identity.phone is 'from', not a JSON Pointer (it starts"
                + " with /, e.g. /data/id)", e.getMessage());
    }

    @Test
    void aMissingFolderStopsTheStart() {
        WebhookMappingException e = assertThrows(WebhookMappingException.class,
                () -> WebhookMappings.load(Optional.of("/nonexistent/touchpoint-mappings")));
        assertTrue(e.getMessage().contains("touchpoint.ingest.webhook-mappings.dir"), e.getMessage());
    }
}
