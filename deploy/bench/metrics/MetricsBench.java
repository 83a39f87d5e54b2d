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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.touchpoint.stack.StackProcess;

/**
 * Counting throughput of metrics-service: journey.transitions.v1 and touchpoints.v1 records counted per second,
 * beside the journey bench's stitching rate measured in the same run.
 *
 * <p>Per run: a fresh embedded stack (Kafka + Redis, deploy/stack); a backlog of the module tests' identity mix
 * (Population.java: per customer three stage entries over six channels and 20 days, every 17th split over two
 * ids and merged, every 23rd first seen late and corrected, every 31st erased at the end; three KPI touchpoints
 * per customer keyed by userId) produced BEFORE the service starts; then the packaged metrics-service (prod
 * profile, own JVM) counts it. Rate = records counted between the first progress sample past the warm-up and
 * the last sample before the end / the time between them, from the service's own counters
 * (touchpoint_metrics_*_total on /q/metrics, sampled every second), so start-up, group join and (with a warm-up)
 * JIT compilation are not counted. Redis CPU per record from /proc/&lt;redis pid&gt;/stat over the same window.
 * Then deploy/bench/journey/run.sh with JOURNEY_ARGS (one run) gives the reference. Run by run.sh; args:
 * customers runs warm-up-records.
 */
public class MetricsBench {

    static final List<String> STAGES = List.of("awareness", "consideration", "purchase");
    static final List<String> CHANNELS = List.of("web", "app", "social", "contact_center", "email", "store");
    static final Path ROOT = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();

    record Result(double recordsPerSecond, double redisMicrosPerRecord, double serviceMicrosPerRecord, long records,
            long measured, double seconds) {
    }

    record Sample(long nanos, double records, long redisTicks, Duration serviceCpu, Map<String, Long> threadTicks) {
    }

