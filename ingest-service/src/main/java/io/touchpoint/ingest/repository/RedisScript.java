package io.touchpoint.ingest.repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}: Redis neither receives nor hashes the text on
 * every call), its text sent once when a Redis does not know it yet ({@code NOSCRIPT}: a new,
 * restarted or failed-over server).
 */
final class RedisScript {

    private final String text;
    private final String sha;

    RedisScript(String text) {
        this.text = text;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    /** The {@code EVALSHA} request; {@code args} adds numkeys, the keys and the arguments. */
    Request request(Consumer<Request> args) {
        Request bySha = Request.cmd(Command.EVALSHA).arg(sha);
        args.accept(bySha);
        return bySha;
    }

    /** Sends the text to Redis ({@code SCRIPT LOAD}), so that the next {@code EVALSHA} finds it. */
    Uni<Response> load(ReactiveRedisDataSource redis) {
        return redis.getRedis().send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(text));
    }

    /** Runs the script; {@code args} adds numkeys, the keys and the arguments to the request. */
    Uni<Response> run(ReactiveRedisDataSource redis, Consumer<Request> args) {
        return redis.getRedis().send(request(args))
                .onFailure(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> {
                    Request byText = Request.cmd(Command.EVAL).arg(text);
                    args.accept(byText);
                    return redis.getRedis().send(byText);
                });
    }
}
