package io.touchpoint.ingest.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonValue;

/** The channel a source belongs to; {@link #wire()} is the spelling in config and on the wire. */
public enum Channel {
    WEB("web"),
    APP("app"),
    SOCIAL("social"),
    CONTACT_CENTER("contact_center"),
    EMAIL("email"),
    STORE("store"),
    SERVER("server");

    private final String wire;

    Channel(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** Accepts the wire spelling ({@code contact_center}); also tolerates {@code contact-center} and upper case. */
    public static Channel fromWire(String value) {
        if (value != null) {
            String normalised = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            for (Channel c : values()) {
                if (c.wire.equals(normalised)) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("unknown channel '" + value + "'; expected one of "
                + Arrays.stream(values()).map(Channel::wire).collect(Collectors.joining(", ")));
    }
}
