package io.touchpoint.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The prod start-up rules and the lookup, without starting Quarkus. */
class SourceRegistryTest {

    /** A registry over the given sources and no webhook mappings at all, in the profile the config names. */
    static SourceRegistry registry(TestConfig config) {
        return new SourceRegistry(config, new WebhookMappings(Map.of()), config.devProfile());
    }

    record TestSource(Optional<String> writeKey, Channel channel, String name, Optional<IngestConfig.Webhook> webhook)
            implements IngestConfig.Source {
        TestSource(String writeKey, Channel channel, String name) {
            this(Optional.of(writeKey), channel, name, Optional.empty());
        }

        @Override
        public boolean anonymiseIp() {
            return false;
        }

        @Override
        public Optional<IngestConfig.RateLimit> rateLimit() {
            return Optional.empty();
        }
    }

    record TestWebhook(List<String> secrets, String mapping) implements IngestConfig.Webhook {
        @Override
        public SignatureScheme scheme() {
            return SignatureScheme.HUB_SIGNATURE_256;
        }

        @Override
        public Duration tolerance() {
            return Duration.ofMinutes(5);
        }
    }

    /** The sources, and whether the dev or test profile is active. */
    record TestConfig(Map<String, Source> sources, boolean devProfile) implements IngestConfig {
        @Override
        public WebhookMappingFiles webhookMappings() {
            return Optional::empty;
        }

        @Override
        public int maxRequestBytes() {
            return 524288;
        }

        @Override
        public Optional<String> publicUrl() {
            return Optional.empty();
        }

        @Override
        public Dedup dedup() {
            return null;
        }

        @Override
        public Duration ackTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration rateLimitTimeout() {
            return Duration.ofMillis(200);
        }

        @Override
        public int retryAfterSeconds() {
            return 5;
        }

        @Override
        public int maxEventBytes() {
            return 32768;
        }

        @Override
        public int maxNestingDepth() {
            return 32;
        }
    }

    private static final String WEB_KEY = "wk-web-0123456789abcdef";
    private static final String STORE_KEY = "wk-store-0123456789abcdef";

    @Test
    void prodRefusesToStartWithoutSources() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> registry(new TestConfig(Map.of(), false)));
        assertTrue(e.getMessage().contains("no ingest source is configured"), e.getMessage());
    }

    @Test
    void prodRefusesTheDevKeyAndShortKeysWithoutNamingThem() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry(new TestConfig(
                Map.of("web", new TestSource("dev-write-key", Channel.WEB, "Web"),
                        "store", new TestSource("short-key", Channel.STORE, "Store")), false)));
        assertTrue(e.getMessage().contains("'web' uses the development write key"), e.getMessage());
        assertTrue(e.getMessage().contains("'store' has a write key shorter than 16"), e.getMessage());
        assertTrue(!e.getMessage().contains("short-key"), "keys never appear in messages");
    }

    @Test
    void twoSourcesMayNotShareAKey() {
        assertThrows(IllegalStateException.class, () -> registry(new TestConfig(
                Map.of("a", new TestSource(WEB_KEY, Channel.WEB, "A"), "b", new TestSource(WEB_KEY, Channel.APP, "B")),
                false)));
    }

    @Test
    void devProfileMayUseTheDevKey() {
        SourceRegistry registry = registry(new TestConfig(
                Map.of("dev-web", new TestSource("dev-write-key", Channel.WEB, "Dev")), true));
        assertEquals("dev-web", registry.authenticate("dev-write-key").orElseThrow().id());
    }

    @Test
    void findsTheSourceOfAKeyAndNothingForOthers() {
        SourceRegistry registry = registry(new TestConfig(Map.of(
                "web", new TestSource(WEB_KEY, Channel.WEB, "Web"),
                "store", new TestSource(STORE_KEY, Channel.STORE, "Store")), false));
        assertEquals(Channel.STORE, registry.authenticate(STORE_KEY).orElseThrow().channel());
        assertEquals("web", registry.authenticate(WEB_KEY).orElseThrow().id());
        assertEquals(Optional.empty(), registry.authenticate(WEB_KEY + "x"));
        assertEquals(Optional.empty(), registry.authenticate(""));
        assertEquals(Optional.empty(), registry.authenticate(null));
    }

    @Test
    void prodRefusesTheOtherDevKeysAndDevWebhookSecretsAndUnknownMappings() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry(new TestConfig(
                Map.of("app", new TestSource("dev-app-write-key", Channel.APP, "App"),
                        "social", new TestSource(Optional.empty(), Channel.SOCIAL, "Social", Optional.of(
                                new TestWebhook(List.of("dev-social-demo-secret"), "social")))), false)));
        assertTrue(e.getMessage().contains("'app' uses the development write key"), e.getMessage());
        assertTrue(e.getMessage().contains("'social' uses a development secret"), e.getMessage());
        assertTrue(e.getMessage().contains("names mapping 'social'"), e.getMessage());
        assertTrue(!e.getMessage().contains("dev-social-demo-secret"), "secrets never appear in messages");
    }

    @Test
    void aSourceNeedsAWriteKeyOrAWebhook() {
        assertEquals(List.of("source 'x' has neither a write key nor a webhook"), SourceRegistry.problems(
                Map.of("x", new TestSource(Optional.empty(), Channel.WEB, "X", Optional.empty())), true));
    }

    @Test
    void channelsReadAsTheContractSpellsThem() {
        assertEquals(Channel.CONTACT_CENTER, new ChannelConverter().convert("contact_center"));
        assertEquals(Channel.CONTACT_CENTER, new ChannelConverter().convert("contact-center"));
        assertThrows(IllegalArgumentException.class, () -> new ChannelConverter().convert("fax"));
    }
}
