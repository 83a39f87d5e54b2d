package io.touchpoint.journey.rest;

import io.touchpoint.conventions.rest.ProblemTypesFilter;

/** The OpenAPI document's problem types, from {@link JourneyProblems}. Registered as {@code mp.openapi.filter}. */
public class ApiDocumentFilter extends ProblemTypesFilter {

    public ApiDocumentFilter() {
        super(JourneyProblems.TABLE);
    }
}
