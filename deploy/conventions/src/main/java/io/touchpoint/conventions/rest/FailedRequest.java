package io.touchpoint.conventions.rest;

import java.util.function.UnaryOperator;

import io.vertx.core.http.HttpServerRequest;

/** What a problem answer needs of the request it answers: method, path and a header by name (null if absent). */
public record FailedRequest(String method, String path, UnaryOperator<String> headers) {

    public static FailedRequest of(HttpServerRequest request) {
        return new FailedRequest(request.method().name(), request.path(), request::getHeader);
    }

    public String header(String name) {
        return headers.apply(name);
    }
}
