import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Freshness: how long from POST /v1/track (ingest) until GET /funnels/lifecycle (metrics) shows the event,
 * while a steady background load flows through the same pipeline.
 *
 * Probe: a brand-new anonymous visitor sends "Product Viewed" (journey's stage model: discovery), so
 * lifecycle/discovery "entered" grows by exactly one. The clock starts before the POST and stops at the
 * first GET that shows the new count (polled every POLL_MS). Probes run one after another.
 * Load: LOAD_RPS "Product Viewed" events per second from a fixed pool of visitors who entered discovery
 * during the warm-up, so the load moves no funnel counter (only probes do) but flows through ingest, Kafka,
 * journey-service (identity, stage model, PostgreSQL) and metrics-service's KPI consumer like any event.
 *
 * java Freshness.java <ingestUrl> <metricsUrl> <probes> <loadRps>
 * env: WRITE_KEY (dev-write-key), API_TOKEN (dev-api-token), POLL_MS (10), TIMEOUT_S (30), POOL (200)
 */
public class Freshness {

    static final Pattern DISCOVERY = Pattern.compile("\"stage\":\"discovery\",\"entered\":(\\d+)");

    public static void main(String[] args) throws Exception {
        String ingest = args[0];
        String metrics = args[1];
        int probes = Integer.parseInt(args[2]);
        int loadRps = Integer.parseInt(args[3]);
        String writeKey = env("WRITE_KEY", "dev-write-key");
        String token = env("API_TOKEN", "dev-api-token");
        long pollMs = Long.parseLong(env("POLL_MS", "10"));
        long timeoutMs = Long.parseLong(env("TIMEOUT_S", "30")) * 1000;
        int pool = Integer.parseInt(env("POOL", "200"));
        String basic = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes());
        // HTTP/1.1 like SDKs and curl: the JDK client otherwise tries an h2c upgrade on every plain-HTTP POST
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String run = UUID.randomUUID().toString().substring(0, 8);

        // warm-up: every load visitor enters discovery once, and the pipeline's JITs see traffic
        List<String> visitors = new ArrayList<>();
        for (int i = 0; i < pool; i++) {
            visitors.add("fresh-load-" + run + "-" + i);
        }
        long initial = awaitStable(http, metrics, token);
        for (String v : visitors) {
            track(http, ingest, basic, v);
        }
        // every warm-up visitor must have arrived before probes start: each probe expects exactly +1
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (discovery(http, metrics, token) < initial + pool) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the warm-up did not reach the funnel in 5 minutes");
            }
            Thread.sleep(250);
        }
        long settled = awaitStable(http, metrics, token);
        System.out.printf("warm-up: %d load visitors; lifecycle/discovery entered = %d%n", pool, settled);

        AtomicLong sent = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        if (loadRps > 0) {
            long periodMicros = 1_000_000L / loadRps;
            AtomicLong next = new AtomicLong();
            load.scheduleAtFixedRate(() -> {
                String v = visitors.get((int) (next.getAndIncrement() % visitors.size()));
                http.sendAsync(trackRequest(ingest, basic, v), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((r, e) -> {
                            sent.incrementAndGet();
                            if (e != null || r.statusCode() != 200) {
                                failed.incrementAndGet();
                            }
                        });
            }, 0, periodMicros, TimeUnit.MICROSECONDS);
        }
        Thread.sleep(3000); // let the load reach a steady state

        List<Long> latencies = new ArrayList<>();
        long timeouts = 0;
        long rejected = 0;
        long before = discovery(http, metrics, token);
        sent.set(0);
        failed.set(0);
        long started = System.nanoTime();
        for (int p = 0; p < probes; p++) {
            long t0 = System.nanoTime();
            try {
                track(http, ingest, basic, "fresh-probe-" + run + "-" + p);
            } catch (Exception e) {
                // not accepted: not a freshness sample; counted, and the count is re-read
                rejected++;
                before = awaitStable(http, metrics, token);
                continue;
            }
            long target = before + 1;
            long seen = before;
            while (seen < target && System.nanoTime() - t0 < timeoutMs * 1_000_000) {
                Thread.sleep(pollMs);
                seen = discovery(http, metrics, token);
            }
            if (seen >= target) {
                latencies.add((System.nanoTime() - t0) / 1_000_000);
            } else {
                timeouts++;
            }
            before = seen;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        load.shutdownNow();
        Collections.sort(latencies);
        System.out.printf("probes %d, visible %d, timed out %d, not accepted by ingest %d; load %d events/s asked, "
                + "%.0f events/s sent (%d failed) over %.0f s%n", probes, latencies.size(), timeouts, rejected, loadRps,
                sent.get() / seconds, failed.get(), seconds);
        System.out.printf("latency ms: p50 %d  p90 %d  p99 %d  max %d%n", pct(latencies, 50), pct(latencies, 90),
                pct(latencies, 99), latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1));
        System.exit(0);
    }

    static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }

    static HttpRequest trackRequest(String ingest, String basic, String anonymousId) {
        String body = "{\"anonymousId\":\"" + anonymousId + "\",\"event\":\"Product Viewed\","
                + "\"properties\":{\"product_id\":\"p-1\",\"price\":49.9}}";
        return HttpRequest.newBuilder(URI.create(ingest + "/v1/track")).timeout(Duration.ofSeconds(10))
                .header("Authorization", basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static void track(HttpClient http, String ingest, String basic, String anonymousId) throws Exception {
        HttpResponse<String> r = http.send(trackRequest(ingest, basic, anonymousId),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("ingest answered " + r.statusCode() + ": " + r.body());
        }
    }

    static long discovery(HttpClient http, String metrics, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(metrics + "/funnels/lifecycle"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = DISCOVERY.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("metrics answered " + r.statusCode() + ": " + r.body());
        }
        return Long.parseLong(m.group(1));
    }

    /** Waits until the count has not moved for 3 s (the warm-up went through). */
    static long awaitStable(HttpClient http, String metrics, String token) throws Exception {
        long last = discovery(http, metrics, token);
        long stableSince = System.nanoTime();
        while (System.nanoTime() - stableSince < 3_000_000_000L) {
            Thread.sleep(250);
            long now = discovery(http, metrics, token);
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
