package io.touchpoint.ingest.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.touchpoint.ingest.service.WebhookMapping;
import io.touchpoint.ingest.service.WebhookMappingException;
import io.touchpoint.ingest.service.WebhookMappingReader;

/**
 * The webhook mappings by name, read and checked once at start-up, so a broken mapping stops the
 * service before it accepts a webhook. One JSON file per mapping, named {@code <name>.json}: the
 * built-in ones under {@code webhook-mappings/} on the classpath, then every {@code *.json} file of
 * {@code touchpoint.ingest.webhook-mappings.dir} (a file named like a built-in one replaces it).
 */
@Startup
@Singleton
public class WebhookMappings {

    /** The mappings shipped in {@code src/main/resources/webhook-mappings/}. */
    static final List<String> BUILT_IN = List.of("contact-center", "social");
    static final String BUNDLED = "webhook-mappings/";
    private static final String SUFFIX = ".json";
    private static final Logger LOG = Logger.getLogger(WebhookMappings.class);

    private final Map<String, WebhookMapping> byName;

    @Inject
    public WebhookMappings(IngestConfig config) {
        this(load(config.webhookMappings().dir()));
        LOG.infof("webhook mappings: %s", byName.keySet());
    }

    /** Mappings as given (tests). */
    public WebhookMappings(Map<String, WebhookMapping> byName) {
        this.byName = Map.copyOf(byName);
    }

    public Optional<WebhookMapping> get(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    public Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    static Map<String, WebhookMapping> load(Optional<String> dir) {
        Map<String, WebhookMapping> out = new TreeMap<>();
        for (String name : BUILT_IN) {
            out.put(name, WebhookMappingReader.read("classpath:" + BUNDLED + name + SUFFIX, bundled(name)));
        }
        if (dir.isEmpty()) {
            return out;
        }
        Path folder = Path.of(dir.get());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                out.put(name.substring(0, name.length() - SUFFIX.length()),
                        WebhookMappingReader.read(file.toString(), Files.readAllBytes(file)));
            }
        } catch (IOException e) {
            throw new WebhookMappingException(folder.toString(),
                    "cannot read the folder (touchpoint.ingest.webhook-mappings.dir): " + e, e);
        }
        return out;
    }

    private static byte[] bundled(String name) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(BUNDLED + name + SUFFIX)) {
            if (in == null) {
                throw new WebhookMappingException("classpath:" + BUNDLED + name + SUFFIX, List.of("missing from the classpath"));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
