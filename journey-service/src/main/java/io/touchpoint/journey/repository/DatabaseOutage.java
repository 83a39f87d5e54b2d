package io.touchpoint.journey.repository;

import java.net.ConnectException;

import io.vertx.sqlclient.ClosedConnectionException;

/**
 * PostgreSQL cannot be reached or dropped the connection. Not the fault of the record or request at
 * hand: the consumer waits and retries, the REST API answers 503 with Retry-After.
 */
public final class DatabaseOutage {

    private DatabaseOutage() {
    }

    public static boolean isOutage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof ClosedConnectionException) {
                return true;
            }
        }
        return false;
    }
}
