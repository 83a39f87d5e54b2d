package io.touchpoint.journey.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

import io.touchpoint.conventions.rest.FailedRequest;
import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.conventions.rest.ProblemMapper;

/** A query while PostgreSQL is unreachable tells the client to retry, instead of reporting a bug. */
class OutageAnswerTest {

    private static final ProblemMapper MAPPER = new ProblemMapper(new JourneyProblems());
    private static final FailedRequest REQUEST = new FailedRequest("GET", "/customers", header -> null);

    @Test
    void anUnreachableDatabaseAnswers503WithRetryAfter() {
        Response r = MAPPER.toResponse(
                new IllegalStateException("query failed", new ConnectException("Connection refused")), REQUEST);
        assertEquals(503, r.getStatus());
        assertEquals(String.valueOf(JourneyProblems.RETRY_AFTER_SECONDS), r.getHeaderString(HttpHeaders.RETRY_AFTER));
        assertEquals("urn:touchpoint:problem:unavailable", ((Problem) r.getEntity()).type());
    }

    @Test
    void anUnexpectedFailureIsStillAnInternalError() {
        Response r = MAPPER.toResponse(new IllegalStateException("bug"), REQUEST);
        assertEquals(500, r.getStatus());
        assertEquals(null, r.getHeaderString(HttpHeaders.RETRY_AFTER));
    }
}
