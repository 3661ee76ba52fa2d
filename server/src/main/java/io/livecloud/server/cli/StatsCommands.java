package io.livecloud.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code livecloud stats …} and {@code livecloud usage …}: the statistics through the OpenAPI
 * (DescribeLiveDomainTrafficData + DescribeLiveDomainBpsData, DescribeLiveDomainOnlineUserNum, and our
 * DescribeLiveUsageReport).
 */
final class StatsCommands {
    private final Cli cli;
    private final Cli.Args a;

    StatsCommands(Cli cli, Cli.Args a) {
        this.cli = cli;
        this.a = a;
    }

    /** {@code stats traffic DOMAIN}: traffic and bandwidth per step (default: the last hour in 5-minute steps). */
    void traffic() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("stats traffic", "--from", "--to", "--interval", "--app", "--stream");
        String domain = a.exactly("stats traffic", 1,
                "a domain: stats traffic DOMAIN [--from T] [--to T] [--interval 60|300|3600|86400] [--app A] [--stream S]").get(0);
        Instant to = a.has("--to") ? time("--to", a.get("--to")) : Instant.now();
        Instant from = a.has("--from") ? time("--from", a.get("--from")) : to.minus(Duration.ofHours(1));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", domain);
        p.put("StartTime", from.toString());
        p.put("EndTime", to.toString());
        p.put("Interval", a.has("--interval") ? a.get("--interval") : "300");
        p.put("AppName", a.get("--app"));
        p.put("StreamName", a.get("--stream"));
        ApiClient.Answer traffic = cli.call(a, "DescribeLiveDomainTrafficData", p);
        if (cli.json(a, traffic)) {
            return;
        }
        JsonNode bps = cli.call(a, "DescribeLiveDomainBpsData", p).json();
        JsonNode steps = traffic.json().path("TrafficDataPerInterval").path("DataModule");
        JsonNode rates = bps.path("BpsDataPerInterval").path("DataModule");
        Table t = new Table("TIME", "TRAFFIC", "BANDWIDTH");
        long total = 0;
        double peak = 0;
        for (int i = 0; i < steps.size(); i++) {
            long bytes = steps.get(i).path("TrafficValue").asLong();
            double rate = rates.path(i).path("BpsValue").asDouble();
            t.row(steps.get(i).path("TimeStamp").asText(), bytes(bytes), bitrate(rate));
            total += bytes;
            peak = Math.max(peak, rate);
        }
        t.print(cli.out);
        cli.out.println(domain + ": " + bytes(total) + " in " + steps.size() + " step(s) of "
                + traffic.json().path("DataInterval").asText() + " s, peak " + bitrate(peak));
    }

    /** {@code stats viewers DOMAIN [--at T]}: players per stream now, or the most at once in the minute of T. */
    void viewers() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("stats viewers", "--at");
        String domain = a.exactly("stats viewers", 1, "a play domain: stats viewers DOMAIN [--at T]").get(0);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", domain);
        if (a.has("--at")) {
            p.put("QueryTime", time("--at", a.get("--at")).toString());
        }
        ApiClient.Answer answer = cli.call(a, "DescribeLiveDomainOnlineUserNum", p);
        if (cli.json(a, answer)) {
            return;
        }
        Table t = new Table("STREAM", "VIEWERS", "BY PROTOCOL");
        for (JsonNode s : answer.json().path("OnlineUserInfo").path("LiveStreamOnlineUserNumInfo")) {
            StringBuilder by = new StringBuilder();
            s.path("Protocols").path("Protocol").forEach(x -> by.append(by.isEmpty() ? "" : ", ")
                    .append(x.path("Name").asText()).append(' ').append(x.path("UserNumber").asLong()));
            t.row(s.path("StreamName").asText(), s.path("Infos").path("Info").path(0).path("UserNumber").asText(),
                    by.isEmpty() ? "-" : by.toString());
        }
        t.print(cli.out);
        cli.out.println(answer.json().path("UserCount").asLong() + " viewer(s) on "
                + answer.json().path("StreamCount").asLong() + " stream(s)" + (a.has("--at") ? " (peak of that minute)" : ""));
    }

    /** {@code usage DOMAIN [--month yyyy-MM]}: the month for billing by traffic or by daily bandwidth peak. */
    void usage() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("usage", "--month");
        String domain = a.exactly("usage", 1, "a domain: usage DOMAIN [--month 2026-12]").get(0);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", domain);
        p.put("Month", a.get("--month"));
        ApiClient.Answer answer = cli.call(a, "DescribeLiveUsageReport", p);
        if (cli.json(a, answer)) {
            return;
        }
        JsonNode r = answer.json();
        Table t = new Table("DAY", "TRAFFIC", "PEAK (5-MIN AVERAGE)", "AT");
        for (JsonNode d : r.path("DailyUsage").path("Day")) {
            t.row(d.path("Date").asText(), bytes(d.path("TrafficBytes").asLong()), bitrate(d.path("PeakBps").asDouble()),
                    d.path("PeakTime").asText().isEmpty() ? "-" : d.path("PeakTime").asText());
        }
        t.print(cli.out);
        cli.out.println(r.path("DomainName").asText() + " " + r.path("Month").asText() + " (" + r.path("Direction").asText()
                + "): traffic " + r.path("TrafficGB").asText() + " GB; daily peak: highest " + bitrate(r.path("MaxDailyPeakBps").asDouble())
                + ", average " + bitrate(r.path("AverageDailyPeakBps").asDouble()) + "; 95th percentile "
                + bitrate(r.path("Percentile95Bps").asDouble()));
    }

    private static Instant time(String option, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be an ISO-8601 time like 2030-01-01T08:00:00Z, got: " + value);
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    static String bitrate(double bps) {
        if (bps >= 1e6) {
            return String.format(Locale.ROOT, "%.2f Mbit/s", bps / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f kbit/s", bps / 1e3);
    }
}
