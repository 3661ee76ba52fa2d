package io.livecloud.control.stats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** Buckets added up into a time series of fixed steps, every step present (empty ones are zero), as the cloud answers. */
public final class TrafficSeries {
    /** One step: its start and what its buckets add up to. */
    public record Point(Instant start, long bytes, int peakPlayers) {
        /** The step's average bandwidth in bit/s. */
        public double bitsPerSecond(int stepSeconds) {
            return bytes * 8.0 / stepSeconds;
        }
    }

    private TrafficSeries() {
    }

    /**
     * @param buckets     buckets no longer than a step (1- or 5-minute buckets for steps that are multiples of them)
     * @param from        the first step starts at {@code from} rounded down to the step
     * @param to          steps start before {@code to}
     * @param bytes       which bytes count: {@code StatsBucket::bytesOut} for a play domain, {@code bytesIn} for a push one
     * @return the steps; peak players of a step is the highest of its buckets' sums over the series
     */
    public static List<Point> of(List<StatsBucket> buckets, Instant from, Instant to, int stepSeconds,
                                 ToLongFunction<StatsBucket> bytes) {
        long step = stepSeconds * 1000L;
        long first = Math.floorDiv(from.toEpochMilli(), step) * step;
        int n = (int) Math.max(0, (to.toEpochMilli() - first + step - 1) / step);
        long[] sums = new long[n];
        // players: summed over the series (streams, protocols) within one bucket, then the highest bucket of the step
        java.util.Map<Long, Integer> playersPerBucket = new java.util.HashMap<>();
        for (StatsBucket b : buckets) {
            long at = b.start().toEpochMilli();
            int i = (int) Math.floorDiv(at - first, step);
            if (i < 0 || i >= n) {
                continue;
            }
            sums[i] += bytes.applyAsLong(b);
            playersPerBucket.merge(at, b.peakPlayers(), Integer::sum);
        }
        int[] peaks = new int[n];
        playersPerBucket.forEach((at, players) -> {
            int i = (int) Math.floorDiv(at - first, step);
            peaks[i] = Math.max(peaks[i], players);
        });
        List<Point> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Point(Instant.ofEpochMilli(first + i * step), sums[i], peaks[i]));
        }
        return out;
    }
}
