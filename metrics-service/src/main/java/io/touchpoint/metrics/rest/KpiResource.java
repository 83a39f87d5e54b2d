package io.touchpoint.metrics.rest;

import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.touchpoint.conventions.rest.Problem;
import io.touchpoint.metrics.service.KpiReader;
import io.touchpoint.metrics.service.KpiReport;

/** CX KPIs from the tracking plan's events. */
@Path("/kpis")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "KPIs")
@SecurityRequirement(name = "apiToken")
@APIResponse(responseCode = "401", description = "Missing or wrong API token",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class KpiResource {

    private final KpiReader reader;

    @Inject
    public KpiResource(KpiReader reader) {
        this.reader = reader;
    }

    @GET
    @Operation(summary = "NPS, CSAT, CES, first-contact resolution, resolution time, churn, CLV, social engagement",
            description = "Definitions: deploy/contracts/tracking-plan.md. Events count on the UTC day of their "
                    + "event time, their channel, and the customer's latest stage at that time (unknown when the "
                    + "customer was not known yet). A re-delivered event changes nothing; merges move a customer's "
                    + "events to the survivor, erasures remove them.")
    @APIResponse(responseCode = "200", description = "The KPIs",
            content = @Content(schema = @Schema(implementation = KpiReport.class), examples = @ExampleObject(
                    name = "contact center, November", value = """
                            {"from":"2026-11-01","to":"2026-11-30","channel":"contact_center","stage":null,
                             "nps":{"score":20.0,"responses":10,"promoters":5,"passives":2,"detractors":3},
                             "csat":{"score":75.0,"meanScore":3.9,"responses":8,"satisfied":6},
                             "ces":{"meanScore":2.5,"responses":4},
                             "firstContactResolution":{"rate":66.7,"resolvedCases":6,"resolvedOnFirstContact":4},
                             "resolutionTime":{"cases":6,"meanSeconds":1520.0,"p50Seconds":1200.0,
                                               "p90Seconds":3000.0,"buckets":[{"le":"60","count":0}]},
                             "churn":{"rate":5.0,"churnedCustomers":1,"customersReachedBaseStage":20,"cancellations":1},
                             "clv":{"value":120.5,"revenue":2410.0,"payingCustomers":20,"orders":25},
                             "socialEngagement":{"mention":3,"comment":1,"like":9,"share":2,"directMessage":1,"total":16},
                             "invalid":{"nps":0,"csat":1,"ces":0,"survey":0,"cases":0,"orders":0}}""")))
    @APIResponse(responseCode = "400", description = "Unknown channel or stage, malformed day, from after to, or "
            + "a range over 366 days",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Redis unreachable",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<KpiReport> kpis(
            @Parameter(description = "First UTC day (yyyy-MM-dd); without from and to: all time", example = "2026-11-01") @QueryParam("from") String from,
            @Parameter(description = "Last UTC day (yyyy-MM-dd, inclusive); default today", example = "2026-11-30") @QueryParam("to") String to,
            @Parameter(description = "Channel of the events") @QueryParam("channel") String channel,
            @Parameter(description = "A funnel stage, or unknown", example = "support") @QueryParam("stage") String stage) {
        if (stage != null && !reader.isKnownStage(stage)) {
            throw new InvalidParameterException("stage must be a stage of a configured funnel, or unknown");
        }
        return reader.report(QueryParameters.range(from, to), QueryParameters.channel(channel),
                Optional.ofNullable(stage));
    }
}
