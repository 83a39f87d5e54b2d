package io.touchpoint.journey;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** A bug answers 500 with a correlation id that leads to the logged exception (docs/CONVENTIONS.md). */
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

    @Test
    void a500CarriesACorrelationIdThatIsLoggedWithTheException() {
        try (LogCapture log = LogCapture.start()) {
            ExtractableResponse<Response> answer = given().auth().oauth2(TestTouchpoints.TOKEN)
                    .when().get("/test-only/failure")
                    .then().statusCode(500).contentType(startsWith("application/problem+json"))
                    .body("type", equalTo("urn:touchpoint:problem:internal"))
                    .body("title", equalTo("Internal error"))
                    .body("instance", equalTo("/test-only/failure"))
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
        given().auth().oauth2(TestTouchpoints.TOKEN).when().get("/customers/" + UUID.randomUUID())
                .then().statusCode(404).body("correlationId", org.hamcrest.Matchers.nullValue())
                .header("X-Correlation-Id", org.hamcrest.Matchers.nullValue());
    }
}
