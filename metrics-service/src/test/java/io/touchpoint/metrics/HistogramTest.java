package io.touchpoint.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.touchpoint.metrics.service.Histogram;

/** Percentiles estimated from buckets, the way Prometheus's histogram_quantile does. */
class HistogramTest {

    private static final List<Long> BOUNDS = List.of(10L, 100L, 1000L);

    @Test
    void anObservationOnABoundBelongsToThatBucket() {
        assertEquals(0, Histogram.bucketOf(BOUNDS, 10));
        assertEquals(1, Histogram.bucketOf(BOUNDS, 10.001));
        assertEquals(3, Histogram.bucketOf(BOUNDS, 1000.5), "above the last bound: +Inf");
    }

    @Test
    void percentilesInterpolateInsideTheBucketThatHoldsTheRank() {
        // 4 observations in (10,100], 6 in (100,1000]: the median's rank (5) is the 1st of the second bucket
        Histogram h = new Histogram(BOUNDS, new long[] { 0, 4, 6, 0 }, 10 * 1000L * 300);
        assertEquals(100 + 900 * (1.0 / 6), h.quantileSeconds(0.5), 1e-9);
        assertEquals(100 + 900 * (5.0 / 6), h.quantileSeconds(0.9), 1e-9);
        assertEquals(300.0, h.meanSeconds(), 1e-9);
        assertEquals(10, h.count());
        assertEquals(List.of(new Histogram.Bucket("10", 0), new Histogram.Bucket("100", 4),
                new Histogram.Bucket("1000", 10), new Histogram.Bucket("+Inf", 10)), h.cumulative());
    }

    @Test
    void inTheInfiniteBucketTheEstimateIsTheLargestBound() {
        Histogram h = new Histogram(BOUNDS, new long[] { 1, 0, 0, 9 }, 0);
        assertEquals(1000.0, h.quantileSeconds(0.9));
        assertEquals(2.5, new Histogram(BOUNDS, new long[] { 2, 0, 0, 0 }, 0).quantileSeconds(0.25));
    }

    @Test
    void withoutObservationsThereIsNoValue() {
        Histogram h = new Histogram(BOUNDS, new long[4], 0);
        assertNull(h.quantileSeconds(0.5));
        assertNull(h.meanSeconds());
    }
}
