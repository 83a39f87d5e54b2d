package io.touchpoint.metrics.repository;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
import io.touchpoint.metrics.service.Transition.CustomerMerged;
import io.touchpoint.metrics.service.Transition.StageEntered;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;

/**
 * Funnel counters and per-customer funnel state in Redis. Writes go through one Lua script
 * ({@code redis/funnel-counter.lua}) so state, counters and the per-transition marker change together or not
 * at all; reads are plain HMGETs. Reactive client only: this runs on the event loop.
 */
@ApplicationScoped
public class FunnelCounterRepository {

    private static final String SCRIPT_RESOURCE = "/redis/funnel-counter.lua";

    private final ReactiveRedisDataSource redis;
    private final String script;
    private final String scriptSha;
    private final String funnelsJson;
    private final String markerTtlSeconds;

    @Inject
    public FunnelCounterRepository(ReactiveRedisDataSource redis, FunnelCatalog catalog, MetricsConfig config,
            ObjectMapper json) {
        this.redis = redis;
        this.script = loadScript();
        this.scriptSha = sha1(script);
        this.funnelsJson = funnelsJson(catalog, json);
        Duration window = config.dedupWindow();
        this.markerTtlSeconds = String.valueOf(Math.max(1, window.getSeconds()));
    }

    /** @return true when the entry was applied, false when its transitionId had been applied before */
    public Uni<Boolean> apply(StageEntered t) {
        return run(t.transitionId(), "stage_entered", t.customerId(), t.stage(), String.valueOf(t.at().toEpochMilli()),
                utcDay(t.at()), t.channel());
    }

    /** @return true when the merge was applied, false when its transitionId had been applied before */
    public Uni<Boolean> apply(CustomerMerged t) {
        return run(t.transitionId(), "customer_merged", t.survivorId(), t.absorbedId());
    }

    /**
     * Reads the all-time counters of one funnel.
     *
     * @param channel a channel wire name, or null for all channels
     * @return stage → {entered, converted}
     */
    public Uni<Map<String, long[]>> totals(FunnelDefinition funnel, String channel) {
        List<String> args = new ArrayList<>();
        args.add(FunnelCounterKeys.funnelTotal(funnel.id()));
        for (String stage : funnel.stages()) {
            args.add(FunnelCounterKeys.enteredField(stage, channel));
            args.add(FunnelCounterKeys.convertedField(stage, channel));
        }
        return redis.execute("HMGET", args.toArray(String[]::new))
                .onFailure().transform(e -> unavailable("reading funnel " + funnel.id(), e))
                .map(reply -> {
                    Map<String, long[]> byStage = new LinkedHashMap<>();
                    for (int i = 0; i < funnel.stages().size(); i++) {
                        byStage.put(funnel.stages().get(i),
                                new long[] { asLong(reply.get(2 * i)), asLong(reply.get(2 * i + 1)) });
                    }
                    return byStage;
                });
    }

    private Uni<Boolean> run(String transitionId, String... kindAndArgs) {
        List<String> tail = new ArrayList<>();
        tail.add("1");
        tail.add(FunnelCounterKeys.seen(transitionId));
        tail.add(markerTtlSeconds);
        tail.add(FunnelCounterKeys.PREFIX);
        tail.add(funnelsJson);
        tail.addAll(List.of(kindAndArgs));
        List<String> evalSha = new ArrayList<>(tail);
        evalSha.add(0, scriptSha);
        List<String> eval = new ArrayList<>(tail);
        eval.add(0, script);
        return redis.execute("EVALSHA", evalSha.toArray(String[]::new))
                // A restarted or failed-over Redis forgets loaded scripts; EVAL loads it again.
                .onFailure(FunnelCounterRepository::isNoScript)
                .recoverWithUni(() -> redis.execute("EVAL", eval.toArray(String[]::new)))
                .onFailure().transform(e -> unavailable("applying transition " + transitionId, e))
                .map(reply -> "counted".equals(reply.toString()));
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

    private static RuntimeException unavailable(String what, Throwable e) {
        if (e instanceof CounterStoreUnavailableException c) {
            return c;
        }
        return new CounterStoreUnavailableException("Redis failed " + what + ": " + e.getMessage(), e);
    }

    private static long asLong(Response value) {
        return value == null ? 0L : value.toLong();
    }

    static String utcDay(Instant at) {
        return at.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static String funnelsJson(FunnelCatalog catalog, ObjectMapper json) {
        List<Map<String, Object>> funnels = new ArrayList<>();
        for (FunnelDefinition f : catalog.all()) {
            funnels.add(Map.of("id", f.id(), "stages", f.stages()));
        }
        try {
            return json.writeValueAsString(funnels);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the funnels for the counter script", e);
        }
    }

    private static String loadScript() {
        try (InputStream in = FunnelCounterRepository.class.getResourceAsStream(SCRIPT_RESOURCE)) {
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
