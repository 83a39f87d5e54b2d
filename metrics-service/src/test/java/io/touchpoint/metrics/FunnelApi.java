package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;

/** Reads funnels over the REST API as a client would, and waits (bounded) for counters to settle. */
public final class FunnelApi {

    public static final String TOKEN = "dev-api-token";

    private FunnelApi() {
    }

    /** One step of GET /funnels/{id}. */
    public record Step(String stage, long entered, Long convertedToNext, Double conversionRate) {
    }

    public static Map<String, Step> steps(String funnel, String channel) {
        var request = given().auth().oauth2(TOKEN);
        if (channel != null) {
            request = request.queryParam("channel", channel);
        }
        JsonPath body = request.when().get("/funnels/{id}", funnel).then().statusCode(200).extract().jsonPath()
                .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
        List<Map<String, Object>> raw = body.getList("steps");
        Map<String, Step> steps = new java.util.LinkedHashMap<>();
        for (Map<String, Object> s : raw) {
            Number converted = (Number) s.get("convertedToNext");
            Number rate = (Number) s.get("conversionRate");
            steps.put((String) s.get("stage"), new Step((String) s.get("stage"), ((Number) s.get("entered")).longValue(),
                    converted == null ? null : converted.longValue(), rate == null ? null : rate.doubleValue()));
        }
        return steps;
    }

    public static Map<String, Step> steps(String funnel) {
        return steps(funnel, null);
    }

    public static long entered(String funnel, String stage, String channel) {
        return steps(funnel, channel).get(stage).entered();
    }

    public static long entered(String funnel, String stage) {
        return entered(funnel, stage, null);
    }

    public static Long converted(String funnel, String stage, String channel) {
        return steps(funnel, channel).get(stage).convertedToNext();
    }

    /** Polls until the value satisfies the condition; fails with the last value seen after the patience runs out. */
    public static <T> T await(String what, Supplier<T> read, Predicate<T> done) {
        Duration patience = TransitionRecords.patience();
        long deadline = System.nanoTime() + patience.toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + patience.toSeconds() + "s for " + what + "; last value: " + last);
            }
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
            last = read.get();
        }
        return last;
    }

    public static long awaitEntered(String funnel, String stage, String channel, long expected) {
        return await(funnel + "/" + stage + (channel == null ? "" : "?channel=" + channel) + " entered == " + expected,
                () -> entered(funnel, stage, channel), v -> v == expected);
    }
}
