package io.touchpoint.ingest.config;

import java.util.Locale;

/** How a webhook provider signs its requests. */
public enum SignatureScheme {
    /** standardwebhooks.com: webhook-id, webhook-timestamp, webhook-signature (v1, HMAC-SHA256). */
    STANDARD_WEBHOOKS("standard-webhooks"),
    /** Meta / GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}. */
    HUB_SIGNATURE_256("hub-signature-256");

    private final String wire;

    SignatureScheme(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<SignatureScheme> {
        @Override
        public SignatureScheme convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (SignatureScheme s : values()) {
                if (s.wire.equals(v)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown webhook scheme '" + value
                    + "'; expected standard-webhooks or hub-signature-256");
        }
    }
}
