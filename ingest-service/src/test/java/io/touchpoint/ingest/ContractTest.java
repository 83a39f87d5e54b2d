package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.quarkus.test.junit.QuarkusTest;

/** The producer side of the contracts: what ingest writes validates against deploy/contracts. */
@QuarkusTest
class ContractTest {

    private static final Path CONTRACTS = Path.of("..", "deploy", "contracts");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void producedTouchpointsMatchTheSchema() throws Exception {
        String run = UUID.randomUUID().toString();
        List<String> bodies = List.of(
                // full track
                """
                {"userId":"u-%1$s","anonymousId":"a-%1$s","event":"Order Completed","messageId":"m1-%1$s",
                 "properties":{"revenue":12.5},"context":{"library":{"name":"analytics.js"}},"traits":{"plan":"pro"},
                 "timestamp":"2026-11-23T10:00:00.123456Z","sentAt":"2026-11-23T10:00:01Z"}""",
                // minimal track: no timestamps, no context
                """
                {"anonymousId":"a-%1$s","event":"Minimal","messageId":"m2-%1$s"}""");
        for (String body : bodies) {
            given().header("Authorization", DEV_BASIC).contentType("application/json").body(body.formatted(run))
                    .when().post("/v1/track").then().statusCode(200);
        }
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"userId\":\"u-%1$s\",\"messageId\":\"m3-%1$s\",\"traits\":{\"email\":\"a@b.c\"}}".formatted(run))
                .when().post("/v1/identify").then().statusCode(200);

        JsonSchema schema = schema("touchpoints.v1.schema.json");
        Set<String> declared = new TreeSet<>();
        schemaJson("touchpoints.v1.schema.json").get("properties").fieldNames().forEachRemaining(declared::add);
        for (String messageId : List.of("m1-", "m2-", "m3-")) {
            String value = TopicReader.single(TrackEndpointTest.TOUCHPOINTS, v -> v.contains(messageId + run)).value();
            JsonNode record = JSON.readTree(value);
            Set<ValidationMessage> errors = schema.validate(record);
            assertTrue(errors.isEmpty(), messageId + " violates touchpoints.v1: " + errors + "\n" + value);
            Set<String> written = new TreeSet<>();
            record.fieldNames().forEachRemaining(written::add);
            assertEquals(declared, written, "every contract field is written, absent ones as null");
        }
    }

    @Test
    void everyCallTypeBatchItemAndWebhookRecordMatchesTheSchema() throws Exception {
        String run = UUID.randomUUID().toString();
        given().header("Authorization", DEV_BASIC).contentType("application/json").body("""
                {"batch":[
                 {"type":"page","anonymousId":"c-%1$s","name":"Home","messageId":"cp-%1$s"},
                 {"type":"screen","userId":"c-%1$s","messageId":"cs-%1$s"},
                 {"type":"group","userId":"c-%1$s","groupId":"g-1","traits":{"plan":"pro"},"messageId":"cg-%1$s"},
                 {"type":"alias","userId":"c-%1$s","previousId":"anon-c","messageId":"ca-%1$s"}],
                 "context":{"library":{"name":"contract"}},"integrations":{"All":true},"sentAt":"2026-11-23T10:00:00Z"}"""
                .formatted(run)).when().post("/v1/batch").then().statusCode(200);
        String body = "{\"type\":\"survey.completed\",\"occurredAt\":\"2026-11-23T10:20:00Z\",\"data\":{\"surveyType\":\"nps\","
                + "\"score\":9,\"caller\":\"+15550009999\",\"caseId\":\"contract-" + run + "\"}}";
        WebhookTest.standard("cw-" + run, body, WebhookTest.CC_SECRET).when().post("/webhooks/cc-demo")
                .then().statusCode(200);
        String social = "{\"event\":\"comment\",\"platform\":\"instagram\",\"author\":{\"handle\":\"c\"},"
                + "\"post\":{\"id\":\"contract-" + run + "\",\"text\":\"hi\"},\"createdAt\":1795428900}";
        WebhookTest.hub(social, WebhookTest.SOCIAL_SECRET).when().post("/webhooks/social-demo").then().statusCode(200);

        JsonSchema schema = schema("touchpoints.v1.schema.json");
        for (String marker : List.of("cp-" + run, "cs-" + run, "cg-" + run, "ca-" + run, "cc-demo:cw-" + run,
                "contract-" + run + "\",\"text")) {
            String value = TopicReader.single(TrackEndpointTest.TOUCHPOINTS, v -> v.contains(marker)).value();
            Set<ValidationMessage> errors = schema.validate(JSON.readTree(value));
            assertTrue(errors.isEmpty(), marker + " violates touchpoints.v1: " + errors + "\n" + value);
        }
    }

    @Test
    void rejectedRecordMatchesTheSchema() throws Exception {
        String marker = "contract-rejected-" + UUID.randomUUID();
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"" + marker + "\",\"event\":")
                .when().post("/v1/track").then().statusCode(400);
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body("{\"anonymousId\":\"" + marker + "-2\",\"timestamp\":42,\"event\":\"x\",\"sentAt\":\"no\"}")
                .when().post("/v1/track").then().statusCode(400);

        // a body over the HTTP limit: recorded with its size, without its body
        // a size range no other test's oversized body falls in: the record is matched by its size alone
        int size = 620 * 1024 + 7 + (int) (Math.random() * 900);
        String big = "{\"anonymousId\":\"" + marker + "-3\",\"event\":\"x\",\"p\":\"";
        given().header("Authorization", DEV_BASIC).contentType("application/json")
                .body(big + "b".repeat(size - big.length() - 2) + "\"}")
                .when().post("/v1/track").then().statusCode(413);

        JsonSchema schema = schema("touchpoints.rejected.v1.schema.json");
        List<String> values = new ArrayList<>();
        values.add(TopicReader.single(RefusedRequestsTest.REJECTED, v -> v.contains(marker + "\\\",")).value());
        values.add(TopicReader.single(RefusedRequestsTest.REJECTED, v -> v.contains(marker + "-2")).value());
        values.add(TopicReader.single(RefusedRequestsTest.REJECTED, v -> v.contains("is " + size + " bytes")).value());
        for (String value : values) {
            Set<ValidationMessage> errors = schema.validate(JSON.readTree(value));
            assertTrue(errors.isEmpty(), "violates touchpoints.rejected.v1: " + errors + "\n" + value);
        }
    }

    private static JsonSchema schema(String file) throws Exception {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = Files.newInputStream(CONTRACTS.resolve(file))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        }
    }

    private static JsonNode schemaJson(String file) throws Exception {
        return JSON.readTree(CONTRACTS.resolve(file).toFile());
    }
}
