package io.touchpoint.metrics.messaging;

/** Redis refused to count one record (e.g. one of its keys holds the wrong type); it goes to the dead letters. */
public class UncountableRecordException extends RuntimeException {

    public UncountableRecordException(String message) {
        super(message);
    }
}
