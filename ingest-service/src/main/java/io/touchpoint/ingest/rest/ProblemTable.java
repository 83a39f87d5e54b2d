package io.touchpoint.ingest.rest;

import java.util.Map;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;

import io.touchpoint.ingest.service.EventRejectedException;
import io.touchpoint.ingest.service.PublishUnavailableException;
import io.touchpoint.ingest.service.RateLimitedException;
import io.touchpoint.ingest.service.RejectionReason;
import io.touchpoint.ingest.service.UnauthorizedException;
import io.touchpoint.ingest.service.UnknownSourceException;

/**
 * The one table from failure to problem type. Everything that answers with an error (our resources, Quarkus
 * REST, the HTTP layer) goes through {@link #of(Throwable)} or {@link #ofStatus(int)}, so a status never gets two
 * different bodies. Our exceptions and JAX-RS's own map by class (closest superclass wins), a refused event by
 * its reason, any other answer Quarkus decides by its status; anything else is an internal error.
 */
public final class ProblemTable {

    private static final Map<Class<? extends Throwable>, ProblemType> BY_EXCEPTION = Map.of(
            UnauthorizedException.class, ProblemType.UNAUTHORIZED,
            PublishUnavailableException.class, ProblemType.UNAVAILABLE,
            RateLimitedException.class, ProblemType.RATE_LIMITED,
            UnknownSourceException.class, ProblemType.NOT_FOUND,
            NotFoundException.class, ProblemType.NOT_FOUND,
            NotAllowedException.class, ProblemType.METHOD_NOT_ALLOWED,
            NotSupportedException.class, ProblemType.UNSUPPORTED_MEDIA_TYPE,
            NotAcceptableException.class, ProblemType.NOT_ACCEPTABLE);

    private ProblemTable() {
    }

    public static ProblemType of(Throwable failure) {
        if (failure instanceof EventRejectedException rejected) {
            return of(rejected.reason());
        }
        for (Class<?> c = failure.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            ProblemType type = BY_EXCEPTION.get(c);
            if (type != null) {
                return type;
            }
        }
        if (failure instanceof WebApplicationException web) {
            return ofStatus(web.getResponse().getStatus());
        }
        return ProblemType.INTERNAL;
    }

    public static ProblemType of(RejectionReason reason) {
        return switch (reason) {
            case INVALID_JSON -> ProblemType.INVALID_JSON;
            case TOO_LARGE -> ProblemType.TOO_LARGE;
            case TOO_DEEP, MISSING_IDENTITY, MISSING_EVENT, INVALID_TIMESTAMP, INVALID_FIELD, UNKNOWN_TYPE,
                    MAPPING_FAILED -> ProblemType.INVALID_EVENT;
            case SIGNATURE_INVALID, STALE_TIMESTAMP -> ProblemType.INVALID_SIGNATURE;
            case UNSUPPORTED_ENCODING -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
        };
    }

    /**
     * An answer known only by its status (decided below the REST layer, by Vert.x): the type of that status,
     * else bad-request (4xx) or internal. The types only a refused event has never come from a bare status.
     */
    public static ProblemType ofStatus(int status) {
        for (ProblemType type : ProblemType.values()) {
            if (type.status() == status && type != ProblemType.INVALID_JSON && type != ProblemType.INVALID_EVENT
                    && type != ProblemType.INVALID_SIGNATURE) {
                return type;
            }
        }
        return status >= 400 && status < 500 ? ProblemType.BAD_REQUEST : ProblemType.INTERNAL;
    }
}
