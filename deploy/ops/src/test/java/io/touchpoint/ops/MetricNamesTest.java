package io.touchpoint.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Every metric a dashboard panel or alert rule queries is one the services document in their READMEs (a
 * renamed metric would leave a panel silently empty). check-with-real-data.sh proves they are exposed.
 */
class MetricNamesTest {

    /** Not ours: Prometheus's own `up`, and Micrometer's Vert.x HTTP server timer that every service has. */
    private static final Set<String> FRAMEWORK = Set.of("up", "http_server_requests_seconds");
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "min", "max", "avg", "count", "by", "without",
            "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "topk",
            "bottomk", "quantile", "stddev", "stdvar", "count_values", "group", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern DOCUMENTED = Pattern.compile("`((?:touchpoint|kafka|http)_[a-z0-9_]*\\*?)");

    /** Metric names in one PromQL expression: identifiers that are not functions, keywords or labels. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"") // strings
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // ranges
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
                .replaceAll("\\boffset\\s+\\w+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String word = m.group();
            int next = m.end();
            while (next < s.length() && s.charAt(next) == ' ') {
                next++;
            }
            boolean function = next < s.length() && s.charAt(next) == '(';
            if (!function && !PROMQL_WORDS.contains(word.toLowerCase()) && !word.matches("\\d.*")) {
                names.add(word);
            }
        }
        return names;
    }

    static Map<String, String> expressions() throws Exception {
        Map<String, String> exprs = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (var file : OpsFiles.list(OpsFiles.deploy("grafana/dashboards"), ".json")) {
            JsonNode dash = json.readTree(file.toFile());
            for (JsonNode panel : dash.get("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    exprs.put(dash.get("title").asText() + " / " + panel.get("title").asText() + " ["
                            + target.get("refId").asText() + "]", target.get("expr").asText());
                }
            }
        }
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(OpsFiles.deploy("prometheus/rules/touchpoint-alerts.yml").toFile());
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                exprs.put("alert " + rule.get("alert").asText(), rule.get("expr").asText());
            }
        }
        return exprs;
    }

    static Set<String> documented() {
        Set<String> names = new TreeSet<>(FRAMEWORK);
        for (String module : List.of("ingest-service", "journey-service", "metrics-service")) {
            Matcher m = DOCUMENTED.matcher(OpsFiles.read(OpsFiles.ROOT.resolve(module).resolve("README.md")));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    static boolean isDocumented(String name, Set<String> documented) {
        String base = name.replaceAll("_(sum|count|max|bucket)$", "");
        return documented.contains(name) || documented.contains(base)
                || documented.stream().anyMatch(d -> d.endsWith("*") && name.startsWith(d.substring(0, d.length() - 1)));
    }

    @Test
    void everyQueriedMetricIsDocumentedByAService() throws Exception {
        Map<String, String> exprs = expressions();
        assertTrue(exprs.size() >= 30, "dashboards and rules were read: " + exprs.size());
        Set<String> documented = documented();
        List<String> undocumented = new ArrayList<>();
        exprs.forEach((where, expr) -> {
            Set<String> names = metricNames(expr);
            assertFalse(names.isEmpty(), where + " queries no metric: " + expr);
            names.stream().filter(n -> !isDocumented(n, documented)).forEach(n -> undocumented.add(where + ": " + n));
        });
        assertEquals(List.of(), undocumented, "documented: " + documented);
    }

    @Test
    void theNameExtractionSeesMetricsNotFunctionsOrLabels() {
        assertEquals(Set.of("touchpoint_ingest_rejected_total", "touchpoint_ingest_events_total"), metricNames(
                "sum by (source) (rate(touchpoint_ingest_rejected_total{reason!=\"unauthorized\"}[10m]))"
                        + " / sum by (source) (rate(touchpoint_ingest_events_total[10m])) > 0.05"));
        assertEquals(Set.of("touchpoint_funnel_conversion_ratio"), metricNames(
                "(touchpoint_funnel_conversion_ratio{channel=\"all\"} offset 1w) or touchpoint_funnel_conversion_ratio"));
        assertFalse(isDocumented("touchpoint_renamed_total", Set.of("touchpoint_ingest_events_total", "kafka_producer_*")));
        assertTrue(isDocumented("kafka_producer_record_send_total", Set.of("kafka_producer_*")));
        assertTrue(isDocumented("touchpoint_ingest_request_seconds_sum", Set.of("touchpoint_ingest_request_seconds")));
    }
}
