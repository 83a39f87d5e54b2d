package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static io.touchpoint.ingest.Wire.json;
import static io.touchpoint.ingest.Wire.utf8;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The settings the browser and mobile SDKs load first, so that they need only this service's URL:
 * analytics-next's {@code ${cdnURL}/v1/projects/${writeKey}/settings} (packages/browser/src/browser/index.ts,
 * loadCDNSettings) and RudderStack JS v3's {@code ${configUrl}/sourceConfig/?…&writeKey=…}
 * (packages/analytics-js/src/components/configManager/util/commonUtil.ts, getSourceConfigURL).
 */
@QuarkusTest
class SettingsEndpointsTest {

    private static final String ORIGIN = "http://shop.example.test:8000";
    /** What no answer may contain: other sources' keys and any webhook secret (application.properties, test profile). */
    private static final String[] SECRETS = { "dev-app-write-key", "dev-server-write-key", "test-limited-write-key",
            "whsec_", "dev-social-demo-secret" };

    @Test
    void segmentSettingsPointAnalyticsNextBackHereAndItsEventsArrive() {
        Response answer = given().header("Origin", ORIGIN).when().get("/v1/projects/dev-write-key/settings");
        assertEquals(200, answer.statusCode(), answer.asString());
        assertEquals(ORIGIN, answer.header("Access-Control-Allow-Origin"));
        JsonNode settings = json(answer.asString());
        JsonNode segment = settings.at("/integrations/Segment.io");
        assertEquals("dev-write-key", segment.get("apiKey").asText(), "analytics-next's writeKey of every event");
        // no public-url in the test profile: the URL this request came to, without scheme, plus /v1
        assertEquals(URI.create(RestAssured.baseURI).getHost() + ":" + RestAssured.port + "/v1",
                segment.get("apiHost").asText());
        assertEquals("http", segment.get("protocol").asText());
        assertEquals("collect.example.test:8443/v1", given().header("Host", "collect.example.test:8443")
                .when().get("/v1/projects/dev-write-key/settings").then().statusCode(200)
                .extract().path("integrations.'Segment.io'.apiHost"), "the Host the browser used");
        assertEquals(1, settings.get("integrations").size(), "no destination: analytics-next loads nothing else");
        assertEquals(0, settings.at("/metrics/sampleRate").asInt(), "no telemetry to Segment's /m");
        assertTrue(settings.get("remotePlugins").isArray() && settings.get("remotePlugins").isEmpty());
        noSecretIn(answer.asString());

        // what analytics-next then does with it (segmentio/index.ts: `${protocol}://${apiHost}/${type[0]}`)
        String run = UUID.randomUUID().toString();
        String url = segment.get("protocol").asText() + "://" + segment.get("apiHost").asText() + "/t";
        HttpResponse<String> sent = Wire.post(url.substring(url.indexOf("/v1/")), utf8("{\"type\":\"track\",\"event\":\"Loaded\","
                + "\"anonymousId\":\"set-" + run + "\",\"writeKey\":\"" + segment.get("apiKey").asText() + "\"}"), false,
                "Content-Type", "text/plain");
        assertEquals(200, sent.statusCode(), sent.body());
        assertEquals(1, Wire.records("set-" + run).size());
    }

    @Test
    void anUnknownWriteKeyHasNoSettings() {
        given().header("Origin", ORIGIN).when().get("/v1/projects/not-a-write-key/settings")
                .then().statusCode(404).contentType("application/problem+json")
                .header("Access-Control-Allow-Origin", ORIGIN)
                .body("type", equalTo("urn:touchpoint:problem:not-found"))
                .body("detail", containsString("check the write key"))
                .body("detail", org.hamcrest.Matchers.not(containsString("not-a-write-key")));
        given().when().post("/v1/projects/dev-write-key/settings")
                .then().statusCode(405).body("detail", containsString("use GET"));
    }

