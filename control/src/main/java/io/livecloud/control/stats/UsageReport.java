package io.livecloud.control.stats;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A domain's usage for one UTC month, for both billing methods of SPEC §6: by traffic, and by daily bandwidth peak
 * (the highest of the day's 288 five-minute averages), with the monthly figures built on them: the highest daily
 * peak, the average of the daily peaks, and the 95th percentile of every five-minute average of the month (sorted,
 * the top 5% left out, the next one).
 *
 * <p>The month runs up to {@code until} (now, for the current month): days and five-minute steps after it are not
 * in the report, so the average and the percentile are over the time that has passed.
 *
 * @param days one per day of the month up to {@code until}
 */
public record UsageReport(YearMonth month, long trafficBytes, List<Day> days, double maxDailyPeakBps,
                          double averageDailyPeakBps, double percentile95Bps) {
    private static final int STEP = TrafficStats.FIVE_MINUTES;

    /** One UTC day: its traffic, its peak five-minute average and when that step started (null for an idle day). */
    public record Day(LocalDate date, long trafficBytes, double peakBps, Instant peakAt) {
    }

    /** Traffic in GB as the cloud bills it: 1 GB = 1024³ bytes. */
    public double trafficGigabytes() {
        return trafficBytes / (1024.0 * 1024 * 1024);
    }

    /**
     * @param fiveMinuteBuckets the domain's 5-minute buckets of the month
     * @param bytes             {@code StatsBucket::bytesOut} for a play domain, {@code bytesIn} for a push domain
     */
    public static UsageReport of(YearMonth month, List<StatsBucket> fiveMinuteBuckets, Instant until,
                                 ToLongFunction<StatsBucket> bytes) {
        Instant start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        if (until.isBefore(end)) {
            end = until;
        }
        List<TrafficSeries.Point> steps = end.isAfter(start)
                ? TrafficSeries.of(fiveMinuteBuckets, start, end, STEP, bytes) : List.of();
        List<Day> days = new ArrayList<>();
        long total = 0;
        double[] all = new double[steps.size()];
        int i = 0;
        Day current = null;
        for (TrafficSeries.Point p : steps) {
            double bps = p.bitsPerSecond(STEP);
            all[i++] = bps;
            total += p.bytes();
            LocalDate date = LocalDate.ofInstant(p.start(), ZoneOffset.UTC);
            if (current == null || !current.date().equals(date)) {
                if (current != null) {
                    days.add(current);
                }
                current = new Day(date, 0, 0, null);
            }
            boolean higher = p.bytes() > 0 && bps > current.peakBps();
            current = new Day(date, current.trafficBytes() + p.bytes(), higher ? bps : current.peakBps(),
                    higher ? p.start() : current.peakAt());
        }
        if (current != null) {
            days.add(current);
        }
        double max = days.stream().mapToDouble(Day::peakBps).max().orElse(0);
        double average = days.stream().mapToDouble(Day::peakBps).average().orElse(0);
        return new UsageReport(month, total, List.copyOf(days), max, average, percentile95(all));
    }

    /** The cloud's 95th percentile: sort descending, leave out the top 5% (rounded down), take the next. */
    static double percentile95(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int dropped = (int) Math.floor(sorted.length * 0.05);
        return sorted[sorted.length - 1 - dropped];
    }
}
