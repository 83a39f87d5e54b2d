package io.touchpoint.journey.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The ordered journey stages, the rules that map touchpoints to them and the funnels built from them.
 *
 * <p>Rules are tried in order; the first whose conditions all hold decides the stage. Inside one
 * condition the listed values are alternatives; event names compare case-insensitively. Only
 * {@code track}, {@code page} and {@code screen} touchpoints are journey steps: identify, alias and
 * group events change identity, never the stage.
 */
public final class StageModel {

    /** Touchpoint types that can map to a stage; the others only carry identity. */
    public static final Set<String> STAGE_TYPES = Set.of("track", "page", "screen");
    static final Set<String> ALL_TYPES = Set.of("track", "identify", "page", "screen", "group", "alias");
    public static final Set<String> CHANNELS = Set.of("web", "app", "social", "contact_center", "email", "store", "server");

    private final List<String> stages;
    private final Map<String, Integer> order;
    private final List<Rule> rules;
    private final List<Funnel> funnels;

    private StageModel(List<String> stages, List<Rule> rules, List<Funnel> funnels) {
        this.stages = List.copyOf(stages);
        this.rules = List.copyOf(rules);
        this.funnels = List.copyOf(funnels);
        Map<String, Integer> o = new HashMap<>();
        for (int i = 0; i < stages.size(); i++) {
            o.put(stages.get(i), i);
        }
        this.order = Map.copyOf(o);
    }

    /**
     * Checks a model read from {@code source} and returns it, or throws a {@link StageModelException}
     * naming every problem.
     */
    public static StageModel of(String source, List<String> stages, List<Rule> rules, List<Funnel> funnels) {
        return of(source, stages, rules, funnels, List.of());
    }

    /** As {@link #of(String, List, List, List)}, adding problems the caller already found while reading. */
    static StageModel of(String source, List<String> stages, List<Rule> rules, List<Funnel> funnels,
            List<String> readProblems) {
        List<String> problems = new ArrayList<>(readProblems);
        List<String> stageList = stages == null ? List.of() : stages;
        if (stageList.isEmpty()) {
            problems.add("'stages' is empty: define at least one stage");
        }
        Set<String> known = new HashSet<>();
        for (String s : stageList) {
            if (s == null || s.isBlank()) {
                problems.add("a stage name is blank");
            } else if (!known.add(s)) {
                problems.add("stage '" + s + "' is listed twice");
            }
        }
        List<Rule> ruleList = rules == null ? List.of() : rules;
        if (ruleList.isEmpty()) {
            problems.add("'rules' is empty: without rules no touchpoint reaches a stage");
        }
        for (int i = 0; i < ruleList.size(); i++) {
            Rule r = ruleList.get(i);
            String at = "rule #" + (i + 1);
            if (r == null) {
                problems.add(at + " is null");
                continue;
            }
            if (r.stage() == null || !known.contains(r.stage())) {
                problems.add(at + " maps to unknown stage '" + r.stage() + "'");
            }
            if (r.requiresStage() != null && !known.contains(r.requiresStage())) {
                problems.add(at + " requires unknown stage '" + r.requiresStage() + "'");
            }
            if (isEmpty(r.types()) && isEmpty(r.events()) && isEmpty(r.eventPatterns()) && isEmpty(r.channels())
                    && isEmpty(r.properties())) {
                problems.add(at + " has no condition: give 'types', 'events', 'eventPatterns', 'channels' or 'properties'");
            }
            for (String p : nonNull(r.eventPatterns())) {
                try {
                    compile(p);
                } catch (PatternSyntaxException | NullPointerException e) {
                    problems.add(at + " has eventPattern '" + p + "' that is not a regular expression: "
                            + (e instanceof PatternSyntaxException x ? x.getDescription() : "null"));
                }
            }
            List<PropertyPredicate> predicates = r.properties() == null ? List.of() : r.properties();
            for (int j = 0; j < predicates.size(); j++) {
                PropertyPredicate p = predicates.get(j);
                String pat = at + " property predicate #" + (j + 1);
                if (p == null) {
                    problems.add(pat + " is null");
                } else {
                    p.problems().forEach(x -> problems.add(pat + " " + x));
                }
            }
            for (String t : nonNull(r.types())) {
                if (!STAGE_TYPES.contains(t)) {
                    problems.add(at + " names type '" + t + "'; only " + sorted(STAGE_TYPES) + " map to stages");
                }
            }
            for (String c : nonNull(r.channels())) {
                if (!CHANNELS.contains(c)) {
                    problems.add(at + " names unknown channel '" + c + "'; known: " + sorted(CHANNELS));
                }
            }
        }
        List<Funnel> funnelList = funnels == null ? List.of() : funnels;
        Set<String> funnelNames = new HashSet<>();
        for (Funnel f : funnelList) {
            if (f == null || f.name() == null || f.name().isBlank()) {
                problems.add("a funnel has no name");
                continue;
            }
            String at = "funnel '" + f.name() + "'";
            if (!funnelNames.add(f.name())) {
                problems.add(at + " is defined twice");
            }
            if (isEmpty(f.stages())) {
                problems.add(at + " has no stages");
                continue;
            }
            int last = -1;
            Set<String> seen = new HashSet<>();
            for (String s : f.stages()) {
                if (!known.contains(s)) {
                    problems.add(at + " names unknown stage '" + s + "'");
                    continue;
                }
                if (!seen.add(s)) {
                    problems.add(at + " lists stage '" + s + "' twice");
                }
                int idx = stageList.indexOf(s);
                if (idx < last) {
                    problems.add(at + " lists '" + s + "' out of the model's stage order");
                }
                last = Math.max(last, idx);
            }
            if (f.conversionWindow() == null) {
                if (problems.stream().noneMatch(p -> p.startsWith(at + " has conversionWindow"))) {
                    problems.add(at + " has no conversionWindow (ISO-8601 duration such as P14D)");
                }
            } else if (f.conversionWindow().isNegative() || f.conversionWindow().isZero()) {
                problems.add(at + " has a conversionWindow that is not positive");
            }
        }
        if (!problems.isEmpty()) {
            throw new StageModelException(source, problems);
        }
        return new StageModel(stageList, ruleList, funnelList);
    }

