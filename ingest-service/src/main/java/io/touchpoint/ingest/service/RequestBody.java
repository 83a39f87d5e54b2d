package io.touchpoint.ingest.service;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The bytes of a request body as the client meant them: the one place that decides which
 * {@code Content-Type}s carry JSON and undoes {@code Content-Encoding}, size bounded.
 */
public final class RequestBody {

    /** What the content types that carry JSON are, in words, for the details that refuse others. */
    public static final String ACCEPTED_TYPES = "application/json (any charset), text/plain, "
            + "application/x-www-form-urlencoded or no Content-Type";

    private RequestBody() {
    }

    /**
     * The decoded body of a request whose JSON the caller reads next.
     *
     * <p>Content types: {@code application/json} and any {@code application/*+json}, {@code text/plain}
     * (what analytics-next, analytics-kotlin and sendBeacon send, to spare a CORS preflight),
     * {@code application/x-www-form-urlencoded} (what axios labels the gzip Buffer of
     * {@code @rudderstack/rudder-sdk-node}), {@code application/octet-stream} and none at all: the body is
     * JSON whatever the label. A {@code charset} parameter is not consulted: JSON on the wire is UTF-8
     * (RFC 8259), and Jackson recognises UTF-16/32 by their bytes. Any other type is refused.
     *
     * @throws EventRejectedException {@code unsupported_encoding} for another content type or encoding,
     *                                {@code invalid_json} for a body that is not what it claims (or form
     *                                data), {@code too_large} when it inflates beyond {@code maxBytes}
     */
    public static byte[] decode(byte[] raw, String contentType, String contentEncoding, int maxBytes) {
        String mediaType = mediaType(contentType);
        if (!carriesJson(mediaType)) {
            throw new EventRejectedException(RejectionReason.UNSUPPORTED_ENCODING, "Content-Type '"
                    + echo(contentType) + "' does not carry JSON; send the JSON body as " + ACCEPTED_TYPES);
        }
        byte[] body = decode(raw, contentEncoding, maxBytes);
        if (mediaType.equals("application/x-www-form-urlencoded") && !startsLikeJson(body)) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, "the body is form data, not JSON; "
                    + "send the JSON object itself as the body (Content-Type application/json)");
        }
        return body;
    }

    /**
     * Undoes {@code gzip} (what Segment's SDKs send) or {@code deflate} (zlib-wrapped as HTTP defines
     * it, or raw as some clients send it); {@code identity} or no header keeps the bytes. The inflated
     * size is bounded by {@code maxBytes}, so a small "zip bomb" cannot exhaust memory.
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
                    + echo(encoding) + "' is not supported; send gzip, deflate or no Content-Encoding");
        }
        boolean deflate = encoding.equals("deflate");
        try (InputStream in = deflate ? new InflaterInputStream(new ByteArrayInputStream(raw), new Inflater(!zlib(raw)))
                : new GZIPInputStream(new ByteArrayInputStream(raw))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, raw.length * 4 + 64));
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) != -1) {
                if (out.size() + n > maxBytes) {
                    throw new EventRejectedException(RejectionReason.TOO_LARGE,
                            "the request inflates to more than " + maxBytes + " bytes; send smaller batches");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, "the body is not valid " + encoding
                    + " data; compress the JSON body with " + encoding + ", or drop the Content-Encoding header");
        }
    }

    /** The type/subtype of a Content-Type, lower case; empty when there is none. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean carriesJson(String mediaType) {
        return switch (mediaType) {
            case "", "application/json", "text/plain", "application/x-www-form-urlencoded",
                    "application/octet-stream" -> true;
            default -> mediaType.startsWith("application/") && mediaType.endsWith("+json");
        };
    }

    /** RFC 1950: compression method 8 and a header checksum divisible by 31. */
    private static boolean zlib(byte[] raw) {
        return raw.length >= 2 && (raw[0] & 0x0f) == 8 && (((raw[0] & 0xff) << 8) | (raw[1] & 0xff)) % 31 == 0;
    }

    private static boolean startsLikeJson(byte[] body) {
        for (byte b : body) {
            if (b == '{' || b == '[') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true; // empty: the JSON reader explains that
    }

    private static String echo(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "…" : value;
    }
}
