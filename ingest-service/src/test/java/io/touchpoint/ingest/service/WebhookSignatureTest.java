package io.touchpoint.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.touchpoint.ingest.config.SignatureScheme;

/** The signature rules on raw bytes, without HTTP. */
class WebhookSignatureTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final byte[] BODY = "{\"type\":\"case.opened\"}".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.ofEpochSecond(1_795_428_900L);
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void standardWebhooksSpecExampleVerifies() {
        // the example of the Standard Webhooks specification (svix), with its own secret and timestamp
        byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "webhook-timestamp", "1614265330",
                "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertEquals("msg_p5jXN8AQM9LWM0D4loKWxJek", WebhookSignature.verify(SignatureScheme.STANDARD_WEBHOOKS,
                headers::get, body, List.of(SECRET), TOLERANCE, Instant.ofEpochSecond(1614265330)));
    }

    @Test
    void anyOfSeveralSignaturesAndAnyOfSeveralSecretsVerifies() {
        String signature = WebhookSignature.standardSignature("whsec_bmV3LWtleS0wMTIzNDU2Nzg5", "id-1",
                NOW.getEpochSecond(), BODY);
        Map<String, String> headers = Map.of("webhook-id", "id-1", "webhook-timestamp", "" + NOW.getEpochSecond(),
                "webhook-signature", "v1,bm90LWl0 v2,ignored " + signature);
        assertEquals("id-1", WebhookSignature.verify(SignatureScheme.STANDARD_WEBHOOKS, headers::get, BODY,
                List.of(SECRET, "whsec_bmV3LWtleS0wMTIzNDU2Nzg5"), TOLERANCE, NOW));
    }

    @Test
    void aChangedByteOrIdOrTimestampFails() {
        String signature = WebhookSignature.standardSignature(SECRET, "id-1", NOW.getEpochSecond(), BODY);
        byte[] changed = BODY.clone();
        changed[3] ^= 1;
        assertReason(RejectionReason.SIGNATURE_INVALID, Map.of("webhook-id", "id-1", "webhook-timestamp",
                "" + NOW.getEpochSecond(), "webhook-signature", signature), changed);
        assertReason(RejectionReason.SIGNATURE_INVALID, Map.of("webhook-id", "id-2", "webhook-timestamp",
                "" + NOW.getEpochSecond(), "webhook-signature", signature), BODY);
        assertReason(RejectionReason.SIGNATURE_INVALID, Map.of("webhook-id", "id-1", "webhook-timestamp",
                "" + (NOW.getEpochSecond() - 1), "webhook-signature", signature), BODY);
        assertReason(RejectionReason.SIGNATURE_INVALID, Map.of("webhook-id", "id-1"), BODY);
    }

    @Test
    void timestampsOutsideFiveMinutesAreStaleBothWays() {
        for (long skew : new long[] { -301, 301 }) {
            long ts = NOW.getEpochSecond() + skew;
            assertReason(RejectionReason.STALE_TIMESTAMP, Map.of("webhook-id", "id-1", "webhook-timestamp", "" + ts,
                    "webhook-signature", WebhookSignature.standardSignature(SECRET, "id-1", ts, BODY)), BODY);
        }
        long ts = NOW.getEpochSecond() - 299;
        assertEquals("id-1", WebhookSignature.verify(SignatureScheme.STANDARD_WEBHOOKS, Map.of("webhook-id", "id-1",
                "webhook-timestamp", "" + ts, "webhook-signature",
                WebhookSignature.standardSignature(SECRET, "id-1", ts, BODY))::get, BODY, List.of(SECRET), TOLERANCE, NOW));
    }

    @Test
    void hubSignatureIsHexHmacOfTheBody() {
        String hex = HexFormat.of().formatHex(WebhookSignature.hmac("s3cret-for-tests".getBytes(StandardCharsets.UTF_8), BODY));
        assertNull(WebhookSignature.verify(SignatureScheme.HUB_SIGNATURE_256,
                Map.of("X-Hub-Signature-256", "sha256=" + hex)::get, BODY, List.of("s3cret-for-tests"), TOLERANCE, NOW));
        assertThrows(EventRejectedException.class, () -> WebhookSignature.verify(SignatureScheme.HUB_SIGNATURE_256,
                Map.of("X-Hub-Signature-256", "sha256=" + hex)::get, BODY, List.of("other-secret-1234"), TOLERANCE, NOW));
        assertThrows(EventRejectedException.class, () -> WebhookSignature.verify(SignatureScheme.HUB_SIGNATURE_256,
                Map.of("X-Hub-Signature-256", "sha1=" + hex)::get, BODY, List.of("s3cret-for-tests"), TOLERANCE, NOW));
    }

    private static void assertReason(RejectionReason reason, Map<String, String> headers, byte[] body) {
        EventRejectedException e = assertThrows(EventRejectedException.class, () -> WebhookSignature.verify(
                SignatureScheme.STANDARD_WEBHOOKS, headers::get, body, List.of(SECRET), TOLERANCE, NOW));
        assertEquals(reason, e.reason());
    }
}
