package io.touchpoint.journey.service;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The opaque {@code cursor}/{@code after} of paged endpoints: the position of the last item of a
 * page (keyset paging, so pages stay stable while rows are added), base64url-encoded.
 */
public final class PageCursor {

    private static final String SEPARATOR = "\u001f";

    private PageCursor() {
    }

    public static String encode(String... parts) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join(SEPARATOR, parts).getBytes(StandardCharsets.UTF_8));
    }

    /** The parts of a cursor, or null for none; a cursor this service did not hand out is a 400. */
    public static List<String> decode(String name, String cursor, int parts) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            List<String> out = List.of(raw.split(SEPARATOR, -1));
            if (out.size() != parts) {
                throw new IllegalArgumentException();
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("'" + name + "' is not a cursor this API handed out");
        }
    }

    /** A {@code limit} query parameter: default when absent, else within [1, max]. */
    public static int limit(String raw, int defaultLimit, int max) {
        if (raw == null || raw.isEmpty()) {
            return defaultLimit;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidParameterException("'limit' must be an integer from 1 to " + max + "; was '" + raw + "'");
    }
}
