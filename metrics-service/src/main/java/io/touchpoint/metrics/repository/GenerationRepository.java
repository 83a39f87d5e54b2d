package io.touchpoint.metrics.repository;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The generations of counters: live reads use {@code tp:metrics:{control}:generation}; a rebuild fills the
 * generation named by {@code tp:metrics:{control}:building} (held with a lease, so a crashed rebuild frees it) and
 * swaps in one step. Writers read both pointers once per batch; a generation is marked retired in each of its
 * parts before it is deleted, so a batch that read the pointers before a swap cannot bring it back.
 */
@ApplicationScoped
public class GenerationRepository {

    private static final String BEGIN = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return false end
            local n = redis.call('INCR', KEYS[2])
            local p = ARGV[1] .. 'g' .. n .. ':'
            redis.call('SET', KEYS[1], p, 'PX', ARGV[2])
            return p""";
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1""";
    private static final String SWAP = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
            local old = redis.call('GET', KEYS[2]) or ARGV[2]
            redis.call('SET', KEYS[2], ARGV[1])
            redis.call('DEL', KEYS[1])
            return old""";
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            return 1""";

    /** Longer than any batch can take between reading the pointers and writing. */
    private static final long RETIRED_SECONDS = 86_400;

    private final ReactiveRedisDataSource redis;
    private final CounterScript script;

    @Inject
    public GenerationRepository(ReactiveRedisDataSource redis, CounterScript script) {
        this.redis = redis;
        this.script = script;
    }

    /** @return the prefix of a fresh generation to fill, or empty when another rebuild holds the lease */
    public Uni<Optional<String>> begin(Duration lease) {
        return eval(BEGIN, List.of(FunnelCounterKeys.BUILDING, FunnelCounterKeys.GENERATION_SEQUENCE),
                FunnelCounterKeys.PREFIX, String.valueOf(lease.toMillis()))
                .map(r -> r == null ? Optional.<String>empty() : Optional.of(r.toString()));
    }

    /** @return false when the lease was lost (expired, or another rebuild took over) */
    public Uni<Boolean> renew(String generation, Duration lease) {
        return eval(RENEW, List.of(FunnelCounterKeys.BUILDING), generation, String.valueOf(lease.toMillis()))
                .map(r -> r.toInteger() == 1);
    }

    /** Makes the built generation the live one. @return the previous live generation, empty if the lease was lost */
    public Uni<Optional<String>> swap(String generation) {
        return eval(SWAP, List.of(FunnelCounterKeys.BUILDING, FunnelCounterKeys.GENERATION), generation,
                FunnelCounterKeys.FIRST_GENERATION)
                .map(r -> r == null ? Optional.<String>empty() : Optional.of(r.toString()));
    }

    public Uni<Void> release(String generation) {
        return eval(RELEASE, List.of(FunnelCounterKeys.BUILDING), generation).replaceWithVoid();
    }

    /**
     * Deletes every key of a generation (SCAN + UNLINK in batches, so Redis never blocks on it) but the parts'
     * {@code retired} markers, which are set first and expire after a day.
     */
    public Uni<Long> delete(String generation) {
        if (!generation.startsWith(FunnelCounterKeys.PREFIX + "g")) {
            return Uni.createFrom().failure(new IllegalArgumentException("not a generation: " + generation));
        }
        Uni<Void> retire = Multi.createFrom().iterable(script.parts())
                .onItem().transformToUniAndConcatenate(p -> redis.value(String.class)
                        .setex(p.prefix(generation) + FunnelCounterKeys.RETIRED, RETIRED_SECONDS, "1"))
                .collect().last().replaceWithVoid()
                .onFailure().transform(e -> CounterScript.unavailable("retiring " + generation, e));
        return retire.flatMap(v -> redis.key(String.class).scan(new KeyScanArgs().match(generation + "*").count(1000))
                .toMulti().select().where(k -> !k.endsWith(":" + FunnelCounterKeys.RETIRED))
                .group().intoLists().of(500)
                .onItem().transformToUniAndConcatenate(keys -> redis.key(String.class)
                        .unlink(keys.toArray(String[]::new)).map(Integer::longValue))
                .collect().with(java.util.stream.Collectors.summingLong(Long::longValue)));
    }

    private Uni<io.vertx.mutiny.redis.client.Response> eval(String script, List<String> keys, String... args) {
        String[] command = new String[2 + keys.size() + args.length];
        command[0] = script;
        command[1] = String.valueOf(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            command[2 + i] = keys.get(i);
        }
        System.arraycopy(args, 0, command, 2 + keys.size(), args.length);
        return redis.execute("EVAL", command).onFailure().transform(e -> CounterScript.unavailable("EVAL", e));
    }
}
