package io.touchpoint.ingest;

import static io.restassured.RestAssured.given;
import static io.touchpoint.ingest.TrackEndpointTest.DEV_BASIC;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.touchpoint.conventions.testing.InternalErrorContract;
import io.vertx.ext.web.Router;

/**
 * A bug answers 500 with a correlation id that leads to the logged exception (docs/CONVENTIONS.md), whether it
 * happens in a resource ({@link InternalErrorContract}) or in the HTTP layer below it.
 */
@QuarkusTest
class InternalErrorTest extends InternalErrorContract {

    /** Only in the test build: a route below the REST layer that fails the way a bug there would. */
    @ApplicationScoped
    public static class FailingRoute {
        void install(@Observes Router router) {
            router.get("/test-only/route-failure").handler(ctx -> {
                throw new IllegalStateException(SECRET_DETAIL);
            });
        }
    }

    @Override
    protected RequestSpecification authenticated() {
        return given().header("Authorization", DEV_BASIC);
    }

    @Override
    protected String notFoundPath() {
        return "/v1/nothing-here";
    }

    @Test
    void a500BelowTheRestLayerCarriesACorrelationIdThatIsLoggedWithTheException() {
        assertCorrelated500("/test-only/route-failure");
    }
}
