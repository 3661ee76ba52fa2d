package io.livecloud.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code livecloud snapshot …}: the snapshot configurations of a domain and the snapshots taken, through the OpenAPI
 * (AddLiveAppSnapshotConfig, UpdateLiveAppSnapshotConfig, DeleteLiveAppSnapshotConfig, DescribeLiveSnapshotConfig,
 * DescribeLiveStreamSnapshotInfo).
 */
final class SnapshotCommands {
    private static final String[] CONFIG_OPTIONS = {"--interval", "--overwrite", "--sequence", "--bucket", "--endpoint"};
    private final Cli cli;
    private final Cli.Args a;

    SnapshotCommands(Cli cli, Cli.Args a) {
        this.cli = cli;
        this.a = a;
    }

    void add() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("snapshot add", CONFIG_OPTIONS);
        List<String> pos = a.exactly("snapshot add", 2, "a domain and an app (or *): snapshot add DOMAIN APP "
                + "--interval SECONDS [--overwrite NAME] [--sequence NAME] [--bucket B --endpoint E]");
        Map<String, String> p = config(pos);
        p.put("TimeInterval", a.required("--interval", "seconds between shots, 5-3600"));
        if (!a.has("--overwrite") && !a.has("--sequence")) {
            throw new IllegalArgumentException("--overwrite NAME and/or --sequence NAME is required, e.g. "
                    + "--sequence 'snapshot/{AppName}/{StreamName}/{UnixTimestamp}.jpg'");
        }
        ApiClient.Answer answer = cli.call(a, "AddLiveAppSnapshotConfig", p);
        if (!cli.json(a, answer)) {
            cli.out.println(pos.get(0) + " app " + pos.get(1) + ": a snapshot every " + a.get("--interval")
                    + " s (streams already live get it on their next push)");
        }
    }

    void update() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("snapshot update", CONFIG_OPTIONS);
        List<String> pos = a.exactly("snapshot update", 2, "a domain and an app (or *): snapshot update DOMAIN APP "
                + "[--interval SECONDS] [--overwrite NAME] [--sequence NAME] [--bucket B --endpoint E]");
        Map<String, String> p = config(pos);
        p.put("TimeInterval", a.get("--interval"));
        ApiClient.Answer answer = cli.call(a, "UpdateLiveAppSnapshotConfig", p);
        if (!cli.json(a, answer)) {
            cli.out.println(pos.get(0) + " app " + pos.get(1) + ": snapshot configuration updated (names and storage "
                    + "apply from the next shot, the interval from the next push)");
        }
    }

    private Map<String, String> config(List<String> pos) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", pos.get(0));
        p.put("AppName", pos.get(1));
        p.put("OverwriteOssObject", a.get("--overwrite"));
        p.put("SequenceOssObject", a.get("--sequence"));
        p.put("OssBucket", a.get("--bucket"));
        p.put("OssEndpoint", a.get("--endpoint"));
        return p;
    }

    void remove() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("snapshot rm");
        List<String> pos = a.exactly("snapshot rm", 2, "a domain and an app: snapshot rm DOMAIN APP");
        ApiClient.Answer answer = cli.call(a, "DeleteLiveAppSnapshotConfig",
                Map.of("DomainName", pos.get(0), "AppName", pos.get(1)));
        if (!cli.json(a, answer)) {
            cli.out.println(pos.get(0) + " app " + pos.get(1) + ": snapshot configuration deleted (running snapshot "
                    + "jobs stop; the pictures taken stay where they are)");
        }
    }

    void list() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("snapshot list", "--app");
        String domain = a.exactly("snapshot list", 1, "a domain: snapshot list DOMAIN [--app A]").get(0);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", domain);
        p.put("AppName", a.get("--app"));
        p.put("PageSize", "100");
        ApiClient.Answer answer = cli.call(a, "DescribeLiveSnapshotConfig", p);
        if (cli.json(a, answer)) {
            return;
        }
        Table t = new Table("DOMAIN", "APP", "EVERY", "OVERWRITE", "SEQUENCE", "BUCKET", "CREATED");
        JsonNode items = answer.json().path("LiveStreamSnapshotConfigList").path("LiveStreamSnapshotConfig");
        for (JsonNode i : items) {
            t.row(i.path("DomainName").asText(), i.path("AppName").asText(), i.path("TimeInterval").asText() + " s",
                    orDash(i.path("OverwriteOssObject").asText()), orDash(i.path("SequenceOssObject").asText()),
                    i.path("OssBucket").asText().isEmpty() ? "(local)" : i.path("OssBucket").asText(),
                    i.path("CreateTime").asText());
        }
        t.print(cli.out);
        cli.out.println(answer.json().path("TotalNum").asInt() + " configuration(s)");
    }

    void shots() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("snapshot shots", "--from", "--to", "--limit", "--desc");
        List<String> pos = a.exactly("snapshot shots", 3, "a domain, an app and a stream: snapshot shots DOMAIN APP "
                + "STREAM [--from T] [--to T] [--limit N] [--desc]   (default: the last hour, 10, oldest first)");
        Instant to = a.has("--to") ? Instant.parse(a.get("--to")) : Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Instant from = a.has("--from") ? Instant.parse(a.get("--from")) : to.minus(1, ChronoUnit.HOURS);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", pos.get(0));
        p.put("AppName", pos.get(1));
        p.put("StreamName", pos.get(2));
        p.put("StartTime", from.toString());
        p.put("EndTime", to.toString());
        p.put("Limit", a.get("--limit"));
        p.put("Order", a.has("--desc") ? "desc" : "asc");
        ApiClient.Answer answer = cli.call(a, "DescribeLiveStreamSnapshotInfo", p);
        if (cli.json(a, answer)) {
            return;
        }
        Table t = new Table("TAKEN", "KIND", "OBJECT", "SIZE", "URL");
        JsonNode items = answer.json().path("LiveStreamSnapshotInfoList").path("StreamSnapshotInfo");
        for (JsonNode i : items) {
            t.row(i.path("CreateTime").asText(), i.path("IsOverlay").asBoolean() ? "overwrite" : "sequence",
                    i.path("OssObject").asText(), i.path("Width").asText() + "x" + i.path("Height").asText(),
                    i.path("Url").asText());
        }
        t.print(cli.out);
        String next = answer.json().path("NextStartTime").asText("");
        cli.out.println(items.size() + " snapshot(s)" + (next.isEmpty() ? "" : "; more from " + next));
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
