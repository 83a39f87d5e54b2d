package io.touchpoint.ingest;

import static io.touchpoint.ingest.Wire.gzip;
import static io.touchpoint.ingest.Wire.json;
import static io.touchpoint.ingest.Wire.post;
import static io.touchpoint.ingest.Wire.records;
import static io.touchpoint.ingest.Wire.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Recorded requests of the mobile SDKs, whose runtimes (Android, iOS) cannot run here, replayed as
 * their sources build them, with a device clock far off the server's: the events' time must come
 * out skew-corrected ({@code receivedAt − (sentAt − timestamp)}), and the SDK's retry of the same
 * file must not publish anything twice.
 */
@QuarkusTest
class MobileSdkWireTest {

    /** How often the test's SDK retries a 503 before it gives up. */
    private static final int RETRIES = 5;
    /** The device clock: three days and a bit behind the server. */
    private static final Instant DEVICE_NOW = Instant.now().minus(Duration.ofDays(3).plusMinutes(17))
            .truncatedTo(ChronoUnit.MILLIS);

    @Test
    void analyticsKotlinUploadsAGzipFileToBWithTheWriteKeyInside() {
        String run = UUID.randomUUID().toString();
        // segmentio/analytics-kotlin core/src/main/java/com/segment/analytics/kotlin/core/HTTPClient.kt
        // (RequestFactory.upload): POST https://{apiHost}/b with apiHost "<host>/v1", Content-Type text/plain,
        // Content-Encoding gzip, chunked streaming, User-Agent analytics-kotlin/<version>, no Authorization.
        // The file (utilities/StorageImpl.kt): {"batch":[…],"sentAt":"…","writeKey":"…"}, the key last;
        // events as Events.kt serialises them (userId "" before identify, timestamp from SegmentInstant).
        String file = "{\"batch\":[" + event("screen", "\"name\":\"Checkout\",\"properties\":{\"step\":2}", run, 1,
                Duration.ofSeconds(10)) + "," + event("track", "\"event\":\"Order Completed\",\"properties\":{\"revenue\":42.5}",
                        run, 2, Duration.ofSeconds(4))
                + "],\"sentAt\":\"" + iso(DEVICE_NOW) + "\",\"writeKey\":\"dev-app-write-key\"}";
        byte[] body = gzip(utf8(file));
        String[] headers = { "Content-Type", "text/plain", "Content-Encoding", "gzip",
                "User-Agent", "analytics-kotlin/1.24.1" };
        HttpResponse<String> answer = post("/v1/b", body, true, headers);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(2, json(answer.body()).get("accepted").asInt());

        // EventPipeline.kt: the same file again, with X-Retry-Count, after a failed upload. Ingest settles the dedup
        // claims just after answering, so a retry this fast may find them pending: 503 + Retry-After, and the SDK
        // keeps the file and tries again later, as here.
        HttpResponse<String> retry = retryWhileUnavailable("/v1/b", body, headers);
        assertEquals(200, retry.statusCode(), retry.body());
        assertEquals(2, json(retry.body()).get("accepted").asInt(), "duplicates are acknowledged, not refused");

        assertSkewCorrectedOnce(run, Map.of(1, Duration.ofSeconds(10), 2, Duration.ofSeconds(4)));
    }

    @Test
    void analyticsSwiftUploadsItsFileAsJson() {
        String run = UUID.randomUUID().toString();
        // segmentio/analytics-swift Sources/Segment/Utilities/Networking/HTTPClient.swift (startBatchUpload,
        // configuredRequest): POST https://{apiHost}/b, Content-Type application/json; charset=utf-8,
        // Accept-Encoding gzip, no Content-Encoding, no Authorization. The file (Storage/Types/DirectoryStore.swift):
        // "{ \"batch\": [" and one event per line, the later ones prefixed by ",", then
        // "],\"sentAt\":\"…\",\"writeKey\":\"…\"}", each line ending in "\n" (LineStream.swift).
        String file = "{ \"batch\": [\n"
                + event("identify", "\"traits\":{\"email\":\"mobile@example.com\"}", run, 1, Duration.ofSeconds(30)) + "\n"
                + "," + event("track", "\"event\":\"App Opened\",\"properties\":{}", run, 2, Duration.ofMillis(1500)) + "\n"
                + "],\"sentAt\":\"" + iso(DEVICE_NOW) + "\",\"writeKey\":\"dev-app-write-key\"}\n";
        HttpResponse<String> answer = post("/v1/b", utf8(file), false, "Content-Type", "application/json; charset=utf-8",
                "Accept-Encoding", "gzip", "User-Agent", "analytics-ios/1.9.1");
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(2, json(answer.body()).get("accepted").asInt());
        assertSkewCorrectedOnce(run, Map.of(1, Duration.ofSeconds(30), 2, Duration.ofMillis(1500)));
    }

