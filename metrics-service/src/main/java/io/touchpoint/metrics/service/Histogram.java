package io.touchpoint.metrics.service;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A distribution kept as counts per fixed bucket (Redis can only add integers atomically, and buckets survive
 * merges and erasures as plain subtractions). Percentiles are estimated like Prometheus's
 * {@code histogram_quantile}: linear interpolation inside the bucket that holds the rank.
 *
 * @param bounds upper bounds (seconds) of all but the last bucket, ascending; the last bucket is +Inf
 * @param counts one count per bucket ({@code bounds.size() + 1}), not cumulative
 * @param sumMillis exact sum of the observations, milliseconds
 */
public record Histogram(List<Long> bounds, long[] counts, long sumMillis) {

    /** Time to convert between consecutive funnel steps. */
    public static final List<Long> TIME_TO_CONVERT_BOUNDS = List.of(60L, 300L, 900L, 3_600L, 10_800L, 21_600L,
            43_200L, 86_400L, 172_800L, 259_200L, 604_800L, 1_209_600L, 2_592_000L);

    /** Resolution time of contact-center cases. */
    public static final List<Long> RESOLUTION_BOUNDS = List.of(60L, 300L, 900L, 1_800L, 3_600L, 7_200L, 14_400L,
            28_800L, 86_400L, 172_800L, 604_800L);

    public Histogram {
        bounds = List.copyOf(bounds);
        if (counts.length != bounds.size() + 1) {
            throw new IllegalArgumentException("need " + (bounds.size() + 1) + " bucket counts");
        }
        counts = counts.clone();
    }

    /** Index of the bucket an observation of {@code seconds} falls in. */
    public static int bucketOf(List<Long> bounds, double seconds) {
        for (int i = 0; i < bounds.size(); i++) {
            if (seconds <= bounds.get(i)) {
                return i;
            }
        }
        return bounds.size();
    }

    public long count() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** Mean in seconds, or null without observations. */
    public Double meanSeconds() {
        long n = count();
        return n == 0 ? null : sumMillis / 1000.0 / n;
    }

    /**
     * Estimated q-quantile in seconds, or null without observations. Inside the +Inf bucket the answer is the
     * largest finite bound (the estimate cannot see further).
     */
    public Double quantileSeconds(double q) {
        long n = count();
        if (n == 0) {
            return null;
        }
        double rank = q * n;
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            long before = cumulative;
            cumulative += counts[i];
            if (cumulative >= rank && counts[i] > 0) {
                if (i == bounds.size()) {
                    return (double) bounds.get(bounds.size() - 1);
                }
                double lower = i == 0 ? 0 : bounds.get(i - 1);
                double upper = bounds.get(i);
                return lower + (upper - lower) * (rank - before) / counts[i];
            }
        }
        return (double) bounds.get(bounds.size() - 1);
    }

    /** Cumulative buckets as Prometheus shows them: observations at or below each bound, then +Inf. */
    public List<Bucket> cumulative() {
        List<Bucket> out = new ArrayList<>();
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i];
            out.add(new Bucket(i < bounds.size() ? String.valueOf(bounds.get(i)) : "+Inf", cumulative));
        }
        return out;
    }

    @Schema(name = "HistogramBucket", description = "Observations at or below le seconds (cumulative)")
    public record Bucket(@Schema(example = "3600") String le, @Schema(example = "42") long count) {
    }
}
