package io.touchpoint.metrics.messaging;

/** A record on touchpoints.v1 the KPIs cannot read; it goes to touchpoints.kpi.dlq.v1. */
public class InvalidTouchpointException extends UnreadableRecordException {

    public InvalidTouchpointException(String message) {
        super(message);
    }

    public InvalidTouchpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
