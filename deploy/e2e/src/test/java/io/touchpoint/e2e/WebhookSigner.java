package io.touchpoint.e2e;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs webhook bodies the way the providers do, so the e2e tests call ingest as a real provider would. */
final class WebhookSigner {

    private WebhookSigner() {
    }

    /** Standard Webhooks: {@code v1,base64(HMAC-SHA256(key, id.timestamp.body))}, key = base64 after {@code whsec_}. */
    static String standardWebhooks(String secret, String id, long timestampSeconds, String body) {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        byte[] mac = hmac(key, id + "." + timestampSeconds + "." + body);
        return "v1," + Base64.getEncoder().encodeToString(mac);
    }

    /** Meta/GitHub: {@code sha256=hex(HMAC-SHA256(secret, body))}. */
    static String hubSignature256(String secret, String body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
