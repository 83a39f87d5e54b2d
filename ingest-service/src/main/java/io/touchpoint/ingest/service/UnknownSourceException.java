package io.touchpoint.ingest.service;

/** No source has this id or write key: 404, so nothing about configured sources is revealed beyond that. */
public class UnknownSourceException extends RuntimeException {

    public UnknownSourceException(String sourceId) {
        this("there is no webhook source '" + (sourceId.length() > 64 ? sourceId.substring(0, 64) : sourceId) + "'",
                true);
    }

    private UnknownSourceException(String detail, boolean ignored) {
        super(detail, null, false, false);
    }

    /** A settings request naming a write key no source owns (the key is not echoed). */
    public static UnknownSourceException writeKey() {
        return new UnknownSourceException("no source has this write key; check the write key the SDK is loaded with",
                true);
    }
}
