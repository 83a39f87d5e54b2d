package io.touchpoint.metrics.repository;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * journey-service's export API (deploy/contracts/README.md) as a Quarkus REST Client: pages of
 * {@code {"items":[...],"next":"<cursor>"|null}}. Built by {@link JourneyExportClient} from
 * {@code touchpoint.metrics.journey.*}; blocking, for the rebuild's worker thread.
 */
@Path("/export")
@Produces(MediaType.APPLICATION_JSON)
public interface JourneyExportApi {

    /** One page as journey-service answers it; {@code items} null when the answer had none. */
    record ExportPage(List<JsonNode> items, String next) {
    }

    /**
     * @param export {@code stage-history} or {@code touchpoints}
     * @param after the cursor of the previous page; null (not sent) for the first page
     * @param authorization {@code Bearer <token>}; null (not sent) when no token is configured
     */
    @GET
    @Path("/{export}")
    RestResponse<ExportPage> page(@PathParam("export") String export, @QueryParam("after") String after,
            @QueryParam("limit") int limit, @HeaderParam("Authorization") String authorization);
}
