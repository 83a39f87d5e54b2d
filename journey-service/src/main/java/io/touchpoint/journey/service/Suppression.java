package io.touchpoint.journey.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;
import io.touchpoint.conventions.config.ProdSecret;
import io.touchpoint.journey.config.JourneyConfig;

/**
 * How an erased identifier is remembered: HMAC-SHA256 of {@code type:value} under a secret key,
 * hex. The suppression list can then say "seen before" without holding the email address or phone
 * number itself, and without the key a copy of the list cannot be reversed by hashing every phone
 * number (a plain hash of a low-entropy value could be).
 *
 * <p>Checked at start-up ({@link ProdSecret}): outside the dev and test profiles the service refuses to run
 * without a key, with the dev key, or with a short one. Changing the key later makes the existing list
 * unreadable: erased identifiers would no longer be suppressed.
 */
@Startup
@ApplicationScoped
public class Suppression {

    /** The key application.properties gives the dev and test profiles; refused in every other profile. */
    static final String DEV_KEY = "dev-suppression-key";

    private final SecretKeySpec key;
    /** A Mac per thread, initialised once: getInstance + init for each of a batch's thousands of digests cost more than the HMAC. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    @Inject
    public Suppression(JourneyConfig config) {
        this(ProdSecret.require("TOUCHPOINT_SUPPRESSION_KEY", "touchpoint.identity.suppression-key",
                config.identity().suppressionKey(), Set.of(DEV_KEY), ProdSecret.devProfile()));
    }

    public Suppression(String key) {
        this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String digest(Identifier id) {
        // doFinal resets the Mac for the next digest
        return HexFormat.of().formatHex(macs.get().doFinal(id.key().getBytes(StandardCharsets.UTF_8)));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
