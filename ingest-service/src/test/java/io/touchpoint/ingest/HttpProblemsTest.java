package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;

import io.quarkus.test.junit.QuarkusTest;

/** Answers the framework decides (404, 405, 415, the HTTP body limit) are problem+json as well. */
@QuarkusTest
class HttpProblemsTest {

    @TestHTTPResource("/v1/track")
    URI track;

    @Test
    void unknownPathIsNotFoundProblem() {
        given().header("Authorization", DEV_BASIC)
                .when().get("/v1/nothing-here")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:touchpoint:problem:not-found"))
                .body("instance", equalTo("/v1/nothing-here"))
                .body("detail", containsString("/v1/t"))
                .body("detail", containsString("/beacon/v1/batch"));
    }

    @Test
    void wrongMethodIsMethodNotAllowedProblem() {
        given().header("Authorization", DEV_BASIC)
                .when().get("/v1/track")
                .then().statusCode(405).contentType("application/problem+json")
                .body("type", equalTo("urn:touchpoint:problem:method-not-allowed"))
                .body("status", equalTo(405))
                .body("detail", equalTo("GET is not allowed on /v1/track; use POST"));
    }

    @Test
    void unsupportedContentTypeIsProblem() {
        given().header("Authorization", DEV_BASIC).contentType("application/xml").body("<track/>")
                .when().post("/v1/track")
                .then().statusCode(415).contentType("application/problem+json")
                .body("type", equalTo("urn:touchpoint:problem:unsupported-media-type"))
                .body("detail", containsString("application/xml"));
    }

    @Test
    void bodyOverTheHttpLimitIsTooLargeProblem() {
        // over quarkus.http.limits.max-body-size (512K): refused before the resource runs
        String body = "{\"anonymousId\":\"a\",\"event\":\"x\",\"p\":\"" + "b".repeat(600 * 1024) + "\"}";
        given().header("Authorization", DEV_BASIC).contentType("application/json").body(body)
                .when().post("/v1/track")
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("urn:touchpoint:problem:too-large"))
                .body("detail", containsString("send smaller batches"));
    }

    @Test
    void chunkedBodyOverTheHttpLimitIsTooLargeProblem() throws Exception {
        // no Content-Length: the limit is found while reading
        byte[] body = ("{\"anonymousId\":\"a\",\"event\":\"x\",\"p\":\"" + "b".repeat(600 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(track)
                .header("Authorization", DEV_BASIC).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("urn:touchpoint:problem:too-large",
                new ObjectMapper().readTree(response.body()).get("type").asText());
    }
}
