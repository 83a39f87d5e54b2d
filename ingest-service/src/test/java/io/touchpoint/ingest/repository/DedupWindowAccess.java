package io.touchpoint.ingest.repository;

/** The dedup layout for tests outside this package. */
public final class DedupWindowAccess {

    private DedupWindowAccess() {
    }

    /** The hash field of a messageId in a dedup bucket. */
    public static byte[] field(String messageId) {
        return DedupWindow.field(messageId);
    }
}
