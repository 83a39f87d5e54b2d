package io.touchpoint.metrics.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.repository.FunnelCounterKeys;
import io.touchpoint.metrics.repository.FunnelCounterRepository;

/** Reads funnel reports and drop-off rankings from the live counters. */
@ApplicationScoped
public class FunnelReader {

    private final FunnelCatalog catalog;
    private final FunnelCounterRepository repository;

    @Inject
    public FunnelReader(FunnelCatalog catalog, FunnelCounterRepository repository) {
        this.catalog = catalog;
        this.repository = repository;
    }

    /** @throws UnknownFunnelException (as a failed Uni) when no such funnel is configured */
    public Uni<FunnelReport> report(String funnelId, Optional<Channel> channel) {
        return report(funnelId, channel, DayRange.ALL_TIME);
    }

    /** @throws UnknownFunnelException (as a failed Uni) when no such funnel is configured */
    public Uni<FunnelReport> report(String funnelId, Optional<Channel> channel, DayRange range) {
        FunnelDefinition funnel;
        try {
            funnel = catalog.require(funnelId);
        } catch (UnknownFunnelException e) {
            return Uni.createFrom().failure(e);
        }
        String channelName = channel.map(Channel::wireName).orElse(null);
        return repository.counters(funnel, range.days()).map(counts -> toReport(funnel, channelName, range, counts));
    }

    /** The all-time counters of a funnel, once, as reports for all channels (key null) and each bucket. */
    public Uni<Map<String, FunnelReport>> reportsByChannel(FunnelDefinition funnel, List<String> channels) {
        return repository.counters(funnel, null).map(counts -> {
            Map<String, FunnelReport> reports = new java.util.HashMap<>();
            reports.put(null, toReport(funnel, null, DayRange.ALL_TIME, counts));
            for (String c : channels) {
                reports.put(c, toReport(funnel, c, DayRange.ALL_TIME, counts));
            }
            return reports;
        });
    }

    /** One step of the drop-off ranking. */
    public record DropOff(String funnel, String stage, String nextStage, long entered, long dropped,
            Double dropOffRate) {
    }

    /**
     * The steps that lose the most customers across all funnels: most dropped first, then the higher drop-off
     * rate, then funnel and stage (a stable order).
     */
    public Uni<List<DropOff>> dropOffs(int top, Optional<Channel> channel, DayRange range) {
        List<Uni<FunnelReport>> reads = catalog.all().stream().map(f -> report(f.id(), channel, range)).toList();
        return Uni.join().all(reads).andFailFast().map(reports -> {
            List<DropOff> all = new ArrayList<>();
            for (FunnelReport r : reports) {
                for (int i = 0; i + 1 < r.steps().size(); i++) {
                    FunnelReport.Step s = r.steps().get(i);
                    if (s.dropped() != null && s.dropped() > 0) {
                        all.add(new DropOff(r.funnel(), s.stage(), r.steps().get(i + 1).stage(), s.entered(),
                                s.dropped(), s.dropOffRate()));
                    }
                }
            }
            all.sort(Comparator.comparingLong(DropOff::dropped).reversed()
                    .thenComparing(d -> d.dropOffRate() == null ? 0 : -d.dropOffRate())
                    .thenComparing(DropOff::funnel).thenComparing(DropOff::stage));
            return all.subList(0, Math.min(top, all.size()));
        });
    }

    static FunnelReport toReport(FunnelDefinition funnel, String channel, DayRange range, Map<String, Long> counts) {
        List<FunnelReport.Step> steps = new ArrayList<>();
        List<String> stages = funnel.stages();
        int buckets = Histogram.TIME_TO_CONVERT_BOUNDS.size() + 1;
        for (int i = 0; i < stages.size(); i++) {
            String stage = stages.get(i);
            long entered = get(counts, FunnelCounterKeys.funnelField("entered", stage, channel));
            if (i == stages.size() - 1) {
                steps.add(new FunnelReport.Step(stage, entered, null, null, null, null, null, null));
                continue;
            }
            long converted = get(counts, FunnelCounterKeys.funnelField("converted", stage, channel));
            long dropped = get(counts, FunnelCounterKeys.funnelField("dropped", stage, channel));
            long[] histogram = new long[buckets];
            for (int b = 0; b < buckets; b++) {
                histogram[b] = get(counts, FunnelCounterKeys.ttcField(stage, b, channel));
            }
            Histogram ttc = new Histogram(Histogram.TIME_TO_CONVERT_BOUNDS, histogram,
                    get(counts, FunnelCounterKeys.funnelField("ttcms", stage, channel)));
            steps.add(new FunnelReport.Step(stage, entered, converted, rate(converted, entered),
                    entered - converted - dropped, dropped, rate(dropped, entered),
                    FunnelReport.TimeToConvert.of(ttc)));
        }
        return new FunnelReport(funnel.id(), funnel.conversionWindowIso(), channel, range.fromText(), range.toText(),
                steps);
    }

    private static Double rate(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }

    private static long get(Map<String, Long> counts, String field) {
        return counts.getOrDefault(field, 0L);
    }
}
