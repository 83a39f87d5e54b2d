package io.touchpoint.journey.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import io.touchpoint.journey.repository.DatabaseOutage;


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
                new RuntimeException("wrapper", new RuntimeException("ERROR: deadlock detected (40P01)"))));
        assertTrue(JourneyStitcher.isContention(
                new RuntimeException("duplicate key value violates unique constraint (23505)")));
        assertFalse(DatabaseOutage.isOutage(new RuntimeException("40001")));
    }

    @Test
    void aBrokenRecordIsNeither() {
        Throwable bad = new IllegalArgumentException("messageId is missing");
        assertFalse(DatabaseOutage.isOutage(bad));
        assertFalse(JourneyStitcher.isContention(bad));
    }
}
