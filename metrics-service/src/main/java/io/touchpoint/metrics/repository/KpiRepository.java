package io.touchpoint.metrics.repository;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.repository.CounterScript.Part;
import io.touchpoint.metrics.repository.CounterScript.Routed;
import io.touchpoint.metrics.repository.FunnelCounterRepository.Applied;
import io.touchpoint.metrics.service.KpiEvent;

/**
 * KPI counters in Redis: hash fields {@code <measure>|<channel>|<stage>}, all-time and per UTC day of the
 * event, in the {@code {people}} part. Written by the same script as the funnels, guarded by a per-messageId
 * marker.
 */
@ApplicationScoped
public class KpiRepository {

    private static final List<Part> PEOPLE = List.of(Part.PEOPLE);

    private final CounterScript script;
    private final FunnelCounterRepository funnels;

    @Inject
    public KpiRepository(CounterScript script, FunnelCounterRepository funnels) {
        this.script = script;
        this.funnels = funnels;
    }

    /**
     * Applies KPI events in their order, one result per event.
     *
     * @param target {@link CounterScript#LIVE} or the prefix of the generation a rebuild fills
     */
    public Uni<List<Applied>> applyAll(List<KpiEvent> events, String target) {
        List<Routed> routed = new ArrayList<>(events.size());
        for (KpiEvent e : events) {
            List<String> fields = new ArrayList<>();
            fields.add("kpi");
            fields.add(e.messageId());
            fields.add(FunnelCounterRepository.nullToEmpty(e.customerId()));
            fields.add(FunnelCounterRepository.nullToEmpty(e.userId()));
            fields.add(FunnelCounterRepository.nullToEmpty(e.anonymousId()));
            fields.add(String.valueOf(e.at().toEpochMilli()));
            fields.add(FunnelCounterRepository.utcDay(e.at()));
            fields.add(e.channel());
            fields.add(String.valueOf(e.measures().size()));
            for (KpiEvent.Measure m : e.measures()) {
                fields.add(m.name());
                fields.add(String.valueOf(m.delta()));
            }
            fields.add(String.valueOf(e.firsts().size()));
            fields.addAll(e.firsts());
            routed.add(new Routed(fields, PEOPLE));
        }
        return script.apply(routed, target).map(replies -> replies.stream().map(Applied::of).toList());
    }

    /** KPI fields summed over the given UTC days (all time when null), from the current generation. */
    public Uni<Map<String, Long>> counters(List<LocalDate> days) {
        return script.currentGeneration().flatMap(generation -> {
            List<String> keys = new ArrayList<>();
            if (days == null) {
                keys.add(FunnelCounterKeys.kpiTotal(generation));
            } else {
                days.forEach(d -> keys.add(FunnelCounterKeys.kpiDay(generation, d.toString())));
            }
            return funnels.sum(keys);
        });
    }
}
