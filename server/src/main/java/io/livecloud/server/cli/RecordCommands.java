package io.livecloud.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code livecloud record …}: recording configurations and the recorded files through the OpenAPI
 * (AddLiveAppRecordConfig, DeleteLiveAppRecordConfig, DescribeLiveRecordConfig, DescribeLiveStreamRecordIndexFiles).
 */
final class RecordCommands {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private final Cli cli;
    private final Cli.Args a;

    RecordCommands(Cli cli, Cli.Args a) {
        this.cli = cli;
        this.a = a;
    }

    void add() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("record add", "--format", "--stream", "--cycle", "--prefix", "--slice-prefix", "--slice", "--bucket",
                "--endpoint", "--on-demand", "--delay");
        List<String> pos = a.exactly("record add", 2, "a domain and an app: record add DOMAIN APP --format "
                + "mp4[,flv,m3u8] [--stream S] [--cycle SECONDS] [--prefix TEMPLATE] [--bucket B] [options]");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", pos.get(0));
        p.put("AppName", pos.get(1));
        p.put("StreamName", a.get("--stream"));
        int n = 0;
        for (String format : a.required("--format", "flv, mp4 or m3u8, several separated by commas").split("\\s*,\\s*")) {
            n++;
            p.put("RecordFormat." + n + ".Format", format);
            p.put("RecordFormat." + n + ".CycleDuration", a.get("--cycle"));
            p.put("RecordFormat." + n + ".OssObjectPrefix", a.get("--prefix"));
            if (format.equalsIgnoreCase("m3u8")) {
                p.put("RecordFormat." + n + ".SliceOssObjectPrefix", a.get("--slice-prefix"));
                p.put("RecordFormat." + n + ".SliceDuration", a.get("--slice"));
            }
        }
        p.put("OssBucket", a.get("--bucket"));
        p.put("OssEndpoint", a.get("--endpoint"));
        p.put("OnDemand", a.has("--on-demand") ? "1" : "0");
        p.put("DelayTime", a.get("--delay"));
        ApiClient.Answer answer = cli.call(a, "AddLiveAppRecordConfig", p);
        if (!cli.json(a, answer)) {
            cli.out.println(pos.get(0) + " app " + pos.get(1) + (a.has("--stream") ? " stream " + a.get("--stream") : "")
                    + ": recording " + a.get("--format") + " to " + (a.has("--bucket") ? "bucket " + a.get("--bucket")
                    : "the node's storage directory") + (a.has("--on-demand") ? ", pushes with ?record=1 only" : "")
                    + " (streams already live are recorded from their next push)");
        }
    }

    void remove() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("record rm", "--stream");
        List<String> pos = a.exactly("record rm", 2, "a domain and an app: record rm DOMAIN APP [--stream S]");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", pos.get(0));
        p.put("AppName", pos.get(1));
        p.put("StreamName", a.get("--stream"));
        ApiClient.Answer answer = cli.call(a, "DeleteLiveAppRecordConfig", p);
        if (!cli.json(a, answer)) {
            cli.out.println(pos.get(0) + " app " + pos.get(1) + ": recording configuration deleted (recordings running "
                    + "finish their current files)");
        }
    }

    void list() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("record list", "--app");
        String domain = a.exactly("record list", 1, "a domain: record list DOMAIN [--app A]").get(0);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", domain);
        p.put("AppName", a.get("--app"));
        p.put("PageSize", "100");
        ApiClient.Answer answer = cli.call(a, "DescribeLiveRecordConfig", p);
        if (cli.json(a, answer)) {
            return;
        }
        Table t = new Table("DOMAIN", "APP", "STREAM", "FORMAT", "CYCLE", "OBJECT NAME", "STORAGE", "ON DEMAND", "DELAY");
        JsonNode items = answer.json().path("LiveAppRecordList").path("LiveAppRecord");
        for (JsonNode c : items) {
            String storage = c.path("OssBucket").asText().isEmpty() ? "local" : c.path("OssBucket").asText();
            for (JsonNode f : c.path("RecordFormatList").path("RecordFormat")) {
                t.row(c.path("DomainName").asText(), c.path("AppName").asText(),
                        c.path("StreamName").asText().isEmpty() ? "*" : c.path("StreamName").asText(),
                        f.path("Format").asText(), f.path("CycleDuration").asText() + "s",
                        f.path("OssObjectPrefix").asText() + "." + f.path("Format").asText(), storage,
                        c.path("OnDemand").asInt() == 1 ? "?record=1" : "always", c.path("DelayTime").asText() + "s");
            }
        }
        t.print(cli.out);
        cli.out.println(items.size() + " configuration(s)");
    }

    void files() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("record files", "--from", "--to");
        List<String> pos = a.exactly("record files", 3, "a domain, an app and a stream: record files DOMAIN APP STREAM "
                + "[--from T] [--to T]");
        Instant to = a.has("--to") ? Instant.parse(StreamCommands.utc("--to", a.get("--to"))) : Instant.now().plusSeconds(1);
        Instant from = a.has("--from") ? Instant.parse(StreamCommands.utc("--from", a.get("--from")))
                : to.minus(Duration.ofHours(24));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", pos.get(0));
        p.put("AppName", pos.get(1));
        p.put("StreamName", pos.get(2));
        p.put("StartTime", UTC.format(from));
        p.put("EndTime", UTC.format(to));
        p.put("PageSize", "100");
        ApiClient.Answer answer = cli.call(a, "DescribeLiveStreamRecordIndexFiles", p);
        if (cli.json(a, answer)) {
            return;
        }
        Table t = new Table("START", "END", "FORMAT", "DURATION", "SIZE", "OBJECT", "URL");
        JsonNode items = answer.json().path("RecordIndexInfoList").path("RecordIndexInfo");
        for (JsonNode f : items) {
            t.row(f.path("StartTime").asText(), f.path("EndTime").asText(), f.path("Format").asText(),
                    String.format(java.util.Locale.ROOT, "%.1fs", f.path("Duration").asDouble()),
                    f.path("Width").asText() + "x" + f.path("Height").asText(), f.path("OssObject").asText(),
                    f.path("RecordUrl").asText());
        }
        t.print(cli.out);
        cli.out.println(items.size() + " file(s) from " + UTC.format(from) + " to " + UTC.format(to)
                + (answer.json().path("TotalNum").asInt() > items.size() ? " (first " + items.size() + " of "
                + answer.json().path("TotalNum").asInt() + ")" : ""));
    }

    /** {@code record notify DOMAIN [URL | --off]}: shows, sets or removes the callback per recorded file. */
    void notifyUrl() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("record notify", "--off");
        List<String> pos = a.positional();
        if (pos.isEmpty() || pos.size() > 2 || (pos.size() == 2 && a.has("--off"))) {
            throw new IllegalArgumentException("record notify takes a domain and a URL, a domain and --off, or a domain "
                    + "alone to show it: record notify DOMAIN [URL | --off]");
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", pos.get(0));
        if (a.has("--off")) {
            ApiClient.Answer answer = cli.call(a, "DeleteLiveRecordNotifyConfig", p);
            if (!cli.json(a, answer)) {
                cli.out.println(pos.get(0) + ": no recording callbacks any more");
            }
            return;
        }
        if (pos.size() == 2) {
            p.put("NotifyUrl", pos.get(1));
            ApiClient.Answer answer = cli.call(a, "AddLiveRecordNotifyConfig", p);
            if (!cli.json(a, answer)) {
                cli.out.println(pos.get(0) + ": every recorded file is POSTed to " + pos.get(1));
            }
            return;
        }
        ApiClient.Answer answer = cli.call(a, "DescribeLiveRecordNotifyConfig", p);
        if (!cli.json(a, answer)) {
            JsonNode c = answer.json().path("LiveRecordNotifyConfig");
            cli.out.println(c.path("DomainName").asText() + ": recorded files are POSTed to " + c.path("NotifyUrl").asText());
        }
    }
}
