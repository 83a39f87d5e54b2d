package io.touchpoint.ingest.service;

import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** The Segment calls this service accepts; {@link #wire()} is the {@code type} of the canonical record. */
public enum CallType {
    TRACK("track"),
    IDENTIFY("identify"),
    PAGE("page"),
    SCREEN("screen"),
    GROUP("group"),
    ALIAS("alias");

    private final String wire;

    CallType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** The call type of a batch item's {@code type}; empty for anything Segment does not define. */
    public static Optional<CallType> fromWire(String value) {
        for (CallType t : values()) {
            if (t.wire.equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
