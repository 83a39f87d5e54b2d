package io.touchpoint.journey.service;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A condition on one of a touchpoint's {@code properties} in a stage rule, e.g.
 * {@code {"property": "surveyType", "equals": "nps"}} or {@code {"property": "score", "gte": 9}}.
 * {@code property} may be a dotted path ({@code "order.total"}). Every operator given must hold;
 * a missing property fails every operator except {@code "exists": false}.
 *
 * @param equals the value, compared as JSON (numbers by value: 9 equals 9.0)
 * @param in alternatives for {@code equals}
 * @param exists whether the property must be present (and not null)
 * @param gt greater than (numbers only)
 * @param gte at least
 * @param lt less than
 * @param lte at most
 * @param matches a regular expression the whole text value must match (case-insensitive)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PropertyPredicate(String property, JsonNode equals, List<JsonNode> in, Boolean exists, Double gt,
        Double gte, Double lt, Double lte, String matches) {

    /** What is wrong with the predicate, for start-up validation; empty when it is usable. */
    List<String> problems() {
        List<String> out = new ArrayList<>();
        if (property == null || property.isBlank()) {
            out.add("has no 'property'");
        }
        if (equals == null && in == null && exists == null && gt == null && gte == null && lt == null && lte == null
                && matches == null) {
            out.add("has no operator: give 'equals', 'in', 'exists', 'gt', 'gte', 'lt', 'lte' or 'matches'");
        }
        if (in != null && in.isEmpty()) {
            out.add("has an empty 'in' list");
        }
        if (matches != null) {
            try {
                StageModel.compile(matches);
            } catch (PatternSyntaxException e) {
                out.add("has 'matches' '" + matches + "' that is not a regular expression: " + e.getDescription());
            }
        }
        return out;
    }

    boolean test(JsonNode properties) {
        JsonNode v = lookup(properties, property);
        boolean present = v != null && !v.isNull() && !v.isMissingNode();
        if (exists != null && exists != present) {
            return false;
        }
        if (!present) {
            return exists != null && !exists && equals == null && in == null && gt == null && gte == null && lt == null
                    && lte == null && matches == null;
        }
        if (equals != null && !same(equals, v)) {
            return false;
        }
        if (in != null && in.stream().noneMatch(x -> same(x, v))) {
            return false;
        }
        if (gt != null || gte != null || lt != null || lte != null) {
            if (!v.isNumber()) {
                return false;
            }
            double d = v.doubleValue();
            if ((gt != null && !(d > gt)) || (gte != null && !(d >= gte)) || (lt != null && !(d < lt))
                    || (lte != null && !(d <= lte))) {
                return false;
            }
        }
        return matches == null || (v.isValueNode() && StageModel.compile(matches).matcher(v.asText()).matches());
    }

    private static JsonNode lookup(JsonNode root, String path) {
        JsonNode v = root;
        for (String part : path.split("\\.")) {
            v = v == null ? null : v.get(part);
        }
        return v;
    }

    private static boolean same(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }
}
