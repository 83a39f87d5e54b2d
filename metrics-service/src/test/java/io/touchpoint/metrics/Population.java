package io.touchpoint.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A seeded population of customers for the test-profile funnel {@code population} (p-aware → p-consider → p-buy
 * → p-loyal, window 7 days): stage entries over channels and time (some corrected later, some split over two
 * customer ids and merged, some erased at the end), and KPI events. It knows the truth (each person's first
 * entry per stage, their KPI events) and computes the expected answers from it with its own code, following
 * deploy/contracts/tracking-plan.md and the README's definitions; nothing is taken from the service.
 * All times are on a half-hour grid relative to {@code now} and every step's deadline is at least 30 minutes
 * away from {@code now}, so whether a step has dropped cannot change while the test runs.
 */
final class Population {

    static final String FUNNEL = "population";
    static final List<String> STAGES = List.of("p-aware", "p-consider", "p-buy", "p-loyal");
    static final Duration WINDOW = Duration.ofDays(7);
    static final List<String> CHANNELS = List.of("web", "app", "social", "contact_center", "email", "store");
    /** The documented bucket bounds (README), seconds. */
    static final List<Long> TTC_BOUNDS = List.of(60L, 300L, 900L, 3_600L, 10_800L, 21_600L, 43_200L, 86_400L,
            172_800L, 259_200L, 604_800L, 1_209_600L, 2_592_000L);
    static final List<String> SOCIAL = List.of("Mention", "Comment", "Like", "Share", "Direct Message");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Entry(String stage, Instant at, String channel) {
    }

    record Kpi(String messageId, String userId, String event, Instant at, String channel, ObjectNode properties) {
    }

    static final class Person {
        final int index;
        final String id;
        String absorbedId;
        boolean erased;
        final Map<String, Entry> truth = new LinkedHashMap<>();
        final List<Kpi> kpis = new ArrayList<>();

        Person(int index, String id) {
            this.index = index;
            this.id = id;
        }

        Instant first() {
            return truth.values().stream().map(Entry::at).min(Comparator.naturalOrder()).orElseThrow();
        }

        /** The latest stage entered at or before the time (ties: the larger stage name). */
        String stageAt(Instant at) {
            return truth.values().stream().filter(e -> !e.at().isAfter(at))
                    .max(Comparator.comparing(Entry::at).thenComparing(Entry::stage)).map(Entry::stage)
                    .orElse("unknown");
        }
    }

    final Instant now;
    final List<Person> people = new ArrayList<>();
    final List<ProducerRecord<String, String>> transitions = new ArrayList<>();
    final List<ProducerRecord<String, String>> erasures = new ArrayList<>();
    final List<ProducerRecord<String, String>> touchpoints = new ArrayList<>();

    Population(long seed, int size, Instant now) {
        this.now = now.truncatedTo(ChronoUnit.MILLIS);
        Random rng = new Random(seed);
        Instant latest = this.now.minus(Duration.ofMinutes(30));
        for (int i = 0; i < size; i++) {
            Person p = new Person(i, new UUID(rng.nextLong(), rng.nextLong()).toString());
            people.add(p);
            int depth = pick(rng, new int[] { 40, 25, 20, 15 }) + 1;
            Instant t = latest.minus(Duration.ofHours(rng.nextInt(20 * 24)));
            List<Entry> entries = new ArrayList<>();
            entries.add(new Entry(STAGES.get(0), t, CHANNELS.get(rng.nextInt(CHANNELS.size()))));
            for (int k = 1; k < depth; k++) {
                t = t.plus(Duration.ofHours(1 + rng.nextInt(k == 1 ? 200 : 100)));
                if (t.isAfter(latest)) {
                    break;
                }
                entries.add(new Entry(STAGES.get(k), t, CHANNELS.get(rng.nextInt(CHANNELS.size()))));
            }
            entries.forEach(e -> p.truth.put(e.stage(), e));
            boolean split = i % 17 == 0;
            boolean corrected = !split && i % 23 == 0;
            p.erased = i % 31 == 0;
            if (split) {
                p.absorbedId = new UUID(rng.nextLong(), rng.nextLong()).toString();
                for (int k = 0; k < entries.size(); k++) {
                    String owner = k % 2 == 0 ? p.absorbedId : p.id;
                    transitions.add(stageEntered(owner, entries.get(k), userOf(p, owner)));
                }
                // the survivor saw the first stage too, later and elsewhere: the person's first entry is the absorbed one's
                Entry first = entries.get(0);
                transitions.add(stageEntered(p.id, new Entry(first.stage(), first.at().plus(Duration.ofHours(2)),
                        other(first.channel())), userOf(p, p.id)));
                transitions.add(record(p.id, """
                        {"schemaVersion":1,"transitionId":"customer_merged:%s:%s","kind":"customer_merged",\
                        "customerId":"%s","at":"%s","causeMessageId":"m-%s","absorbedCustomerId":"%s"}"""
                        .formatted(p.id, p.absorbedId, p.id, this.now, p.index, p.absorbedId)));
            } else {
                for (int k = 0; k < entries.size(); k++) {
                    Entry e = entries.get(k);
                    if (k == 0 && corrected) {
                        // first seen 3 hours late through another channel, then corrected by a late touchpoint
                        Instant seen = e.at().plus(Duration.ofHours(3));
                        transitions.add(stageEntered(p.id, new Entry(e.stage(), seen, other(e.channel())),
                                userOf(p, p.id)));
                        transitions.add(record(p.id, """
                                {"schemaVersion":1,"transitionId":"stage_corrected:%s:%s:late-%s",\
                                "kind":"stage_corrected","customerId":"%s","at":"%s","previousAt":"%s",\
                                "stage":"%s","previousStage":null,"channel":"%s","sourceId":"dev-web",\
                                "causeMessageId":"late-%s","userId":"%s","anonymousId":null,"absorbedCustomerId":null}"""
                                .formatted(p.id, e.stage(), p.index, p.id, e.at(), seen, e.stage(), e.channel(), p.index,
                                        userOf(p, p.id))));
                    } else {
                        transitions.add(stageEntered(p.id, e, userOf(p, p.id)));
                    }
                }
            }
            kpis(rng, p, latest);
            if (p.erased) {
                erasures.add(record(p.id, """
                        {"schemaVersion":1,"transitionId":"customer_erased:%s","kind":"customer_erased",\
                        "customerId":"%s","at":"%s"}""".formatted(p.id, p.id, this.now)));
            }
        }
    }

