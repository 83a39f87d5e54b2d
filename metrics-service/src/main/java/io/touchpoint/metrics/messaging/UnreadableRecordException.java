package io.touchpoint.metrics.messaging;

/** A consumed record that does not meet its topic's contract; it goes to that topic's dead letters. */
public abstract class UnreadableRecordException extends RuntimeException {

    protected UnreadableRecordException(String message) {
        super(message);
    }

    protected UnreadableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
