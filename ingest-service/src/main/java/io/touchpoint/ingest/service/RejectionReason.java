package io.touchpoint.ingest.service;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why an authenticated event was refused; the {@code reason} codes of {@code touchpoints.rejected.v1}. */
public enum RejectionReason {
    INVALID_JSON("invalid_json"),
    TOO_LARGE("too_large"),
    TOO_DEEP("too_deep"),
    MISSING_IDENTITY("missing_identity"),
    MISSING_EVENT("missing_event"),
    INVALID_TIMESTAMP("invalid_timestamp"),
    INVALID_FIELD("invalid_field"),
    UNKNOWN_TYPE("unknown_type"),
    SIGNATURE_INVALID("signature_invalid"),
    STALE_TIMESTAMP("stale_timestamp"),
    MAPPING_FAILED("mapping_failed"),
    UNSUPPORTED_ENCODING("unsupported_encoding");

    private final String code;

    RejectionReason(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }
}
