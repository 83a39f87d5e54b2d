package io.touchpoint.metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Swagger UI answers at /q/swagger-ui, without credentials, and reads this service's OpenAPI document. */
@QuarkusTest
class SwaggerUiTest {

    @Test
    void swaggerUiAnswersAndLoadsTheServicesOpenApiDocument() {
        given().when().get("/q/swagger-ui")
                .then().statusCode(200).contentType(startsWith("text/html"))
                .body(containsString("SwaggerUIBundle"))
                .body(containsString("/q/openapi"));
    }
}
