package io.livecloud.control.stats;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The billing figures from hand-made 5-minute buckets whose answers are known. */
class UsageReportTest {
    private static final YearMonth MONTH = YearMonth.of(2026, 11);

    private static StatsBucket five(String at, String stream, long bytesOut) {
        return new StatsBucket(300, Instant.parse(at), "play.example.com", "live", stream, "rtmp", 0, bytesOut, 1);
    }

    /** The bytes that make {@code bps} over 5 minutes. */
    private static long bytesAt(double bps) {
        return (long) (bps * 300 / 8);
    }

    @Test
    void dailyPeakIsTheHighestFiveMinuteAverageSummedOverStreams() {
        List<StatsBucket> b = List.of(
                five("2026-11-01T10:00:00Z", "a", bytesAt(1_000_000)),
                five("2026-11-01T10:00:00Z", "b", bytesAt(500_000)), // same step: 1.5 Mbit/s
                five("2026-11-01T11:00:00Z", "a", bytesAt(1_200_000)),
                five("2026-11-02T00:05:00Z", "a", bytesAt(3_000_000)),
                five("2026-12-01T00:00:00Z", "a", bytesAt(9_000_000))); // next month: not counted
        UsageReport r = UsageReport.of(MONTH, b, Instant.parse("2027-01-01T00:00:00Z"), StatsBucket::bytesOut);
        assertThat(r.days()).hasSize(30);
        UsageReport.Day first = r.days().get(0);
        assertThat(first.date()).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(first.peakBps()).isCloseTo(1_500_000, within(1.0));
        assertThat(first.peakAt()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
        assertThat(r.days().get(1).peakBps()).isCloseTo(3_000_000, within(1.0));
        assertThat(r.days().get(2).peakBps()).isZero();
        assertThat(r.days().get(2).peakAt()).isNull();
        assertThat(r.maxDailyPeakBps()).isCloseTo(3_000_000, within(1.0));
        assertThat(r.averageDailyPeakBps()).isCloseTo((1_500_000 + 3_000_000) / 30.0, within(1.0));
        long total = bytesAt(1_000_000) + bytesAt(500_000) + bytesAt(1_200_000) + bytesAt(3_000_000);
        assertThat(r.trafficBytes()).isEqualTo(total);
        assertThat(r.trafficGigabytes()).isCloseTo(total / 1073741824.0, within(1e-12));
    }

    @Test
    void percentile95LeavesOutTheTopFivePercentOfTheMonthsSteps() {
        // 30 days = 8640 steps; the top 5% is 432 steps: with 432 at 10 Mbit/s and one at 2 Mbit/s, the answer is 2
        List<StatsBucket> b = new ArrayList<>();
        Instant t = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = 0; i < 432; i++) {
            b.add(five(t.plusSeconds(300L * i).toString(), "a", bytesAt(10_000_000)));
        }
        b.add(five(t.plusSeconds(300L * 500).toString(), "a", bytesAt(2_000_000)));
        UsageReport r = UsageReport.of(MONTH, b, Instant.parse("2027-01-01T00:00:00Z"), StatsBucket::bytesOut);
        assertThat(r.percentile95Bps()).isCloseTo(2_000_000, within(1.0));
        b.add(five(t.plusSeconds(300L * 600).toString(), "a", bytesAt(10_000_000)));
        assertThat(UsageReport.of(MONTH, b, Instant.parse("2027-01-01T00:00:00Z"), StatsBucket::bytesOut)
                .percentile95Bps()).as("one more top step pushes the 95th into the top group").isCloseTo(10_000_000, within(1.0));
    }

    @Test
    void theCurrentMonthEndsNow() {
        UsageReport r = UsageReport.of(MONTH, List.of(five("2026-11-03T00:00:00Z", "a", 1000)),
                Instant.parse("2026-11-03T12:00:00Z"), StatsBucket::bytesOut);
        assertThat(r.days()).extracting(UsageReport.Day::date).containsExactly(LocalDate.of(2026, 11, 1),
                LocalDate.of(2026, 11, 2), LocalDate.of(2026, 11, 3));
        assertThat(r.trafficBytes()).isEqualTo(1000);
    }
}
