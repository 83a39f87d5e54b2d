package io.touchpoint.journey.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.touchpoint.journey.service.StageModel;
import io.touchpoint.journey.service.StageModelException;
import io.touchpoint.journey.service.StageModelReader;

/**
 * Loads the stage model once, at start-up, so a broken model stops the service before it consumes
 * anything rather than mis-mapping touchpoints.
 */
public class StageModelProducer {

    private static final Logger LOG = Logger.getLogger(StageModelProducer.class);
    static final String BUNDLED = "stage-model.json";

    @Produces
    @Singleton
    @Startup
    StageModel stageModel(JourneyConfig config) {
        StageModel model;
        if (config.stageModel().path().isPresent()) {
            Path path = Path.of(config.stageModel().path().get());
            try {
                model = StageModelReader.read(path.toString(), Files.readAllBytes(path));
            } catch (IOException e) {
                throw new StageModelException(path.toString(), "cannot read the file (touchpoint.stage-model.path): " + e, e);
            }
        } else {
            model = StageModelReader.read("classpath:" + BUNDLED, bundled());
        }
        LOG.infof("Stage model: %d stages, %d rules, funnels %s", model.stages().size(), model.rules().size(),
                model.funnels().stream().map(StageModel.Funnel::name).toList());
        return model;
    }

    private static byte[] bundled() {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new StageModelException("classpath:" + BUNDLED, java.util.List.of("missing from the classpath"));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
