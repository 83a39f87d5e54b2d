package io.touchpoint.ingest.service;

/** An event that cannot become a touchpoint; the detail names the offending field for the client. */
public class EventRejectedException extends RuntimeException {

    private final RejectionReason reason;

    public EventRejectedException(RejectionReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public RejectionReason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
