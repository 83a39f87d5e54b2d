package io.touchpoint.metrics.service;

/** A funnel id that is not configured. */
public class UnknownFunnelException extends RuntimeException {

    private final String funnelId;

    public UnknownFunnelException(String funnelId) {
        super("no funnel '" + funnelId + "' is configured");
        this.funnelId = funnelId;
    }

    public String funnelId() {
        return funnelId;
    }
}
