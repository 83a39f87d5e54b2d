package io.touchpoint.metrics.service;

import java.time.Duration;
import java.util.List;

/** A named, ordered subset of the journey stages. */
public record FunnelDefinition(String id, List<String> stages, Duration conversionWindow) {

    public FunnelDefinition {
        stages = List.copyOf(stages);
    }

    public boolean contains(String stage) {
        return stages.contains(stage);
    }

    /** The window as an ISO-8601 period when it is whole days ({@code P14D}), else as a duration ({@code PT36H}). */
    public String conversionWindowIso() {
        long seconds = conversionWindow.getSeconds();
        if (seconds > 0 && seconds % 86_400 == 0 && conversionWindow.getNano() == 0) {
            return "P" + (seconds / 86_400) + "D";
        }
        return conversionWindow.toString();
    }
}
