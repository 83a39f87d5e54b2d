package io.touchpoint.ingest.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads and checks one webhook mapping file, e.g. {@code webhook-mappings/social.json}:
 *
 * <pre>
 * { "description": "...",
 *   "eventType": "/event", "timestamp": "/createdAt",
 *   "identity": {"type": "social_handle", "platform": "/platform", "handle": "/author/handle"},
 *   "events": { "mention": {"event": "Mention", "properties": {"handle": "$handle", "postId": "/post/id"}} } }
 * </pre>
 *
 * Every problem is reported at once, each naming the member at fault.
 */
public final class WebhookMappingReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private WebhookMappingReader() {
    }

    public static WebhookMapping read(String source, byte[] json) {
        WebhookMapping mapping;
        try {
            mapping = JSON.readValue(json, WebhookMapping.class);
        } catch (JsonProcessingException e) {
            throw new WebhookMappingException(source, "not a readable webhook mapping JSON document: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new WebhookMappingException(source, "not readable: " + e.getMessage(), e);
        }
        if (mapping == null) {
            throw new WebhookMappingException(source, List.of("the file is empty"));
        }
        List<String> problems = problems(mapping);
        if (!problems.isEmpty()) {
            throw new WebhookMappingException(source, problems);
        }
        return mapping;
    }

    static List<String> problems(WebhookMapping m) {
        List<String> problems = new ArrayList<>();
        pointer(problems, "eventType", m.eventType(), true);
        pointer(problems, "timestamp", m.timestamp(), false);
        WebhookMapping.Identity id = m.identity();
        Set<String> identityValues = Set.of();
        if (id == null) {
            problems.add("identity is required, e.g. {\"type\": \"caller_id\", \"phone\": \"/data/caller\"}");
        } else if (WebhookMapper.CALLER_ID.equals(id.type())) {
            pointer(problems, "identity.phone", id.phone(), true);
            identityValues = Set.of("$phone");
        } else if (WebhookMapper.SOCIAL_HANDLE.equals(id.type())) {
            if (id.platform() == null || !id.platform().startsWith("=") || id.platform().length() == 1) {
                pointer(problems, "identity.platform", id.platform(), true);
            }
            pointer(problems, "identity.handle", id.handle(), true);
            identityValues = Set.of("$platform", "$handle");
        } else {
            problems.add("identity.type is " + quoted(id.type()) + "; it must be " + WebhookMapper.CALLER_ID + " or "
                    + WebhookMapper.SOCIAL_HANDLE);
        }
        if (id != null) {
            pointer(problems, "identity.userId", id.userId(), false);
        }
        if (m.events() == null || m.events().isEmpty()) {
            problems.add("events is required: provider event type → {\"event\": \"<tracking-plan name>\", \"properties\": {...}}");
            return problems;
        }
        for (Map.Entry<String, WebhookMapping.EventRule> e : m.events().entrySet()) {
            String at = "events." + e.getKey();
            WebhookMapping.EventRule rule = e.getValue();
            if (rule == null || rule.event() == null || rule.event().isBlank()) {
                problems.add(at + ".event is required: the tracking-plan event name, e.g. \"Case Resolved\"");
                continue;
            }
            if (rule.properties() == null) {
                continue;
            }
            for (Map.Entry<String, String> p : rule.properties().entrySet()) {
                String value = p.getValue();
                String name = at + ".properties." + p.getKey();
                if (value != null && value.startsWith("$")) {
                    if (!identityValues.contains(value)) {
                        problems.add(name + " is " + quoted(value) + "; with this identity type only "
                                + (identityValues.isEmpty() ? "JSON Pointers" : identityValues + " or JSON Pointers")
                                + " are known");
                    }
                } else {
                    pointer(problems, name, value, true);
                }
            }
        }
        return problems;
    }

    /** A JSON Pointer into the payload, such as {@code /data/caller}. */
    private static void pointer(List<String> problems, String name, String value, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(name + " is required: a JSON Pointer into the payload, such as /data/id");
            }
            return;
        }
        if (!value.startsWith("/")) {
            problems.add(name + " is " + quoted(value) + ", not a JSON Pointer (it starts with /, e.g. /data/id)");
            return;
        }
        try {
            JsonPointer.compile(value);
        } catch (IllegalArgumentException e) {
            problems.add(name + " is " + quoted(value) + ", not a JSON Pointer: " + e.getMessage());
        }
    }

    private static String quoted(String value) {
        return value == null ? "missing" : "'" + value + "'";
    }
}