    private void kpis(Random rng, Person p, Instant latest) {
        List<String[]> events = new ArrayList<>();
        if (rng.nextInt(100) < 60) {
            int score = rng.nextInt(100) < 4 ? 11 : rng.nextInt(11);
            events.add(new String[] { "Survey Completed", "{\"surveyType\":\"nps\",\"score\":" + score + "}" });
        }
        if (rng.nextInt(100) < 50) {
            int score = rng.nextInt(100) < 4 ? 0 : 1 + rng.nextInt(5);
            events.add(new String[] { "Survey Completed", "{\"surveyType\":\"csat\",\"score\":" + score + "}" });
        }
        if (rng.nextInt(100) < 30) {
            events.add(new String[] { "Survey Completed", "{\"surveyType\":\"ces\",\"score\":" + (1 + rng.nextInt(7)) + "}" });
        }
        if (rng.nextInt(100) < 40) {
            events.add(new String[] { "Case Resolved", "{\"caseId\":\"c-" + p.index + "\",\"contactCount\":"
                    + (1 + rng.nextInt(3)) + ",\"resolutionSeconds\":" + (30 + rng.nextInt(200_000)) + "}" });
        }
        if (p.truth.containsKey("p-buy")) {
            int orders = 1 + rng.nextInt(2);
            for (int o = 0; o < orders; o++) {
                events.add(new String[] { "Order Completed", "{\"order_id\":\"o-" + p.index + "-" + o
                        + "\",\"revenue\":" + (rng.nextInt(50_000) / 100.0) + ",\"currency\":\"EUR\"}" });
            }
        }
        if (rng.nextInt(100) < 10) {
            events.add(new String[] { "Subscription Cancelled", "{\"reason\":\"price\"}" });
        }
        int social = rng.nextInt(3);
        for (int s = 0; s < social; s++) {
            events.add(new String[] { SOCIAL.get(rng.nextInt(SOCIAL.size())), "{\"platform\":\"twitter\"}" });
        }
        Instant first = p.first();
        long span = Duration.between(first, latest).toMillis();
        for (int j = 0; j < events.size(); j++) {
            Instant at = first.plusMillis(span == 0 ? 0 : rng.nextLong(span + 1));
            String user = p.absorbedId != null && rng.nextBoolean() ? userOf(p, p.absorbedId) : userOf(p, p.id);
            String channel = CHANNELS.get(rng.nextInt(CHANNELS.size()));
            try {
                Kpi kpi = new Kpi("pop-" + p.index + "-" + j, user, events.get(j)[0], at, channel,
                        (ObjectNode) JSON.readTree(events.get(j)[1]));
                p.kpis.add(kpi);
                touchpoints.add(new ProducerRecord<>(Records.TOUCHPOINTS, user, JSON.writeValueAsString(touchpoint(kpi))));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static ObjectNode touchpoint(Kpi k) {
        ObjectNode n = JSON.createObjectNode();
        n.put("schemaVersion", 1).put("messageId", k.messageId()).put("type", "track").put("event", k.event())
                .put("channel", k.channel()).put("sourceId", "dev-web").put("userId", k.userId()).putNull("anonymousId")
                .putNull("previousId").putNull("groupId").putNull("traits");
        n.set("properties", k.properties());
        n.putNull("context");
        n.putNull("integrations");
        n.put("originalTimestamp", k.at().toString()).putNull("sentAt").put("receivedAt", k.at().toString())
                .put("timestamp", k.at().toString());
        return n;
    }

    private static String userOf(Person p, String customerId) {
        return customerId.equals(p.id) ? "pop-user-" + p.index : "pop-user-" + p.index + "-a";
    }

    private static String other(String channel) {
        return CHANNELS.get((CHANNELS.indexOf(channel) + 1) % CHANNELS.size());
    }

    private static ProducerRecord<String, String> stageEntered(String customerId, Entry e, String userId) {
        return record(customerId, """
                {"schemaVersion":1,"transitionId":"stage_entered:%s:%s","kind":"stage_entered","customerId":"%s",\
                "at":"%s","stage":"%s","previousStage":null,"channel":"%s","sourceId":"dev-web",\
                "causeMessageId":"cause-%s-%s","userId":"%s","anonymousId":null,"absorbedCustomerId":null}"""
                .formatted(customerId, e.stage(), customerId, e.at(), e.stage(), e.channel(), customerId, e.stage(),
                        userId));
    }

    private static ProducerRecord<String, String> record(String key, String value) {
        return new ProducerRecord<>(TransitionRecords.TOPIC, key, value);
    }

    private static int pick(Random rng, int[] weights) {
        int r = rng.nextInt(100);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    List<Person> live() {
        return people.stream().filter(p -> !p.erased).toList();
    }

    // ---- expected answers, computed from the truth ----

    /** One line per step, the same shape {@link #describeSteps} gives the service's answer. */
    List<String> expectedFunnel(String channel, LocalDate from, LocalDate to) {
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < STAGES.size(); k++) {
            String stage = STAGES.get(k);
            long entered = 0;
            long converted = 0;
            long dropped = 0;
            long sumMs = 0;
            long[] buckets = new long[TTC_BOUNDS.size() + 1];
            for (Person p : live()) {
                Entry e = p.truth.get(stage);
                if (e == null || (channel != null && !channel.equals(e.channel())) || !inRange(e.at(), from, to)) {
                    continue;
                }
                entered++;
                if (k == STAGES.size() - 1) {
                    continue;
                }
                Entry next = p.truth.get(STAGES.get(k + 1));
                if (next != null && !next.at().isBefore(e.at())) {
                    converted++;
                    long ms = Duration.between(e.at(), next.at()).toMillis();
                    sumMs += ms;
                    buckets[bucket(ms / 1000.0)]++;
                } else if (!e.at().plus(WINDOW).isAfter(now)) {
                    dropped++;
                }
            }
            if (k == STAGES.size() - 1) {
                lines.add(stage + " entered=" + entered);
            } else {
                StringBuilder cumulative = new StringBuilder();
                long c = 0;
                for (long b : buckets) {
                    c += b;
                    cumulative.append(c).append(' ');
                }
                lines.add(stage + " entered=" + entered + " converted=" + converted + " inProgress="
                        + (entered - converted - dropped) + " dropped=" + dropped + " ttc=" + cumulative.toString().trim()
                        + " mean=" + (converted == 0 ? "null" : String.format("%.3f", sumMs / 1000.0 / converted)));
            }
        }
        return lines;
    }

    @SuppressWarnings("unchecked")
    static List<String> describeSteps(List<Map<String, Object>> steps) {
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> s : steps) {
            if (s.get("convertedToNext") == null) {
                lines.add(s.get("stage") + " entered=" + whole(s.get("entered")));
                continue;
            }
            Map<String, Object> ttc = (Map<String, Object>) s.get("timeToConvert");
            StringBuilder cumulative = new StringBuilder();
            for (Map<String, Object> b : (List<Map<String, Object>>) ttc.get("buckets")) {
                cumulative.append(((Number) b.get("count")).longValue()).append(' ');
            }
            Number mean = (Number) ttc.get("meanSeconds");
            lines.add(s.get("stage") + " entered=" + whole(s.get("entered")) + " converted="
                    + whole(s.get("convertedToNext")) + " inProgress=" + whole(s.get("inProgress")) + " dropped="
                    + whole(s.get("dropped")) + " ttc="
                    + cumulative.toString().trim() + " mean="
                    + (mean == null ? "null" : String.format("%.3f", mean.doubleValue())));
        }
        return lines;
    }

    private static long whole(Object number) {
        return ((Number) number).longValue();
    }

    /** The KPIs of the live people's events that match the filters, as one comparable line. */
    String expectedKpis(String stage, String channel, LocalDate from, LocalDate to) {
        Predicate<Kpi> matches = k -> (channel == null || channel.equals(k.channel())) && inRange(k.at(), from, to);
        long npsN = 0, promoters = 0, passives = 0, detractors = 0, invalidNps = 0;
        long csatN = 0, satisfied = 0, csatSum = 0, invalidCsat = 0, cesN = 0, cesSum = 0;
        long cases = 0, firstContact = 0, resolutions = 0, resolutionMs = 0;
        long cents = 0, orders = 0, payers = 0, churned = 0, cancellations = 0, social = 0;
        for (Person p : live()) {
            Kpi firstOrder = null;
            Kpi firstCancel = null;
            for (Kpi k : p.kpis) {
                boolean here = matches.test(k) && p.stageAt(k.at()).equals(stage);
                String type = k.properties().path("surveyType").asText();
                int score = k.properties().path("score").asInt();
                switch (k.event()) {
                    case "Survey Completed" -> {
                        if (!here) {
                            break;
                        }
                        if (type.equals("nps")) {
                            if (score > 10) {
                                invalidNps++;
                            } else {
                                npsN++;
                                if (score >= 9) {
                                    promoters++;
                                } else if (score <= 6) {
                                    detractors++;
                                } else {
                                    passives++;
                                }
                            }
                        } else if (type.equals("csat")) {
                            if (score < 1) {
                                invalidCsat++;
                            } else {
                                csatN++;
                                csatSum += score;
                                satisfied += score >= 4 ? 1 : 0;
                            }
                        } else {
                            cesN++;
                            cesSum += score;
                        }
                    }
                    case "Case Resolved" -> {
                        if (here) {
                            cases++;
                            firstContact += k.properties().path("contactCount").asInt() == 1 ? 1 : 0;
                            resolutions++;
                            resolutionMs += k.properties().path("resolutionSeconds").asLong() * 1000;
                        }
                    }
                    case "Order Completed" -> {
                        if (here) {
                            orders++;
                            cents += Math.round(k.properties().path("revenue").asDouble() * 100);
                        }
                        if (firstOrder == null || k.at().isBefore(firstOrder.at())) {
                            firstOrder = k;
                        }
                    }
                    case "Subscription Cancelled" -> {
                        if (here) {
                            cancellations++;
                        }
                        if (firstCancel == null || k.at().isBefore(firstCancel.at())) {
                            firstCancel = k;
                        }
                    }
                    default -> social += here ? 1 : 0;
                }
            }
            // distinct customers count once, in the bucket of their first such event
            if (firstOrder != null && matches.test(firstOrder) && p.stageAt(firstOrder.at()).equals(stage)) {
                payers++;
            }
            if (firstCancel != null && matches.test(firstCancel) && p.stageAt(firstCancel.at()).equals(stage)) {
                churned++;
            }
        }
        return kpiLine(npsN == 0 ? null : 100.0 * (promoters - detractors) / npsN, npsN, promoters, passives, detractors,
                csatN == 0 ? null : 100.0 * satisfied / csatN, csatN == 0 ? null : (double) csatSum / csatN, csatN,
                cesN == 0 ? null : (double) cesSum / cesN, cesN,
                cases == 0 ? null : 100.0 * firstContact / cases, cases, firstContact,
                resolutions == 0 ? null : resolutionMs / 1000.0 / resolutions, resolutions,
                churned, cancellations, payers == 0 ? null : cents / 100.0 / payers, cents / 100.0, payers, orders,
                social, invalidNps, invalidCsat);
    }

    static String kpiLine(Object... values) {
        StringBuilder line = new StringBuilder();
        String[] names = { "nps", "npsN", "promoters", "passives", "detractors", "csat", "csatMean", "csatN", "ces",
                "cesN", "fcr", "cases", "firstContact", "resolutionMean", "resolutions", "churned", "cancellations",
                "clv", "revenue", "payers", "orders", "social", "invalidNps", "invalidCsat" };
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            String text = v == null ? "null" : v instanceof Double d ? String.format("%.4f", d)
                    : String.valueOf(((Number) v).longValue());
            line.append(names[i]).append('=').append(text).append(' ');
        }
        return line.toString().trim();
    }

    long liveEntries() {
        return live().stream().mapToLong(p -> p.truth.size()).sum();
    }

    long reachedBaseStage() {
        return live().stream().filter(p -> p.truth.containsKey("p-buy")).count();
    }

    private static boolean inRange(Instant at, LocalDate from, LocalDate to) {
        if (from == null) {
            return true;
        }
        LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
        return !day.isBefore(from) && !day.isAfter(to);
    }

    private static int bucket(double seconds) {
        for (int i = 0; i < TTC_BOUNDS.size(); i++) {
            if (seconds <= TTC_BOUNDS.get(i)) {
                return i;
            }
        }
        return TTC_BOUNDS.size();
    }
}
