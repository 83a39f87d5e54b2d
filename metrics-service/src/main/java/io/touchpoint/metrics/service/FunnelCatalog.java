package io.touchpoint.metrics.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
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

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.Startup;
import io.touchpoint.metrics.config.FunnelsConfig;

/**
 * The funnels of the funnel files ({@code funnels.json}, kept in deploy/contracts because journey-service reads
 * the same file), checked once at start-up:
 *
 * <pre>
 * { "funnels": [ {"name": "purchase", "stages": ["discovery", ...], "conversionWindow": "P14D"} ] }
 * </pre>
 *
 * A funnel without a window gets 14 days. Funnel ids and stage names become parts of Redis keys and hash
 * fields ({@code :} separates them), so they are restricted to lower-case letters, digits, {@code _} and
 * {@code -}. Whether the stages are journey-service's is its check (it knows the stage model).
 */
@Startup
@ApplicationScoped
public class FunnelCatalog {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String CLASSPATH = "classpath:";
    /** The conversion window of a funnel that names none. */
    static final Duration DEFAULT_CONVERSION_WINDOW = Duration.ofDays(14);

    private final Map<String, FunnelDefinition> funnels;

    @Inject
    public FunnelCatalog(FunnelsConfig config) {
        this(read(config.files()));
    }

    public FunnelCatalog(Collection<FunnelDefinition> definitions) {
        Map<String, FunnelDefinition> byId = new TreeMap<>();
        for (FunnelDefinition f : definitions) {
            validate(f);
            if (byId.put(f.id(), f) != null) {
                throw new IllegalStateException("funnel '" + f.id() + "' is defined twice");
            }
        }
        if (byId.isEmpty()) {
            throw new IllegalStateException("no funnels configured (touchpoint.funnels.files)");
        }
        this.funnels = Map.copyOf(byId);
    }

    /** The funnels of the files (a {@code classpath:} resource or a path on disk each), in order. */
    static List<FunnelDefinition> read(List<String> files) {
        List<FunnelDefinition> list = new ArrayList<>();
        for (String file : files) {
            FunnelsDocument doc;
            try (InputStream in = file.startsWith(CLASSPATH)
                    ? Thread.currentThread().getContextClassLoader().getResourceAsStream(file.substring(CLASSPATH.length()))
                    : Files.newInputStream(Path.of(file))) {
                if (in == null) {
                    throw new IllegalStateException(file + " (touchpoint.funnels.files) is missing from the classpath");
                }
                doc = JSON.readValue(in, FunnelsDocument.class);
            } catch (IOException e) {
                throw new IllegalStateException(file + " (touchpoint.funnels.files) is not a readable funnels file: "
                        + e.getMessage(), e);
            }
            for (FunnelDocument f : doc == null || doc.funnels() == null ? List.<FunnelDocument>of() : doc.funnels()) {
                if (f == null || f.name() == null || f.stages() == null) {
                    throw new IllegalStateException(file + ": a funnel needs a name and stages");
                }
                try {
                    list.add(new FunnelDefinition(f.name(), f.stages(), f.conversionWindow() == null
                            ? DEFAULT_CONVERSION_WINDOW : Duration.parse(f.conversionWindow())));
                } catch (DateTimeParseException e) {
                    throw new IllegalStateException(file + ": funnel '" + f.name() + "' has conversionWindow '"
                            + f.conversionWindow() + "', not an ISO-8601 duration such as P14D", e);
                }
            }
        }
        return list;
    }

    record FunnelsDocument(List<FunnelDocument> funnels) {
    }

    record FunnelDocument(String name, List<String> stages, String conversionWindow) {
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
