package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.args;
import static io.touchpoint.journey.repository.SqlValues.param;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Aggregates behind the journey map, computed by PostgreSQL over touchpoints (by corrected time) and
 * stage history (by entry time) in a window, optionally for one channel. Set-based SQL (window
 * functions, an ordered-set aggregate) on the plain reactive pool (ADR 0018).
 */
@ApplicationScoped
public class JourneyMapStore {

    /** Touchpoints and distinct customers of one stage and channel. */
    public record StageChannel(String stage, String channel, long touchpoints, long customers) {
    }

    /** Touchpoints of one event name in one stage. */
    public record StageEvent(String stage, String event, long touchpoints) {
    }

    /** Median seconds from entering a stage to entering the next one, over the customers who moved on. */
    public record StageTime(String stage, double medianSeconds, long customers) {
    }

    /** Customers whose next stage entry after {@code from} was {@code to}. */
    public record StageMove(String from, String to, long customers) {
    }

    /** Distinct customers per stage (not the sum over channels: one customer may use several). */
    public record StageCustomers(String stage, long customers, long touchpoints) {
    }

    /** $1, $2: the window; $3: the channel, when one is asked for. */
    private static String touchpoints(String channel) {
        return " from touchpoint where stage is not null and occurred_at >= $1 and occurred_at < $2"
                + channelFilter(channel);
    }

    public Uni<List<StageCustomers>> customers(SqlClient c, Instant from, Instant to, String channel) {
        return rows(c, "select stage, count(distinct customer_id), count(*)" + touchpoints(channel) + " group by stage",
                from, to, channel, r -> new StageCustomers(r.getString(0), r.getLong(1), r.getLong(2)));
    }

    public Uni<List<StageChannel>> byChannel(SqlClient c, Instant from, Instant to, String channel) {
        return rows(c, "select stage, channel, count(*), count(distinct customer_id)" + touchpoints(channel)
                + " group by stage, channel", from, to, channel,
                r -> new StageChannel(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3)));
    }

    public Uni<List<StageEvent>> events(SqlClient c, Instant from, Instant to, String channel) {
        return rows(c, "select stage, coalesce(event, ''), count(*)" + touchpoints(channel)
                + " group by stage, coalesce(event, '') order by 1, 3 desc, 2", from, to, channel,
                r -> new StageEvent(r.getString(0), r.getString(1), r.getLong(2)));
    }

    /** Consecutive stage entries of each customer (by entry time); the window and channel apply to the first one. */
    private static final String MOVES = "with h as (select stage, entered_at, channel,"
            + " lead(entered_at) over w as next_at, lead(stage) over w as next_stage from stage_history"
            + " window w as (partition by customer_id order by entered_at, stage))"
            + " select %s from h where next_stage is not null and entered_at >= $1 and entered_at < $2%s group by %s";

    public Uni<List<StageTime>> timeInStage(SqlClient c, Instant from, Instant to, String channel) {
        return rows(c, String.format(MOVES,
                "stage, percentile_cont(0.5) within group (order by extract(epoch from next_at - entered_at)), count(*)",
                channelFilter(channel), "stage"), from, to, channel,
                r -> new StageTime(r.getString(0), r.getDouble(1), r.getLong(2)));
    }

    public Uni<List<StageMove>> moves(SqlClient c, Instant from, Instant to, String channel) {
        return rows(c, String.format(MOVES, "stage, next_stage, count(*)", channelFilter(channel), "stage, next_stage"),
                from, to, channel, r -> new StageMove(r.getString(0), r.getString(1), r.getLong(2)));
    }

    private static String channelFilter(String channel) {
        return channel == null ? "" : " and channel = $3";
    }

    private static <T> Uni<List<T>> rows(SqlClient c, String sql, Instant from, Instant to, String channel,
            Function<Row, T> read) {
        Tuple params = channel == null ? args(param(from), param(to)) : args(param(from), param(to), channel);
        return c.preparedQuery(sql).execute(params).map(rows -> {
            List<T> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                out.add(read.apply(r));
            }
            return out;
        });
    }
}
