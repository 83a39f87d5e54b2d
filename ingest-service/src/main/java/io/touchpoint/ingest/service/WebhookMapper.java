package io.touchpoint.ingest.service;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;
import io.touchpoint.ingest.service.WebhookMapping.EventRule;

/**
 * Turns a provider's webhook payload into a canonical track touchpoint, following a declarative
 * {@link WebhookMapping} (one file per provider, checked at start-up). Identities follow deploy/contracts/tracking-plan.md:
 * a contact-center caller becomes {@code anonymousId = caller:<E.164>} with a {@code caller_id}
 * external id, a social author {@code social:<platform>:<handle>} with a {@code social_handle} one.
 * Pure: no I/O, no clock.
 */
public final class WebhookMapper {

    public static final String CALLER_ID = "caller_id";
    public static final String SOCIAL_HANDLE = "social_handle";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private WebhookMapper() {
    }

    public static Touchpoint map(WebhookMapping mapping, ObjectNode payload, AuthenticatedSource source,
            String messageId, Instant receivedAt) {
        String providerType = text(payload.at(mapping.eventType()));
        if (providerType == null) {
            throw failed("the payload has no event type at " + mapping.eventType());
        }
        EventRule rule = mapping.events().get(providerType);
        if (rule == null) {
            throw failed("event type '" + echo(providerType) + "' has no mapping");
        }

        String idType = mapping.identity().type();
        String phone = null;
        String platform = null;
        String handle = null;
        String anonymousId;
        String externalId;
        if (CALLER_ID.equals(idType)) {
            phone = e164(Optional.ofNullable(mapping.identity().phone()).map(p -> text(payload.at(p))).orElse(null));
            if (phone == null) {
                throw failed("the payload has no caller phone number");
            }
            anonymousId = "caller:" + phone;
            externalId = phone;
        } else if (SOCIAL_HANDLE.equals(idType)) {
            platform = Optional.ofNullable(mapping.identity().platform())
                    .map(p -> p.startsWith("=") ? p.substring(1) : text(payload.at(p)))
                    .map(p -> p.trim().toLowerCase(Locale.ROOT)).filter(p -> !p.isEmpty()).orElse(null);
            handle = Optional.ofNullable(mapping.identity().handle()).map(p -> text(payload.at(p)))
                    .map(WebhookMapper::handle).orElse(null);
            if (platform == null || handle == null) {
                throw failed("the payload has no platform and author handle");
            }
            anonymousId = "social:" + platform + ":" + handle;
            externalId = platform + ":" + handle;
        } else {
            throw failed("identity type '" + idType + "' is not caller_id or social_handle");
        }
        String userId = Optional.ofNullable(mapping.identity().userId()).map(p -> text(payload.at(p))).orElse(null);

        ObjectNode properties = NODES.objectNode();
        for (Map.Entry<String, String> p : new java.util.TreeMap<>(rule.properties() == null ? Map.<String, String>of() : rule.properties()).entrySet()) {
            String spec = p.getValue();
            JsonNode value = switch (spec) {
                case "$platform" -> platform == null ? null : NODES.textNode(platform);
                case "$handle" -> handle == null ? null : NODES.textNode(handle);
                case "$phone" -> phone == null ? null : NODES.textNode(phone);
                default -> payload.at(spec);
            };
            if (value != null && !value.isMissingNode() && !value.isNull()) {
                properties.set(p.getKey(), value.deepCopy());
            }
        }

        ObjectNode context = NODES.objectNode();
        ObjectNode id = context.putArray("externalIds").addObject();
        id.put("id", externalId).put("type", idType).put("collection", "users").put("encoding", "none");

        Instant happened = Optional.ofNullable(mapping.timestamp()).map(payload::at).filter(n -> !n.isMissingNode() && !n.isNull())
                .map(WebhookMapper::instant).orElse(null);
        Instant eventTime = happened != null ? happened : receivedAt;
        return new Touchpoint(Touchpoint.SCHEMA_VERSION, messageId, CallType.TRACK, rule.event(), source.channel(),
                source.id(), userId, anonymousId, null, null, null, JsonPart.of(properties), JsonPart.of(context), null,
                EventTime.format(happened), null, EventTime.format(receivedAt), EventTime.format(eventTime), false);
    }

    /** E.164 as the tracking plan writes it: {@code +} and digits only; null when no digits are left. */
    static String e164(String raw) {
        if (raw == null) {
            return null;
        }
        String digits = raw.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? null : "+" + digits;
    }

    /** Lower case, without a leading {@code @}. */
    static String handle(String raw) {
        String h = raw.trim();
        while (h.startsWith("@")) {
            h = h.substring(1);
        }
        h = h.toLowerCase(Locale.ROOT);
        return h.isEmpty() ? null : h;
    }

    private static Instant instant(JsonNode node) {
        try {
            if (node.isNumber()) {
                long n = node.asLong();
                return n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
            }
            return EventTime.parse(node.asText());
        } catch (DateTimeException | ArithmeticException e) {
            throw new EventRejectedException(RejectionReason.INVALID_TIMESTAMP,
                    "the payload's time is not ISO-8601 with offset nor epoch seconds");
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()
                || node.asText().isBlank() ? null : node.asText();
    }

    private static EventRejectedException failed(String detail) {
        return new EventRejectedException(RejectionReason.MAPPING_FAILED, detail);
    }

    private static String echo(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }
}
