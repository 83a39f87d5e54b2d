package io.touchpoint.ingest.rest;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.mutiny.Uni;
import io.touchpoint.conventions.rest.FailedRequest;
import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.conventions.rest.ProblemMapper;
import io.touchpoint.conventions.rest.ProblemType;
import io.touchpoint.ingest.service.EventRejectedException;
import io.touchpoint.ingest.service.IngestService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Problem bodies for answers the HTTP layer gives before a resource runs: a body over
 * {@code quarkus.http.limits.max-body-size} (413), paths nothing serves (404), and any failure that
 * escapes the REST layer. Health, metrics and OpenAPI under {@code /q/} keep their own answers.
 */
@ApplicationScoped
public class HttpFailureRoutes {

    /** Quarkus answers an over-limit Content-Length with an empty 413 from a route of this order. */
    private static final int QUARKUS_BODY_LIMIT_ORDER = -2;

    @Inject
    ProblemMapper problems;

    @Inject
    IngestProblems ingestProblems;

    @Inject
    IngestService ingest;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
        // The API's bodies are read here, one step before Quarkus's own limit check, so an
        // over-limit body (declared or chunked) fails the route with 413 and gets a problem body.
        // The resources take the bytes from this read (BodyReader.bytes); they have no JAX-RS entity
        // parameter: binding byte[] over a body read here handed it a 40 KB body as zeros.
        BodyReader bodies = new BodyReader(maxBodySize.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE));
        for (String path : TrackingPaths.BODY_ROUTES) {
            router.route(path).order(QUARKUS_BODY_LIMIT_ORDER - 1).handler(bodies);
        }
        router.route("/webhooks/*").order(QUARKUS_BODY_LIMIT_ORDER - 1).handler(bodies);
    }

    private void onFailure(RoutingContext ctx) {
        if (ctx.response().headWritten() || ctx.response().closed()) {
            ctx.next();
            return;
        }
        int status = ctx.statusCode();
        if (status == 413 && ctx.failure() == null && recordOversized(ctx)) {
            return;
        }
        ProblemType type = ctx.failure() != null && status < 0 ? IngestProblems.TABLE.of(ctx.failure())
                : IngestProblems.TABLE.ofStatus(status < 0 ? 500 : status);
        FailedRequest request = FailedRequest.of(ctx.request());
        write(ctx, type, null, type.equals(ProblemType.INTERNAL) ? problems.internal(ctx.failure(), request)
                : problems.problem(type, ingestProblems.detail(type, request, null), request.path()));
    }

    /**
     * A body over the limit from a known source is recorded on touchpoints.rejected.v1 before the 413
     * (as every refusal is); the answer waits for Kafka's acknowledgement of that record, or is 503 /
     * 429 when it cannot be written or the source is over its rate.
     *
     * @return false when the sender is unknown: the plain 413 follows
     */
    private boolean recordOversized(RoutingContext ctx) {
        String path = ctx.request().path();
        String endpoint;
        String webhookSource = null;
        if (path.startsWith("/webhooks/")) {
            endpoint = "webhook";
            webhookSource = path.substring("/webhooks/".length());
        } else {
            Optional<TrackingPaths.Endpoint> tracking = TrackingPaths.of(path);
            if (tracking.isEmpty()) {
                return false;
            }
            endpoint = tracking.get().endpoint();
        }
        Optional<Uni<EventRejectedException>> recorded = ingest.oversizedRequest(endpoint,
                RequestCredentials.writeKey(ctx), webhookSource,
                ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH),
                maxBodySize.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE));
        if (recorded.isEmpty()) {
            return false;
        }
        recorded.get().subscribe().with(
                rejection -> write(ctx, IngestProblems.TOO_LARGE, null,
                        problems.problem(IngestProblems.TOO_LARGE, rejection.detail(), ctx.request().path())),
                failure -> {
                    ProblemType type = IngestProblems.TABLE.of(failure);
                    write(ctx, type, failure, problems.problem(type, failure, FailedRequest.of(ctx.request())));
                });
        return true;
    }

    private void write(RoutingContext ctx, ProblemType type, Throwable failure, Problem problem) {
        if (ctx.response().headWritten() || ctx.response().closed()) {
            return;
        }
        String body = problems.json(problem);
        ctx.response().setStatusCode(type.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        problems.headers(type, failure, problem).forEach(ctx.response()::putHeader);
        ctx.response().end(body);
    }
}
