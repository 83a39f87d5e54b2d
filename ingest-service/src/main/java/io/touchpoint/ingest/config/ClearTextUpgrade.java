package io.touchpoint.ingest.config;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Declines {@code Upgrade: h2c} on the plain-HTTP listener. Clients that offer it (the JDK HttpClient by
 * default) send the POST body with the upgrade request; Vert.x consumes it during the upgrade and the
 * tracking API could no longer read it (500). Declined, the same request is answered over HTTP/1.1.
 * HTTP/2 over TLS (negotiated by ALPN) is not affected.
 */
@ApplicationScoped
public class ClearTextUpgrade implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }
}
