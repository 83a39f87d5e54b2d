package io.touchpoint.metrics.service;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Channels of the touchpoints.v1 contract, with their wire names. */
public enum Channel {
    WEB("web"), APP("app"), SOCIAL("social"), CONTACT_CENTER("contact_center"), EMAIL("email"), STORE("store"),
    SERVER("server");

    /**
     * Bucket for a transition whose channel is missing or not (yet) known here. Keeps the key and label space
     * bounded; such customers still count in the all-channel totals.
     */
    public static final String OTHER = "other";

    private final String wireName;

    Channel(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Channel> fromWire(String value) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(value)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Channel::wireName).toList();
    }
}
