package io.touchpoint.journey.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import io.touchpoint.journey.repository.DatabaseOutage;
import io.vertx.pgclient.PgException;


/** Which failures hold a record back (outage), run it again (contention) or dead-letter it. */
class FailureClassificationTest {

    @Test
    void anUnreachableDatabaseIsAnOutageNotARecordProblem() {
        Throwable wrapped = new IllegalStateException("session failed", new ConnectException("Connection refused"));
        assertTrue(DatabaseOutage.isOutage(wrapped));
        assertFalse(JourneyStitcher.isContention(wrapped));
    }

    @Test
    void deadlocksAndRacesAreContention() {
        assertTrue(JourneyStitcher.isContention(
                new RuntimeException("wrapper", new PgException("deadlock detected", "ERROR", "40P01", null))));
        assertTrue(JourneyStitcher.isContention(
                new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)));
        assertFalse(DatabaseOutage.isOutage(new PgException("could not serialize access", "ERROR", "40001", null)));
    }

    @Test
    void aBrokenRecordIsNeither() {
        Throwable bad = new IllegalArgumentException("messageId is missing");
        assertFalse(DatabaseOutage.isOutage(bad));
        assertFalse(JourneyStitcher.isContention(bad));
    }

    @Test
    void theSqlStateDecidesNotTheMessage() {
        // a value that merely mentions a contention code, e.g. in a check constraint's message
        assertFalse(JourneyStitcher.isContention(new PgException("value 23505 violates check constraint", "ERROR",
                "23514", null)));
        assertFalse(JourneyStitcher.isContention(new IllegalStateException("deadlock (40P01) in the logs")));
    }
}
