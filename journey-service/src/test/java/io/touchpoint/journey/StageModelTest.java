package io.touchpoint.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
        return StageModelReader.read("bundled", resource("stage-model.json"),
                Map.of("funnels.json", resource("funnels.json")));
    }

    private static byte[] resource(String name) {
        try (InputStream in = StageModelTest.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StageModelException invalid(String json) {
        return assertThrows(StageModelException.class,
                () -> StageModelReader.read("test.json", json.getBytes(StandardCharsets.UTF_8)));
    }

    /** A stage model with the funnels of a funnel file. */
    private static StageModel read(String stageModel, String funnels) {
        return StageModelReader.read("test.json", stageModel.getBytes(StandardCharsets.UTF_8),
                Map.of("funnels.json", funnels.getBytes(StandardCharsets.UTF_8)));
    }

    private static StageModelException invalid(String stageModel, String funnels) {
        return assertThrows(StageModelException.class, () -> read(stageModel, funnels));
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
                {"stages": ["a", "b"], "rules": [{"stage": "c", "events": ["X"]}]}""");
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
                 "rules": [{"stage": "b", "events": ["X"], "requiresStage": "z"}, {"stage": "a"}]}""", """
                {"funnels": [{"name": "f", "stages": ["b", "a"], "conversionWindow": "two weeks"}]}""");
        assertTrue(e.getMessage().contains("requires unknown stage 'z'"), e.getMessage());
        assertTrue(invalid("""
                {"stages": ["a"], "rules": [{"stage": "a"}]}""").getMessage().contains("has no condition"));
        assertTrue(invalid("""
                {"stages": ["a", "b"], "rules": [{"stage": "a", "events": ["X"]}]}""", """
                {"funnels": [{"name": "f", "stages": ["b", "a"], "conversionWindow": "P1D"}]}""")
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

    @Test
    void aFunnelWithoutWindowGetsFourteenDays() {
        StageModel m = read("""
                {"stages": ["a", "b"], "rules": [{"stage": "a", "events": ["X"]}]}""", """
                {"funnels": [{"name": "f", "stages": ["a", "b"]}, {"name": "g", "stages": ["a"], "conversionWindow": "PT12H"}]}""");
        assertEquals("P14D", m.funnel("f").orElseThrow().conversionWindowIso());
        assertEquals("PT12H", m.funnel("g").orElseThrow().conversionWindowIso());
    }

    private static Optional<String> withProperties(String event, String channel, String propertiesJson, String... reached) {
        try {
            return bundled().stageFor(new TouchpointFacts("m", "track", event, channel, "s", Instant.EPOCH, null, null,
                    null, TestTouchpoints.JSON.readTree(propertiesJson)), Set.of(reached));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void defaultModelMapsTheTrackingPlanEvents() {
        // contact center
        assertEquals(Optional.of("support"), stage("track", "Contact Started", "contact_center"));
        assertEquals(Optional.of("support"), stage("track", "Case Opened", "contact_center"));
        assertEquals(Optional.of("support"), stage("track", "Case Resolved", "contact_center"));
        // social: engagement is awareness, a share advocacy, a direct message a support request
        assertEquals(Optional.of("awareness"), stage("track", "Mention", "social"));
        assertEquals(Optional.of("awareness"), stage("track", "Like", "social"));
        assertEquals(Optional.of("awareness"), stage("track", "Comment", "social"));
        assertEquals(Optional.of("advocacy"), stage("track", "Share", "social"));
        assertEquals(Optional.of("support"), stage("track", "Direct Message", "social"));
        // e-commerce and B2B semantic events, patterns included
        assertEquals(Optional.of("discovery"), stage("track", "Products Searched", "web"));
        assertEquals(Optional.of("consideration"), stage("track", "Checkout Step Viewed", "web"));
        assertEquals(Optional.of("consideration"), stage("track", "checkout step completed", "app"));
        assertEquals(Optional.empty(), stage("track", "Checkout Step Skipped", "web"));
        assertEquals(Optional.of("consideration"), stage("track", "Signed Up", "app"));
        assertEquals(Optional.of("consideration"), stage("track", "Trial Started", "web"));
        assertEquals(Optional.of("awareness"), stage("track", "Email Link Clicked", "email"));
        assertEquals(Optional.of("purchase"), stage("track", "Order Completed", "server"));
        assertEquals(Optional.of("repeat"), stage("track", "Order Completed", "server", "purchase"));
        // churn is a KPI, not a journey step: it leaves the stage where it was
        assertEquals(Optional.empty(), stage("track", "Subscription Cancelled", "web"));
    }

    @Test
    void propertyPredicatesDecideTheSurveyStage() {
        // an NPS promoter is an advocate; other answers stay in support on the contact center
        assertEquals(Optional.of("advocacy"), withProperties("Survey Completed", "contact_center", "{\"surveyType\":\"nps\",\"score\":9}"));
        assertEquals(Optional.of("advocacy"), withProperties("Survey Completed", "web", "{\"surveyType\":\"nps\",\"score\":10.0}"));
        assertEquals(Optional.of("support"), withProperties("Survey Completed", "contact_center", "{\"surveyType\":\"nps\",\"score\":6}"));
        assertEquals(Optional.of("support"), withProperties("Survey Completed", "contact_center", "{\"surveyType\":\"csat\",\"score\":5}"));
        assertEquals(Optional.empty(), withProperties("Survey Completed", "web", "{\"surveyType\":\"nps\",\"score\":\"9\"}"));
        assertEquals(Optional.empty(), withProperties("Survey Completed", "web", "{}"));
    }

    @Test
    void propertyPredicateOperators() {
        StageModel m = StageModelReader.read("test.json", """
                {"stages": ["a", "b", "c", "d"], "rules": [
                  {"stage": "a", "properties": [{"property": "order.total", "gt": 100}, {"property": "coupon", "exists": false}]},
                  {"stage": "b", "properties": [{"property": "medium", "in": ["voice", "chat"]}]},
                  {"stage": "c", "properties": [{"property": "plan", "matches": "pro(-annual)?"}]},
                  {"stage": "d", "eventPatterns": ["^Feature .+ Used$"]}]}""".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.of("a"), m.stageFor(facts("X", "{\"order\":{\"total\":100.5}}"), Set.of()));
        assertEquals(Optional.empty(), m.stageFor(facts("X", "{\"order\":{\"total\":100.5},\"coupon\":\"c\"}"), Set.of()));
        assertEquals(Optional.of("b"), m.stageFor(facts("X", "{\"medium\":\"chat\"}"), Set.of()));
        assertEquals(Optional.empty(), m.stageFor(facts("X", "{\"medium\":\"email\"}"), Set.of()));
        assertEquals(Optional.of("c"), m.stageFor(facts("X", "{\"plan\":\"PRO-annual\"}"), Set.of()));
        assertEquals(Optional.of("d"), m.stageFor(facts("Feature Export Used", "{}"), Set.of()));
        assertEquals(Optional.empty(), m.stageFor(facts("Feature Used", "{}"), Set.of()));
    }

    @Test
    void rejectsBrokenPatternsAndPredicatesWithClearErrors() {
        StageModelException e = invalid("""
                {"stages": ["a"], "rules": [
                  {"stage": "a", "eventPatterns": ["Checkout (Step"]},
                  {"stage": "a", "properties": [{"property": "score"}]},
                  {"stage": "a", "properties": [{"gte": 3}]},
                  {"stage": "a", "properties": [{"property": "x", "in": []}]},
                  {"stage": "a", "properties": [{"property": "x", "matches": "[a-"}]}]}""");
        List<String> p = e.problems();
        assertTrue(p.stream().anyMatch(x -> x.startsWith("rule #1 has eventPattern 'Checkout (Step'")), e.getMessage());
        assertTrue(p.contains("rule #2 property predicate #1 has no operator: give 'equals', 'in', 'exists', 'gt', 'gte',"
                + " 'lt', 'lte' or 'matches'"), e.getMessage());
        assertTrue(p.contains("rule #3 property predicate #1 has no 'property'"), e.getMessage());
        assertTrue(p.contains("rule #4 property predicate #1 has an empty 'in' list"), e.getMessage());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("rule #5 property predicate #1 has 'matches' '[a-'")), e.getMessage());
        // an operator the language does not have is refused when reading, naming it
        assertTrue(invalid("""
                {"stages": ["a"], "rules": [{"stage": "a", "properties": [{"property": "x", "above": 3}]}]}""")
                .getMessage().contains("above"));
    }

    private static TouchpointFacts facts(String event, String properties) {
        try {
            return new TouchpointFacts("m", "track", event, "web", "s", Instant.EPOCH, null, null, null,
                    TestTouchpoints.JSON.readTree(properties));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
