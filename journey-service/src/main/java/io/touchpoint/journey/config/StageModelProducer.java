package io.touchpoint.journey.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.touchpoint.journey.service.StageModel;
import io.touchpoint.journey.service.StageModelException;
import io.touchpoint.journey.service.StageModelReader;

/**
 * Loads the stage model and its funnels once, at start-up, so a broken model stops the service before it
 * consumes anything rather than mis-mapping touchpoints.
 */
public class StageModelProducer {

    private static final Logger LOG = Logger.getLogger(StageModelProducer.class);
    static final String BUNDLED = "stage-model.json";
    private static final String CLASSPATH = "classpath:";

    @Produces
    @Singleton
    @Startup
    StageModel stageModel(JourneyConfig config) {
        String source = config.stageModel().path().orElse(CLASSPATH + BUNDLED);
        byte[] model = read(source, "touchpoint.stage-model.path");
        Map<String, byte[]> funnels = new LinkedHashMap<>();
        for (String file : config.funnels().files()) {
            funnels.put(file, read(file, "touchpoint.funnels.files"));
        }
        StageModel stageModel = StageModelReader.read(source, model, funnels);
        LOG.infof("Stage model: %d stages, %d rules, funnels %s (from %s)", stageModel.stages().size(),
                stageModel.rules().size(), stageModel.funnels().stream().map(StageModel.Funnel::name).toList(),
                funnels.keySet());
        return stageModel;
    }

    /** A {@code classpath:} resource or a file on disk. */
    private static byte[] read(String location, String property) {
        if (location.startsWith(CLASSPATH)) {
            String resource = location.substring(CLASSPATH.length());
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new StageModelException(location, List.of("missing from the classpath"));
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new StageModelException(location, "cannot read the resource: " + e, e);
            }
        }
        try {
            return Files.readAllBytes(Path.of(location));
        } catch (IOException e) {
            throw new StageModelException(location, "cannot read the file (" + property + "): " + e, e);
        }
    }
}
