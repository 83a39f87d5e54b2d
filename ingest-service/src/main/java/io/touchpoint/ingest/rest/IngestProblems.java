package io.touchpoint.ingest.rest;

import static io.touchpoint.conventions.rest.ProblemType.BAD_REQUEST;
import static io.touchpoint.conventions.rest.ProblemType.METHOD_NOT_ALLOWED;
import static io.touchpoint.conventions.rest.ProblemType.NOT_ACCEPTABLE;
import static io.touchpoint.conventions.rest.ProblemType.NOT_FOUND;
import static io.touchpoint.conventions.rest.ProblemType.UNAVAILABLE;
import static io.touchpoint.conventions.rest.ProblemType.UNSUPPORTED_MEDIA_TYPE;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.touchpoint.conventions.rest.FailedRequest;
import io.touchpoint.conventions.rest.ProblemTable;
import io.touchpoint.conventions.rest.ProblemType;
import io.touchpoint.conventions.rest.ServiceProblems;
import io.touchpoint.ingest.config.IngestConfig;
import io.touchpoint.ingest.service.EventRejectedException;
import io.touchpoint.ingest.service.PublishUnavailableException;
import io.touchpoint.ingest.service.RateLimitedException;
import io.touchpoint.ingest.service.RejectionReason;
import io.touchpoint.ingest.service.RequestBody;
import io.touchpoint.ingest.service.UnauthorizedException;
import io.touchpoint.ingest.service.UnknownSourceException;

/**
 * What ingest adds to the common problem rules (io.touchpoint.conventions.rest.ProblemMapper writes every answer):
 * its own types, the refusals of the tracking API and of webhooks; a refused event typed by its reason; Basic and
 * Signature challenges; back-off for a 429 and a Kafka 503; and details that name the tracking API.
 */
@ApplicationScoped
public class IngestProblems implements ServiceProblems {

    public static final ProblemType INVALID_JSON = new ProblemType(400, "invalid-json", "Malformed JSON");
    public static final ProblemType INVALID_EVENT = new ProblemType(400, "invalid-event", "Invalid event");
    public static final ProblemType INVALID_SIGNATURE = new ProblemType(401, "invalid-signature",
            "Invalid webhook signature");
    public static final ProblemType TOO_LARGE = new ProblemType(413, "too-large", "Payload too large");
    public static final ProblemType RATE_LIMITED = new ProblemType(429, "rate-limited", "Too many requests");

    public static final String BASIC_CHALLENGE = "Basic realm=\"touchpoint\"";
    /** Webhooks authenticate by signature, not by a Basic user: the challenge says so. */
    public static final String SIGNATURE_CHALLENGE = "Signature realm=\"touchpoint\"";

    /** Our exceptions by class, a refused event by its reason; the types only a refused event has never come from a bare status. */
    public static final ProblemTable TABLE = ProblemTable.of(
            List.of(INVALID_JSON, INVALID_EVENT, INVALID_SIGNATURE, TOO_LARGE, RATE_LIMITED),
            Map.of(UnauthorizedException.class, ProblemType.UNAUTHORIZED,
                    PublishUnavailableException.class, UNAVAILABLE,
                    RateLimitedException.class, RATE_LIMITED,
                    UnknownSourceException.class, NOT_FOUND))
            .decidingFirst(failure -> failure instanceof EventRejectedException rejected ? of(rejected.reason()) : null);

    @Inject
    IngestConfig config;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    public static ProblemType of(RejectionReason reason) {
        return switch (reason) {
            case INVALID_JSON -> INVALID_JSON;
            case TOO_LARGE -> TOO_LARGE;
            case TOO_DEEP, MISSING_IDENTITY, MISSING_EVENT, INVALID_TIMESTAMP, INVALID_FIELD, UNKNOWN_TYPE,
                    MAPPING_FAILED -> INVALID_EVENT;
            case SIGNATURE_INVALID, STALE_TIMESTAMP -> INVALID_SIGNATURE;
            case UNSUPPORTED_ENCODING -> UNSUPPORTED_MEDIA_TYPE;
        };
    }

    @Override
    public ProblemTable table() {
        return TABLE;
    }

    @Override
    public String challenge(ProblemType type) {
        return type.equals(INVALID_SIGNATURE) ? SIGNATURE_CHALLENGE : BASIC_CHALLENGE;
    }

    /** A 429 when the bucket has a token again; a 503 after the configured back-off. */
    @Override
    public OptionalLong retryAfterSeconds(ProblemType type, Throwable failure) {
        if (type.equals(RATE_LIMITED)) {
            return OptionalLong.of(failure instanceof RateLimitedException limited ? limited.retryAfterSeconds() : 1);
        }
        return type.equals(UNAVAILABLE) ? OptionalLong.of(config.retryAfterSeconds()) : OptionalLong.empty();
    }

    /** A human detail; never a stack trace, never a write key. */
    @Override
    public Optional<String> detail(ProblemType type, Throwable failure, FailedRequest request) {
        if (failure instanceof EventRejectedException rejected) {
            return Optional.of(rejected.detail());
        }
        if (failure instanceof UnauthorizedException || failure instanceof PublishUnavailableException
                || failure instanceof RateLimitedException || failure instanceof UnknownSourceException) {
            return Optional.of(failure.getMessage() + (type.equals(UNAVAILABLE) ? "; retry later" : ""));
        }
        return Optional.of(detail(type, request, failure instanceof WebApplicationException ? failure.getMessage() : null));
    }

    /** Details for answers known only by type (404, 405, 413, 415 decided by the framework): each says what to change. */
    public String detail(ProblemType type, FailedRequest request, String fallback) {
        if (type.equals(NOT_FOUND)) {
            return "there is nothing at " + request.path() + "; the tracking API is " + TrackingPaths.SUMMARY;
        }
        if (type.equals(METHOD_NOT_ALLOWED)) {
            return request.method() + " is not allowed on " + request.path()
                    + (request.path().startsWith("/v1/projects/") || request.path().startsWith("/sourceConfig")
                            ? "; use GET" : "; use POST");
        }
        if (type.equals(UNSUPPORTED_MEDIA_TYPE)) {
            return "Content-Type '" + request.header(HttpHeaders.CONTENT_TYPE) + "' is not accepted; send "
                    + RequestBody.ACCEPTED_TYPES;
        }
        if (type.equals(NOT_ACCEPTABLE)) {
            return "this endpoint answers application/json only; accept application/json or */*";
        }
        if (type.equals(TOO_LARGE)) {
            return "the request body is larger than this server accepts"
                    + maxBodySize.map(limit -> " (" + limit.asLongValue() + " bytes)").orElse("") + "; send smaller batches";
        }
        if (type.equals(BAD_REQUEST)) {
            return "the request could not be read as HTTP"
                    + (fallback != null && !fallback.startsWith("HTTP ") ? " (" + fallback + ")" : "")
                    + "; send a well-formed request with a JSON body";
        }
        return fallback != null && !fallback.startsWith("HTTP ") ? fallback
                : type.title().toLowerCase() + " (HTTP " + type.status() + ")";
    }

    /** ingest counts its answers by status (touchpoint_ingest_request_seconds); an outage would log every request. */
    @Override
    public boolean logsOutages() {
        return false;
    }
}
