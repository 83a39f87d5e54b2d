package io.touchpoint.metrics.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;
import io.touchpoint.metrics.config.MetricsConfig;

/**
 * The configured funnels, checked once at start-up. Funnel ids and stage names become parts of Redis keys and
 * hash fields ({@code :} separates them), so they are restricted to lower-case letters, digits, {@code _} and
 * {@code -}.
 */
@Startup
@ApplicationScoped
public class FunnelCatalog {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private final Map<String, FunnelDefinition> funnels;

    @Inject
    public FunnelCatalog(MetricsConfig config) {
        this(fromConfig(config));
    }

    public FunnelCatalog(Collection<FunnelDefinition> definitions) {
        Map<String, FunnelDefinition> byId = new TreeMap<>();
        for (FunnelDefinition f : definitions) {
            validate(f);
            byId.put(f.id(), f);
        }
        if (byId.isEmpty()) {
            throw new IllegalStateException("no funnels configured (touchpoint.metrics.funnels.<id>.stages)");
        }
        this.funnels = Map.copyOf(byId);
    }

    private static List<FunnelDefinition> fromConfig(MetricsConfig config) {
        List<FunnelDefinition> list = new ArrayList<>();
        config.funnels().forEach((id, f) -> list.add(new FunnelDefinition(id, f.stages(), f.conversionWindow())));
        return list;
    }

    private static void validate(FunnelDefinition f) {
        if (!NAME.matcher(f.id()).matches()) {
            throw new IllegalStateException("funnel id '" + f.id() + "' must match " + NAME.pattern());
        }
        Set<String> seen = new HashSet<>();
        for (String stage : f.stages()) {
            if (!NAME.matcher(stage).matches()) {
                throw new IllegalStateException(
                        "stage '" + stage + "' of funnel '" + f.id() + "' must match " + NAME.pattern());
            }
            if (!seen.add(stage)) {
                throw new IllegalStateException("funnel '" + f.id() + "' lists stage '" + stage + "' twice");
            }
        }
        if (f.stages().isEmpty()) {
            throw new IllegalStateException("funnel '" + f.id() + "' has no stages");
        }
        if (f.conversionWindow().isNegative() || f.conversionWindow().isZero()) {
            throw new IllegalStateException("funnel '" + f.id() + "' needs a positive conversion-window");
        }
    }

    /** All funnels, ordered by id. */
    public List<FunnelDefinition> all() {
        return new TreeMap<>(funnels).values().stream().toList();
    }

    public Optional<FunnelDefinition> find(String id) {
        return Optional.ofNullable(funnels.get(id));
    }

    public FunnelDefinition require(String id) {
        return find(id).orElseThrow(() -> new UnknownFunnelException(id));
    }

    /** Whether any funnel counts this stage; transitions into other stages are skipped. */
    public boolean isCounted(String stage) {
        return funnels.values().stream().anyMatch(f -> f.contains(stage));
    }
}
