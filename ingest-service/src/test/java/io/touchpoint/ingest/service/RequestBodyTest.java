package io.touchpoint.ingest.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

/** Content-Encoding handling and the anonymisation and rate rules, without HTTP. */
class RequestBodyTest {

    @Test
    void gzipIsUndoneAndIdentityKept() throws Exception {
        byte[] json = "{\"event\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(json, RequestBody.decode(gzip(json), "gzip", 1024));
        assertArrayEquals(json, RequestBody.decode(gzip(json), " GZIP ", 1024));
        assertArrayEquals(json, RequestBody.decode(json, null, 1024));
        assertArrayEquals(json, RequestBody.decode(json, "identity", 1024));
    }

    @Test
    void otherEncodingsBrokenGzipAndBombsAreRefusedWithTheirReason() throws Exception {
        assertEquals(RejectionReason.UNSUPPORTED_ENCODING,
                assertThrows(EventRejectedException.class, () -> RequestBody.decode(new byte[1], "br", 1024)).reason());
        assertEquals(RejectionReason.INVALID_JSON, assertThrows(EventRejectedException.class,
                () -> RequestBody.decode("not gzip".getBytes(StandardCharsets.UTF_8), "gzip", 1024)).reason());
        byte[] bomb = gzip(new byte[1_000_000]);
        assertEquals(RejectionReason.TOO_LARGE,
                assertThrows(EventRejectedException.class, () -> RequestBody.decode(bomb, "gzip", 100_000)).reason());
    }

    @Test
    void jsonIsReadWhateverTheSdkLabelsItAndOtherTypesAreRefused() throws Exception {
        byte[] json = "{\"event\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        for (String type : new String[] { null, "", "application/json", "Application/JSON; charset=UTF-16",
                "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "application/vnd.segment+json",
                "application/octet-stream" }) {
            assertArrayEquals(json, RequestBody.decode(gzip(json), type, "gzip", 1024), String.valueOf(type));
        }
        for (String type : new String[] { "application/xml", "multipart/form-data; boundary=x", "text/html" }) {
            EventRejectedException refused = assertThrows(EventRejectedException.class,
                    () -> RequestBody.decode(json, type, null, 1024));
            assertEquals(RejectionReason.UNSUPPORTED_ENCODING, refused.reason());
            assertEquals("Content-Type '" + type + "' does not carry JSON; send the JSON body as application/json "
                    + "(any charset), text/plain, application/x-www-form-urlencoded or no Content-Type", refused.detail());
        }
        EventRejectedException form = assertThrows(EventRejectedException.class, () -> RequestBody.decode(
                "a=1&b=2".getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded", null, 1024));
        assertEquals(RejectionReason.INVALID_JSON, form.reason());
    }

    @Test
    void deflateIsReadZlibWrappedAndRaw() throws Exception {
        byte[] json = "{\"event\":\"deflated\"}".getBytes(StandardCharsets.UTF_8);
        for (boolean raw : new boolean[] { false, true }) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(out,
                    new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED, raw))) {
                z.write(json);
            }
            assertArrayEquals(json, RequestBody.decode(out.toByteArray(), "deflate", 1024), "raw=" + raw);
        }
    }

    @Test
    void ipAnonymisationKeepsTheNetworkOnly() {
        assertEquals("203.0.113.0", ClientAddress.anonymise("203.0.113.77"));
        assertEquals("2001:db8:85a3:0:0:0:0:0", ClientAddress.anonymise("2001:db8:85a3:8d3:1319:8a2e:370:7348"));
        assertEquals(null, ClientAddress.anonymise("not-an-ip.example.com"));
    }

    @Test
    void tokenBucketAllowsTheBurstThenTheRate() {
        SourceRateLimiter.Bucket bucket = new SourceRateLimiter.Bucket(2, 3);
        long t = System.nanoTime();
        assertEquals(0, bucket.take(t));
        assertEquals(0, bucket.take(t));
        assertEquals(0, bucket.take(t));
        long wait = bucket.take(t);
        assertEquals(500_000_000L, wait, 1_000_000L, "one token every 0.5 s at 2/s");
        assertEquals(0, bucket.take(t + 500_000_000L));
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
