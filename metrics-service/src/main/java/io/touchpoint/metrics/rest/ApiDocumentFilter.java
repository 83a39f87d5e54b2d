package io.touchpoint.metrics.rest;

import java.util.List;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

import io.touchpoint.conventions.rest.ProblemTypesFilter;
import io.touchpoint.metrics.service.Channel;

/**
 * What the OpenAPI document takes from the code rather than restating it: the problem types of
 * {@link MetricsProblems} on the {@code Problem} schema ({@link ProblemTypesFilter}, which deploy/ops
 * ConventionsIT reads), and the values of every {@code channel} query parameter from {@link Channel}. Registered
 * as {@code mp.openapi.filter}.
 */
public class ApiDocumentFilter extends ProblemTypesFilter {

    public ApiDocumentFilter() {
        super(MetricsProblems.TABLE);
    }

    @Override
    public Parameter filterParameter(Parameter parameter) {
        if ("channel".equals(parameter.getName()) && parameter.getIn() == Parameter.In.QUERY) {
            parameter.setSchema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                    .enumeration(Channel.wireNames().stream().<Object>map(c -> c).toList()));
        }
        return parameter;
    }
}