    public static void main(String[] args) throws Exception {
        int customers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // the first `warmup` records counted are not measured (the service's JIT compiler settling), as in the
        // journey bench
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        String journeyArgs = System.getenv().getOrDefault("JOURNEY_ARGS", "200000 1 100000");
        boolean journey = !"0".equals(System.getenv("JOURNEY"));
        Path jar = Path.of(System.getProperty("metrics.jar"));
        List<Result> results = new ArrayList<>();
        List<Double> journeyRates = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double load = awaitQuietMachine();
            Result r = run(jar, customers, warmup, run);
            results.add(r);
            String loadLine = String.format("%.1f", load);
            System.out.printf("run %d: metrics-service counted %d records; %.0f of them in %.2f s after %d of warm-up:"
                    + " %.0f records/s, Redis %.1f µs and the service %.1f µs of CPU per record%n", run, r.records(),
                    (double) r.measured(), r.seconds(), warmup, r.recordsPerSecond(), r.redisMicrosPerRecord(),
                    r.serviceMicrosPerRecord());
            if (journey) {
                // the pair is measured back to back: no second wait between them
                loadLine += String.format(" / %.1f", loadAverage());
                double j = journeyRate(journeyArgs);
                journeyRates.add(j);
                System.out.printf("run %d: journey-service stitched %.0f events/s (run.sh %s)%n", run, j, journeyArgs);
            }
            loads.add(loadLine);
        }
        System.out.println();
        System.out.printf("metrics-service: %d customers, %d records per run (transitions + KPI touchpoints), measured"
                + " after %d; journey: run.sh %s%n", customers, results.get(0).records(), warmup,
                journey ? journeyArgs : "skipped");
        System.out.println("| run | load average before (metrics / journey) | metrics records/s | Redis CPU µs/record |"
                + " service CPU µs/record | journey events/s | ratio |");
        System.out.println("|---|---|---|---|---|---|---|");
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            String j = journey ? String.format("%.0f", journeyRates.get(i)) : "–";
            String ratio = "–";
            if (journey) {
                ratios.add(r.recordsPerSecond() / journeyRates.get(i));
                ratio = String.format("%.2f×", ratios.get(i));
            }
            System.out.printf("| %d | %s | %.0f | %.1f | %.1f | %s | %s |%n", i + 1, loads.get(i), r.recordsPerSecond(),
                    r.redisMicrosPerRecord(), r.serviceMicrosPerRecord(), j, ratio);
        }
        System.out.printf("| median | | %.0f | %.1f | %.1f | %s | %s |%n",
                median(results.stream().map(Result::recordsPerSecond).toList()),
                median(results.stream().map(Result::redisMicrosPerRecord).toList()),
                median(results.stream().map(Result::serviceMicrosPerRecord).toList()),
                journey ? String.format("%.0f", median(journeyRates)) : "–",
                journey ? String.format("%.2f×", median(ratios)) : "–");
    }

    /**
     * The machine is shared: before each run, wait (at most BENCH_LOAD_WAIT_S, 600) until the 1-minute load
     * average is below BENCH_MAX_LOAD (2); the load it had is printed in the table.
     */
    static double awaitQuietMachine() throws Exception {
        double max = Double.parseDouble(System.getenv().getOrDefault("BENCH_MAX_LOAD", "2"));
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(
                System.getenv().getOrDefault("BENCH_LOAD_WAIT_S", "600"))).toNanos();
        double load = loadAverage();
        while (load >= max && System.nanoTime() < deadline) {
            Thread.sleep(10_000);
            load = loadAverage();
        }
        return load;
    }

    static double loadAverage() throws Exception {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static Result run(Path jar, int customers, int warmup, int run) throws Exception {
        try (StackProcess stack = StackProcess.builder().kafka().redis().start()) {
            Backlog backlog = new Backlog(customers, 20261203L + run, Instant.now());
            produce(stack.kafkaBootstrap(), backlog.transitions);
            produce(stack.kafkaBootstrap(), backlog.touchpoints);
            produce(stack.kafkaBootstrap(), backlog.erasures);
            long records = backlog.transitions.size() + backlog.touchpoints.size() + backlog.erasures.size();
            long redisPid = redisPid(stack.redisPort());
            int port = StackProcess.freePort();
            String token = "bench-" + UUID.randomUUID();
            Process service = startService(jar, stack, port, token, run);
            HttpClient http = HttpClient.newHttpClient();
            try {
                // Progress is sampled once a second (a scrape of /q/metrics costs the service CPU: every 50 ms
                // it took a fifth of it); the rate is taken between the first sample past the warm-up and the
                // last sample before the end, so it needs no end detection finer than the samples.
                long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
                Sample first = null;
                Sample last = null;
                double counted = 0;
                while (System.nanoTime() < deadline && service.isAlive()) {
                    counted = counted(http, port);
                    if (counted >= records) {
                        break;
                    }
                    if (counted > Math.max(0, warmup)) {
                        Sample now = new Sample(System.nanoTime(), counted, cpuTicks(redisPid),
                                service.toHandle().info().totalCpuDuration().orElse(Duration.ZERO),
                                ticksByThread(service.pid()));
                        if (first == null) {
                            first = now;
                        }
                        last = now;
                    }
                    Thread.sleep(1000);
                }
                if (counted < records) {
                    throw new IllegalStateException("only " + counted + " of " + records + " records counted; see "
                            + logFile(run));
                }
                if (first == null || last == first || last.nanos() - first.nanos() < 4_000_000_000L) {
                    throw new IllegalStateException("counted too fast to measure between samples: use more customers"
                            + " or a smaller warm-up");
                }
                double seconds = (last.nanos() - first.nanos()) / 1e9;
                double measured = last.records() - first.records();
                double redisSeconds = (last.redisTicks() - first.redisTicks()) / 100.0;
                double serviceSeconds = last.serviceCpu().minus(first.serviceCpu()).toNanos() / 1e9;
                printThreads(first, last, measured);
                printRedisCommands(stack.redisPort(), records);
                checkCounts(http, port, token, backlog);
                return new Result(measured / seconds, redisSeconds * 1e6 / measured, serviceSeconds * 1e6 / measured,
                        records, (long) measured, seconds);
            } finally {
                service.destroy();
                service.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A sanity check that the count is right, not only fast: every live customer entered the first stage. */
    static void checkCounts(HttpClient http, int port, String token, Backlog backlog) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/funnels/lifecycle")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"stage\":\"awareness\",\"entered\":(\\d+)").matcher(r.body());
        long entered = m.find() ? Long.parseLong(m.group(1)) : -1;
        if (entered != backlog.liveCustomers) {
            throw new IllegalStateException("lifecycle awareness entered = " + entered + ", expected "
                    + backlog.liveCustomers + ": " + r.body());
        }
    }

    /** Records consumed so far by both consumers, from the service's own counters. */
    static double counted(HttpClient http, int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            double total = 0;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("touchpoint_metrics_transitions_total{")
                        || line.startsWith("touchpoint_metrics_touchpoints_total{")) {
                    total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return total;
        } catch (Exception e) {
            return 0; // not listening yet
        }
    }

    /** The Redis server's pid, from INFO (the stack starts it as a child of its own process). */
    static long redisPid(int port) throws Exception {
        for (String line : redisInfo(port, "server")) {
            if (line.startsWith("process_id:")) {
                return Long.parseLong(line.substring("process_id:".length()).trim());
            }
        }
        throw new IllegalStateException("Redis did not say its process_id");
    }

    /**
     * Where Redis spent its time over the whole run, per record: INFO commandstats counts the commands a script
     * runs too (and the script call itself, its usec including theirs).
     */
    static void printRedisCommands(int port, long records) throws Exception {
        Pattern stat = Pattern.compile("^cmdstat_([a-z]+):calls=(\\d+),usec=(\\d+)");
        List<String[]> rows = new ArrayList<>();
        for (String line : redisInfo(port, "commandstats")) {
            Matcher m = stat.matcher(line);
            if (m.find()) {
                rows.add(new String[] { m.group(1), m.group(2), m.group(3) });
            }
        }
        rows.sort((a, b) -> Long.compare(Long.parseLong(b[2]), Long.parseLong(a[2])));
        StringBuilder out = new StringBuilder("  Redis commands per record (calls, µs):");
        for (String[] r : rows) {
            double calls = Double.parseDouble(r[1]) / records;
            if (calls >= 0.05) {
                out.append(String.format(" %s %.2f, %.1f;", r[0], calls, Double.parseDouble(r[2]) / records));
            }
        }
        System.out.println(out);
    }

    /** One INFO section, read with a bare RESP request (the bench's classpath has no Redis client). */
    static List<String> redisInfo(int port, String section) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("INFO " + section + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String header = in.readLine(); // $<length>
            int length = Integer.parseInt(header.substring(1));
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return List.of(new String(body, 0, read).split("\r\n"));
        }
    }

    /** The service's CPU ticks by thread name (numbers dropped, so pools add up), from /proc. */
    static Map<String, Long> ticksByThread(long pid) {
        Map<String, Long> out = new java.util.TreeMap<>();
        File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        for (File task : tasks == null ? new File[0] : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            } catch (Exception e) {
                // the thread ended meanwhile
            }
        }
        return out;
    }

    /** Where the service's CPU went in the measured window: µs per record by thread, the larger ones. */
    static void printThreads(Sample first, Sample last, double records) {
        StringBuilder line = new StringBuilder("  service CPU by thread, µs per record:");
        last.threadTicks().forEach((name, ticks) -> {
            double micros = (ticks - first.threadTicks().getOrDefault(name, 0L)) * 10_000.0 / records;
            if (micros >= 2) {
                line.append(String.format(" %s %.0f;", name, micros));
            }
        });
        System.out.println(line);
    }

    /** utime + stime of a process, fields 14 and 15 of /proc/pid/stat, in clock ticks (100 per second). */
    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
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

    static File logFile(int run) {
        return new File(System.getProperty("java.io.tmpdir"), "metrics-bench-run" + run + ".log");
    }

    static Process startService(Path jar, StackProcess stack, int port, String token, int run) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        String extra = System.getenv("METRICS_JVM_ARGS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap());
        env.put("TOUCHPOINT_REDIS_URL", stack.redisUrl());
        env.put("TOUCHPOINT_API_TOKEN", token);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        pb.redirectErrorStream(true).redirectOutput(logFile(run));
        return pb.start();
    }

    static void produce(String bootstrap, List<String[]> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            List<Future<?>> sent = new ArrayList<>();
            for (String[] r : records) {
                sent.add(producer.send(new ProducerRecord<>(r[0], r[1], r[2])));
            }
            for (Future<?> f : sent) {
                f.get(120, TimeUnit.SECONDS);
            }
        }
    }

    /** The identity mix of metrics-service's Population test, on the default funnels' stages. Records: topic, key, value. */
    static final class Backlog {
        final List<String[]> transitions = new ArrayList<>();
        final List<String[]> touchpoints = new ArrayList<>();
        final List<String[]> erasures = new ArrayList<>();
        long liveCustomers;

        Backlog(int customers, long seed, Instant now) {
            Random rng = new Random(seed);
            Instant latest = now.truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofMinutes(30));
            String run = Long.toString(seed, 36);
            for (int i = 0; i < customers; i++) {
                String id = new UUID(rng.nextLong(), rng.nextLong()).toString();
                String user = "bench-" + run + "-user-" + i;
                Instant t = latest.minus(Duration.ofHours(rng.nextInt(20 * 24)));
                boolean split = i % 17 == 0;
                boolean corrected = !split && i % 23 == 0;
                String absorbed = split ? new UUID(rng.nextLong(), rng.nextLong()).toString() : null;
                for (int k = 0; k < STAGES.size(); k++) {
                    if (k > 0) {
                        t = t.plus(Duration.ofMinutes(1 + rng.nextInt(60 * 24 * 5)));
                    }
                    String channel = CHANNELS.get(rng.nextInt(CHANNELS.size()));
                    String owner = split && k % 2 == 0 ? absorbed : id;
                    String ownerUser = owner.equals(id) ? user : user + "-a";
                    if (k == 0 && corrected) {
                        Instant seen = t.plus(Duration.ofHours(3));
                        transitions.add(stageEntered(owner, STAGES.get(k), seen, other(channel), ownerUser));
                        transitions.add(new String[] { "journey.transitions.v1", owner, """
                                {"schemaVersion":1,"transitionId":"stage_corrected:%s:%s:late","kind":"stage_corrected",\
                                "customerId":"%s","at":"%s","previousAt":"%s","stage":"%s","previousStage":null,\
                                "channel":"%s","sourceId":"bench","causeMessageId":"late-%s","userId":"%s","anonymousId":null,\
                                "absorbedCustomerId":null}""".formatted(owner, STAGES.get(k), owner, t, seen, STAGES.get(k),
                                channel, owner, ownerUser) });
                    } else {
                        transitions.add(stageEntered(owner, STAGES.get(k), t, channel, ownerUser));
                    }
                }
                if (split) {
                    transitions.add(new String[] { "journey.transitions.v1", id, """
                            {"schemaVersion":1,"transitionId":"customer_merged:%s:%s","kind":"customer_merged",\
                            "customerId":"%s","at":"%s","causeMessageId":"m-%s","absorbedCustomerId":"%s"}"""
                            .formatted(id, absorbed, id, now, i, absorbed) });
                }
                for (int j = 0; j < 3; j++) {
                    Instant at = latest.minus(Duration.ofMinutes(rng.nextInt(60 * 24 * 20)));
                    String channel = CHANNELS.get(rng.nextInt(CHANNELS.size()));
                    String event;
                    String properties;
                    switch (j) {
                        case 0 -> {
                            event = "Survey Completed";
                            properties = rng.nextBoolean() ? "{\"surveyType\":\"nps\",\"score\":" + rng.nextInt(11) + "}"
                                    : "{\"surveyType\":\"csat\",\"score\":" + (1 + rng.nextInt(5)) + "}";
                        }
                        case 1 -> {
                            event = rng.nextBoolean() ? "Order Completed" : "Case Resolved";
                            properties = event.startsWith("Order")
                                    ? "{\"order_id\":\"o-" + i + "\",\"revenue\":" + rng.nextInt(50_000) / 100.0 + "}"
                                    : "{\"caseId\":\"c-" + i + "\",\"contactCount\":" + (1 + rng.nextInt(3))
                                            + ",\"resolutionSeconds\":" + (30 + rng.nextInt(200_000)) + "}";
                        }
                        default -> {
                            event = rng.nextInt(10) == 0 ? "Subscription Cancelled" : "Like";
                            properties = "{\"platform\":\"twitter\"}";
                        }
                    }
                    String kpiUser = split && rng.nextBoolean() ? user + "-a" : user;
                    touchpoints.add(new String[] { "touchpoints.v1", kpiUser, """
                            {"schemaVersion":1,"messageId":"bench-%s-%d-%d","type":"track","event":"%s","channel":"%s",\
                            "sourceId":"bench","userId":"%s","anonymousId":null,"properties":%s,"context":null,\
                            "receivedAt":"%s","timestamp":"%s"}""".formatted(run, i, j, event, channel, kpiUser,
                            properties, at, at) });
                }
                if (i % 31 == 0) {
                    erasures.add(new String[] { "journey.transitions.v1", id, """
                            {"schemaVersion":1,"transitionId":"customer_erased:%s","kind":"customer_erased",\
                            "customerId":"%s","at":"%s"}""".formatted(id, id, now) });
                } else {
                    liveCustomers++;
                }
            }
        }

        static String[] stageEntered(String customerId, String stage, Instant at, String channel, String userId) {
            return new String[] { "journey.transitions.v1", customerId, """
                    {"schemaVersion":1,"transitionId":"stage_entered:%s:%s","kind":"stage_entered","customerId":"%s",\
                    "at":"%s","stage":"%s","previousStage":null,"channel":"%s","sourceId":"bench",\
                    "causeMessageId":"cause-%s-%s","userId":"%s","anonymousId":null,"absorbedCustomerId":null}"""
                    .formatted(customerId, stage, customerId, at, stage, channel, customerId, stage, userId) };
        }

        static String other(String channel) {
            return CHANNELS.get((CHANNELS.indexOf(channel) + 1) % CHANNELS.size());
        }
    }
}
