package io.touchpoint.ingest.service;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/** The bytes of a request body as the client meant them: {@code Content-Encoding} undone, size bounded. */
public final class RequestBody {

    private RequestBody() {
    }

    /**
     * Undoes {@code gzip} (what Segment's SDKs send) or {@code deflate}; {@code identity} or no header
     * keeps the bytes. The inflated size is bounded by {@code maxBytes}, so a small "zip bomb" cannot
     * exhaust memory.
     *
     * @throws EventRejectedException {@code unsupported_encoding} for any other encoding,
     *                                {@code invalid_json} for a body that is not what it claims,
     *                                {@code too_large} when it inflates beyond {@code maxBytes}
     */
    public static byte[] decode(byte[] raw, String contentEncoding, int maxBytes) {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (encoding.isEmpty() || encoding.equals("identity")) {
            return raw;
        }
        if (!encoding.equals("gzip") && !encoding.equals("x-gzip") && !encoding.equals("deflate")) {
            throw new EventRejectedException(RejectionReason.UNSUPPORTED_ENCODING, "Content-Encoding '"
                    + (encoding.length() > 32 ? encoding.substring(0, 32) + "…" : encoding)
                    + "' is not supported; send gzip or no Content-Encoding");
        }
        try (InputStream in = encoding.equals("deflate") ? new InflaterInputStream(new ByteArrayInputStream(raw))
                : new GZIPInputStream(new ByteArrayInputStream(raw))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, raw.length * 4 + 64));
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) != -1) {
                if (out.size() + n > maxBytes) {
                    throw new EventRejectedException(RejectionReason.TOO_LARGE,
                            "the request inflates to more than " + maxBytes + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON,
                    "the body is not valid " + encoding + " data");
        }
    }
}
