package io.touchpoint.metrics.repository;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.config.MetricsConfig;
import io.touchpoint.metrics.service.FunnelCatalog;
import io.touchpoint.metrics.service.FunnelDefinition;
import io.touchpoint.metrics.service.Histogram;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;

/**
 * Runs {@code redis/counter-batch.lua}, the one script that changes counters, state and per-record markers: a
 * whole batch of records per call and part (ADR 0013), all calls of a batch pipelined in one round trip. The
 * funnel model is compiled into the script text ({@code local MODEL = ...}), so Redis loads it once per model
 * version and no call carries it. Reactive client only: this runs on the event loop.
 */
@ApplicationScoped
public class CounterScript {

    /** Target of a live record: the current generation and, during a rebuild, the one being built. */
    public static final String LIVE = "";
    private static final String SCRIPT_RESOURCE = "/redis/counter-batch.lua";
    /** How often a call that met only deleted generations re-reads the pointers before giving up. */
    private static final int RETIRED_RETRIES = 5;

    /** A part of the state with a hash tag of its own: one funnel, or the KPIs and identities. */
    public record Part(String kind, String funnelId) {
        public static final Part PEOPLE = new Part("people", "");

        public static Part funnel(String id) {
            return new Part("funnel", id);
        }

        public String prefix(String generation) {
            return funnelId.isEmpty() ? FunnelCounterKeys.peoplePart(generation)
                    : FunnelCounterKeys.funnelPart(generation, funnelId);
        }
    }

    /** One record as counter-batch.lua reads it (its kind, then its fields) and the parts it goes to. */
    public record Routed(List<String> fields, List<Part> parts) {
    }

    private final ReactiveRedisDataSource redis;
    private final String script;
    private final String scriptSha;
    private final String markerTtlSeconds;
    private final int recordsPerCall;
    private final List<Part> funnelParts;

    @Inject
    public CounterScript(ReactiveRedisDataSource redis, FunnelCatalog catalog, MetricsConfig config) {
        this.redis = redis;
        this.script = model(catalog) + loadScript();
        this.scriptSha = sha1(script);
        this.markerTtlSeconds = String.valueOf(Math.max(1, config.dedupWindow().getSeconds()));
        this.recordsPerCall = Math.max(1, config.recordsPerScriptCall());
        this.funnelParts = catalog.all().stream().map(f -> Part.funnel(f.id())).toList();
    }

    /** Every part of a generation: the funnels', then {@link Part#PEOPLE}. */
    public List<Part> parts() {
        List<Part> all = new ArrayList<>(funnelParts);
        all.add(Part.PEOPLE);
        return all;
    }

    public List<Part> funnelParts() {
        return funnelParts;
    }

    /**
     * Applies records to their parts in order: per part, calls of up to {@code recordsPerScriptCall} records,
     * all sent in one pipeline. Each record's reply is that of {@link Part#PEOPLE} when it goes there (else its
     * first part's), or the first {@code error:...} any of its parts gave.
     *
     * @param target {@link #LIVE} or the prefix of one generation
     */
    public Uni<List<String>> apply(List<Routed> records, String target) {
        if (records.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return apply(records, target, 0);
    }

    private Uni<List<String>> apply(List<Routed> records, String target, int attempt) {
        Map<Part, List<Integer>> byPart = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            for (Part p : records.get(i).parts()) {
                byPart.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
            }
        }
        return targets(target).flatMap(generations -> {
            List<Request> calls = new ArrayList<>();
            List<Part> callParts = new ArrayList<>();
            List<List<Integer>> callRecords = new ArrayList<>();
            byPart.forEach((part, indexes) -> {
                for (int from = 0; from < indexes.size(); from += recordsPerCall) {
                    List<Integer> chunk = indexes.subList(from, Math.min(indexes.size(), from + recordsPerCall));
                    List<String> argv = new ArrayList<>();
                    argv.add("records");
                    chunk.forEach(i -> argv.addAll(records.get(i).fields()));
                    calls.add(call(part, generations, argv));
                    callParts.add(part);
                    callRecords.add(chunk);
                }
            });
            return send(calls, "applying " + records.size() + " records").flatMap(replies -> {
                String[] results = new String[records.size()];
                boolean retired = false;
                for (int c = 0; c < replies.size(); c++) {
                    Response reply = replies.get(c);
                    if ("retired".equals(reply.get(0).toString())) {
                        retired = true;
                        continue;
                    }
                    List<Integer> chunk = callRecords.get(c);
                    for (int k = 0; k < chunk.size(); k++) {
                        int i = chunk.get(k);
                        String result = reply.get(k + 1).toString();
                        boolean decides = callParts.get(c).equals(Part.PEOPLE)
                                || !records.get(i).parts().contains(Part.PEOPLE);
                        if (result.startsWith("error:")) {
                            if (results[i] == null || !results[i].startsWith("error:")) {
                                results[i] = result;
                            }
                        } else if (results[i] == null || (decides && !results[i].startsWith("error:"))) {
                            results[i] = result;
                        }
                    }
                }
                if (retired) {
                    // a generation was deleted since the pointers were read; markers make the repeat harmless
                    if (attempt >= RETIRED_RETRIES) {
                        return Uni.createFrom().failure(new CounterStoreUnavailableException(
                                "every generation read was retired meanwhile, " + attempt + " times", null));
                    }
                    return apply(records, target, attempt + 1);
                }
                return Uni.createFrom().item(List.of(results));
            });
        });
    }

