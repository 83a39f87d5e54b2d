package io.touchpoint.ingest.rest;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body as bytes, whatever its Content-Type says, bounded by the HTTP body limit (a
 * body over it fails the route with 413, which {@link HttpFailureRoutes} answers).
 *
 * <p>Why not Vert.x's {@code BodyHandler}: for {@code application/x-www-form-urlencoded} it also runs
 * the form decoder over the body, and a gzip body so labelled (what {@code @rudderstack/rudder-sdk-node}
 * sends: axios's default type for a Buffer) failed that decoder with a bare 400 before any of our
 * code saw it. Which content types carry JSON is decided once, in
 * {@link io.touchpoint.ingest.service.RequestBody}; this reader takes the bytes as they are.
 */
final class BodyReader implements Handler<RoutingContext> {

    private static final String BODY = BodyReader.class.getName() + ".body";
    private static final byte[] EMPTY = new byte[0];
    /** Growing a buffer chunk by chunk copied a batch several times: sized from Content-Length, within bounds. */
    private static final int MAX_PREALLOCATED = 64 * 1024;

    private final long limit;

    BodyReader(long limit) {
        this.limit = limit;
    }

    /** The body read for this request; empty when it had none. */
    static byte[] bytes(RoutingContext ctx) {
        Buffer body = ctx.get(BODY);
        return body == null ? EMPTY : body.getBytes();
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (ctx.get(BODY) != null) {
            ctx.next(); // rerouted: read already
            return;
        }
        long declared = contentLength(request);
        boolean chunked = request.version() == HttpVersion.HTTP_2
                || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        if (declared < 0 && !chunked) {
            ctx.put(BODY, Buffer.buffer(0));
            ctx.next();
            return;
        }
        if (declared > limit) {
            ctx.fail(413);
            return;
        }
        String expect = request.getHeader(HttpHeaders.EXPECT);
        if (expect != null && expect.equalsIgnoreCase("100-continue") && request.version() != HttpVersion.HTTP_1_0) {
            ctx.response().writeContinue();
        }
        Buffer body = Buffer.buffer((int) Math.min(declared < 0 ? 1024 : declared, MAX_PREALLOCATED));
        boolean[] failed = { false };
        if (request.isEnded()) {
            ctx.put(BODY, body);
            ctx.next();
            return;
        }
        request.exceptionHandler(failure -> {
            if (!failed[0]) {
                failed[0] = true;
                ctx.fail(400, failure);
            }
        });
        request.handler(chunk -> {
            if (failed[0]) {
                return;
            }
            if (body.length() + (long) chunk.length() > limit) {
                failed[0] = true;
                ctx.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(ignored -> {
            if (!failed[0] && !ctx.failed()) {
                ctx.put(BODY, body);
                ctx.next();
            }
        });
        request.resume();
    }

    private static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null || value.isEmpty()) {
            return -1;
        }
        try {
            long n = Long.parseLong(value.trim());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
