package io.touchpoint.journey;

import static io.restassured.RestAssured.given;

import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.touchpoint.conventions.testing.InternalErrorContract;

/** A bug answers 500 with a correlation id that leads to the logged exception (docs/CONVENTIONS.md). */
@QuarkusTest
class InternalErrorTest extends InternalErrorContract {

    @Override
    protected RequestSpecification authenticated() {
        return given().auth().oauth2(TestTouchpoints.TOKEN);
    }

    @Override
    protected String notFoundPath() {
        return "/customers/" + UUID.randomUUID();
    }
}
