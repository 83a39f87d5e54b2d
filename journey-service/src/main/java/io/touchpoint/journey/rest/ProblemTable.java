package io.touchpoint.journey.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;

import io.touchpoint.journey.repository.DatabaseOutage;
import io.touchpoint.journey.service.CustomerNotFoundException;
import io.touchpoint.journey.service.InvalidParameterException;

/**
 * The one table from failure to HTTP answer. Our exceptions map by class (closest superclass wins);
 * JAX-RS's own (unknown path, wrong method, unreadable request) map by the status they carry.
 */
final class ProblemTable {

    /** Status, stable code (the {@code type} suffix) and title of one kind of problem. */
    record Entry(int status, String code, String title) {
    }

    static final Entry INTERNAL = new Entry(500, "internal", "Internal error");
    static final Entry UNAVAILABLE = new Entry(503, "unavailable", "Service unavailable");

    private static final Map<Class<? extends Throwable>, Entry> BY_EXCEPTION = new LinkedHashMap<>();
    private static final Map<Integer, Entry> BY_STATUS = new LinkedHashMap<>();

    static {
        BY_EXCEPTION.put(UnauthorizedException.class, new Entry(401, "unauthorized", "Unauthorized"));
        BY_EXCEPTION.put(CustomerNotFoundException.class, new Entry(404, "not-found", "Not found"));
        BY_EXCEPTION.put(InvalidParameterException.class, new Entry(400, "invalid-parameter", "Invalid parameter"));

        BY_STATUS.put(400, new Entry(400, "invalid-parameter", "Bad request"));
        BY_STATUS.put(401, new Entry(401, "unauthorized", "Unauthorized"));
        BY_STATUS.put(404, new Entry(404, "not-found", "Not found"));
        BY_STATUS.put(405, new Entry(405, "method-not-allowed", "Method not allowed"));
        BY_STATUS.put(406, new Entry(406, "not-acceptable", "Not acceptable"));
        BY_STATUS.put(415, new Entry(415, "unsupported-media-type", "Unsupported media type"));
        BY_STATUS.put(503, UNAVAILABLE);
    }

    private ProblemTable() {
    }

    static Entry of(Throwable t) {
        if (DatabaseOutage.isOutage(t)) {
            return UNAVAILABLE;
        }
        for (Class<?> c = t.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            Entry e = BY_EXCEPTION.get(c);
            if (e != null) {
                return e;
            }
        }
        if (t instanceof WebApplicationException w) {
            return ofStatus(w.getResponse().getStatus());
        }
        return INTERNAL;
    }

    static Entry ofStatus(int status) {
        Entry e = BY_STATUS.get(status);
        if (e != null) {
            return e;
        }
        return status >= 500 ? INTERNAL : new Entry(status, "http-" + status, "HTTP " + status);
    }
}
