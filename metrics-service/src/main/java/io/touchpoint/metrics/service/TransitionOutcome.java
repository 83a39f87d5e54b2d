package io.touchpoint.metrics.service;

import java.util.Locale;

/**
 * What consuming one transition did. {@code COUNTED} means it was applied to the per-customer state and the
 * counters (a repeat entry of a stage is applied but moves no total: a person counts once);
 * {@code DUPLICATE} means its transitionId had been applied before; {@code SKIPPED} means it carried nothing to
 * count (an unknown kind, or a stage in no funnel).
 */
public enum TransitionOutcome {
    COUNTED, DUPLICATE, SKIPPED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
