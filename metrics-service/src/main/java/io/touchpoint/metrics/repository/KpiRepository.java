package io.touchpoint.metrics.repository;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.repository.FunnelCounterRepository.Applied;
import io.touchpoint.metrics.service.KpiEvent;

/**
 * KPI counters in Redis: hash fields {@code <measure>|<channel>|<stage>}, all-time and per UTC day of the
 * event. Written by the same script as the funnels, guarded by a per-messageId marker.
 */
@ApplicationScoped
public class KpiRepository {

    private final CounterScript script;
    private final FunnelCounterRepository funnels;

    @Inject
    public KpiRepository(CounterScript script, FunnelCounterRepository funnels) {
        this.script = script;
        this.funnels = funnels;
    }

    /** @param target {@link CounterScript#LIVE} or the prefix of the generation a rebuild fills */
    public Uni<Applied> apply(KpiEvent e, String target) {
        List<String> args = new ArrayList<>();
        args.add(e.messageId());
        args.add(FunnelCounterRepository.nullToEmpty(e.customerId()));
        args.add(FunnelCounterRepository.nullToEmpty(e.userId()));
        args.add(FunnelCounterRepository.nullToEmpty(e.anonymousId()));
        args.add(String.valueOf(e.at().toEpochMilli()));
        args.add(FunnelCounterRepository.utcDay(e.at()));
        args.add(e.channel());
        args.add(String.valueOf(e.measures().size()));
        for (KpiEvent.Measure m : e.measures()) {
            args.add(m.name());
            args.add(String.valueOf(m.delta()));
        }
        args.add(String.valueOf(e.firsts().size()));
        args.addAll(e.firsts());
        return script.run("kpi", target, args).map(r -> Applied.of(r.toString()));
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
