package io.touchpoint.metrics.rest;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Publishes the problem types of {@link ProblemType} on the OpenAPI {@code Problem} schema: the {@code type}
 * values as an enum, and code, status and title as {@code x-problem-types}, so clients (and deploy/ops
 * ConventionsIT) read them from the service itself. Registered as {@code mp.openapi.filter}.
 */
public class ProblemTypesFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Schema problem = openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null ? null
                : openAPI.getComponents().getSchemas().get("Problem");
        if (problem == null) {
            return;
        }
        List<ProblemType> types = Arrays.asList(ProblemType.values());
        problem.getProperties().get("type").enumeration(types.stream().<Object>map(ProblemType::type).toList());
        problem.addExtension("x-problem-types", types.stream().map(t -> Map.of("type", t.type(),
                "status", t.status(), "title", t.title())).toList());
    }
}
