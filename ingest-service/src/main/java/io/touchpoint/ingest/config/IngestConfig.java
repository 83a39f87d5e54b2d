package io.touchpoint.ingest.config;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/** Typed settings of ingest-service ({@code touchpoint.ingest.*}). */
@ConfigMapping(prefix = "touchpoint.ingest")
public interface IngestConfig {

    /**
     * Sources by id. Each write key authenticates one source and fixes the channel of its events.
     * The prod profile defines none: operators must configure real ones (see {@link SourceRegistry}).
     */
    Map<String, Source> sources();

    /**
     * Accept the well-known development key and short keys. Only the dev and test profiles turn this
     * on; prod refuses them so a forgotten dev setting can never reach production.
     */
    @WithDefault("false")
    boolean allowDevWriteKeys();

    /** How long a request waits for Kafka to acknowledge its record before answering 503. */
    @WithDefault("10s")
    Duration ackTimeout();

    /** Seconds a client is told to wait ({@code Retry-After}) when Kafka did not acknowledge. */
    @WithDefault("5")
    @Min(1)
    int retryAfterSeconds();

    /** Largest single event, in bytes (Segment's limit is 32 KB). Bigger bodies get 413. */
    @WithDefault("32768")
    @Min(1024)
    int maxEventBytes();

    /** Deepest JSON nesting accepted in an event; deeper payloads are refused as {@code too_deep}. */
    @WithDefault("64")
    @Min(4)
    @Max(1000)
    int maxNestingDepth();

    interface Source {
        /** The Segment write key (HTTP Basic user, or {@code writeKey} in the body). Never logged. */
        @NotBlank
        String writeKey();

        @WithConverter(ChannelConverter.class)
        Channel channel();

        /** Human name, for dashboards and logs. */
        @NotBlank
        String name();
    }
}
