package io.touchpoint.ingest.service;

import com.fasterxml.jackson.annotation.JsonValue;

/** The Segment calls this service accepts; {@link #wire()} is the {@code type} of the canonical record. */
public enum CallType {
    TRACK("track"),
    IDENTIFY("identify");

    private final String wire;

    CallType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
