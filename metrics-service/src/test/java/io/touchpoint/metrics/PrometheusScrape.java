package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one sample from /q/metrics as Prometheus would scrape it. */
public final class PrometheusScrape {

    private PrometheusScrape() {
    }

    public static String scrape() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * @param labels name, value, name, value… in the exposition's (alphabetical) order
     * @return the sample's value, or NaN when the series is absent
     */
    public static double value(String metric, String... labels) {
        StringBuilder selector = new StringBuilder();
        for (int i = 0; i < labels.length; i += 2) {
            selector.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
        }
        Pattern sample = Pattern.compile("^" + Pattern.quote(metric + "{" + selector + "}") + " (\\S+)$",
                Pattern.MULTILINE);
        Matcher m = sample.matcher(scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** Sum of every series of a metric. */
    public static double sum(String metric) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(metric) + "\\{[^}]*\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = sample.matcher(scrape());
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
