package io.touchpoint.journey.rest;

import java.time.Instant;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.journey.service.InvalidParameterException;
import io.touchpoint.journey.service.JourneyMap;
import io.touchpoint.journey.service.StageModel;

/** The data behind a journey-map picture. */
@Path("/journey-map")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "journey map", description = "Per stage customers, channels, top events, time in stage, and moves")
@SecurityRequirement(name = "apiToken")
public class JourneyMapResource {

    @Inject
    JourneyMap map;

    @GET
    @Operation(summary = "Per stage: customers, touchpoints by channel, top events, median time in stage; and"
            + " stage-to-stage transition counts, for touchpoints (and stage entries) in [from, to)")
    @APIResponse(responseCode = "200", description = "The journey map")
    @APIResponse(responseCode = "400", description = "Bad from/to/channel",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<JourneyMap.Picture> journeyMap(
            @Parameter(description = "ISO-8601, inclusive; default: the beginning") @QueryParam("from") String from,
            @Parameter(description = "ISO-8601, exclusive; default: the end of time") @QueryParam("to") String to,
            @Parameter(description = "only this channel") @QueryParam("channel") String channel) {
        Instant f = CustomerResource.parseTime("from", from);
        Instant t = CustomerResource.parseTime("to", to);
        if (f != null && t != null && !f.isBefore(t)) {
            throw new InvalidParameterException("'from' must be before 'to'");
        }
        if (channel != null && !StageModel.CHANNELS.contains(channel)) {
            throw new InvalidParameterException("unknown channel '" + channel + "'; known: "
                    + StageModel.CHANNELS.stream().sorted().toList());
        }
        return map.of(f == null ? Instant.EPOCH : f, t == null ? Instant.parse("9999-12-31T00:00:00Z") : t, channel);
    }
}
