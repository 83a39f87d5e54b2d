package io.touchpoint.journey.service;

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the stage model file ({@code stage-model.json}):
 *
 * <pre>
 * { "stages": ["awareness", ...],
 *   "rules": [ {"stage": "repeat", "events": ["Order Completed"], "requiresStage": "purchase"}, ... ],
 *   "funnels": [ {"name": "purchase", "stages": ["discovery", ...], "conversionWindow": "P14D"} ] }
 * </pre>
 */
public final class StageModelReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The conversion window of a funnel that names none. */
    public static final Duration DEFAULT_CONVERSION_WINDOW = Duration.ofDays(14);

    private StageModelReader() {
    }

    public static StageModel read(String source, byte[] json) {
        Document doc;
        try {
            doc = JSON.readValue(json, Document.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StageModelException(source, "not a readable stage model JSON document: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new StageModelException(source, "not readable: " + e.getMessage(), e);
        }
        if (doc == null) {
            throw new StageModelException(source, List.of("the file is empty"));
        }
        List<String> problems = new ArrayList<>();
        List<StageModel.Funnel> funnels = new ArrayList<>();
        for (FunnelDocument f : doc.funnels() == null ? List.<FunnelDocument>of() : doc.funnels()) {
            // a funnel without a window gets the default one
            Duration window = f == null || f.conversionWindow() == null ? DEFAULT_CONVERSION_WINDOW : null;
            if (f == null) {
                funnels.add(null);
                continue;
            }
            if (f.conversionWindow() != null) {
                try {
                    window = Duration.parse(f.conversionWindow());
                } catch (DateTimeParseException e) {
                    problems.add("funnel '" + f.name() + "' has conversionWindow '" + f.conversionWindow()
                            + "', not an ISO-8601 duration such as P14D");
                }
            }
            funnels.add(new StageModel.Funnel(f.name(), f.stages(), window));
        }
        return StageModel.of(source, doc.stages(), doc.rules(), funnels, problems);
    }

    record Document(List<String> stages, List<StageModel.Rule> rules, List<FunnelDocument> funnels) {
    }

    record FunnelDocument(String name, List<String> stages, String conversionWindow) {
    }
}
