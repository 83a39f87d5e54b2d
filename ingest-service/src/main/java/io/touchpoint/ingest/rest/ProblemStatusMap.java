package io.touchpoint.ingest.rest;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;

import io.touchpoint.ingest.service.EventRejectedException;
import io.touchpoint.ingest.service.PublishUnavailableException;
import io.touchpoint.ingest.service.RateLimitedException;
import io.touchpoint.ingest.service.UnknownSourceException;
import io.touchpoint.ingest.service.RejectionReason;
import io.touchpoint.ingest.service.UnauthorizedException;

/**
 * The one table from failures to problem types. Everything that answers with an error (our
 * resources, Quarkus REST, the HTTP layer) goes through {@link #of(Throwable)} or
 * {@link #ofStatus(int)}, so a status never gets two different bodies.
 */
public final class ProblemStatusMap {

    private ProblemStatusMap() {
    }

    public static ProblemType of(Throwable failure) {
        if (failure instanceof EventRejectedException rejected) {
            return of(rejected.reason());
        }
        if (failure instanceof UnauthorizedException) {
            return ProblemType.UNAUTHORIZED;
        }
        if (failure instanceof PublishUnavailableException) {
            return ProblemType.UNAVAILABLE;
        }
        if (failure instanceof RateLimitedException) {
            return ProblemType.RATE_LIMITED;
        }
        if (failure instanceof UnknownSourceException) {
            return ProblemType.NOT_FOUND;
        }
        if (failure instanceof NotFoundException) {
            return ProblemType.NOT_FOUND;
        }
        if (failure instanceof NotAllowedException) {
            return ProblemType.METHOD_NOT_ALLOWED;
        }
        if (failure instanceof NotSupportedException) {
            return ProblemType.UNSUPPORTED_MEDIA_TYPE;
        }
        if (failure instanceof NotAcceptableException) {
            return ProblemType.NOT_ACCEPTABLE;
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

    /** For answers decided below the REST layer (Vert.x), known only by status. */
    public static ProblemType ofStatus(int status) {
        for (ProblemType type : ProblemType.values()) {
            if (type.status() == status && type != ProblemType.INVALID_JSON && type != ProblemType.INVALID_EVENT
                    && type != ProblemType.INVALID_SIGNATURE) {
                return type;
            }
        }
        return status >= 500 ? ProblemType.INTERNAL : ProblemType.BAD_REQUEST;
    }
}
