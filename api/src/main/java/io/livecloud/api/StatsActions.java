package io.livecloud.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.control.ControlException;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.stats.StatsBucket;
import io.livecloud.control.stats.TrafficSeries;
import io.livecloud.control.stats.TrafficStats;
import io.livecloud.control.stats.UsageReport;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The statistics actions (SPEC §6) over {@link TrafficStats}: DescribeLiveDomainBpsData, DescribeLiveDomainTrafficData
 * and DescribeLiveDomainOnlineUserNum as the official SDK reads them ({@code …PerInterval.DataModule[]} with
 * {@code TimeStamp} and the values as strings), and ours, DescribeLiveUsageReport: a domain's month for billing by
 * traffic or by daily bandwidth peak.
 *
 * <p>A play domain's figures are what its players were sent (downstream), a push domain's what its publishers sent
 * (upstream). No HTTPS is served, so {@code Https…Value} is 0 and {@code Http…Value} equals the total. Interval 300
 * (the default), 3600 and 86400 read the 5-minute buckets (kept 90 days), ours 60 the 1-minute ones (kept 7 days); a
 * longer step's bandwidth is its average. The bucket still open is included up to the moment of the request.
 */
final class StatsActions {
    private static final Set<Integer> INTERVALS = Set.of(60, 300, 3600, 86400);
    private static final Duration MAX_SPAN = Duration.ofDays(31);
    private static final Duration DEFAULT_SPAN = Duration.ofDays(1);

    private final DomainCatalog catalog;
    private final TrafficStats stats;
    private final Clock clock;

    private StatsActions(DomainCatalog catalog, TrafficStats stats, Clock clock) {
        this.catalog = catalog;
        this.stats = stats;
        this.clock = clock;
    }

    static void register(Map<String, LiveActions.Action> actions, DomainCatalog catalog, TrafficStats stats, Clock clock) {
        StatsActions a = new StatsActions(catalog, stats, clock);
        actions.put("DescribeLiveDomainBpsData", (p, out) -> a.series(p, out, "Bps"));
        actions.put("DescribeLiveDomainTrafficData", (p, out) -> a.series(p, out, "Traffic"));
        actions.put("DescribeLiveDomainOnlineUserNum", a::onlineUserNum);
        actions.put("DescribeLiveUsageReport", a::usageReport);
    }

    /** The bytes that count for a domain: downstream for a play domain, upstream for a push domain. */
    private static ToLongFunction<StatsBucket> direction(Domain d) {
        return d.type() == DomainType.PLAY ? StatsBucket::bytesOut : StatsBucket::bytesIn;
    }

    private void series(ApiParams p, ObjectNode out, String kind) {
        Domain d = catalog.get(p.required("DomainName"));
        int interval = interval(p);
        Instant end = p.optional("EndTime") == null ? clock.instant() : p.time("EndTime");
        Instant start = p.optional("StartTime") == null ? end.minus(DEFAULT_SPAN) : p.time("StartTime");
        checkRange(start, end, interval);
        int bucket = interval == 60 ? TrafficStats.MINUTE : TrafficStats.FIVE_MINUTES;
        String app = p.optional("AppName"); // ours: one app
        String stream = p.optional("StreamName"); // ours: one stream
        List<StatsBucket> buckets = stats.buckets(bucket, d.name(), floor(start, interval), end).stream()
                .filter(b -> app == null || b.app().equals(app))
                .filter(b -> stream == null || b.stream().equals(stream))
                .toList();
        out.put("DomainName", d.name());
        out.put("StartTime", LiveActions.gmt(start));
        out.put("EndTime", LiveActions.gmt(end));
        out.put("DataInterval", Integer.toString(interval));
        ArrayNode items = out.putObject(kind + "DataPerInterval").putArray("DataModule");
        for (TrafficSeries.Point point : TrafficSeries.of(buckets, start, end, interval, direction(d))) {
            ObjectNode i = items.addObject();
            i.put("TimeStamp", LiveActions.gmt(point.start()));
            String value = kind.equals("Bps") ? decimal(point.bitsPerSecond(interval)) : Long.toString(point.bytes());
            i.put(kind + "Value", value);
            i.put("Http" + kind + "Value", value);
            i.put("Https" + kind + "Value", "0");
        }
    }

