package io.touchpoint.conventions.rest;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Publishes a service's problem types on its OpenAPI {@code Problem} schema: the {@code type} values as an enum,
 * and type, status and title as {@code x-problem-types}, so clients (and deploy/ops ConventionsIT) read them from
 * the service itself. Each service's {@code mp.openapi.filter} extends this with its table (and whatever else its
 * document takes from the code); filters run at build time, so the table is a constant, not a bean.
 */
public abstract class ProblemTypesFilter implements OASFilter {

    private final ProblemTable table;

    protected ProblemTypesFilter(ProblemTable table) {
        this.table = table;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Schema problem = openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null ? null
                : openAPI.getComponents().getSchemas().get("Problem");
        if (problem == null) {
            return;
        }
        List<ProblemType> types = table.types();
        problem.getProperties().get("type").enumeration(types.stream().<Object>map(ProblemType::type).toList());
        problem.addExtension("x-problem-types", types.stream().map(t -> Map.of("type", t.type(),
                "status", t.status(), "title", t.title())).toList());
    }
}
