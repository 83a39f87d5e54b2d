package io.touchpoint.journey.service;

import java.util.Arrays;
import java.util.Optional;

/**
 * A typed identifier of a person ({@code user_id:u-1}). The type keeps {@code 42} as a user id apart
 * from {@code 42} as an anonymous id. More types (email, phone, device_id, ...) extend {@link Type}.
 */
public record Identifier(Type type, String value) implements Comparable<Identifier> {

    public enum Type {
        USER_ID("user_id"),
        ANONYMOUS_ID("anonymous_id");

        private final String code;

        Type(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Optional<Type> fromCode(String code) {
            return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
        }
    }

    public Identifier {
        if (type == null || value == null) {
            throw new IllegalArgumentException("identifier needs a type and a value");
        }
    }

    public static Identifier userId(String value) {
        return new Identifier(Type.USER_ID, value);
    }

    public static Identifier anonymousId(String value) {
        return new Identifier(Type.ANONYMOUS_ID, value);
    }

    /** The key under which the identifier is locked: {@code type:value}. */
    public String key() {
        return type.code + ":" + value;
    }

    @Override
    public int compareTo(Identifier o) {
        return key().compareTo(o.key());
    }

    @Override
    public String toString() {
        return key();
    }
}
