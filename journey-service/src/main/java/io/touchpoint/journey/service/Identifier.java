package io.touchpoint.journey.service;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A typed identifier of a person ({@code user_id:u-1}, {@code email:jane@example.com}). The type keeps
 * {@code 42} as a user id apart from {@code 42} as an anonymous id. Types and normalisation follow
 * deploy/contracts/tracking-plan.md; {@code external:<type>} covers any other {@code context.externalIds}
 * type. Values are stored normalised, so one person's "Jane@Example.com " and "jane@example.com" link.
 */
public record Identifier(String type, String value) implements Comparable<Identifier> {

    public static final String USER_ID = "user_id";
    public static final String ANONYMOUS_ID = "anonymous_id";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String DEVICE_ID = "device_id";
    public static final String SOCIAL_HANDLE = "social_handle";
    /** Prefix of the types taken from {@code context.externalIds} as sent. */
    public static final String EXTERNAL_PREFIX = "external:";

    /** The fixed types; {@code external:<type>} comes on top. */
    public static final List<String> TYPES = List.of(USER_ID, ANONYMOUS_ID, EMAIL, PHONE, DEVICE_ID, SOCIAL_HANDLE);

    private static final Pattern EXTERNAL_TYPE = Pattern.compile("[a-z0-9_.-]{1,64}");

    public Identifier {
        if (type == null || value == null) {
            throw new IllegalArgumentException("identifier needs a type and a value");
        }
    }

    public static Identifier userId(String value) {
        return new Identifier(USER_ID, value);
    }

    public static Identifier anonymousId(String value) {
        return new Identifier(ANONYMOUS_ID, value);
    }

    /** Whether {@code type} is a fixed type or a well-formed {@code external:<type>}. */
    public static boolean isKnownType(String type) {
        return TYPES.contains(type) || (type != null && type.startsWith(EXTERNAL_PREFIX)
                && EXTERNAL_TYPE.matcher(type.substring(EXTERNAL_PREFIX.length())).matches());
    }

    /**
     * The identifier of the given type with its value normalised as the tracking plan says; empty when
     * the value cannot be one (an email without {@code @}, a phone number without enough digits).
     */
    public static Optional<Identifier> normalised(String type, String raw) {
        if (raw == null || !isKnownType(type)) {
            return Optional.empty();
        }
        String v = raw.trim();
        String value = switch (type) {
            case EMAIL -> v.contains("@") ? v.toLowerCase(Locale.ROOT) : null;
            case PHONE -> e164(v);
            case SOCIAL_HANDLE -> socialHandle(v);
            case USER_ID, ANONYMOUS_ID, DEVICE_ID -> raw;
            default -> raw;
        };
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(new Identifier(type, value));
    }

    /** E.164: {@code +} and digits only ({@code 0049 151 ...} becomes {@code +49151...}); null if not a phone number. */
    static String e164(String v) {
        String digits = v.replaceAll("[^0-9]", "");
        if (!v.startsWith("+") && v.startsWith("00")) {
            digits = digits.substring(2);
        }
        // E.164 numbers have at most 15 digits; fewer than 6 are extensions or placeholders, not people
        return digits.length() < 6 || digits.length() > 15 ? null : "+" + digits;
    }

    /** {@code <platform>:<handle>}, lower case, without {@code @}; null without a platform. */
    static String socialHandle(String v) {
        int colon = v.indexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            return null;
        }
        String platform = v.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String handle = v.substring(colon + 1).trim().replace("@", "").toLowerCase(Locale.ROOT);
        return platform.isEmpty() || handle.isEmpty() ? null : platform + ":" + handle;
    }

    /** The key under which the identifier is locked: {@code type:value}. */
    public String key() {
        return type + ":" + value;
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
