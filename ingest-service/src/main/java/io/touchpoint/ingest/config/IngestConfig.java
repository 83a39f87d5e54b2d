package io.touchpoint.ingest.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** Where webhook mappings come from besides the built-in ones (see {@link WebhookMappings}). */
    WebhookMappingFiles webhookMappings();

    interface WebhookMappingFiles {
        /**
         * A folder whose {@code <name>.json} files are webhook mappings named {@code <name>}, added to
         * the built-in ones (a file named like a built-in mapping replaces it).
         */
        Optional<String> dir();
    }

    /**
     * The URL browsers and apps reach this service at (e.g. {@code https://collect.example.com}, or
     * with a path prefix behind a proxy). The settings endpoints point the SDKs back at it; unset, the
     * URL the settings request came to is used (behind a proxy: with
     * {@code quarkus.http.proxy.proxy-address-forwarding} so its {@code X-Forwarded-*} count).
     */
    Optional<String> publicUrl();

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

    /** Largest request after gzip decompression, in bytes (Segment's batch limit is 500 KB). */
    @WithDefault("524288")
    @Min(1024)
    int maxRequestBytes();

    /** Deepest JSON nesting accepted in an event; deeper payloads are refused as {@code too_deep}. */
    @WithDefault("32")
    @Min(4)
    @Max(1000)
    int maxNestingDepth();

    /**
     * Redis slower than this for a shared rate-limit check counts as down: this instance then limits
     * the source with its own bucket (see README).
     */
    @WithDefault("200ms")
    Duration rateLimitTimeout();

    /** The Redis window in which a repeated messageId of one source is acknowledged but not published. */
    Dedup dedup();

    interface Dedup {
        /** How long a published messageId is remembered (Segment's own window is 24 h). */
        @WithDefault("24h")
        Duration window();

        /**
         * How long a claim lives before Kafka acknowledged: longer than the producer's
         * delivery.timeout.ms, so a record still in flight after a 503 is never published twice.
         */
        @WithDefault("45s")
        Duration pendingTtl();

        /** Redis slower than this counts as down: the event is published without dedup (see README). */
        @WithDefault("500ms")
        Duration timeout();

        /**
         * A starting instance is not ready until Redis has answered it once (its first claim would time
         * out); if Redis has not answered this long after start, the instance is ready anyway and
         * publishes without dedup, as during any Redis outage (see README).
         */
        @WithDefault("30s")
        Duration readinessGrace();
    }

    interface Source {
        /** The Segment write key (HTTP Basic user, or {@code writeKey} in the body). Never logged. */
        Optional<String> writeKey();

        @WithConverter(ChannelConverter.class)
        Channel channel();

        /** Human name, for dashboards and logs. */
        @NotBlank
        String name();

        /** Replace the last octet (IPv4) or the last 80 bits (IPv6) of {@code context.ip}. */
        @WithDefault("false")
        boolean anonymiseIp();

        /** Requests per second this source may send (token bucket in Redis, shared by all instances); none = unlimited. */
        Optional<RateLimit> rateLimit();

        /** Present when providers post signed webhooks to {@code /webhooks/<source-id>}. */
        Optional<Webhook> webhook();
    }

    interface RateLimit {
        @Min(1)
        int requestsPerSecond();

        /** Requests allowed at once after a quiet period; defaults to one second's worth. */
        Optional<Integer> burst();
    }

    interface Webhook {
        /** {@code standard-webhooks} or {@code hub-signature-256}. */
        @WithConverter(SignatureScheme.Converter.class)
        SignatureScheme scheme();

        /**
         * Signing secrets, comma-separated; any of them verifies, so a provider's key can be rotated
         * without downtime. Standard Webhooks secrets are {@code whsec_<base64>}. Never logged.
         */
        List<String> secrets();

        /** The name of the webhook mapping ({@code <name>.json}, see {@link WebhookMappings}) for this provider's payloads. */
        String mapping();

        /** Largest accepted difference between {@code webhook-timestamp} and the server clock. */
        @WithDefault("5m")
        Duration tolerance();
    }
}
