package io.touchpoint.journey.service;

/** A record that is not a usable touchpoints.v1 message; it goes to the dead-letter topic. */
public class InvalidTouchpointException extends RuntimeException {

    public InvalidTouchpointException(String message) {
        super(message);
    }

    public InvalidTouchpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