    /**
     * Marks due drop-offs in every funnel: one pipelined call per funnel part.
     *
     * @return the most due deadlines one funnel looked at (at most {@code limit}; fewer means all are done)
     */
    public Uni<Long> sweep(long nowMillis, int limit, String target) {
        return targets(target).flatMap(generations -> {
            List<Request> calls = funnelParts.stream()
                    .map(p -> call(p, generations, List.of("sweep", String.valueOf(nowMillis), String.valueOf(limit))))
                    .toList();
            return send(calls, "sweeping").map(replies -> replies.stream()
                    .filter(r -> !"retired".equals(r.get(0).toString()))
                    .mapToLong(r -> r.get(1).toLong()).max().orElse(0));
        });
    }

    /** The generation live counters are read from. */
    public Uni<String> currentGeneration() {
        return redis.execute("GET", FunnelCounterKeys.GENERATION)
                .onFailure().transform(e -> unavailable("reading the generation", e))
                .map(r -> r == null ? FunnelCounterKeys.FIRST_GENERATION : r.toString());
    }

    /** The generations a write goes to: the named one, or the live one(s). */
    private Uni<List<String>> targets(String target) {
        if (!LIVE.equals(target)) {
            return Uni.createFrom().item(List.of(target));
        }
        return redis.getRedis().batch(List.of(Request.cmd(Command.GET).arg(FunnelCounterKeys.GENERATION),
                Request.cmd(Command.GET).arg(FunnelCounterKeys.BUILDING)))
                .onFailure().transform(e -> unavailable("reading the generations", e))
                .map(r -> {
                    String current = r.get(0) == null ? FunnelCounterKeys.FIRST_GENERATION : r.get(0).toString();
                    String building = r.get(1) == null ? null : r.get(1).toString();
                    return building == null || building.equals(current) ? List.of(current) : List.of(current, building);
                });
    }

    /** EVALSHA with one KEYS entry per target generation: its {@code <part prefix>retired} key (same slot). */
    private Request call(Part part, List<String> generations, List<String> argv) {
        Request r = Request.cmd(Command.EVALSHA).arg(scriptSha).arg(generations.size());
        generations.forEach(g -> r.arg(part.prefix(g) + FunnelCounterKeys.RETIRED));
        r.arg(part.kind()).arg(part.funnelId()).arg(markerTtlSeconds);
        argv.forEach(r::arg);
        return r;
    }

    private Uni<List<Response>> send(List<Request> calls, String what) {
        return redis.getRedis().batch(calls)
                // A restarted or failed-over Redis forgets loaded scripts: load it again, then repeat (the
                // markers make records that did count before the failure count once).
                .onFailure(CounterScript::isNoScript)
                .recoverWithUni(() -> redis.execute("SCRIPT", "LOAD", script)
                        .flatMap(loaded -> redis.getRedis().batch(calls)))
                .onFailure().transform(e -> unavailable(what, e));
    }

    public ReactiveRedisDataSource redis() {
        return redis;
    }

    private static boolean isNoScript(Throwable e) {
        return redisError(e).startsWith("NOSCRIPT");
    }

    /** The error reply without the {@code ERR [<index>] } a pipeline puts in front of a failed command's reply. */
    private static String redisError(Throwable e) {
        return String.valueOf(e.getMessage()).replaceFirst("^ERR \\[\\d+\\] ", "");
    }

    /**
     * An error reply of Redis itself (a bug or a corrupted key) is permanent, except the replies that say "not
     * now" (busy with a script, loading, failing over); anything else (connection refused, closed, timed out)
     * is worth retrying.
     */
    public static boolean isTransient(Throwable e) {
        Throwable cause = e instanceof CounterStoreUnavailableException && e.getCause() != null ? e.getCause() : e;
        if (!(cause instanceof ErrorType)) {
            return true;
        }
        String m = redisError(cause);
        return m.startsWith("BUSY") || m.startsWith("LOADING") || m.startsWith("TRYAGAIN")
                || m.startsWith("CLUSTERDOWN") || m.startsWith("MASTERDOWN") || m.startsWith("READONLY");
    }

    static RuntimeException unavailable(String what, Throwable e) {
        if (e instanceof CounterStoreUnavailableException c) {
            return c;
        }
        return new CounterStoreUnavailableException("Redis failed " + what + ": " + e.getMessage(), e);
    }

    /** The funnel model as the script's first line: a Lua table constant. */
    static String model(FunnelCatalog catalog) {
        StringBuilder lua = new StringBuilder("local MODEL = { funnels = { ");
        for (FunnelDefinition f : catalog.all()) {
            lua.append('[').append(quote(f.id())).append("] = { stages = { ")
                    .append(f.stages().stream().map(CounterScript::quote).collect(Collectors.joining(", ")))
                    .append(" }, window = ").append(f.conversionWindow().toMillis()).append(" }, ");
        }
        lua.append("}, ttc_bounds = { ").append(Histogram.TIME_TO_CONVERT_BOUNDS.stream().map(String::valueOf)
                .collect(Collectors.joining(", "))).append(" }, counted = { ");
        catalog.all().stream().flatMap(f -> f.stages().stream()).distinct()
                .forEach(s -> lua.append('[').append(quote(s)).append("] = true, "));
        return lua.append("} }\n").toString();
    }

    /** Funnel ids and stage names are [a-z0-9_-] (FunnelCatalog); quoted anyway. */
    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
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
