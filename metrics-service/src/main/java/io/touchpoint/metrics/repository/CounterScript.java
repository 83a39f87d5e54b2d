package io.touchpoint.metrics.repository;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.config.MetricsConfig;
import io.touchpoint.metrics.service.FunnelCatalog;
import io.touchpoint.metrics.service.FunnelDefinition;
import io.touchpoint.metrics.service.Histogram;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;

/**
 * Runs {@code redis/funnel-counter.lua}, the one script that changes counters, state and per-record markers
 * together or not at all. Reactive client only: this runs on the event loop.
 */
@ApplicationScoped
public class CounterScript {

    /** Target of a live record: the current generation and, during a rebuild, the one being built. */
    public static final String LIVE = "";
    private static final String SCRIPT_RESOURCE = "/redis/funnel-counter.lua";

    private final ReactiveRedisDataSource redis;
    private final String script;
    private final String scriptSha;
    private final String modelJson;
    private final String markerTtlSeconds;

    @Inject
    public CounterScript(ReactiveRedisDataSource redis, FunnelCatalog catalog, MetricsConfig config,
            ObjectMapper json) {
        this.redis = redis;
        this.script = loadScript();
        this.scriptSha = sha1(script);
        this.modelJson = modelJson(catalog, json);
        this.markerTtlSeconds = String.valueOf(Math.max(1, config.dedupWindow().getSeconds()));
    }

    /**
     * @param target {@link #LIVE} or the prefix of one generation
     * @param args the operation's own arguments (ARGV[5] on)
     */
    public Uni<Response> run(String op, String target, List<String> args) {
        List<String> tail = new ArrayList<>();
        tail.add("0");
        tail.add(op);
        tail.add(target);
        tail.add(modelJson);
        tail.add(markerTtlSeconds);
        tail.addAll(args);
        List<String> evalSha = new ArrayList<>(tail);
        evalSha.add(0, scriptSha);
        List<String> eval = new ArrayList<>(tail);
        eval.add(0, script);
        return redis.execute("EVALSHA", evalSha.toArray(String[]::new))
                // A restarted or failed-over Redis forgets loaded scripts; EVAL loads it again.
                .onFailure(CounterScript::isNoScript)
                .recoverWithUni(() -> redis.execute("EVAL", eval.toArray(String[]::new)))
                .onFailure().transform(e -> unavailable(op, e));
    }

    /** The generation live counters are read from. */
    public Uni<String> currentGeneration() {
        return redis.execute("GET", FunnelCounterKeys.GENERATION)
                .onFailure().transform(e -> unavailable("reading the generation", e))
                .map(r -> r == null ? FunnelCounterKeys.FIRST_GENERATION : r.toString());
    }

    public ReactiveRedisDataSource redis() {
        return redis;
    }

    private static boolean isNoScript(Throwable e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    /**
     * An error reply of Redis itself (a bug or a corrupted key) is permanent; anything else (connection refused,
     * closed, timed out) is worth retrying.
     */
    public static boolean isTransient(Throwable e) {
        Throwable cause = e instanceof CounterStoreUnavailableException && e.getCause() != null ? e.getCause() : e;
        return !(cause instanceof ErrorType);
    }

    static RuntimeException unavailable(String what, Throwable e) {
        if (e instanceof CounterStoreUnavailableException c) {
            return c;
        }
        return new CounterStoreUnavailableException("Redis failed " + what + ": " + e.getMessage(), e);
    }

    private static String modelJson(FunnelCatalog catalog, ObjectMapper json) {
        List<Map<String, Object>> funnels = new ArrayList<>();
        for (FunnelDefinition f : catalog.all()) {
            funnels.add(Map.of("id", f.id(), "stages", f.stages(), "window", f.conversionWindow().toMillis()));
        }
        try {
            return json.writeValueAsString(Map.of("funnels", funnels, "ttcBounds", Histogram.TIME_TO_CONVERT_BOUNDS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the funnels for the counter script", e);
        }
    }

    private static String loadScript() {
        try (InputStream in = CounterScript.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT_RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
