package io.touchpoint.metrics;

import static io.touchpoint.metrics.FunnelApi.awaitEntered;
import static io.touchpoint.metrics.FunnelApi.converted;
import static io.touchpoint.metrics.FunnelApi.entered;
import static io.touchpoint.metrics.FunnelApi.steps;
import static io.touchpoint.metrics.TransitionRecords.customer;
import static io.touchpoint.metrics.TransitionRecords.customerMerged;
import static io.touchpoint.metrics.TransitionRecords.now;
import static io.touchpoint.metrics.TransitionRecords.send;
import static io.touchpoint.metrics.TransitionRecords.stageEntered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Transitions produced to the real journey.transitions.v1 topic, counted in the real Redis, read over REST.
 * Redis is shared by all tests, so each test works on stages no other test uses and compares deltas, or on a
 * funnel of its own (test profile) and compares exact numbers.
 */
@QuarkusTest
@QuarkusTestResource(TouchpointStackResource.class)
class FunnelCountingTest {

    @Test
    void aStageEntryCountsOnceInEveryFunnelThatHasTheStage() {
        long lifecycleBefore = entered("lifecycle", "consideration");
        long purchaseBefore = entered("purchase", "consideration");
        long useBefore = entered("lifecycle", "use");
        String c = customer();
        Instant t = now();

        send(c, stageEntered(c, "consideration", "web", t),
                // the same customer entering the stage again (a new transition) is still one person
                stageEntered(c, "consideration", "app", t.plusSeconds(60)),
                // sentinel on the same partition: once it is counted, everything before it was consumed
                stageEntered(c, "use", "web", t.plusSeconds(120)));

        awaitEntered("lifecycle", "use", null, useBefore + 1);
        assertEquals(lifecycleBefore + 1, entered("lifecycle", "consideration"));
        assertEquals(purchaseBefore + 1, entered("purchase", "consideration"));
        assertFalse(steps("purchase").containsKey("use"), "purchase funnel has no 'use' step");
    }

    @Test
    void aRedeliveredTransitionChangesNoCounter() {
        String c = customer();
        Instant t = now();
        String record = stageEntered("stage_entered:" + c + ":awareness", c, "awareness", "email", t);
        long awarenessBefore = entered("lifecycle", "awareness");
        long emailBefore = entered("lifecycle", "awareness", "email");
        long discoveryBefore = entered("lifecycle", "discovery");
        double duplicatesBefore = PrometheusScrape.value(
                "touchpoint_metrics_transitions_total", "kind", "stage_entered", "outcome", "duplicate");

        send(c, record);
        awaitEntered("lifecycle", "awareness", null, awarenessBefore + 1);
        // at-least-once delivery: the very same record again, then a sentinel behind it on the same partition
        send(c, record, stageEntered(c, "discovery", "email", t.plusSeconds(5)));
        awaitEntered("lifecycle", "discovery", null, discoveryBefore + 1);

        assertEquals(awarenessBefore + 1, entered("lifecycle", "awareness"));
        assertEquals(emailBefore + 1, entered("lifecycle", "awareness", "email"));
        assertEquals(duplicatesBefore + 1, PrometheusScrape.value(
                "touchpoint_metrics_transitions_total", "kind", "stage_entered", "outcome", "duplicate"));
    }

    @Test
    void conversionCountsCustomersWhoEnteredTheNextStepLater() {
        // funnel 'checkout' (cart, checkout, paid) exists only in the test profile and only this test uses it
        Instant t = now();
        String onlyCart = customer();
        String converts = customer();
        String nextStepArrivesFirst = customer();
        String nextStepEarlier = customer();

        send(onlyCart, stageEntered(onlyCart, "cart", "web", t));
        send(converts, stageEntered(converts, "cart", "app", t), stageEntered(converts, "checkout", "app",
                t.plusSeconds(60)));
        // step i+1 is consumed before step i, but happened after it: still a conversion
        send(nextStepArrivesFirst, stageEntered(nextStepArrivesFirst, "checkout", "web", t.plusSeconds(120)),
                stageEntered(nextStepArrivesFirst, "cart", "web", t.plusSeconds(30)));
        // entered checkout before cart: not a conversion from cart
        send(nextStepEarlier, stageEntered(nextStepEarlier, "checkout", "web", t.minusSeconds(600)),
                stageEntered(nextStepEarlier, "cart", "web", t));

        awaitEntered("checkout", "cart", null, 4);
        Map<String, FunnelApi.Step> all = FunnelApi.await("checkout/checkout entered == 3",
                () -> steps("checkout"), s -> s.get("checkout").entered() == 3);
        assertEquals(new FunnelApi.Step("cart", 4, 2L, 0.5), all.get("cart"));
        assertEquals(new FunnelApi.Step("checkout", 3, 0L, 0.0), all.get("checkout"));
        assertEquals(new FunnelApi.Step("paid", 0, null, null), all.get("paid"), "last step converts to nothing");

        Map<String, FunnelApi.Step> app = steps("checkout", "app");
        assertEquals(new FunnelApi.Step("cart", 1, 1L, 1.0), app.get("cart"));
        Map<String, FunnelApi.Step> web = steps("checkout", "web");
        assertEquals(new FunnelApi.Step("cart", 3, 1L, 1.0 / 3), web.get("cart"));
    }