    @Test
    void rudderStackSourceConfigIsTheSourceWithoutDestinations() {
        // the URL and headers RudderStack JS v3 sends: trailing slash, its query, Basic auth (HttpClient.ts)
        Response answer = given().header("Origin", ORIGIN).header("Authorization", DEV_BASIC)
                .header("Accept", "application/json")
                .when().get("/sourceConfig/?p=npm&v=3.34.1&build=modern&writeKey=dev-write-key"
                        + "&lockIntegrationsVersion=true&lockPluginsVersion=true");
        assertEquals(200, answer.statusCode(), answer.asString());
        assertEquals(ORIGIN, answer.header("Access-Control-Allow-Origin"));
        JsonNode source = json(answer.asString()).get("source");
        // isValidSourceConfig (configManager/util/validate.ts) and processConfig (ConfigManager.ts)
        assertEquals("dev-web", source.get("id").asText());
        assertTrue(source.get("config").isObject());
        assertTrue(source.get("destinations").isArray() && source.get("destinations").isEmpty());
        assertEquals(true, source.get("enabled").asBoolean());
        assertEquals("Development website", source.get("name").asText());
        assertFalse(source.at("/config/statsCollection/errors/enabled").asBoolean(), "no error reports to /rsaMetrics");
        assertFalse(source.at("/config/statsCollection/metrics/enabled").asBoolean(), "no metrics to /rsaMetrics");
        noSecretIn(answer.asString());

        // the key in the query alone, or as Basic user alone, without the slash
        given().when().get("/sourceConfig?writeKey=dev-write-key").then().statusCode(200)
                .body("source.id", equalTo("dev-web"));
        given().header("Authorization", DEV_BASIC).when().get("/sourceConfig").then().statusCode(200)
                .body("source.id", equalTo("dev-web"));
        given().when().get("/sourceConfig/").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Basic realm=\"touchpoint\"")
                .body("detail", containsString("'writeKey' query parameter"));
        given().when().get("/sourceConfig/?writeKey=wrong").then().statusCode(401)
                .body("detail", containsString("check the write key"));
    }

    @Test
    void theSettingsPreflightsAllowTheGetsTheSdksSend() {
        // RudderStack JS: GET with Authorization → preflighted; analytics-next's settings GET is a simple request
        Response preflight = given().header("Origin", ORIGIN).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").when().options("/sourceConfig/");
        assertEquals(200, preflight.statusCode());
        assertEquals(ORIGIN, preflight.header("Access-Control-Allow-Origin"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("GET"), preflight.headers().toString());
        assertTrue(preflight.header("Access-Control-Allow-Headers").toLowerCase().contains("authorization"));
        assertEquals("86400", preflight.header("Access-Control-Max-Age"));
    }

    @Test
    void aCacheKeepsTheSettingsPerOriginAndTheSourceConfigOnlyForItsRequester() {
        // Access-Control-Allow-Origin is this request's Origin: a cache that ignored Origin would hand a page
        // another origin's answer (or one without the header, after a request without Origin), which the browser refuses
        for (String origin : new String[] { ORIGIN, null }) {
            RequestSpecification request = origin == null ? given() : given().header("Origin", origin);
            Response segment = request.when().get("/v1/projects/dev-write-key/settings");
            assertEquals(200, segment.statusCode(), segment.asString());
            assertEquals(List.of("origin"), listed(segment, "Vary"), "settings Vary, Origin " + origin);
            assertEquals(List.of("max-age=60", "public"), listed(segment, "Cache-Control"),
                    "settings of a key in the path: shareable");

            request = origin == null ? given() : given().header("Origin", origin);
            Response rudder = request.header("Authorization", DEV_BASIC).when().get("/sourceConfig/");
            assertEquals(200, rudder.statusCode(), rudder.asString());
            assertEquals(List.of("authorization", "origin"), listed(rudder, "Vary"), "sourceConfig Vary, Origin " + origin);
            // the write key may be the Basic user: a shared cache must not answer the next requester with it
            assertEquals(List.of("max-age=60", "private"), listed(rudder, "Cache-Control"));
        }
    }

    /** The comma-separated entries of every {@code header} of the answer, lower case, sorted. */
    private static List<String> listed(Response answer, String header) {
        return answer.headers().getValues(header).stream().flatMap(v -> Arrays.stream(v.split(",")))
                .map(v -> v.trim().toLowerCase(Locale.ROOT)).sorted().toList();
    }

    private static void noSecretIn(String answer) {
        for (String secret : SECRETS) {
            assertFalse(answer.contains(secret), "the answer contains " + secret + ": " + answer);
        }
    }
}
