package io.touchpoint.conventions.testing;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.junit.jupiter.api.Test;

import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * A bug answers 500 with a correlation id that leads to the logged exception (docs/CONVENTIONS.md). Each service
 * runs these checks as its {@code @QuarkusTest InternalErrorTest}, saying how it authenticates a request and where
 * it answers 404; {@link FailingResource} comes into its test build with this test-jar (which has a Jandex index).
 */
public abstract class InternalErrorContract {

    public static final String SECRET_DETAIL = "bug detail the client must not see";
    public static final String FAILING_PATH = "/test-only/failure";

    /** Only in the test build: fails the way a bug in a resource would. */
    @Path(FAILING_PATH)
    public static class FailingResource {
        @GET
        @Operation(hidden = true)
        public String fail() {
            throw new IllegalStateException(SECRET_DETAIL);
        }
    }

    /** A request with the credentials this service asks for (a write key, the API token). */
    protected abstract RequestSpecification authenticated();

    /** A path this service answers 404 to an authenticated request. */
    protected abstract String notFoundPath();

    @Test
    public void a500CarriesACorrelationIdThatIsLoggedWithTheException() {
        assertCorrelated500(FAILING_PATH);
    }

    @Test
    public void answersOtherThan500CarryNoCorrelationId() {
        authenticated().when().get(notFoundPath())
                .then().statusCode(404).body("correlationId", nullValue())
                .header("X-Correlation-Id", nullValue());
    }

    /** GET {@code path} fails with a 500 whose correlation id names one ERROR line carrying the exception. */
    protected void assertCorrelated500(String path) {
        try (LogCapture log = LogCapture.start()) {
            ExtractableResponse<Response> answer = authenticated()
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
}