    @Test
    void theChannelFilterCountsOnlyThatChannel() {
        long allBefore = entered("lifecycle", "advocacy");
        long socialBefore = entered("lifecycle", "advocacy", "social");
        long storeBefore = entered("lifecycle", "advocacy", "store");
        String viaSocial = customer();
        String viaSocialToo = customer();
        String viaStore = customer();

        send(viaSocial, stageEntered(viaSocial, "advocacy", "social", now()));
        send(viaSocialToo, stageEntered(viaSocialToo, "advocacy", "social", now()));
        send(viaStore, stageEntered(viaStore, "advocacy", "store", now()));

        awaitEntered("lifecycle", "advocacy", null, allBefore + 3);
        assertEquals(socialBefore + 2, entered("lifecycle", "advocacy", "social"));
        assertEquals(storeBefore + 1, entered("lifecycle", "advocacy", "store"));
        var filtered = steps("lifecycle", "social");
        assertNull(filtered.get("advocacy").convertedToNext(), "advocacy is the last step");
    }

    @Test
    void aMergeOfTwoCustomersInTheSameStageCountsThePersonOnce() {
        long supportBefore = entered("lifecycle", "support");
        long supportWebBefore = entered("lifecycle", "support", "web");
        long supportAppBefore = entered("lifecycle", "support", "app");
        long repeatBefore = entered("lifecycle", "repeat");
        long convertedBefore = converted("lifecycle", "support", null);
        String survivor = customer();
        String absorbed = customer();
        Instant t = now();

        send(survivor, stageEntered(survivor, "support", "web", t));
        send(absorbed, stageEntered(absorbed, "support", "app", t.minus(Duration.ofHours(1))),
                stageEntered(absorbed, "repeat", "app", t.plus(Duration.ofHours(1))));
        awaitEntered("lifecycle", "support", null, supportBefore + 2);
        awaitEntered("lifecycle", "repeat", null, repeatBefore + 1);
        FunnelApi.await("support converted +1 before the merge", () -> converted("lifecycle", "support", null),
                v -> v == convertedBefore + 1);

        send(survivor, customerMerged(survivor, absorbed, t.plus(Duration.ofHours(2))));

        awaitEntered("lifecycle", "support", null, supportBefore + 1);
        assertEquals(repeatBefore + 1, entered("lifecycle", "repeat"));
        assertEquals(convertedBefore + 1, converted("lifecycle", "support", null),
                "the person entered support, then repeat: one conversion");
        // the person's first support entry (the absorbed one's, via app) is the one that counts
        assertEquals(supportAppBefore + 1, entered("lifecycle", "support", "app"));
        assertEquals(supportWebBefore, entered("lifecycle", "support", "web"));
    }

    @Test
    void entriesOfAnAbsorbedCustomerAfterTheMergeCountUnderTheSurvivor() {
        long supportBefore = entered("lifecycle", "support");
        long supportEmailBefore = entered("lifecycle", "support", "email");
        long repeatBefore = entered("lifecycle", "repeat");
        double mergesBefore = PrometheusScrape.value("touchpoint_metrics_transitions_total", "kind",
                "customer_merged", "outcome", "counted");
        String survivor = customer();
        String absorbed = customer();
        Instant t = now();
        send(survivor, stageEntered(survivor, "support", "web", t), stageEntered(survivor, "repeat", "web",
                t.plusSeconds(60)), customerMerged(survivor, absorbed, t.plusSeconds(120)));
        awaitEntered("lifecycle", "repeat", null, repeatBefore + 1);
        FunnelApi.await("the merge is applied", () -> PrometheusScrape.value("touchpoint_metrics_transitions_total",
                "kind", "customer_merged", "outcome", "counted"), v -> v == mergesBefore + 1);

        // the absorbed id's own records arrive late (another partition): they belong to the same person
        send(absorbed, stageEntered(absorbed, "repeat", "app", t.plusSeconds(180)),
                stageEntered(absorbed, "support", "email", t.minusSeconds(60)));
        awaitEntered("lifecycle", "support", "email", supportEmailBefore + 1);

        assertEquals(supportBefore + 1, entered("lifecycle", "support"), "the person's support entry moved, once");
        assertEquals(repeatBefore + 1, entered("lifecycle", "repeat"));
    }
}
