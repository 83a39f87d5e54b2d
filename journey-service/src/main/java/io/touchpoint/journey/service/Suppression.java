package io.touchpoint.journey.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How an erased identifier is remembered: SHA-256 of {@code type:value}, hex. The suppression list
 * can then say "seen before" without holding the email address or phone number itself.
 */
public final class Suppression {

    private Suppression() {
    }

    public static String digest(Identifier id) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(id.key().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
