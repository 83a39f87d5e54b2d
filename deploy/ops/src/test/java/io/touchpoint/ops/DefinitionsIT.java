package io.touchpoint.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Definitions kept once in deploy/contracts are what the packaged services ({@link PackagedServices}) serve:
 * journey-service and metrics-service list exactly the funnels of funnels.json.
 */
class DefinitionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Funnel(String name, List<String> stages, String conversionWindow) {
    }

    /** deploy/contracts/funnels.json as the contracts README describes it (no window: P14D). */
    static List<Funnel> contractFunnels() throws Exception {
        List<Funnel> funnels = new ArrayList<>();
        for (JsonNode f : JSON.readTree(OpsFiles.deploy("contracts/funnels.json").toFile()).path("funnels")) {
            funnels.add(new Funnel(f.path("name").asText(), stages(f.path("stages")),
                    f.path("conversionWindow").asText("P14D")));
        }
        return funnels;
    }

    private static List<String> stages(JsonNode array) {
        List<String> stages = new ArrayList<>();
        array.forEach(s -> stages.add(s.asText()));
        return stages;
    }

    private static JsonNode get(OpsService s, String path, String token) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), s + " " + path + ": " + answer.body());
        return JSON.readTree(answer.body());
    }

    @Test
    void journeyAndMetricsServeTheFunnelsOfTheContract() throws Exception {
        PackagedServices services = PackagedServices.get();
        List<Funnel> contract = contractFunnels();
        assertFalse(contract.isEmpty(), "funnels.json was read");

        List<Funnel> journey = new ArrayList<>();
        for (JsonNode f : get(services.journey, "/funnels", services.token).path("funnels")) {
            journey.add(new Funnel(f.path("name").asText(), stages(f.path("stages")), f.path("conversionWindow").asText()));
        }
        assertEquals(contract, journey, "journey-service GET /funnels");

        List<Funnel> metrics = new ArrayList<>();
        for (JsonNode f : get(services.metrics, "/funnels", services.token)) {
            metrics.add(new Funnel(f.path("id").asText(), stages(f.path("stages")), f.path("conversionWindow").asText()));
        }
        // metrics lists by id; the contract's order is its own
        assertEquals(contract.stream().sorted(java.util.Comparator.comparing(Funnel::name)).toList(), metrics,
                "metrics-service GET /funnels");
    }
}
