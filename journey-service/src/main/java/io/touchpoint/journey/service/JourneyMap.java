package io.touchpoint.journey.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.journey.repository.JourneyMapStore;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The data behind a journey-map picture for a time window: per stage (in model order) customers,
 * touchpoints by channel, top events and median time in the stage, plus stage-to-stage moves.
 */
@ApplicationScoped
public class JourneyMap {

    static final int TOP_EVENTS = 5;

    /** One event name and how often it occurred in the stage. */
    public record EventCount(String event, long touchpoints) {
    }

    /** One stage of the map. medianSecondsInStage is null when no customer has moved on from it in the window. */
    public record Stage(String stage, long customers, long touchpoints, Map<String, Long> touchpointsByChannel,
            List<EventCount> topEvents, Double medianSecondsInStage) {
    }

    /** Customers whose next stage after {@code from} was {@code to}. */
    public record Move(String from, String to, long customers) {
    }

    public record Picture(List<Stage> stages, List<Move> transitions) {
    }

    /** Aggregate SQL, no entities: the plain reactive pool (ADR 0018). */
    @Inject
    Pool pool;

    @Inject
    JourneyMapStore store;

    @Inject
    StageModel model;

    public Uni<Picture> of(Instant from, Instant to, String channel) {
        return pool.withConnection(c -> store.customers(c, from, to, channel)
                .chain(customers -> store.byChannel(c, from, to, channel)
                        .chain(channels -> store.events(c, from, to, channel)
                                .chain(events -> store.timeInStage(c, from, to, channel)
                                        .chain(times -> store.moves(c, from, to, channel)
                                                .map(moves -> build(customers, channels, events, times, moves)))))));
    }

    private Picture build(List<JourneyMapStore.StageCustomers> customers, List<JourneyMapStore.StageChannel> channels,
            List<JourneyMapStore.StageEvent> events, List<JourneyMapStore.StageTime> times,
            List<JourneyMapStore.StageMove> moves) {
        List<Stage> stages = new ArrayList<>();
        for (String stage : model.stages()) {
            JourneyMapStore.StageCustomers c = customers.stream().filter(x -> x.stage().equals(stage)).findFirst()
                    .orElse(new JourneyMapStore.StageCustomers(stage, 0, 0));
            Map<String, Long> byChannel = new LinkedHashMap<>();
            channels.stream().filter(x -> x.stage().equals(stage))
                    .sorted((a, b) -> Long.compare(b.touchpoints(), a.touchpoints()))
                    .forEach(x -> byChannel.put(x.channel(), x.touchpoints()));
            List<EventCount> top = events.stream().filter(x -> x.stage().equals(stage)).limit(TOP_EVENTS)
                    .map(x -> new EventCount(x.event().isEmpty() ? null : x.event(), x.touchpoints())).toList();
            Double median = times.stream().filter(x -> x.stage().equals(stage)).findFirst()
                    .map(JourneyMapStore.StageTime::medianSeconds).orElse(null);
            stages.add(new Stage(stage, c.customers(), c.touchpoints(), byChannel, top, median));
        }
        List<Move> transitions = moves.stream()
                .sorted((a, b) -> a.from().equals(b.from()) ? Long.compare(b.customers(), a.customers())
                        : Integer.compare(model.rank(a.from()), model.rank(b.from())))
                .map(m -> new Move(m.from(), m.to(), m.customers())).toList();
        return new Picture(stages, transitions);
    }
}
