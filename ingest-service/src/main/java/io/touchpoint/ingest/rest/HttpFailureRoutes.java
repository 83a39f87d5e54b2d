package io.touchpoint.ingest.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Problem bodies for answers the HTTP layer gives before a resource runs: a body over
 * {@code quarkus.http.limits.max-body-size} (413), paths nothing serves (404), and any failure that
 * escapes the REST layer. Health, metrics and OpenAPI under {@code /q/} keep their own answers.
 */
@ApplicationScoped
public class HttpFailureRoutes {

    @Inject
    ProblemMapper problems;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
    }

    private void onFailure(RoutingContext ctx) {
        if (ctx.response().headWritten() || ctx.response().closed()) {
            ctx.next();
            return;
        }
        int status = ctx.statusCode();
        ProblemType type = ctx.failure() != null && status < 0 ? ProblemStatusMap.of(ctx.failure())
                : ProblemStatusMap.ofStatus(status < 0 ? 500 : status);
        String detail = type == ProblemType.INTERNAL ? "an unexpected error occurred"
                : problems.detail(type, ctx.request(), null);
        String body = problems.json(problems.problem(type, detail, ctx.request().path()));
        ctx.response().setStatusCode(type.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        problems.headers(type).forEach(ctx.response()::putHeader);
        ctx.response().end(body);
    }
}
