package io.touchpoint.ingest.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.conventions.rest.ProblemType;
import io.touchpoint.conventions.rest.ProblemTypesFilter;

/**
 * Adds the problem answers every ingest operation can give to the OpenAPI document, from the one
 * table of problem types, with an example body each: written once instead of on every method, so
 * the document cannot drift from {@link IngestProblems}. The {@code Problem} schema lists every type this service
 * answers with ({@link ProblemTypesFilter}), so clients (and deploy/ops ConventionsIT) read them from the service
 * itself. Registered as {@code mp.openapi.filter}.
 */
public class ProblemResponsesFilter extends ProblemTypesFilter {

    public ProblemResponsesFilter() {
        super(IngestProblems.TABLE);
    }

    private record Answer(ProblemType type, String when, String detail) {
    }

    private static final Map<String, Answer[]> BY_STATUS = new LinkedHashMap<>();
    static {
        BY_STATUS.put("400", new Answer[] {
                new Answer(IngestProblems.INVALID_JSON, "the body is not one JSON object",
                        "Unexpected end-of-input: expected close marker for Object at line 1, column 24"),
                new Answer(IngestProblems.INVALID_EVENT, "readable JSON that breaks the tracking API",
                        "a track call needs a non-blank 'event'") });
        BY_STATUS.put("401", new Answer[] {
                new Answer(ProblemType.UNAUTHORIZED, "missing or unknown write key (WWW-Authenticate: Basic)",
                        "the write key does not belong to any source"),
                new Answer(IngestProblems.INVALID_SIGNATURE, "webhooks: bad or missing signature, stale timestamp",
                        "no webhook-signature matches") });
        BY_STATUS.put("413", new Answer[] { new Answer(IngestProblems.TOO_LARGE,
                "an event over 32 KB or a request over 512 KB (after gzip)",
                "the event is 40000 bytes; a single event may have at most 32768 bytes") });
        BY_STATUS.put("415", new Answer[] { new Answer(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                "a Content-Type that does not carry JSON (XML, multipart, ...), or a Content-Encoding other than gzip or deflate",
                "Content-Encoding 'br' is not supported; send gzip, deflate or no Content-Encoding") });
        BY_STATUS.put("429", new Answer[] { new Answer(IngestProblems.RATE_LIMITED,
                "the source is over its rate limit; Retry-After says when to retry",
                "source 'dev-web' is over its rate limit") });
        BY_STATUS.put("503", new Answer[] { new Answer(ProblemType.UNAVAILABLE,
                "Kafka did not acknowledge in time; Retry-After says when to retry",
                "Kafka did not acknowledge the record within 10000 ms; retry later") });
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        if (openAPI.getComponents().getSchemas() == null
                || !openAPI.getComponents().getSchemas().containsKey("Problem")) {
            openAPI.getComponents().addSchema("Problem", problemSchema());
        }
        super.filterOpenAPI(openAPI);
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            // the POSTs that carry events; the settings GETs answer only 401/404, documented on them
            if ((path.startsWith("/v1/") || path.startsWith("/beacon/") || path.startsWith("/webhooks/"))
                    && item.getPOST() != null) {
                addProblems(item.getPOST(), path);
            }
        });
    }

    private static Schema problemSchema() {
        Schema text = OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING));
        return OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.OBJECT))
                .description("RFC 9457 problem detail (application/problem+json)")
                .addProperty("type", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING))
                        .description("Stable problem type, urn:touchpoint:problem:<code>"))
                .addProperty("title", text)
                .addProperty("status", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.INTEGER)))
                .addProperty("detail", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING))
                        .description("What was wrong with this request, naming the field"))
                .addProperty("instance", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING))
                        .description("The request path"));
    }

    private static void addProblems(Operation op, String path) {
        BY_STATUS.forEach((status, answers) -> {
            if (op.getResponses().getAPIResponse(status) != null) {
                return;
            }
            StringBuilder description = new StringBuilder();
            MediaType media = OASFactory.createMediaType()
                    .schema(OASFactory.createSchema().ref("#/components/schemas/Problem"));
            for (Answer a : answers) {
                description.append(description.isEmpty() ? "" : "; ").append(a.type().type()).append(": ").append(a.when());
                media.addExample(a.type().code(), OASFactory.createExample()
                        .value(Map.of("type", a.type().type(), "title", a.type().title(),
                                "status", a.type().status(), "detail", a.detail(), "instance", path)));
            }
            APIResponse response = OASFactory.createAPIResponse().description(description.toString())
                    .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, media));
            if (status.equals("429") || status.equals("503")) {
                response.addHeader("Retry-After", OASFactory.createHeader().description("seconds")
                        .schema(OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.INTEGER))));
            }
            if (status.equals("401")) {
                response.addHeader("WWW-Authenticate", OASFactory.createHeader()
                        .description(IngestProblems.BASIC_CHALLENGE + " or " + IngestProblems.SIGNATURE_CHALLENGE));
            }
            op.getResponses().addAPIResponse(status, response);
        });
    }

}
