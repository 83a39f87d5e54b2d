package io.touchpoint.ingest.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.touchpoint.conventions.config.ProdSecret;

/**
 * The configured sources, checked once at start-up and looked up by write key.
 *
 * <p>Lookup compares SHA-256 digests with {@link MessageDigest#isEqual} against every source,
 * without an early exit, so the answer time does not reveal how much of a key was right nor which
 * source matched. Write keys are never logged.
 */
@Startup
@ApplicationScoped
public class SourceRegistry {

    /** The key the dev and test profiles ship with; never acceptable in production. */
    public static final String DEV_WRITE_KEY = "dev-write-key";
    /**
     * Every development write key and webhook secret application.properties ships (dev and test profiles);
     * {@link ProdSecret} refuses them in every other profile.
     */
    public static final java.util.Set<String> DEV_SECRETS = java.util.Set.of(DEV_WRITE_KEY, "dev-app-write-key",
            "dev-server-write-key", "whsec_ZGV2LWNjLWRlbW8tc2lnbmluZy1rZXk=", "dev-social-demo-secret",
            "whsec_ZGV2LWNjLWRlbW8tcm90YXRlZC1rZXk=");

    private static final Logger LOG = Logger.getLogger(SourceRegistry.class);

    /** A source that a request authenticated as. */
    public record AuthenticatedSource(String id, Channel channel, String name, boolean anonymiseIp) {
        public AuthenticatedSource(String id, Channel channel, String name) {
            this(id, channel, name, false);
        }
    }

    /** A source that receives signed webhooks, with its verification settings. */
    public record WebhookSource(AuthenticatedSource source, IngestConfig.Webhook webhook) {
    }

    private record Entry(AuthenticatedSource source, byte[] keyDigest) {
    }

    private final List<Entry> entries;
    private final Map<String, WebhookSource> webhooks;

    @Inject
    public SourceRegistry(IngestConfig config, WebhookMappings mappings) {
        this(config, mappings, ProdSecret.devProfile());
    }

    /** @param devProfile whether the dev or test profile is active (the development keys are accepted) */
    public SourceRegistry(IngestConfig config, WebhookMappings mappings, boolean devProfile) {
        List<String> problems = new ArrayList<>(problems(config.sources(), devProfile));
        config.sources().forEach((id, s) -> s.webhook()
                .filter(hook -> mappings.get(hook.mapping()).isEmpty())
                .ifPresent(hook -> problems.add("webhook source '" + id + "' names mapping '" + hook.mapping()
                        + "', which is neither built in nor a file <name>.json in touchpoint.ingest.webhook-mappings.dir"
                        + " (known: " + mappings.names() + ")")));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("ingest-service refuses to start: " + String.join("; ", problems));
        }
        List<Entry> list = new ArrayList<>();
        Map<String, WebhookSource> hooks = new TreeMap<>();
        new TreeMap<>(config.sources()).forEach((id, s) -> {
            AuthenticatedSource source = new AuthenticatedSource(id, s.channel(), s.name(), s.anonymiseIp());
            s.writeKey().ifPresent(key -> list.add(new Entry(source, sha256(key))));
            s.webhook().ifPresent(hook -> hooks.put(id, new WebhookSource(source, hook)));
        });
        this.entries = List.copyOf(list);
        this.webhooks = Map.copyOf(hooks);
        LOG.infof("ingest sources: %s", list.stream()
                .map(e -> e.source().id() + " (" + e.source().channel().wire() + ")").toList());
    }

    /**
     * What is wrong with a set of sources; empty when it is fit to run. Pure, so the prod rules can
     * be tested without starting the application.
     */
    public static List<String> problems(Map<String, IngestConfig.Source> sources, boolean devProfile) {
        List<String> problems = new ArrayList<>();
        if (sources.isEmpty()) {
            problems.add("no ingest source is configured; set touchpoint.ingest.sources.\"<source-id>\".write-key, "
                    + ".channel and .name");
            return problems;
        }
        Map<String, String> idByDigest = new TreeMap<>();
        new TreeMap<>(sources).forEach((id, s) -> {
            if (s.writeKey().isEmpty() && s.webhook().isEmpty()) {
                problems.add("source '" + id + "' has neither a write key nor a webhook");
                return;
            }
            s.webhook().ifPresent(hook -> {
                if (hook.secrets().isEmpty()) {
                    problems.add("webhook source '" + id + "' has no signing secret");
                }
                for (String secret : hook.secrets()) {
                    ProdSecret.flaw(secret, DEV_SECRETS, devProfile).ifPresent(flaw -> problems.add(
                            "webhook source '" + id + "' " + switch (flaw) {
                                case MISSING -> "has an empty signing secret";
                                case DEV_VALUE -> "uses a development secret";
                                case TOO_SHORT -> "has a secret shorter than " + ProdSecret.MIN_LENGTH + " characters";
                            }));
                }
            });
            if (s.writeKey().isEmpty()) {
                return;
            }
            String key = s.writeKey().get();
            ProdSecret.flaw(key, DEV_SECRETS, devProfile).ifPresent(flaw -> problems.add("source '" + id + "' "
                    + switch (flaw) {
                        case MISSING -> "has an empty write key";
                        case DEV_VALUE -> "uses the development write key";
                        case TOO_SHORT -> "has a write key shorter than " + ProdSecret.MIN_LENGTH + " characters";
                    }));
            String other = idByDigest.putIfAbsent(java.util.HexFormat.of().formatHex(sha256(key)), id);
            if (other != null) {
                problems.add("sources '" + other + "' and '" + id + "' share one write key");
            }
        });
        return problems;
    }

    /** The source owning this write key, compared in constant time against every source. */
    public Optional<AuthenticatedSource> authenticate(String writeKey) {
        if (writeKey == null || writeKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] candidate = sha256(writeKey);
        AuthenticatedSource found = null;
        for (Entry e : entries) {
            // no early exit: every source is compared whatever matched before
            if (MessageDigest.isEqual(e.keyDigest(), candidate) & found == null) {
                found = e.source();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The webhook source with this id, if there is one. */
    public Optional<WebhookSource> webhook(String sourceId) {
        return Optional.ofNullable(sourceId == null ? null : webhooks.get(sourceId));
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
