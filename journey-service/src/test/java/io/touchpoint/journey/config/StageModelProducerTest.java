package io.touchpoint.journey.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.touchpoint.journey.service.StageModel;
import io.touchpoint.journey.service.StageModelException;

/**
 * The start-up bean that loads the model (a {@code @Startup} producer: its exception stops the
 * service before it consumes anything) names the file and every problem in it.
 */
class StageModelProducerTest {

    @TempDir
    Path dir;

    private static JourneyConfig configWith(Optional<String> path) {
        JourneyConfig.StageModelSettings settings = (JourneyConfig.StageModelSettings) Proxy.newProxyInstance(
                JourneyConfig.class.getClassLoader(), new Class<?>[] { JourneyConfig.StageModelSettings.class },
                (p, m, a) -> path);
        return (JourneyConfig) Proxy.newProxyInstance(JourneyConfig.class.getClassLoader(),
                new Class<?>[] { JourneyConfig.class }, (p, m, a) -> {
                    if (m.getName().equals("stageModel")) {
                        return settings;
                    }
                    if (m.getName().equals("funnels")) {
                        return (JourneyConfig.Funnels) java.util.List::of;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void aBrokenModelFileStopsStartUpNamingTheFileAndEveryProblem() throws Exception {
        Path file = dir.resolve("model.json");
        Files.writeString(file, """
                {"stages": ["awareness", "purchase"],
                 "rules": [{"stage": "purchase", "eventPatterns": ["Order (Completed"]},
                           {"stage": "advocacy", "properties": [{"property": "score"}]}]}""");
        StageModelException e = assertThrows(StageModelException.class,
                () -> new StageModelProducer().stageModel(configWith(Optional.of(file.toString()))));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("rule #1 has eventPattern 'Order (Completed'"), e.getMessage());
        assertTrue(e.getMessage().contains("rule #2 maps to unknown stage 'advocacy'"), e.getMessage());
        assertTrue(e.getMessage().contains("rule #2 property predicate #1 has no operator"), e.getMessage());
    }

    @Test
    void aMissingFileStopsStartUpToo() {
        StageModelException e = assertThrows(StageModelException.class,
                () -> new StageModelProducer().stageModel(configWith(Optional.of(dir.resolve("nope.json").toString()))));
        assertTrue(e.getMessage().contains("cannot read the file"), e.getMessage());
    }

    @Test
    void theBundledModelLoads() {
        StageModel model = new StageModelProducer().stageModel(configWith(Optional.empty()));
        assertEquals(8, model.stages().size());
    }
}
