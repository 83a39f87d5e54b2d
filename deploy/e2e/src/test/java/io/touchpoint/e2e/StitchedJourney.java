package io.touchpoint.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import io.restassured.path.json.JsonPath;

/**
 * What journey-service must show after an SDK sent the story: ONE customer, found by the userId and by the
 * anonymousId, whose journey holds exactly the story's touchpoints in event-time order, from the SDK's
 * source, up to the purchase stage.
 */
final class StitchedJourney {

    /** The story every SDK test sends: a page (or screen), a product view, the sign-in, the order. */
    static List<String> story(String pageOrScreenName) {
        return List.of(pageOrScreenName, "Product Viewed", "identify", "Order Completed");
    }

    private StitchedJourney() {
    }

    static JsonPath assertOneCustomer(TouchpointSystem system, String userId, String anonymousId,
            List<String> expectedEvents, String sourceId) throws InterruptedException {
        String token = TouchpointSystem.API_TOKEN;
        JsonPath customer = system.await("a customer with user_id:" + userId + " and " + expectedEvents.size()
                + " touchpoints", () -> given().auth().oauth2(token).queryParam("identifier", "user_id:" + userId)
                        .get(system.journey.baseUrl() + "/customers"),
                r -> r.statusCode() == 200 && r.jsonPath().getLong("touchpointCount") >= expectedEvents.size())
                .jsonPath();
        String customerId = customer.getString("id");
        JsonPath byAnonymousId = given().auth().oauth2(token).queryParam("identifier", "anonymous_id:" + anonymousId)
                .get(system.journey.baseUrl() + "/customers").then().statusCode(200).extract().jsonPath();
        assertEquals(customerId, byAnonymousId.getString("id"),
                "the anonymousId " + anonymousId + " is stitched to the customer of " + userId);

        JsonPath journey = given().auth().oauth2(token).get(system.journey.baseUrl() + "/customers/" + customerId
                + "/journey").then().statusCode(200).extract().jsonPath();
        List<String> events = journey.getList("touchpoints.collect { it.event ?: it.type }");
        assertEquals(expectedEvents, events, "every event once, in event-time order: " + journey.prettify());
        assertEquals(Set.of(sourceId), Set.copyOf(journey.getList("touchpoints.sourceId")), journey.prettify());
        List<String> stages = journey.getList("stages.stage");
        assertTrue(stages.contains("purchase"), "the order entered the purchase stage: " + stages);
        return journey;
    }
}
