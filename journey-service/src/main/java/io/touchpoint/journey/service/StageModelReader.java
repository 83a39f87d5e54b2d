package io.touchpoint.journey.service;

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the stage model file ({@code stage-model.json}) and the funnel files ({@code funnels.json}, kept in
 * deploy/contracts because metrics-service reads the same file):
 *
 * <pre>
 * { "stages": ["awareness", ...],
 *   "rules": [ {"stage": "repeat", "events": ["Order Completed"], "requiresStage": "purchase"}, ... ] }
 *
 * { "funnels": [ {"name": "purchase", "stages": ["discovery", ...], "conversionWindow": "P14D"} ] }
 * </pre>
 */
public final class StageModelReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The conversion window of a funnel that names none. */
    public static final Duration DEFAULT_CONVERSION_WINDOW = Duration.ofDays(14);

    private StageModelReader() {
    }

    /** A stage model without funnels. */
    public static StageModel read(String source, byte[] json) {
        return read(source, json, Map.of());
    }

    /**
     * A stage model with the funnels of the given funnel files (source name → content, read in order), each
     * checked against the model's stages.
     */
    public static StageModel read(String source, byte[] json, Map<String, byte[]> funnelFiles) {
        Document doc = parse(source, json, Document.class, "stage model");
        List<String> problems = new ArrayList<>();
        List<StageModel.Funnel> funnels = new ArrayList<>();
        funnelFiles.forEach((file, bytes) -> {
            FunnelsDocument funnelsDoc = parse(file, bytes, FunnelsDocument.class, "funnels");
            for (FunnelDocument f : funnelsDoc.funnels() == null ? List.<FunnelDocument>of() : funnelsDoc.funnels()) {
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
        });
        String sources = funnelFiles.isEmpty() ? source : source + " with " + String.join(", ", funnelFiles.keySet());
        return StageModel.of(sources, doc.stages(), doc.rules(), funnels, problems);
    }

    private static <T> T parse(String source, byte[] json, Class<T> type, String what) {
        T doc;
        try {
            doc = JSON.readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StageModelException(source, "not a readable " + what + " JSON document: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new StageModelException(source, "not readable: " + e.getMessage(), e);
        }
        if (doc == null) {
            throw new StageModelException(source, List.of("the file is empty"));
        }
        return doc;
    }

    record Document(List<String> stages, List<StageModel.Rule> rules) {
    }

    record FunnelsDocument(List<FunnelDocument> funnels) {
    }

    record FunnelDocument(String name, List<String> stages, String conversionWindow) {
    }
}
