package io.touchpoint.metrics.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.touchpoint.metrics.repository.FunnelCounterRepository;

/** Reads funnel reports from the live counters. */
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
        FunnelDefinition funnel;
        try {
            funnel = catalog.require(funnelId);
        } catch (UnknownFunnelException e) {
            return Uni.createFrom().failure(e);
        }
        String channelName = channel.map(Channel::wireName).orElse(null);
        return repository.totals(funnel, channelName).map(counts -> toReport(funnel, channelName, counts));
    }

    static FunnelReport toReport(FunnelDefinition funnel, String channel, Map<String, long[]> counts) {
        List<FunnelReport.Step> steps = new ArrayList<>();
        List<String> stages = funnel.stages();
        for (int i = 0; i < stages.size(); i++) {
            long[] c = counts.getOrDefault(stages.get(i), new long[2]);
            long entered = c[0];
            boolean last = i == stages.size() - 1;
            Long converted = last ? null : c[1];
            Double rate = last || entered == 0 ? null : (double) c[1] / entered;
            steps.add(new FunnelReport.Step(stages.get(i), entered, converted, rate));
        }
        return new FunnelReport(funnel.id(), funnel.conversionWindowIso(), channel, steps);
    }
}
