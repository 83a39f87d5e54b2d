package io.touchpoint.metrics.rest;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

import io.touchpoint.metrics.service.Channel;

/**
 * What the OpenAPI document takes from the code rather than restating it: the problem types of
 * {@link ProblemType} on the {@code Problem} schema (the {@code type} values as an enum; code, status and title
 * as {@code x-problem-types}, which deploy/ops ConventionsIT reads), and the values of every {@code channel}
 * query parameter from {@link Channel}. Registered as {@code mp.openapi.filter}.
 */
public class ApiDocumentFilter implements OASFilter {

    @Override
    public Parameter filterParameter(Parameter parameter) {
        if ("channel".equals(parameter.getName()) && parameter.getIn() == Parameter.In.QUERY) {
            parameter.setSchema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                    .enumeration(Channel.wireNames().stream().<Object>map(c -> c).toList()));
        }
        return parameter;
    }

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
