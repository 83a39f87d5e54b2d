package io.touchpoint.journey.service;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The identifiers a touchpoint carries besides userId/anonymousId, as the tracking plan lists them:
 * email and phone traits, the device id, social handles, and {@code context.externalIds} (a
 * contact center's {@code caller_id} links as a phone number). Values come out normalised; blocked
 * placeholder values are removed later by {@link IdentityGraph}.
 */
final class IdentifierExtractor {

    private IdentifierExtractor() {
    }

    static List<Identifier> extract(JsonNode root, String type) {
        Set<Identifier> out = new LinkedHashSet<>();
        JsonNode traits = root.path("traits");
        JsonNode contextTraits = root.path("context").path("traits");
        for (JsonNode t : List.of(traits, contextTraits)) {
            add(out, Identifier.EMAIL, t.path("email"));
            add(out, Identifier.PHONE, t.path("phone"));
            JsonNode handles = t.path("socialHandles");
            if (handles.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = handles.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> h = it.next();
                    if (h.getValue().isTextual()) {
                        Identifier.normalised(Identifier.SOCIAL_HANDLE, h.getKey() + ":" + h.getValue().textValue())
                                .ifPresent(out::add);
                    }
                }
            }
        }
        if ("identify".equals(type)) {
            add(out, Identifier.EMAIL, root.path("properties").path("email"));
        }
        add(out, Identifier.DEVICE_ID, root.path("context").path("device").path("id"));
        JsonNode externalIds = root.path("context").path("externalIds");
        if (externalIds.isArray()) {
            for (JsonNode x : externalIds) {
                String idType = x.path("type").isTextual() ? x.path("type").textValue().trim() : null;
                if (idType == null || idType.isEmpty()) {
                    continue;
                }
                String mapped = switch (idType) {
                    case "caller_id" -> Identifier.PHONE;
                    case "social_handle" -> Identifier.SOCIAL_HANDLE;
                    default -> Identifier.EXTERNAL_PREFIX + idType;
                };
                add(out, mapped, x.path("id"));
            }
        }
        return new ArrayList<>(out);
    }

    private static void add(Set<Identifier> out, String type, JsonNode value) {
        if (value.isTextual()) {
            Identifier.normalised(type, value.textValue()).ifPresent(out::add);
        } else if (value.isNumber() && Identifier.PHONE.equals(type)) {
            Identifier.normalised(type, value.asText()).ifPresent(out::add);
        }
    }
}
