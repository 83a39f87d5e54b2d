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
