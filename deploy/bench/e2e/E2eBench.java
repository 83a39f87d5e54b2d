import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.touchpoint.stack.StackProcess;

/**
 * The whole pipeline co-located, as {@code deploy/touchpoint up} runs it: the embedded stack (Kafka, PostgreSQL,
 * Redis) and the three packaged services, each its own JVM (dev profile, -Xmx384m), SDK traffic into ingest.
 *
 * <p>Per run: first deploy/bench/journey/run.sh (JOURNEY_ARGS, one run) for the reference, journey-service's
 * backlog rate; then a fresh system, and
 * <ol>
 * <li>the sustained rate: the load generator offers a rate for a step of STEP_S seconds; the step is kept up
 * when, over its last two thirds, ingest accepted at least 97 % of the offered events (no batch failed) and
 * every stage stayed within LAG_S seconds of traffic behind ingest: journey-service's processed touchpoints
 * (its own counter), metrics-service's consumed touchpoints, and the transitions journey wrote (outbox rows
 * not yet published + published but not yet counted by metrics). Steps start at a quarter of the reference
 * and grow by STEP_FACTOR until one is not kept up; after the backlog drained, one step between the last kept
 * and the failed one. Sustained = the highest rate kept up;</li>
 * <li>freshness at 50 % and 90 % of it: under that load, probes one after another: a new visitor's "Email
 * Opened" from an email source (no load event uses that channel), the clock started at ingest's 200, stopped
 * at the first poll that shows it in the funnel (lifecycle, channel=email: awareness entered one higher) and,
 * separately, in the journey (GET /customers?identifier=anonymous_id:…).</li>
 * </ol>
 * Run by run.sh; args: runs probes.
 */
public class E2eBench {

    static final Path ROOT = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    static final String API_TOKEN = "dev-api-token";
    /** Dev-profile write keys by channel, plus two sources the bench adds (contact center, email). */
    static final Map<String, String> WRITE_KEYS = Map.of("web", "dev-write-key", "app", "dev-app-write-key",
            "server", "dev-server-write-key", "contact_center", "e2e-bench-contact-center-key",
            "email", "e2e-bench-email-probe-key");
    static final List<String> LOAD_CHANNELS = List.of("web", "app", "server", "contact_center");

    static final int BATCH = intEnv("E2E_BATCH", 20);
    static final long FLUSH_MS = intEnv("E2E_FLUSH_MS", 200);
    static final int STEP_S = intEnv("E2E_STEP_S", 30);
    static final double LAG_S = Double.parseDouble(env("E2E_LAG_S", "3"));
    static final double STEP_FACTOR = Double.parseDouble(env("E2E_STEP_FACTOR", "1.2"));
    static final int POLL_MS = intEnv("E2E_POLL_MS", 20);
    /** A freshness phase probes for at most this long (a load the pipeline cannot keep up with ends it too). */
    static final int PROBE_S = intEnv("E2E_PROBE_S", 120);
    static final Pattern AWARENESS = Pattern.compile("\"stage\":\"awareness\",\"entered\":(\\d+)");

    record Step(double offered, double accepted, double journeyLag, double kpiLag, double transitionsLag,
            long failed, long storedBefore, String cpu) {
        boolean keptUp() {
            return failed == 0 && accepted >= 0.97 * offered && journeyLag <= LAG_S && kpiLag <= LAG_S
                    && transitionsLag <= LAG_S;
        }

        String describe() {
            return String.format("offered %.0f, accepted %.0f events/s; most behind over the judged %d s: journey"
                    + " %.2f s, metrics touchpoints %.2f s, transitions (outbox + metrics) %.2f s; %d events failed"
                    + " -> %s%n      %,d touchpoints stored before the step; CPU cores: %s", offered, accepted,
                    STEP_S * 2 / 3, journeyLag, kpiLag, transitionsLag, failed, keptUp() ? "kept up" : "NOT kept up",
                    storedBefore, cpu);
        }
    }

    record Freshness(double rate, double accepted, List<Long> ingestMs, List<Long> funnelMs, List<Long> journeyMs,
            int timedOut, double lagSeconds) {
        String describe() {
            return String.format("load %.0f events/s (accepted %.0f): ingest 200 after p50 %d / p99 %d ms; visible in"
                    + " the funnel p50 %d / p99 %d / max %d ms, in the journey p50 %d / p99 %d / max %d ms; %d probes,"
                    + " %d timed out; most behind meanwhile %.2f s", rate, accepted, pct(ingestMs, 50),
                    pct(ingestMs, 99), pct(funnelMs, 50), pct(funnelMs, 99), pct(funnelMs, 100), pct(journeyMs, 50),
                    pct(journeyMs, 99), pct(journeyMs, 100), funnelMs.size(), timedOut, lagSeconds);
        }
    }

