package io.touchpoint.conventions.rest;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import io.quarkus.arc.Arc;

/**
 * The methods each resource path answers, read once from the JAX-RS annotations of the resource beans: the
 * {@code Allow} header of a 405, which Quarkus REST leaves out (RFC 9110 asks for it).
 */
final class AllowedMethods {

    private record Route(Pattern path, Set<String> methods) {
    }

    private static final Pattern PARAM = Pattern.compile("\\{\\s*\\w[\\w.-]*\\s*(?::\\s*((?:[^{}]|\\{[^{}]*})*))?}");
    private static volatile List<Route> routes;

    private AllowedMethods() {
    }

    /** The methods some resource answers at this path (with HEAD and OPTIONS, which Quarkus adds), comma-separated. */
    static String at(String path) {
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes()) {
            if (route.path().matcher(path).matches()) {
                allowed.addAll(route.methods());
            }
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        if (!allowed.isEmpty()) {
            allowed.add("OPTIONS");
        }
        return String.join(", ", allowed);
    }

    private static List<Route> routes() {
        if (routes == null) {
            List<Route> found = new ArrayList<>();
            for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
                Path base = bean.getBeanClass().getAnnotation(Path.class);
                if (base == null) {
                    continue;
                }
                for (Method m : bean.getBeanClass().getMethods()) {
                    Path sub = m.getAnnotation(Path.class);
                    for (var a : m.getAnnotations()) {
                        HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
                        if (http != null) {
                            found.add(new Route(regex(base.value() + "/" + (sub == null ? "" : sub.value())),
                                    Set.of(http.value())));
                        }
                    }
                }
            }
            routes = List.copyOf(found);
        }
        return routes;
    }

    /** A path template ({@code /customers/{id}}, {@code /v1/{call: [tipsga]}}) as a regular expression. */
    static Pattern regex(String template) {
        String path = ("/" + template).replaceAll("/+", "/");
        path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        StringBuilder regex = new StringBuilder();
        Matcher m = PARAM.matcher(path);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(path.substring(at, m.start())))
                    .append('(').append(m.group(1) == null ? "[^/]+" : m.group(1).strip()).append(')');
            at = m.end();
        }
        return Pattern.compile(regex.append(Pattern.quote(path.substring(at))).append("/?").toString());
    }
}
