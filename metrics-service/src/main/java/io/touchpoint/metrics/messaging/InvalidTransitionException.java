package io.touchpoint.metrics.messaging;

/** A record on journey.transitions.v1 that does not meet the contract; it goes to the dead-letter topic. */
public class InvalidTransitionException extends UnreadableRecordException {

    public InvalidTransitionException(String message) {
        super(message);
    }

    public InvalidTransitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
