package io.touchpoint.metrics.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The KPI part of deploy/contracts/tracking-plan.md: which track events count, and into which measures.
 * Survey scores must be whole numbers on their scale; an out-of-range or missing score, a case without a valid
 * contactCount, or an order with a negative revenue counts only as invalid (a measure of its own, so it shows).
 */
public final class TrackingPlan {

    public static final String SURVEY_COMPLETED = "Survey Completed";
    public static final String CASE_RESOLVED = "Case Resolved";
    public static final String ORDER_COMPLETED = "Order Completed";
    public static final String SUBSCRIPTION_CANCELLED = "Subscription Cancelled";

    /** Social events of the tracking plan → the measure that counts them. */
    public static final Map<String, String> SOCIAL = Map.of(
            "Mention", "social_mention",
            "Comment", "social_comment",
            "Like", "social_like",
            "Share", "social_share",
            "Direct Message", "social_direct_message");

    /** Firsts: a customer counts once. */
    public static final String PAYERS = "payers";
    public static final String CHURNED = "churned";

    private TrackingPlan() {
    }

    /** The KPI contribution of a touchpoint, or empty when it is not a KPI event. */
    public static Optional<KpiEvent> measure(Touchpoint t) {
        if (!"track".equals(t.type()) || t.event() == null) {
            return Optional.empty();
        }
        List<KpiEvent.Measure> measures = new ArrayList<>();
        List<String> firsts = new ArrayList<>();
        String kind;
        JsonNode p = t.properties();
        switch (t.event()) {
            case SURVEY_COMPLETED -> {
                kind = "survey";
                survey(p, measures);
            }
            case CASE_RESOLVED -> {
                kind = "case";
                caseResolved(p, measures);
            }
            case ORDER_COMPLETED -> {
                kind = "order";
                JsonNode revenue = number(p, "revenue").or(() -> number(p, "total")).orElse(null);
                if (revenue != null && revenue.asDouble() < 0) {
                    measures.add(one("invalid_order"));
                } else {
                    measures.add(one("orders"));
                    measures.add(new KpiEvent.Measure("revenue_cents",
                            revenue == null ? 0 : Math.round(revenue.asDouble() * 100)));
                    firsts.add(PAYERS);
                }
            }
            case SUBSCRIPTION_CANCELLED -> {
                kind = "churn";
                measures.add(one("cancellations"));
                firsts.add(CHURNED);
            }
            default -> {
                String social = SOCIAL.get(t.event());
                if (social == null) {
                    return Optional.empty();
                }
                kind = "social";
                measures.add(one(social));
            }
        }
        return Optional.of(new KpiEvent(t.messageId(), null, t.userId(), t.anonymousId(), t.at(), t.channel(), kind,
                measures, firsts));
    }

    private static void survey(JsonNode p, List<KpiEvent.Measure> measures) {
        String type = p == null || !p.path("surveyType").isTextual() ? null : p.path("surveyType").asText();
        if (type == null || !List.of("nps", "csat", "ces").contains(type)) {
            measures.add(one("invalid_survey"));
            return;
        }
        int low = type.equals("nps") ? 0 : 1;
        int high = switch (type) {
            case "nps" -> 10;
            case "csat" -> 5;
            default -> 7;
        };
        Optional<Long> score = number(p, "score").filter(n -> n.asDouble() == Math.rint(n.asDouble()))
                .map(JsonNode::asLong).filter(s -> s >= low && s <= high);
        if (score.isEmpty()) {
            measures.add(one("invalid_" + type));
            return;
        }
        long s = score.get();
        measures.add(one(type + "_responses"));
        switch (type) {
            case "nps" -> measures.add(one(s >= 9 ? "nps_promoters" : s <= 6 ? "nps_detractors" : "nps_passives"));
            case "csat" -> {
                measures.add(new KpiEvent.Measure("csat_score_sum", s));
                if (s >= 4) {
                    measures.add(one("csat_satisfied"));
                }
            }
            default -> measures.add(new KpiEvent.Measure("ces_score_sum", s));
        }
    }

    private static void caseResolved(JsonNode p, List<KpiEvent.Measure> measures) {
        Optional<Long> contacts = number(p, "contactCount").filter(n -> n.asDouble() == Math.rint(n.asDouble()))
                .map(JsonNode::asLong).filter(c -> c >= 1);
        if (contacts.isEmpty()) {
            measures.add(one("invalid_case"));
        } else {
            measures.add(one("cases_resolved"));
            if (contacts.get() == 1) {
                measures.add(one("cases_first_contact"));
            }
        }
        Optional<Double> seconds = number(p, "resolutionSeconds").map(JsonNode::asDouble).filter(s -> s >= 0);
        if (seconds.isPresent()) {
            measures.add(one("resolution_count"));
            measures.add(new KpiEvent.Measure("resolution_ms", Math.round(seconds.get() * 1000)));
            measures.add(one("resolution_b" + Histogram.bucketOf(Histogram.RESOLUTION_BOUNDS, seconds.get())));
        }
    }

    private static Optional<JsonNode> number(JsonNode p, String field) {
        if (p == null) {
            return Optional.empty();
        }
        JsonNode value = p.get(field);
        return value != null && value.isNumber() && Double.isFinite(value.asDouble()) ? Optional.of(value)
                : Optional.empty();
    }

    private static KpiEvent.Measure one(String name) {
        return new KpiEvent.Measure(name, 1);
    }
}
