package io.touchpoint.journey.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replays a customer's touchpoints in corrected-time order through the stage model: which stage
 * each touchpoint maps to, and when each stage was first entered. Pure logic, so a late event or a
 * merge gives the same result as if everything had arrived in order.
 */
public final class StageTimeline {

    /** A stage entered for the first time, with the furthest stage reached before it and the touchpoint that did it. */
    public record Entered(StageEntry entry, String previousStage, TouchpointFacts cause) {
    }

    private final Map<String, String> stageByMessage;
    private final Map<String, Entered> entered;

    private StageTimeline(Map<String, String> stageByMessage, Map<String, Entered> entered) {
        this.stageByMessage = stageByMessage;
        this.entered = entered;
    }

    public static StageTimeline replay(StageModel model, List<TouchpointFacts> touchpoints) {
        List<TouchpointFacts> ordered = new ArrayList<>(touchpoints);
        ordered.sort(Comparator.comparing(TouchpointFacts::occurredAt).thenComparing(TouchpointFacts::messageId));
        Map<String, String> stages = new LinkedHashMap<>();
        Map<String, Entered> entered = new LinkedHashMap<>();
        Set<String> reached = new HashSet<>();
        for (TouchpointFacts t : ordered) {
            String stage = model.stageFor(t, reached).orElse(null);
            stages.put(t.messageId(), stage);
            if (stage != null && !entered.containsKey(stage)) {
                String previous = model.furthest(reached).orElse(null);
                entered.put(stage, new Entered(
                        new StageEntry(stage, t.occurredAt(), t.channel(), t.sourceId(), t.messageId()), previous, t));
                reached.add(stage);
            }
        }
        return new StageTimeline(stages, entered);
    }

    /** Stage of each touchpoint by messageId (null value: maps to no stage). */
    public Map<String, String> stageByMessage() {
        return stageByMessage;
    }

    /** First entry per stage, in the order the stages were entered. */
    public Map<String, Entered> entered() {
        return entered;
    }
}