    /**
     * Viewers per stream of a play domain: with {@code QueryTime}, the most that were live at once in that minute
     * (from the 1-minute buckets; the 5-minute ones once those are pruned); without it, the play sessions live now.
     * Every protocol counts, HLS included (the cloud leaves HLS out); ours: the split per protocol.
     */
    private void onlineUserNum(ApiParams p, ObjectNode out) {
        Domain d = catalog.get(p.required("DomainName"));
        Map<String, Map<String, Integer>> players;
        if (p.optional("QueryTime") == null) {
            players = stats.playersNow(d.name());
        } else {
            Instant at = p.time("QueryTime");
            if (at.isAfter(clock.instant())) {
                throw ControlException.badRequest("InvalidQueryTime.Mismatch", "QueryTime is in the future: " + p.required("QueryTime"));
            }
            boolean minutes = at.isAfter(clock.instant().minus(TrafficStats.MINUTE_RETENTION));
            int seconds = minutes ? TrafficStats.MINUTE : TrafficStats.FIVE_MINUTES;
            Instant from = floor(at, seconds);
            players = new TreeMap<>();
            for (StatsBucket b : stats.buckets(seconds, d.name(), from, from.plusSeconds(seconds))) {
                if (b.peakPlayers() > 0) {
                    players.computeIfAbsent(b.app() + "/" + b.stream(), k -> new TreeMap<>())
                            .merge(b.protocol(), b.peakPlayers(), Integer::sum);
                }
            }
        }
        long users = 0;
        ArrayNode items = out.putObject("OnlineUserInfo").putArray("LiveStreamOnlineUserNumInfo");
        for (Map.Entry<String, Map<String, Integer>> e : players.entrySet()) {
            long n = e.getValue().values().stream().mapToLong(Integer::longValue).sum();
            ObjectNode i = items.addObject();
            i.put("StreamName", "rtmp://" + d.name() + "/" + e.getKey());
            ObjectNode info = i.putObject("Infos").putArray("Info").addObject();
            info.put("TranscodeTemplate", "origin");
            info.put("UserNumber", n);
            ArrayNode protocols = i.putObject("Protocols").putArray("Protocol"); // ours
            e.getValue().forEach((name, count) -> {
                ObjectNode pn = protocols.addObject();
                pn.put("Name", name);
                pn.put("UserNumber", count);
            });
            users += n;
        }
        out.put("StreamCount", players.size());
        out.put("UserCount", users);
    }

    /** Ours: DescribeLiveUsageReport, DomainName + Month (yyyy-MM, UTC; the current month when absent). */
    private void usageReport(ApiParams p, ObjectNode out) {
        Domain d = catalog.get(p.required("DomainName"));
        Instant now = clock.instant();
        YearMonth month = month(p, YearMonth.from(now.atZone(ZoneOffset.UTC)));
        Instant start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        UsageReport r = UsageReport.of(month, stats.buckets(TrafficStats.FIVE_MINUTES, d.name(), start, end), now,
                direction(d));
        out.put("DomainName", d.name());
        out.put("Month", month.toString());
        out.put("Direction", d.type() == DomainType.PLAY ? "downstream" : "upstream");
        out.put("TrafficBytes", r.trafficBytes());
        out.put("TrafficGB", decimal(r.trafficGigabytes(), 6));
        out.put("MaxDailyPeakBps", decimal(r.maxDailyPeakBps()));
        out.put("AverageDailyPeakBps", decimal(r.averageDailyPeakBps()));
        out.put("Percentile95Bps", decimal(r.percentile95Bps()));
        ArrayNode days = out.putObject("DailyUsage").putArray("Day");
        for (UsageReport.Day day : r.days()) {
            ObjectNode i = days.addObject();
            i.put("Date", day.date().toString());
            i.put("TrafficBytes", day.trafficBytes());
            i.put("PeakBps", decimal(day.peakBps()));
            i.put("PeakTime", day.peakAt() == null ? "" : LiveActions.gmt(day.peakAt()));
        }
    }

    private static YearMonth month(ApiParams p, YearMonth current) {
        String v = p.optional("Month");
        if (v == null) {
            return current;
        }
        try {
            YearMonth m = YearMonth.parse(v);
            if (m.isAfter(current)) {
                throw ControlException.badRequest("InvalidMonth.Mismatch", "Month is in the future: " + v);
            }
            return m;
        } catch (DateTimeParseException e) {
            throw ControlException.badRequest("InvalidMonth.Malformed",
                    "Specified parameter Month is not valid: use yyyy-MM, like 2026-12, got: " + v);
        }
    }

    private static int interval(ApiParams p) {
        String v = p.optional("Interval");
        if (v == null) {
            return 300;
        }
        try {
            int n = Integer.parseInt(v);
            if (INTERVALS.contains(n)) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ControlException.badRequest("InvalidInterval.Malformed",
                "Specified parameter Interval is not valid: 60, 300, 3600 or 86400 (seconds), got: " + v);
    }

    private void checkRange(Instant start, Instant end, int interval) {
        if (!end.isAfter(start) || Duration.between(start, end).compareTo(MAX_SPAN) > 0) {
            throw ControlException.badRequest("InvalidEndTime.Mismatch",
                    "EndTime must be after StartTime and at most 31 days later");
        }
        Duration kept = interval == 60 ? TrafficStats.MINUTE_RETENTION : TrafficStats.FIVE_MINUTE_RETENTION;
        if (start.isBefore(clock.instant().minus(kept))) {
            throw ControlException.badRequest("InvalidStartTime.ValueNotSupported", "StartTime is older than the "
                    + kept.toDays() + " days the " + (interval == 60 ? "1-minute" : "5-minute") + " statistics are kept");
        }
    }

    private static Instant floor(Instant t, int seconds) {
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), seconds) * seconds);
    }

    private static String decimal(double v) {
        return decimal(v, 2);
    }

    private static String decimal(double v, int scale) {
        return BigDecimal.valueOf(v).setScale(scale, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
