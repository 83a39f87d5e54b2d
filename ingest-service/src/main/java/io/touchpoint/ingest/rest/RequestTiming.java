package io.touchpoint.ingest.rest;

import io.smallrye.mutiny.Uni;
import io.touchpoint.ingest.service.IngestMetrics;

/** Records {@code touchpoint_ingest_request_seconds} with the status the request is answered with. */
final class RequestTiming {

    private RequestTiming() {
    }

    static <T> Uni<T> timed(IngestMetrics metrics, String endpoint, Uni<T> work) {
        long start = System.nanoTime();
        return work.onItemOrFailure().invoke((item, failure) -> metrics.request(endpoint,
                failure == null ? 200 : IngestProblems.TABLE.of(failure).status(), System.nanoTime() - start));
    }
}
