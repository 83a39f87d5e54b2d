package io.touchpoint.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.journey.service.StageModel;
import io.touchpoint.journey.service.StageModelException;
import io.touchpoint.journey.service.StageModelReader;
import io.touchpoint.journey.service.StageTimeline;
import io.touchpoint.journey.service.TouchpointFacts;

/** The stage model's validation and rule matching, as pure logic. */
class StageModelTest {

    static StageModel bundled() {
        try (InputStream in = StageModelTest.class.getClassLoader().getResourceAsStream("stage-model.json")) {
            return StageModelReader.read("bundled", in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StageModelException invalid(String json) {
        return assertThrows(StageModelException.class,
                () -> StageModelReader.read("test.json", json.getBytes(StandardCharsets.UTF_8)));
    }

    private static Optional<String> stage(String type, String event, String channel, String... reached) {
        return bundled().stageFor(type, event, channel, Set.of(reached));
    }

    @Test
    void bundledModelHasTheEightStagesAndTwoFunnels() {
        StageModel m = bundled();
        assertEquals(List.of("awareness", "discovery", "consideration", "purchase", "use", "support", "repeat", "advocacy"),
                m.stages());
        assertEquals(8, m.funnel("lifecycle").orElseThrow().stages().size());
        assertEquals(List.of("discovery", "consideration", "purchase"), m.funnel("purchase").orElseThrow().stages());
        assertEquals("P14D", m.funnel("purchase").orElseThrow().conversionWindowIso());
    }

    @Test
    void defaultRulesMapEventsToStages() {
        assertEquals(Optional.of("purchase"), stage("track", "Order Completed", "web"));
        assertEquals(Optional.of("repeat"), stage("track", "Order Completed", "web", "purchase"));
        assertEquals(Optional.of("advocacy"), stage("track", "Product Reviewed", "web"));
        assertEquals(Optional.of("support"), stage("track", "Anything At All", "contact_center"));
        assertEquals(Optional.of("support"), stage("track", "Case Opened", "email"));
        assertEquals(Optional.of("use"), stage("track", "Logged In", "app"));
        assertEquals(Optional.of("consideration"), stage("track", "Checkout Started", "web"));
        assertEquals(Optional.of("discovery"), stage("track", "product viewed", "web"));
        assertEquals(Optional.of("awareness"), stage("page", null, "web"));
        assertEquals(Optional.of("awareness"), stage("screen", "Home", "app"));
        assertEquals(Optional.of("awareness"), stage("track", "Email Opened", "email"));
        assertEquals(Optional.empty(), stage("track", "Something Else", "web"));
    }

    @Test
    void identityEventsNeverMapToAStage() {
        assertEquals(Optional.empty(), stage("identify", null, "contact_center"));
        assertEquals(Optional.empty(), stage("alias", null, "web"));
        assertEquals(Optional.empty(), stage("group", null, "web"));
    }

    @Test
    void rejectsUnknownStageInRule() {
        StageModelException e = invalid("""
                {"stages": ["a", "b"], "rules": [{"stage": "c", "events": ["X"]}], "funnels": []}""");
        assertTrue(e.getMessage().contains("rule #1 maps to unknown stage 'c'"), e.getMessage());
    }

    @Test
    void rejectsDuplicateStageAndEmptyLists() {
        assertTrue(invalid("""
                {"stages": ["a", "a"], "rules": [{"stage": "a", "events": ["X"]}]}""")
                .problems().contains("stage 'a' is listed twice"));
        StageModelException empty = invalid("""
                {"stages": [], "rules": []}""");
        assertTrue(empty.problems().stream().anyMatch(p -> p.contains("'stages' is empty")), empty.getMessage());
        assertTrue(empty.problems().stream().anyMatch(p -> p.contains("'rules' is empty")), empty.getMessage());
    }

    @Test
    void rejectsBadRequiresStageFunnelsAndUnknownKeys() {
        StageModelException e = invalid("""
                {"stages": ["a", "b"],
                 "rules": [{"stage": "b", "events": ["X"], "requiresStage": "z"}, {"stage": "a"}],
                 "funnels": [{"name": "f", "stages": ["b", "a"], "conversionWindow": "two weeks"}]}""");
        assertTrue(e.getMessage().contains("requires unknown stage 'z'"), e.getMessage());
        assertTrue(invalid("""
                {"stages": ["a"], "rules": [{"stage": "a"}]}""").getMessage().contains("has no condition"));
        assertTrue(invalid("""
                {"stages": ["a", "b"], "rules": [{"stage": "a", "events": ["X"]}],
                 "funnels": [{"name": "f", "stages": ["b", "a"], "conversionWindow": "P1D"}]}""")
                .getMessage().contains("out of the model's stage order"));
        assertTrue(invalid("""
                {"stages": ["a"], "rules": [{"stage": "a", "event": ["X"]}]}""")
                .getMessage().contains("not a readable stage model"));
    }

    @Test
    void replayAssignsStagesInCorrectedTimeOrder() {
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        // arrival order differs from event time: the earlier order is the purchase
        StageTimeline timeline = StageTimeline.replay(bundled(), List.of(
                new TouchpointFacts("m2", "track", "Order Completed", "web", "s", t, "purchase"),
                new TouchpointFacts("m1", "track", "Order Completed", "web", "s", t.minusSeconds(3600), null),
                new TouchpointFacts("m0", "page", null, "web", "s", t.minusSeconds(7200), null)));
        assertEquals("awareness", timeline.stageByMessage().get("m0"));
        assertEquals("purchase", timeline.stageByMessage().get("m1"));
        assertEquals("repeat", timeline.stageByMessage().get("m2"));
        assertEquals(List.of("awareness", "purchase", "repeat"), List.copyOf(timeline.entered().keySet()));
        assertEquals("m1", timeline.entered().get("purchase").entry().causeMessageId());
        assertEquals("purchase", timeline.entered().get("repeat").previousStage());
    }
}
