package io.touchpoint.ingest.service;

import java.util.Map;

/**
 * How one provider's webhook payload becomes a canonical track touchpoint: one JSON file per
 * mapping ({@code webhook-mappings/<name>.json}, read by {@link WebhookMappingReader}). Paths are
 * JSON Pointers into the payload; null members are absent from the file.
 *
 * @param description what the provider sends, for whoever copies the file
 * @param eventType pointer to the provider's event type, e.g. {@code /type}
 * @param timestamp pointer to when it happened (ISO-8601, or epoch seconds); null: receivedAt
 * @param identity who it was about
 * @param events provider event type → canonical event; types not listed are refused as {@code mapping_failed}
 */
public record WebhookMapping(String description, String eventType, String timestamp, Identity identity,
        Map<String, EventRule> events) {

    /**
     * @param type {@code caller_id} or {@code social_handle}, per deploy/contracts/tracking-plan.md
     * @param phone caller_id: pointer to the phone number
     * @param platform social_handle: pointer to the platform, or a fixed platform written as {@code =twitter}
     * @param handle social_handle: pointer to the handle
     * @param userId optional pointer to a known userId
     */
    public record Identity(String type, String phone, String platform, String handle, String userId) {
    }

    /**
     * @param event the tracking-plan event name, e.g. {@code Case Resolved}
     * @param properties property name → JSON Pointer into the payload, or {@code $platform}/{@code $handle}/
     *        {@code $phone} for the normalised identity; missing values are left out
     */
    public record EventRule(String event, Map<String, String> properties) {
    }
}