    @Test
    void theMobileSdksLoadTheirSettingsFromTheCdnHostV1() {
        // HTTPClient.kt (RequestFactory.settings) and HTTPClient.swift (settingsFor): GET
        // https://{cdnHost}/projects/{writeKey}/settings with cdnHost "<host>/v1", a JSON Content-Type even on
        // the GET; SegmentDestination then posts to https://{integrations["Segment.io"].apiHost}/b
        HttpResponse<String> kotlin = Wire.get("/v1/projects/dev-app-write-key/settings",
                "Content-Type", "application/json; charset=utf-8", "User-Agent", "analytics-kotlin/1.24.1");
        assertEquals(200, kotlin.statusCode(), kotlin.body());
        JsonNode segment = json(kotlin.body()).at("/integrations/Segment.io");
        assertEquals("dev-app-write-key", segment.get("apiKey").asText());
        assertEquals("127.0.0.1:" + io.restassured.RestAssured.port + "/v1", segment.get("apiHost").asText());
    }

    /**
     * The retry of an upload, repeated while ingest answers 503 (at most {@value #RETRIES} times, waiting the
     * Retry-After seconds it sends), with X-Retry-Count counting up as EventPipeline.kt sends it.
     */
    private static HttpResponse<String> retryWhileUnavailable(String path, byte[] body, String[] headers) {
        HttpResponse<String> answer = null;
        for (int attempt = 1; attempt <= RETRIES; attempt++) {
            String[] retryHeaders = Arrays.copyOf(headers, headers.length + 2);
            retryHeaders[headers.length] = "X-Retry-Count";
            retryHeaders[headers.length + 1] = String.valueOf(attempt);
            answer = post(path, body, true, retryHeaders);
            if (answer.statusCode() != 503) {
                return answer;
            }
            String retryAfter = answer.headers().firstValue("Retry-After")
                    .orElseThrow(() -> new AssertionError("a 503 without Retry-After"));
            try {
                Thread.sleep(Duration.ofSeconds(Long.parseLong(retryAfter)).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return answer;
    }

    /** SegmentInstant (Kotlin) and ISO8601DateFormatter with fractional seconds (Swift): always milliseconds. */
    private static String iso(Instant instant) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC).format(instant);
    }

    /** An event as the SDK serialises it, created {@code before} the upload by the device clock. */
    private static String event(String type, String fields, String run, int n, Duration before) {
        return "{\"type\":\"" + type + "\"," + fields + ",\"messageId\":\"mob-" + run + "-" + n + "\","
                + "\"anonymousId\":\"mob-anon-" + run + "\",\"userId\":\"" + (type.equals("identify") ? "mob-user-" + run : "")
                + "\",\"integrations\":{},\"context\":{\"app\":{\"name\":\"Shop\",\"version\":\"5.2\"},"
                + "\"library\":{\"name\":\"analytics-kotlin\",\"version\":\"1.24.1\"},\"os\":{\"name\":\"Android\"}},"
                + "\"_metadata\":{\"bundled\":[],\"unbundled\":[],\"bundledIds\":[]},"
                + "\"timestamp\":\"" + iso(DEVICE_NOW.minus(before)) + "\"}";
    }

    private static void assertSkewCorrectedOnce(String run, Map<Integer, Duration> before) {
        List<JsonNode> published = records("mob-anon-" + run);
        assertEquals(before.size(), published.size(), "each event once: " + published);
        Map<String, JsonNode> byId = published.stream().collect(Collectors.toMap(r -> r.get("messageId").asText(), r -> r));
        before.forEach((n, age) -> {
            JsonNode record = byId.get("mob-" + run + "-" + n);
            assertEquals("app", record.get("channel").asText());
            assertEquals("dev-app", record.get("sourceId").asText());
            assertEquals(DEVICE_NOW, Instant.parse(record.get("sentAt").asText()), "the file's sentAt applies to every item");
            Instant receivedAt = Instant.parse(record.get("receivedAt").asText());
            assertEquals(receivedAt.minus(age), Instant.parse(record.get("timestamp").asText()),
                    "timestamp = receivedAt − (sentAt − device timestamp): the device clock's error cancels");
        });
    }
}
