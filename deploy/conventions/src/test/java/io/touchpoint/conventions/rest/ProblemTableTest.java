package io.touchpoint.conventions.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;

import org.junit.jupiter.api.Test;

/** How a service's table decides, with the types of a made-up service (expected values from the rules' text). */
class ProblemTableTest {

    static final ProblemType TOO_LARGE = new ProblemType(413, "too-large", "Payload too large");
    static final ProblemType INVALID_EVENT = new ProblemType(400, "invalid-event", "Invalid event");

    static class Refused extends RuntimeException {
    }

    static class RefusedHarder extends Refused {
    }

    static final ProblemTable TABLE = ProblemTable.of(List.of(INVALID_EVENT, TOO_LARGE),
            Map.of(Refused.class, INVALID_EVENT));

    @Test
    void exceptionsMapByTheirClosestClassThenByTheStatusOfAFrameworkAnswer() {
        assertEquals(INVALID_EVENT, TABLE.of(new RefusedHarder()));
        assertEquals(ProblemType.METHOD_NOT_ALLOWED, TABLE.of(new NotAllowedException("GET")));
        assertEquals(ProblemType.UNAUTHORIZED, TABLE.of(new UnauthorizedException("no token")));
        assertEquals(TOO_LARGE, TABLE.of(new WebApplicationException(413)));
        assertEquals(ProblemType.BAD_REQUEST, TABLE.of(new WebApplicationException(400)));
        assertEquals(ProblemType.INTERNAL, TABLE.of(new IllegalStateException("bug")));
    }

    @Test
    void aBareStatusIsTheCommonTypeThenTheServicesOwnThenBadRequestOrInternal() {
        assertEquals(ProblemType.BAD_REQUEST, TABLE.ofStatus(400), "invalid-event never comes from a bare 400");
        assertEquals(ProblemType.UNAUTHORIZED, TABLE.ofStatus(401));
        assertEquals(TOO_LARGE, TABLE.ofStatus(413));
        assertEquals(ProblemType.BAD_REQUEST, TABLE.ofStatus(418));
        assertEquals(ProblemType.INTERNAL, TABLE.ofStatus(502));
    }

    @Test
    void aFirstDecisionComesBeforeTheClasses() {
        ProblemTable outages = TABLE.decidingFirst(f -> f.getCause() instanceof java.net.ConnectException
                ? ProblemType.UNAVAILABLE : null);
        assertEquals(ProblemType.UNAVAILABLE, outages.of(new IllegalStateException(new java.net.ConnectException())));
        assertEquals(INVALID_EVENT, outages.of(new Refused()));
    }

    @Test
    void theTypesAreTheCommonOnesAndTheServicesOwnByStatus() {
        List<ProblemType> types = TABLE.types();
        assertEquals(ProblemType.COMMON.size() + 2, types.size());
        assertEquals(List.of(ProblemType.BAD_REQUEST, INVALID_EVENT), types.subList(0, 2));
        assertEquals(List.of(400, 400, 401, 404, 405, 406, 413, 415, 500, 503),
                types.stream().map(ProblemType::status).toList());
    }

    @Test
    void aServiceCannotMapAnExceptionToATypeItDoesNotAnswer() {
        assertThrows(IllegalArgumentException.class,
                () -> ProblemTable.of(List.of(), Map.of(Refused.class, INVALID_EVENT)));
        assertThrows(IllegalArgumentException.class, () -> ProblemTable.of(List.of(ProblemType.NOT_FOUND), Map.of()));
    }
}
