package io.touchpoint.journey.rest;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.touchpoint.journey.service.StageModel;

/** The stage model in use (bundled or from touchpoint.stage-model.path). */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "stage model", description = "Stages, mapping rules and funnels")
@SecurityRequirement(name = "apiToken")
public class StageModelResource {

    public record StagesView(List<String> stages, List<StageModel.Rule> rules) {
    }

    public record FunnelsView(List<StageModel.Funnel> funnels) {
    }

    @Inject
    StageModel model;

    @GET
    @Path("stages")
    @Operation(summary = "The ordered stages and the rules mapping touchpoints to them (first match wins)")
    public StagesView stages() {
        return new StagesView(model.stages(), model.rules());
    }

    @GET
    @Path("funnels")
    @Operation(summary = "Funnels: named ordered subsets of the stages, with their conversion window")
    public FunnelsView funnels() {
        return new FunnelsView(model.funnels());
    }
}
