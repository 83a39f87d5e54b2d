package io.touchpoint.journey.repository;

import static io.touchpoint.journey.repository.SqlValues.number;
import static io.touchpoint.journey.repository.SqlValues.param;
import static io.touchpoint.journey.repository.SqlValues.text;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * Aggregates behind the journey map, computed by PostgreSQL over touchpoints (by corrected time) and
 * stage history (by entry time) in a window, optionally for one channel.
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

    private static String touchpoints(String channel) {
        return " from touchpoint where stage is not null and occurred_at >= :from and occurred_at < :to"
                + (channel == null ? "" : " and channel = :channel");
    }

    public Uni<List<StageCustomers>> customers(Mutiny.Session s, Instant from, Instant to, String channel) {
        return window(s.createNativeQuery("select stage, count(distinct customer_id), count(*)" + touchpoints(channel)
                + " group by stage", Object[].class), from, to, channel)
                .getResultList()
                .map(rows -> rows.stream().map(r -> new StageCustomers(text(r[0]), number(r[1]), number(r[2]))).toList());
    }

    public Uni<List<StageChannel>> byChannel(Mutiny.Session s, Instant from, Instant to, String channel) {
        return window(s.createNativeQuery("select stage, channel, count(*), count(distinct customer_id)" + touchpoints(channel)
                + " group by stage, channel", Object[].class), from, to, channel)
                .getResultList()
                .map(rows -> rows.stream()
                        .map(r -> new StageChannel(text(r[0]), text(r[1]), number(r[2]), number(r[3]))).toList());
    }

    public Uni<List<StageEvent>> events(Mutiny.Session s, Instant from, Instant to, String channel) {
        return window(s.createNativeQuery("select stage, coalesce(event, ''), count(*)" + touchpoints(channel)
                + " group by stage, coalesce(event, '') order by 1, 3 desc, 2", Object[].class), from, to, channel)
                .getResultList()
                .map(rows -> rows.stream().map(r -> new StageEvent(text(r[0]), text(r[1]), number(r[2]))).toList());
    }

    /** Consecutive stage entries of each customer (by entry time); the window and channel apply to the first one. */
    private static final String MOVES = "with h as (select stage, entered_at, channel,"
            + " lead(entered_at) over w as next_at, lead(stage) over w as next_stage from stage_history"
            + " window w as (partition by customer_id order by entered_at, stage))"
            + " select %s from h where next_stage is not null and entered_at >= :from and entered_at < :to%s group by %s";

    public Uni<List<StageTime>> timeInStage(Mutiny.Session s, Instant from, Instant to, String channel) {
        return window(s.createNativeQuery(String.format(MOVES,
                "stage, percentile_cont(0.5) within group (order by extract(epoch from next_at - entered_at)), count(*)",
                channelFilter(channel), "stage"), Object[].class), from, to, channel)
                .getResultList()
                .map(rows -> rows.stream()
                        .map(r -> new StageTime(text(r[0]), ((Number) r[1]).doubleValue(), number(r[2]))).toList());
    }

    public Uni<List<StageMove>> moves(Mutiny.Session s, Instant from, Instant to, String channel) {
        return window(s.createNativeQuery(String.format(MOVES, "stage, next_stage, count(*)", channelFilter(channel), "stage, next_stage"),
                Object[].class), from, to, channel)
                .getResultList()
                .map(rows -> rows.stream().map(r -> new StageMove(text(r[0]), text(r[1]), number(r[2]))).toList());
    }

    private static String channelFilter(String channel) {
        return channel == null ? "" : " and channel = :channel";
    }

    private static <T> Mutiny.SelectionQuery<T> window(Mutiny.SelectionQuery<T> q, Instant from, Instant to, String channel) {
        q.setParameter("from", param(from)).setParameter("to", param(to));
        return channel == null ? q : q.setParameter("channel", channel);
    }
}
