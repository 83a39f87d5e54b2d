package io.touchpoint.ingest.service;

/** No webhook source has this id: 404, so nothing about configured sources is revealed beyond that. */
public class UnknownSourceException extends RuntimeException {

    public UnknownSourceException(String sourceId) {
        super("there is no webhook source '" + (sourceId.length() > 64 ? sourceId.substring(0, 64) : sourceId) + "'",
                null, false, false);
    }
}