    record Run(double load, double journeyRate, double loadE2e, double sustained, Freshness half, Freshness ninety) {
    }

    public static void main(String[] args) throws Exception {
        // stopped (Ctrl-C, kill): the services, the stack and a running journey reference go with it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().children()
                .forEach(ProcessHandle::destroy), "e2e-bench-stop"));
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int probes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String journeyArgs = env("JOURNEY_ARGS", "200000 1 100000");
        boolean journey = !"0".equals(System.getenv("JOURNEY"));
        List<Run> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double loadJ = 0;
            double j = 0;
            if (journey) {
                loadJ = Load.awaitQuiet();
                j = journeyRate(journeyArgs);
                System.out.printf("run %d: journey-service backlog %.0f events/s (run.sh %s; load average %.1f)%n", run,
                        j, journeyArgs, loadJ);
            }
            // the reference and the system are measured back to back: one wait per run, before the pair
            double loadE = journey ? Load.now() : Load.awaitQuiet();
            Run r = runSystem(run, probes, j > 0 ? j : 2_000, loadJ, j, loadE);
            results.add(r);
            System.out.printf("run %d: end to end sustained %.0f events/s%s; at 50 %%: %s; at 90 %%: %s%n", run,
                    r.sustained(), journey ? String.format(" = %.2f× journey's backlog rate", r.sustained() / j) : "",
                    r.half().describe(), r.ninety().describe());
        }
        printTable(results, journey, journeyArgs, probes);
    }

    static void printTable(List<Run> results, boolean journey, String journeyArgs, int probes) {
        System.out.println();
        System.out.printf("end to end: steps of %d s, kept up = within %.1f s of traffic; freshness: %d probes per"
                + " load, polled every %d ms; journey reference: %s%n", STEP_S, LAG_S, probes, POLL_MS,
                journey ? "run.sh " + journeyArgs : "skipped");
        System.out.println("| run | load average (journey / e2e) | journey backlog events/s | e2e sustained events/s |"
                + " ratio | funnel p50 / p99 at 50 % | journey p50 / p99 at 50 % | funnel p50 / p99 at 90 % |"
                + " journey p50 / p99 at 90 % |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < results.size(); i++) {
            Run r = results.get(i);
            System.out.printf("| %d | %.1f / %.1f | %s | %.0f | %s | %s | %s | %s | %s |%n", i + 1, r.load(), r.loadE2e(),
                    journey ? String.format("%.0f", r.journeyRate()) : "–", r.sustained(),
                    journey ? String.format("%.2f×", r.sustained() / r.journeyRate()) : "–",
                    ms(r.half().funnelMs()), ms(r.half().journeyMs()), ms(r.ninety().funnelMs()), ms(r.ninety().journeyMs()));
        }
        System.out.printf("| median | | %s | %.0f | %s | %d / %d ms | %d / %d ms | %d / %d ms | %d / %d ms |%n",
                journey ? String.format("%.0f", median(results.stream().map(Run::journeyRate).toList())) : "–",
                median(results.stream().map(Run::sustained).toList()),
                journey ? String.format("%.2f×", median(results.stream().map(r -> r.sustained() / r.journeyRate()).toList())) : "–",
                medianPct(results, Run::half, Freshness::funnelMs, 50), medianPct(results, Run::half, Freshness::funnelMs, 99),
                medianPct(results, Run::half, Freshness::journeyMs, 50), medianPct(results, Run::half, Freshness::journeyMs, 99),
                medianPct(results, Run::ninety, Freshness::funnelMs, 50), medianPct(results, Run::ninety, Freshness::funnelMs, 99),
                medianPct(results, Run::ninety, Freshness::journeyMs, 50), medianPct(results, Run::ninety, Freshness::journeyMs, 99));
    }

    static long medianPct(List<Run> runs, java.util.function.Function<Run, Freshness> which,
            java.util.function.Function<Freshness, List<Long>> series, int p) {
        return Math.round(median(runs.stream().map(r -> (double) pct(series.apply(which.apply(r)), p)).toList()));
    }

    static String ms(List<Long> values) {
        return pct(values, 50) + " / " + pct(values, 99) + " ms";
    }

    static long pct(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        // nearest rank: the smallest value with at least p % of the values at or below it
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    // ---------------------------------------------------------------------------------------------------------
    // one run of the whole system

    static Run runSystem(int run, int probes, double reference, double loadJ, double journeyRate, double loadE)
            throws Exception {
        try (StackProcess stack = StackProcess.builder().kafka().postgres().redis().start();
                Services services = Services.start(stack, run)) {
            Pipeline pipeline = new Pipeline(stack, services);
            Generator generator = new Generator(services.ingest, "r" + run + "-" + UUID.randomUUID().toString().substring(0, 6));
            try {
                // warm-up: the JIT compilers of all three services see traffic before anything is judged (20 s
                // were too few: the first step then failed on the services' compilers alone)
                generator.rate(Math.max(100, Math.round(reference / 4 / 50) * 50));
                Thread.sleep(60_000);
                double rate = Math.max(100, Math.round(reference * 0.4 / 50) * 50);
                double sustained = 0;
                double failedAt = 0;
                for (int i = 1; i <= 25; i++) {
                    Step s = pipeline.step(generator, rate);
                    System.out.printf("  run %d step %d: %s%n", run, i, s.describe());
                    if (s.keptUp()) {
                        sustained = rate;
                        rate = Math.round(rate * STEP_FACTOR / 50) * 50;
                    } else if (sustained == 0 && rate > 100) {
                        // not even the first rate: drain, then start lower
                        generator.rate(0);
                        pipeline.drain(generator);
                        rate = Math.max(100, Math.round(rate / 2 / 50) * 50);
                    } else {
                        failedAt = rate;
                        break;
                    }
                }
                // between the last rate kept and the first one not: one more step, the backlog drained first
                if (failedAt > 0) {
                    generator.rate(0);
                    pipeline.drain(generator);
                    double between = Math.round(Math.sqrt(Math.max(sustained, failedAt / STEP_FACTOR) * failedAt) / 50) * 50;
                    if (between > sustained && between < failedAt) {
                        generator.rate(sustained);
                        Thread.sleep(5_000);
                        Step s = pipeline.step(generator, between);
                        System.out.printf("  run %d step between: %s%n", run, s.describe());
                        if (s.keptUp()) {
                            sustained = between;
                        }
                    }
                }
                if (sustained == 0) {
                    throw new IllegalStateException("not even the first step (" + Math.max(100, reference * 0.4)
                            + " events/s) was kept up; see the steps above and the logs in " + Services.logDir(run));
                }
                generator.rate(0);
                pipeline.drain(generator);
                Freshness half = pipeline.freshness(generator, 0.5 * sustained, probes);
                System.out.printf("  run %d freshness at 50 %%: %s%n", run, half.describe());
                generator.rate(0);
                pipeline.drain(generator);
                Freshness ninety = pipeline.freshness(generator, 0.9 * sustained, probes);
                System.out.printf("  run %d freshness at 90 %%: %s%n", run, ninety.describe());
                generator.rate(0);
                pipeline.drain(generator);
                pipeline.checkCounts(generator);
                return new Run(loadJ, journeyRate, loadE, sustained, half, ninety);
            } finally {
                generator.close();
                pipeline.close();
            }
        }
    }

    /** The three packaged services, started as deploy/touchpoint starts them, on free ports. */
    static final class Services implements AutoCloseable {
        final String ingest;
        final String journey;
        final String metrics;
        final List<Process> processes;
        final Map<String, Process> byName;

        Services(String ingest, String journey, String metrics, Map<String, Process> byName) {
            this.ingest = ingest;
            this.journey = journey;
            this.metrics = metrics;
            this.byName = byName;
            this.processes = List.copyOf(byName.values());
        }

        static Path logDir(int run) {
            return Path.of(System.getProperty("java.io.tmpdir"), "e2e-bench-run" + run);
        }

        static Services start(StackProcess stack, int run) throws Exception {
            Files.createDirectories(logDir(run));
            int ingestPort = StackProcess.freePort();
            int journeyPort = StackProcess.freePort();
            int metricsPort = StackProcess.freePort();
            Map<String, String> env = Map.of(
                    "QUARKUS_PROFILE", "dev",
                    "KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap(),
                    "TOUCHPOINT_DB_HOST", "127.0.0.1",
                    "TOUCHPOINT_DB_PORT", String.valueOf(stack.postgresPort()),
                    "TOUCHPOINT_REDIS_URL", stack.redisUrl(),
                    "TOUCHPOINT_JOURNEY_URL", "http://127.0.0.1:" + journeyPort);
            Map<String, Process> byName = new LinkedHashMap<>();
            // the SDK traffic's contact-center calls and the probes come from sources the dev profile lacks
            byName.put("ingest", start("ingest-service", ingestPort, env, run, List.of(
                    "-Dtouchpoint.ingest.sources.\"e2e-bench-cc\".write-key=" + WRITE_KEYS.get("contact_center"),
                    "-Dtouchpoint.ingest.sources.\"e2e-bench-cc\".channel=contact_center",
                    "-Dtouchpoint.ingest.sources.\"e2e-bench-cc\".name=E2E bench contact center",
                    "-Dtouchpoint.ingest.sources.\"e2e-bench-email\".write-key=" + WRITE_KEYS.get("email"),
                    "-Dtouchpoint.ingest.sources.\"e2e-bench-email\".channel=email",
                    "-Dtouchpoint.ingest.sources.\"e2e-bench-email\".name=E2E bench email probes")));
            byName.put("journey", start("journey-service", journeyPort, env, run, List.of()));
            byName.put("metrics", start("metrics-service", metricsPort, env, run, List.of()));
            Services s = new Services("http://127.0.0.1:" + ingestPort, "http://127.0.0.1:" + journeyPort,
                    "http://127.0.0.1:" + metricsPort, byName);
            try {
                for (String url : List.of(s.ingest, s.journey, s.metrics)) {
                    awaitReady(url, s, run);
                }
            } catch (Exception e) {
                s.close();
                throw e;
            }
            return s;
        }

        static Process start(String module, int port, Map<String, String> env, int run, List<String> properties)
                throws Exception {
            Path jar = ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-Dquarkus.http.port=" + port));
            command.addAll(properties);
            String extra = System.getenv("E2E_JVM_ARGS");
            if (extra != null && !extra.isBlank()) {
                command.addAll(List.of(extra.trim().split("\\s+")));
            }
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logDir(run).resolve(module + ".log").toFile());
            pb.environment().putAll(env);
            return pb.start();
        }

        static void awaitReady(String url, Services s, int run) throws Exception {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (System.nanoTime() < deadline) {
                if (s.processes.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IllegalStateException("a service exited; see " + logDir(run));
                }
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).timeout(Duration.ofSeconds(5))
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException(url + " not ready in 180 s; see " + logDir(run));
        }

        @Override
        public void close() throws Exception {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // what each stage has done, from the services' own counters and journey's outbox

    record Progress(long nanos, long offered, long accepted, long failed, double journeyProcessed,
            double journeyPublished, double metricsTouchpoints, double metricsTransitions, long outbox,
            Map<String, Duration> cpu) {
    }

    static final class Pipeline implements AutoCloseable {
        final StackProcess stack;
        final Services services;
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        final Connection db;
        final long redisPid;

        Pipeline(StackProcess stack, Services services) throws Exception {
            this.stack = stack;
            this.services = services;
            this.db = DriverManager.getConnection(stack.postgresJdbcUrl(), "postgres", "");
            this.redisPid = redisPid(stack.redisPort());
        }

        Progress progress(Generator g) throws Exception {
            Map<String, Double> journey = counters(services.journey, "touchpoint_journey_touchpoints_total{",
                    "touchpoint_journey_transitions_published_total");
            Map<String, Double> metrics = counters(services.metrics, "touchpoint_metrics_touchpoints_total{",
                    "touchpoint_metrics_transitions_total{");
            long outbox;
            try (ResultSet rs = db.createStatement().executeQuery("select count(*) from outbox")) {
                rs.next();
                outbox = rs.getLong(1);
            }
            return new Progress(System.nanoTime(), g.offered.get(), g.accepted.get(), g.failed.get(),
                    journey.get("touchpoint_journey_touchpoints_total{"),
                    journey.get("touchpoint_journey_transitions_published_total"),
                    metrics.get("touchpoint_metrics_touchpoints_total{"), metrics.get("touchpoint_metrics_transitions_total{"),
                    outbox, cpu());
        }

        /** Sums of the named counters (a name ending in '{' sums all its series) from a service's /q/metrics. */
        Map<String, Double> counters(String base, String... names) throws Exception {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Double> out = new LinkedHashMap<>();
            for (String n : names) {
                out.put(n, 0.0);
            }
            for (String line : body.split("\n")) {
                for (String n : names) {
                    if (line.startsWith(n.endsWith("{") ? n : n + " ") || (!n.endsWith("{") && line.startsWith(n + "{"))) {
                        out.merge(n, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
                    }
                }
            }
            return out;
        }

        /** CPU so far by process: the three services, PostgreSQL (postmaster + backends), Kafka, Redis, this bench. */
        Map<String, Duration> cpu() {
            Map<String, Duration> out = new LinkedHashMap<>();
            services.byName.forEach((name, p) -> out.put(name, cpu(p.toHandle())));
            try {
                long postmaster = Long.parseLong(Files.readAllLines(stack.dataDir().resolve("postgres")
                        .resolve("postmaster.pid")).get(0).trim());
                ProcessHandle.of(postmaster).ifPresent(pm -> {
                    out.put("postgresql", cpu(pm));
                    pm.descendants().forEach(b -> out.merge("postgresql", cpu(b), Duration::plus));
                });
            } catch (Exception e) {
                // PostgreSQL is restarting or gone: left out of this sample
            }
            ProcessHandle.current().descendants().filter(p -> commandLine(p.pid()).contains("io.touchpoint.stack.KafkaBroker"))
                    .forEach(p -> out.merge("kafka", cpu(p), Duration::plus));
            ProcessHandle.of(redisPid).ifPresent(r -> out.put("redis", cpu(r)));
            out.put("bench", cpu(ProcessHandle.current()));
            return out;
        }

        static Duration cpu(ProcessHandle p) {
            return p.info().totalCpuDuration().orElse(Duration.ZERO);
        }

        /** From /proc: ProcessHandle.Info cuts a long command line (the broker's classpath) short. */
        static String commandLine(long pid) {
            try {
                return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
            } catch (Exception e) {
                return "";
            }
        }

        /** How far behind ingest each stage is, in seconds of traffic at the given rates. */
        static double[] lags(Progress p, double rate, double transitionRate) {
            double journey = (p.accepted() - p.journeyProcessed()) / rate;
            double kpi = (p.accepted() - p.metricsTouchpoints()) / rate;
            double transitions = (p.outbox() + p.journeyPublished() - p.metricsTransitions()) / Math.max(1, transitionRate);
            return new double[] { journey, kpi, transitions };
        }

        /** Offers `rate` for STEP_S seconds, sampling every second; judged over the last two thirds. */
        Step step(Generator g, double rate) throws Exception {
            long storedBefore = (long) progress(g).journeyProcessed();
            g.rate(rate);
            long start = System.nanoTime();
            long judgedFrom = start + Duration.ofSeconds(STEP_S / 3).toNanos();
            long end = start + Duration.ofSeconds(STEP_S).toNanos();
            List<Progress> samples = new ArrayList<>();
            Progress first = null;
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                Progress p = progress(g);
                if (p.nanos() >= judgedFrom) {
                    if (first == null) {
                        first = p;
                    }
                    samples.add(p);
                }
            }
            Progress last = samples.get(samples.size() - 1);
            double seconds = (last.nanos() - first.nanos()) / 1e9;
            double offered = (last.offered() - first.offered()) / seconds;
            double accepted = (last.accepted() - first.accepted()) / seconds;
            double transitionRate = (last.journeyPublished() - first.journeyPublished() + last.outbox() - first.outbox())
                    / seconds;
            double[] worst = new double[3];
            for (Progress p : samples) {
                double[] l = lags(p, rate, transitionRate);
                for (int k = 0; k < 3; k++) {
                    worst[k] = Math.max(worst[k], l[k]);
                }
            }
            return new Step(rate, accepted, worst[0], worst[1], worst[2], last.failed() - first.failed(), storedBefore,
                    cpuLine(first, last, seconds) + String.format("; generator offered %.0f/s", offered));
        }

        static String cpuLine(Progress first, Progress last, double seconds) {
            StringBuilder s = new StringBuilder();
            double total = 0;
            for (Map.Entry<String, Duration> e : last.cpu().entrySet()) {
                double used = e.getValue().minus(first.cpu().getOrDefault(e.getKey(), Duration.ZERO)).toNanos() / 1e9 / seconds;
                total += used;
                s.append(String.format("%s %.2f, ", e.getKey(), used));
            }
            return s.append(String.format("all %.2f of 2", total)).toString();
        }

        /** Waits until every stage has caught up with what ingest accepted (at most 3 minutes). */
        void drain(Generator g) throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                Progress p = progress(g);
                if (p.accepted() + p.failed() >= p.offered() && p.journeyProcessed() >= p.accepted()
                        && p.metricsTouchpoints() >= p.accepted() && p.outbox() == 0
                        && p.metricsTransitions() >= p.journeyPublished()) {
                    return;
                }
            }
            System.out.println("  (the pipeline did not drain in 3 minutes)");
        }

        /** Freshness probes under a load of `rate`, one after another. */
        Freshness freshness(Generator g, double rate, int probes) throws Exception {
            g.rate(rate);
            Thread.sleep(10_000);
            String run = UUID.randomUUID().toString().substring(0, 6);
            long baseline = awareness();
            List<Long> ingestMs = new ArrayList<>();
            List<Long> funnelMs = new ArrayList<>();
            List<Long> journeyMs = new ArrayList<>();
            int timedOut = 0;
            Progress first = progress(g);
            double worstLag = 0;
            long lastSample = System.nanoTime();
            java.util.concurrent.ExecutorService pollers = Executors.newFixedThreadPool(2);
            try {
                long phaseEnd = System.nanoTime() + Duration.ofSeconds(PROBE_S).toNanos();
                for (int i = 0; i < probes && System.nanoTime() < phaseEnd; i++) {
                    String anonymousId = "probe-" + run + "-" + i;
                    String body = "{\"batch\":[{\"type\":\"track\",\"event\":\"Email Opened\",\"anonymousId\":\""
                            + anonymousId + "\",\"messageId\":\"" + anonymousId + "\",\"timestamp\":\"" + Instant.now()
                            + "\",\"properties\":{\"campaign\":\"e2e-bench\"}}],\"sentAt\":\"" + Instant.now() + "\"}";
                    long sent = System.nanoTime();
                    HttpResponse<String> r = http.send(g.batchRequest("email", body), HttpResponse.BodyHandlers.ofString());
                    long accepted = System.nanoTime();
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("probe refused: " + r.statusCode() + " " + r.body());
                    }
                    long expected = baseline + i + 1;
                    var funnel = java.util.concurrent.CompletableFuture.supplyAsync(() -> pollUntil(
                            () -> awareness() >= expected), pollers);
                    var journey = java.util.concurrent.CompletableFuture.supplyAsync(() -> pollUntil(
                            () -> status(services.journey + "/customers?identifier=anonymous_id:" + anonymousId) == 200),
                            pollers);
                    long f = funnel.get();
                    long j = journey.get();
                    ingestMs.add((accepted - sent) / 1_000_000);
                    if (f < 0 || j < 0) {
                        timedOut++;
                    } else {
                        funnelMs.add((f - accepted) / 1_000_000);
                        journeyMs.add((j - accepted) / 1_000_000);
                    }
                    if (System.nanoTime() - lastSample > 2_000_000_000L) {
                        double[] l = lags(progress(g), rate, 1);
                        worstLag = Math.max(worstLag, Math.max(l[0], l[1]));
                        lastSample = System.nanoTime();
                    }
                    Thread.sleep(100);
                }
            } finally {
                pollers.shutdownNow();
            }
            Progress last = progress(g);
            double seconds = (last.nanos() - first.nanos()) / 1e9;
            return new Freshness(rate, (last.accepted() - first.accepted()) / seconds, ingestMs, funnelMs, journeyMs,
                    timedOut, worstLag);
        }

        /** The time the condition first held (System.nanoTime), or -1 after 30 s. */
        long pollUntil(java.util.function.BooleanSupplier condition) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                if (condition.getAsBoolean()) {
                    return System.nanoTime();
                }
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
            return -1;
        }

        /** lifecycle/awareness entered on the email channel: only probes enter there. */
        long awareness() {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(services.metrics
                        + "/funnels/lifecycle?channel=email")).header("Authorization", "Bearer " + API_TOKEN).build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher m = AWARENESS.matcher(r.body());
                return m.find() ? Long.parseLong(m.group(1)) : -1;
            } catch (Exception e) {
                return -1;
            }
        }

        int status(String url) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + API_TOKEN)
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                return -1;
            }
        }

        /** After the run: every touchpoint accepted is in journey's PostgreSQL once, and metrics consumed each. */
        void checkCounts(Generator g) throws Exception {
            Progress p = progress(g);
            long stored;
            try (ResultSet rs = db.createStatement().executeQuery("select count(*) from touchpoint")) {
                rs.next();
                stored = rs.getLong(1);
            }
            System.out.printf("  accepted %d events (+ probes), journey stored %d touchpoints, processed %.0f; metrics"
                    + " consumed %.0f touchpoints and %.0f of %.0f transitions published; %d events failed%n",
                    p.accepted(), stored, p.journeyProcessed(), p.metricsTouchpoints(), p.metricsTransitions(),
                    p.journeyPublished(), p.failed());
        }

        @Override
        public void close() throws Exception {
            db.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // the load: SDK batches of the journey tests' identity mix, each event its own messageId

    /**
     * Emits events at the set rate on one scheduler thread (every 10 ms the events due), queued per source as an SDK
     * queues them, and posts a source's queue as one /v1/batch when it holds BATCH events or its oldest waited
     * FLUSH_MS. Sends are asynchronous (JDK HttpClient, HTTP/1.1, keep-alive); a failed batch is retried twice,
     * with the same messageIds, as SDKs retry.
     */
    static final class Generator implements AutoCloseable {
        final String ingest;
        final String run;
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        final ScheduledExecutorService tick = Executors.newSingleThreadScheduledExecutor();
        final AtomicLong offered = new AtomicLong();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final Map<String, List<String>> queues = new LinkedHashMap<>();
        final Map<String, Long> queuedSince = new LinkedHashMap<>();
        final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
        volatile double rate;
        double due;
        long person;
        long lastTick = System.nanoTime();

        Generator(String ingest, String run) {
            this.ingest = ingest;
            this.run = run;
            for (String c : LOAD_CHANNELS) {
                queues.put(c, new ArrayList<>());
            }
            tick.scheduleAtFixedRate(this::tick, 10, 10, TimeUnit.MILLISECONDS);
        }

        void rate(double eventsPerSecond) {
            rate = eventsPerSecond;
        }

        void tick() {
            try {
                long now = System.nanoTime();
                due += rate * (now - lastTick) / 1e9;
                lastTick = now;
                // more than 256 requests outstanding: ingest is not keeping up; the offered rate falls short
                while (due >= 1 && inFlight.get() < 256) {
                    for (String[] e : person(person++)) {
                        List<String> q = queues.get(e[0]);
                        if (q.isEmpty()) {
                            queuedSince.put(e[0], now);
                        }
                        q.add(e[1]);
                        offered.incrementAndGet();
                        due--;
                        if (q.size() >= BATCH) {
                            flush(e[0]);
                        }
                    }
                }
                if (due > rate) {
                    due = rate; // at most a second's worth owed
                }
                for (String c : LOAD_CHANNELS) {
                    if (!queues.get(c).isEmpty() && now - queuedSince.get(c) > FLUSH_MS * 1_000_000) {
                        flush(c);
                    }
                }
            } catch (RuntimeException e) {
                e.printStackTrace();
            }
        }

        void flush(String channel) {
            List<String> q = queues.get(channel);
            String body = "{\"batch\":[" + String.join(",", q) + "],\"sentAt\":\"" + Instant.now()
                    + "\",\"context\":{\"library\":{\"name\":\"touchpoint-e2e-bench\",\"version\":\"1\"}}}";
            int events = q.size();
            q.clear();
            send(channel, body, events, 0);
        }

        void send(String channel, String body, int events, int attempt) {
            inFlight.incrementAndGet();
            http.sendAsync(batchRequest(channel, body), HttpResponse.BodyHandlers.discarding()).whenComplete((r, error) -> {
                inFlight.decrementAndGet();
                if (error == null && r.statusCode() == 200) {
                    accepted.addAndGet(events);
                } else if (attempt < 2) {
                    tick.schedule(() -> send(channel, body, events, attempt + 1), 200, TimeUnit.MILLISECONDS);
                } else {
                    failed.addAndGet(events);
                    System.out.println("  batch failed: " + (error != null ? error : r.statusCode()));
                }
            });
        }

        HttpRequest batchRequest(String channel, String body) {
            return HttpRequest.newBuilder(URI.create(ingest + "/v1/batch"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (WRITE_KEYS.get(channel) + ":").getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }

        /**
         * One person of the journey tests' identity mix (journey-service IdentityMix, as deploy/bench/journey sends
         * it): a web visit, an app session, identify on the web (user id + email), the app's sign-up with the same
         * email, a phone trait, a contact-center call by caller id, an order from the backend, every fifth person a
         * second user on the shared app device. Channel (= the source it is sent from) and JSON of each event.
         */
        List<String[]> person(long p) {
            String web = run + "-web-" + p, app = run + "-app-" + p, user = run + "-user-" + p;
            String email = run + "-mail-" + p + "@example.com", phone = "+1" + (500_000_000L + p);
            Instant t = Instant.now();
            List<String[]> out = new ArrayList<>(8);
            out.add(new String[] { "web", event(p, "view", "track", "Product Viewed", null, web, t, null, null,
                    "{\"product_id\":\"sku-" + (p % 500) + "\"}") });
            out.add(new String[] { "app", event(p, "open", "track", "Application Opened", null, app, t.plusMillis(5), null,
                    null, null) });
            out.add(new String[] { "web", event(p, "identify", "identify", null, user, web, t.plusMillis(10),
                    "{\"email\":\"" + email + "\"}", null, null) });
            out.add(new String[] { "app", event(p, "signup", "track", "Signed Up", null, app, t.plusMillis(20), null,
                    "{\"traits\":{\"email\":\"" + email.toUpperCase() + "\"}}", null) });
            out.add(new String[] { "app", event(p, "phone", "identify", null, user, null, t.plusMillis(30),
                    "{\"phone\":\"" + phone + "\"}", null, null) });
            out.add(new String[] { "contact_center", event(p, "call", "track", "Contact Started", null, "caller:" + phone,
                    t.plusMillis(40), null, "{\"externalIds\":[{\"id\":\"" + phone
                            + "\",\"type\":\"caller_id\",\"collection\":\"users\",\"encoding\":\"none\"}]}", null) });
            out.add(new String[] { "server", event(p, "order", "track", "Order Completed", user, null, t.plusMillis(50), null,
                    null, "{\"order_id\":\"o-" + p + "\",\"revenue\":" + (10 + p % 90) + ".5}") });
            if (p % 5 == 0) {
                out.add(new String[] { "app", event(p, "other", "track", "Logged In", run + "-other-" + p, app,
                        t.plusMillis(60), null, null, null) });
            }
            return out;
        }

        String event(long p, String label, String type, String event, String userId, String anonymousId, Instant at,
                String traits, String context, String properties) {
            StringBuilder s = new StringBuilder(320).append("{\"type\":\"").append(type).append('"');
            if (event != null) {
                s.append(",\"event\":\"").append(event).append('"');
            }
            if (userId != null) {
                s.append(",\"userId\":\"").append(userId).append('"');
            }
            if (anonymousId != null) {
                s.append(",\"anonymousId\":\"").append(anonymousId).append('"');
            }
            s.append(",\"messageId\":\"").append(run).append('-').append(label).append('-').append(p).append('"');
            s.append(",\"timestamp\":\"").append(at).append('"');
            if (traits != null) {
                s.append(",\"traits\":").append(traits);
            }
            if (properties != null) {
                s.append(",\"properties\":").append(properties);
            }
            if (context != null) {
                s.append(",\"context\":").append(context);
            }
            return s.append('}').toString();
        }

        @Override
        public void close() {
            tick.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The Redis server's pid, from INFO (the stack starts it as a child of its own process). */
    static long redisPid(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("INFO server\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("process_id:")) {
                    return Long.parseLong(line.substring("process_id:".length()).trim());
                }
            }
        }
        throw new IllegalStateException("Redis did not say its process_id");
    }

    /** deploy/bench/journey/run.sh's median, its output passed through indented. */
    static double journeyRate(String journeyArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("deploy/bench/journey/run.sh").toString()));
        command.addAll(List.of(journeyArgs.trim().split("\\s+")));
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        Double rate = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            Pattern median = Pattern.compile("^median of \\d+ runs: (\\d+) events/s");
            while ((line = in.readLine()) != null) {
                System.out.println("    journey: " + line);
                Matcher m = median.matcher(line);
                if (m.find()) {
                    rate = Double.parseDouble(m.group(1));
                }
            }
        }
        int exit = p.waitFor();
        if (exit != 0 || rate == null) {
            throw new IllegalStateException("deploy/bench/journey/run.sh " + journeyArgs + " failed (exit " + exit + ")");
        }
        return rate;
    }

    /** The machine is shared: each measured part waits for a quiet moment and records the load it had. */
    static final class Load {
        static double awaitQuiet() throws Exception {
            double max = Double.parseDouble(env("BENCH_MAX_LOAD", "2"));
            long deadline = System.nanoTime() + Duration.ofSeconds(intEnv("BENCH_LOAD_WAIT_S", 600)).toNanos();
            double load = now();
            while (load >= max && System.nanoTime() < deadline) {
                Thread.sleep(10_000);
                load = now();
            }
            return load;
        }

        static double now() throws Exception {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        }
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, String.valueOf(fallback)));
    }
}
