package io.touchpoint.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The prod start-up rules and the lookup, without starting Quarkus. */
class SourceRegistryTest {

    record TestSource(String writeKey, Channel channel, String name) implements IngestConfig.Source {
    }

    record TestConfig(Map<String, Source> sources, boolean allowDevWriteKeys) implements IngestConfig {
        @Override
        public Duration ackTimeout() {
            return Duration.ofSeconds(10);
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
            return 64;
        }
    }

    private static final String WEB_KEY = "wk-web-0123456789abcdef";
    private static final String STORE_KEY = "wk-store-0123456789abcdef";

    @Test
    void prodRefusesToStartWithoutSources() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SourceRegistry(new TestConfig(Map.of(), false)));
        assertTrue(e.getMessage().contains("no ingest source is configured"), e.getMessage());
    }

    @Test
    void prodRefusesTheDevKeyAndShortKeysWithoutNamingThem() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SourceRegistry(new TestConfig(
                Map.of("web", new TestSource("dev-write-key", Channel.WEB, "Web"),
                        "store", new TestSource("short-key", Channel.STORE, "Store")), false)));
        assertTrue(e.getMessage().contains("'web' uses the development write key"), e.getMessage());
        assertTrue(e.getMessage().contains("'store' has a write key shorter than 16"), e.getMessage());
        assertTrue(!e.getMessage().contains("short-key"), "keys never appear in messages");
    }

    @Test
    void twoSourcesMayNotShareAKey() {
        assertThrows(IllegalStateException.class, () -> new SourceRegistry(new TestConfig(
                Map.of("a", new TestSource(WEB_KEY, Channel.WEB, "A"), "b", new TestSource(WEB_KEY, Channel.APP, "B")),
                false)));
    }

    @Test
    void devProfileMayUseTheDevKey() {
        SourceRegistry registry = new SourceRegistry(new TestConfig(
                Map.of("dev-web", new TestSource("dev-write-key", Channel.WEB, "Dev")), true));
        assertEquals("dev-web", registry.authenticate("dev-write-key").orElseThrow().id());
    }

    @Test
    void findsTheSourceOfAKeyAndNothingForOthers() {
        SourceRegistry registry = new SourceRegistry(new TestConfig(Map.of(
                "web", new TestSource(WEB_KEY, Channel.WEB, "Web"),
                "store", new TestSource(STORE_KEY, Channel.STORE, "Store")), false));
        assertEquals(Channel.STORE, registry.authenticate(STORE_KEY).orElseThrow().channel());
        assertEquals("web", registry.authenticate(WEB_KEY).orElseThrow().id());
        assertEquals(Optional.empty(), registry.authenticate(WEB_KEY + "x"));
        assertEquals(Optional.empty(), registry.authenticate(""));
        assertEquals(Optional.empty(), registry.authenticate(null));
    }

    @Test
    void channelsReadAsTheContractSpellsThem() {
        assertEquals(Channel.CONTACT_CENTER, new ChannelConverter().convert("contact_center"));
        assertEquals(Channel.CONTACT_CENTER, new ChannelConverter().convert("contact-center"));
        assertThrows(IllegalArgumentException.class, () -> new ChannelConverter().convert("fax"));
    }
}