    public List<String> stages() {
        return stages;
    }

    public List<Rule> rules() {
        return rules;
    }

    public List<Funnel> funnels() {
        return funnels;
    }

    public Optional<Funnel> funnel(String name) {
        return funnels.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** Position of a stage in the model; -1 for a stage the model does not know (e.g. after a model change). */
    public int rank(String stage) {
        Integer i = order.get(stage);
        return i == null ? -1 : i;
    }

    /** The furthest of the given stages in model order, if any is known. */
    public Optional<String> furthest(Collection<String> reached) {
        String best = null;
        for (String s : reached) {
            if (rank(s) >= 0 && (best == null || rank(s) > rank(best))) {
                best = s;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The stage a touchpoint maps to, given the stages its customer had already reached before it.
     *
     * @return empty when no rule matches or the type never maps to a stage
     */
    public Optional<String> stageFor(String type, String event, String channel, Set<String> reachedBefore) {
        return stageFor(new TouchpointFacts(null, type, event, channel, null, null, null), reachedBefore);
    }

    /** As {@link #stageFor(String, String, String, Set)}, with the touchpoint's properties for predicates. */
    public Optional<String> stageFor(TouchpointFacts t, Set<String> reachedBefore) {
        if (t.type() == null || !STAGE_TYPES.contains(t.type())) {
            return Optional.empty();
        }
        for (Rule r : rules) {
            if (r.matches(t, reachedBefore)) {
                return Optional.of(r.stage());
            }
        }
        return Optional.empty();
    }

    /** Compiled once per pattern: patterns are case-insensitive and must match the whole value. */
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    static Pattern compile(String regex) {
        return PATTERNS.computeIfAbsent(regex, x -> Pattern.compile(x, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
    }

    /** An unmodifiable copy that, unlike List.copyOf, keeps nulls so validation can report them. */
    static List<String> copy(List<String> list) {
        return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
    }

    private static boolean isEmpty(Collection<?> c) {
        return c == null || c.isEmpty();
    }

    private static <T> Collection<T> nonNull(Collection<T> c) {
        return c == null ? List.of() : c;
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    /**
     * One mapping rule. All given conditions must hold; an absent condition matches anything.
     *
     * @param stage the stage a matching touchpoint maps to
     * @param types touchpoint types (track, page, screen)
     * @param events event names (track event, or page/screen name), case-insensitive
     * @param eventPatterns regular expressions one of which must match the whole event name, case-insensitive;
     *            with {@code events} too, either an exact name or a pattern is enough
     * @param channels channels
     * @param properties predicates on the touchpoint's {@code properties}; all must hold
     * @param requiresStage only when the customer already reached this stage before the touchpoint
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(String stage, List<String> types, List<String> events, List<String> eventPatterns,
            List<String> channels, List<PropertyPredicate> properties, String requiresStage) {

        public Rule {
            types = copy(types);
            events = copy(events);
            eventPatterns = copy(eventPatterns);
            channels = copy(channels);
            properties = properties == null ? null : Collections.unmodifiableList(new ArrayList<>(properties));
        }

        /** A rule on type, exact event names, channels and requiresStage only (the first model format). */
        public Rule(String stage, List<String> types, List<String> events, List<String> channels, String requiresStage) {
            this(stage, types, events, null, channels, null, requiresStage);
        }

        boolean matches(TouchpointFacts t, Set<String> reachedBefore) {
            if (types != null && !types.isEmpty() && !types.contains(t.type())) {
                return false;
            }
            if (channels != null && !channels.isEmpty() && !channels.contains(t.channel())) {
                return false;
            }
            boolean byName = events != null && !events.isEmpty();
            boolean byPattern = eventPatterns != null && !eventPatterns.isEmpty();
            if (byName || byPattern) {
                String event = t.event();
                if (event == null) {
                    return false;
                }
                String e = normalise(event);
                boolean named = byName && events.stream().anyMatch(x -> x != null && normalise(x).equals(e));
                boolean patterned = byPattern && eventPatterns.stream()
                        .anyMatch(x -> x != null && compile(x).matcher(event.trim()).matches());
                if (!named && !patterned) {
                    return false;
                }
            }
            if (properties != null && !properties.stream().allMatch(p -> p.test(t.properties()))) {
                return false;
            }
            return requiresStage == null || reachedBefore.contains(requiresStage);
        }

        private static String normalise(String s) {
            return s.trim().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A named, ordered subset of the stages.
     *
     * @param conversionWindow how long a customer may take to reach the next stage before counting as dropped
     */
    public record Funnel(String name, List<String> stages, Duration conversionWindow) {

        public Funnel {
            stages = copy(stages);
        }

        /** The window as written in the model file (ISO-8601), e.g. {@code P14D}. */
        @JsonProperty("conversionWindow")
        public String conversionWindowIso() {
            if (conversionWindow == null) {
                return null;
            }
            long seconds = conversionWindow.getSeconds();
            if (seconds % 86_400 == 0 && conversionWindow.getNano() == 0) {
                return "P" + seconds / 86_400 + "D";
            }
            return conversionWindow.toString();
        }

        @JsonIgnore
        @Override
        public Duration conversionWindow() {
            return conversionWindow;
        }
    }
}
