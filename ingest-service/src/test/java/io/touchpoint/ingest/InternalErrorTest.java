package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.ext.web.Router;

/**
 * A bug answers 500 with a correlation id that leads to the logged exception (docs/CONVENTIONS.md), whether it
 * happens in a resource or in the HTTP layer below it.
 */
@QuarkusTest
class InternalErrorTest {

    static final String SECRET_DETAIL = "bug detail the client must not see";

    /** Only in the test build: fails the way a bug in a resource would. */
    @Path("/test-only/failure")
    public static class FailingResource {
        @GET
        @Operation(hidden = true)
        public String fail() {
            throw new IllegalStateException(SECRET_DETAIL);
        }
    }

    /** Only in the test build: a route below the REST layer that fails the way a bug there would. */
    @ApplicationScoped
    public static class FailingRoute {
        void install(@Observes Router router) {
            router.get("/test-only/route-failure").handler(ctx -> {
                throw new IllegalStateException(SECRET_DETAIL);
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "/test-only/failure", "/test-only/route-failure" })
    void a500CarriesACorrelationIdThatIsLoggedWithTheException(String path) {
        try (LogCapture log = LogCapture.start()) {
            ExtractableResponse<Response> answer = given().header("Authorization", DEV_BASIC)
                    .when().get(path)
                    .then().statusCode(500).contentType(startsWith("application/problem+json"))
                    .body("type", equalTo("urn:touchpoint:problem:internal"))
                    .body("title", equalTo("Internal error"))
                    .body("instance", equalTo(path))
                    .body("detail", not(containsString(SECRET_DETAIL)))
                    .extract();
            String id = answer.path("correlationId");
            assertEquals(id, UUID.fromString(id).toString(), "a UUID: " + id);
            assertEquals(id, answer.header("X-Correlation-Id"));
            List<LogCapture.Line> lines = log.containing(id);
            assertEquals(1, lines.size(), "one log line names " + id);
            assertEquals("ERROR", lines.get(0).level());
            assertTrue(lines.get(0).thrown() != null && SECRET_DETAIL.equals(lines.get(0).thrown().getMessage()),
                    "the line carries the exception: " + lines.get(0));
        }
    }

    @Test
    void answersOtherThan500CarryNoCorrelationId() {
        given().header("Authorization", DEV_BASIC).when().get("/v1/nothing-here")
                .then().statusCode(404).body("correlationId", nullValue())
                .header("X-Correlation-Id", nullValue());
    }
}
