package io.touchpoint.ingest.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.touchpoint.ingest.config.SignatureScheme;

/**
 * Verifies a webhook's signature over the raw request bytes. Pure (the clock is a parameter), so
 * every rule is unit-testable. Signatures are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, every candidate against every secret without an early exit.
 */
public final class WebhookSignature {

    public static final String WEBHOOK_ID = "webhook-id";
    public static final String WEBHOOK_TIMESTAMP = "webhook-timestamp";
    public static final String WEBHOOK_SIGNATURE = "webhook-signature";
    public static final String HUB_SIGNATURE_256 = "X-Hub-Signature-256";

    private static final String WHSEC = "whsec_";

    private WebhookSignature() {
    }

    /**
     * @param header   the request's headers, by name (case-insensitive lookup is the caller's)
     * @param secrets  the source's secrets; any of them may have signed
     * @return the provider's delivery id ({@code webhook-id}), or null for schemes without one
     * @throws EventRejectedException {@code signature_invalid} (missing or wrong signature) or
     *                                {@code stale_timestamp} (Standard Webhooks timestamp outside the tolerance)
     */
    public static String verify(SignatureScheme scheme, Function<String, String> header, byte[] body,
            List<String> secrets, Duration tolerance, Instant now) {
        return switch (scheme) {
            case STANDARD_WEBHOOKS -> verifyStandard(header, body, secrets, tolerance, now);
            case HUB_SIGNATURE_256 -> {
                verifyHub(header.apply(HUB_SIGNATURE_256), body, secrets);
                yield null;
            }
        };
    }

    private static String verifyStandard(Function<String, String> header, byte[] body, List<String> secrets,
            Duration tolerance, Instant now) {
        String id = header.apply(WEBHOOK_ID);
        String timestamp = header.apply(WEBHOOK_TIMESTAMP);
        String signatures = header.apply(WEBHOOK_SIGNATURE);
        if (blank(id) || blank(timestamp) || blank(signatures)) {
            throw invalid("webhook-id, webhook-timestamp and webhook-signature are required");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw invalid("webhook-timestamp must be Unix seconds");
        }
        if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
            throw new EventRejectedException(RejectionReason.STALE_TIMESTAMP,
                    "webhook-timestamp is more than " + tolerance.toSeconds() + " s away from the server clock");
        }
        byte[] prefix = (id + "." + timestamp.trim() + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);

        boolean match = false;
        for (String secret : secrets) {
            byte[] expected = digest(hmac(standardKey(secret), signed));
            // several space-separated "v1,<base64>" entries: the provider signs with old and new key while rotating
            for (String entry : signatures.trim().split("\\s+")) {
                int comma = entry.indexOf(',');
                if (comma <= 0 || !entry.substring(0, comma).equals("v1")) {
                    continue;
                }
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(entry.substring(comma + 1));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                match |= MessageDigest.isEqual(expected, digest(given));
            }
        }
        if (!match) {
            throw invalid("no webhook-signature matches");
        }
        return id.trim();
    }

    private static void verifyHub(String header, byte[] body, List<String> secrets) {
        if (blank(header) || !header.trim().toLowerCase(Locale.ROOT).startsWith("sha256=")) {
            throw invalid("X-Hub-Signature-256: sha256=<hex> is required");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.trim().substring(7).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("X-Hub-Signature-256 is not hex");
        }
        byte[] givenDigest = digest(given);
        boolean match = false;
        for (String secret : secrets) {
            match |= MessageDigest.isEqual(digest(hmac(secret.getBytes(StandardCharsets.UTF_8), body)), givenDigest);
        }
        if (!match) {
            throw invalid("X-Hub-Signature-256 does not match");
        }
    }

    /** {@code whsec_<base64>} is the Standard Webhooks form; anything else is used as UTF-8 bytes. */
    static byte[] standardKey(String secret) {
        if (secret.startsWith(WHSEC)) {
            try {
                return Base64.getDecoder().decode(secret.substring(WHSEC.length()));
            } catch (IllegalArgumentException e) {
                // not base64 after all: use it as text, like providers that skip the encoding
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** HMAC-SHA256; public for tests and tools that sign like a provider. */
    public static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Standard Webhooks signature header value of a body, for tests and tools. */
    public static String standardSignature(String secret, String id, long timestamp, byte[] body) {
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac(standardKey(secret), signed));
    }

    static byte[] digest(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static EventRejectedException invalid(String detail) {
        return new EventRejectedException(RejectionReason.SIGNATURE_INVALID, detail);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
