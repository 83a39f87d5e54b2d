package io.touchpoint.journey.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

/** A query while PostgreSQL is unreachable tells the client to retry, instead of reporting a bug. */
class OutageAnswerTest {

    @Test
    void anUnreachableDatabaseAnswers503WithRetryAfter() {
        Response r = ProblemMapper.toResponse(
                new IllegalStateException("query failed", new ConnectException("Connection refused")), "GET", "/customers");
        assertEquals(503, r.getStatus());
        assertEquals(ProblemMapper.RETRY_AFTER_SECONDS, r.getHeaderString(HttpHeaders.RETRY_AFTER));
        assertEquals("urn:touchpoint:problem:unavailable", ((Problem) r.getEntity()).type());
    }

    @Test
    void anUnexpectedFailureIsStillAnInternalError() {
        Response r = ProblemMapper.toResponse(new IllegalStateException("bug"), "GET", "/customers");
        assertEquals(500, r.getStatus());
        assertEquals(null, r.getHeaderString(HttpHeaders.RETRY_AFTER));
    }
}
