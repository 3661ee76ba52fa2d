package io.livecloud.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.api.AdminAccessKey;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code livecloud domain|auth|urls …}: the operator's commands against a running node, through the same signed
 * OpenAPI the SDKs use. Tables for people by default, {@code --json} for scripts. Exit status: 0 done, 1 the API
 * refused (one line: {@code Code: Message}) or could not be reached, 2 a usage error (thrown as
 * {@link IllegalArgumentException}, which {@code Main} prints with the usage hint).
 */
public final class Cli {
    public static final String DEFAULT_API = "http://127.0.0.1:8090";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FLAGS = Set.of("--json", "--reveal", "--on", "--off", "--oneshot",
            "--lazy", "--desc", "--on-demand");
    private static final Set<String> GLOBAL = Set.of("--api", "--data-dir", "--json");

    /** Usage lines for {@code livecloud help}. */
    public static final String USAGE = """
            Commands talking to a running node (through its signed OpenAPI):
              domain add NAME --type push|play --region LIVE_CENTER [--scope domestic|overseas|global]
              domain list [--type push|play] [--status online|offline] [--name TEXT] [--page N --page-size N]
              domain show NAME
              domain rm NAME | stop NAME | start NAME
              domain map PUSH_DOMAIN PLAY_DOMAIN | unmap PUSH_DOMAIN PLAY_DOMAIN
              domain isolation NAME --on|--off       streams unique per app (on) or per domain (off)
              auth show DOMAIN [--reveal]            URL authentication (type A); keys masked unless --reveal
              auth set DOMAIN [--on|--off] [--key K] [--backup-key K] [--validity SECONDS]
                       [--timestamp-rule plus_delta|is_expiry]   is_expiry: the older rule, timestamp = expiry
              urls --play-domain D --app A --stream S [--template T]   signed push and play URLs
              streams list [--domain D] [--app A] [--stream S]   live streams with what they send
              streams viewers [--domain D]           players now, per stream and protocol
              streams forbid DOMAIN APP STREAM [--until 2030-01-01T00:00:00Z] [--oneshot]
                                                     cut the publisher; refuse pushes until resumed
                                                     or --until (--oneshot: cut only, refuse nothing)
              streams resume DOMAIN APP STREAM       allow pushes again
              streams blocked [--domain D]           the forbidden streams
              streams history --domain D [--from T] [--to T]   publish sessions (default: last 24 h)
              (without --domain: every push domain; a play domain means its push domain)
              stats traffic DOMAIN [--from T] [--to T] [--interval 60|300|3600|86400] [--app A] [--stream S]
                                                     traffic and bandwidth per step (default: last hour, 300 s)
              stats viewers DOMAIN [--at T]          players per stream now, or the peak of T's minute
              usage DOMAIN [--month 2026-12]         a month's traffic (GB), daily bandwidth peaks, 95th percentile
              transcode list PLAY_DOMAIN [--app A]   bound templates (renditions play as {stream}_{template})
              transcode add PLAY_DOMAIN APP lld[,lsd,lhd,lud] [--lazy]   standard templates (--lazy: start
                                                     on the first viewer, not with the source)
              transcode add-custom PLAY_DOMAIN APP NAME --height H [--width W] --fps F --video-bitrate KBPS
                       [--gop FRAMES|2s] [--profile baseline|main|high] [--audio-bitrate KBPS]
                       [--audio-rate HZ] [--audio-channels 1|2] [--lazy]
              transcode rm PLAY_DOMAIN APP TEMPLATE
              transcode jobs [--domain D]            renditions running (pid, restarts, speed) and refused starts
              snapshot list DOMAIN [--app A]         snapshot configurations (a play domain means its push domain)
              snapshot add DOMAIN APP --interval SECONDS [--overwrite NAME] [--sequence NAME]
                       [--bucket B --endpoint E]     a JPEG every 5-3600 s; names use {AppName} {StreamName}
                                                     {UnixTimestamp}, e.g. {AppName}/{StreamName}.jpg
              snapshot update DOMAIN APP [--interval SECONDS] [--overwrite NAME] [--sequence NAME] ...
              snapshot rm DOMAIN APP
              snapshot shots DOMAIN APP STREAM [--from T] [--to T] [--limit N] [--desc]
                                                     snapshots taken (default: the last hour)
              record add DOMAIN APP --format mp4[,flv,m3u8] [--stream S] [--cycle SECONDS] [--prefix TEMPLATE]
                       [--slice-prefix TEMPLATE] [--slice SECONDS] [--bucket B] [--endpoint E] [--on-demand]
                       [--delay SECONDS]             record an app's streams (one stream with --stream)
              record list DOMAIN [--app A]           recording configurations
              record rm DOMAIN APP [--stream S]
              record files DOMAIN APP STREAM [--from T] [--to T]   recorded files (default: last 24 h)
              record notify DOMAIN [URL | --off]     the callback per recorded file: show, set or remove
            Their options:
              --api URL           the node's API (default http://127.0.0.1:8090)
              --data-dir DIR      where to find access-key.properties (default ./data), unless
                                  LIVECLOUD_ACCESS_KEY_ID and LIVECLOUD_ACCESS_KEY_SECRET are set
              --json              print the API's JSON instead of a table
            """;

    final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    private Cli(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static int run(String command, Deque<String> args, PrintStream out, PrintStream err) {
        return run(command, args, out, err, System.getenv());
    }

    public static int run(String command, Deque<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
        return new Cli(out, err, env).dispatch(command, Args.parse(args));
    }

    /** Positional arguments and {@code --options}. */
    record Args(List<String> positional, Map<String, String> options) {
        static Args parse(Deque<String> raw) {
            List<String> positional = new ArrayList<>();
            Map<String, String> options = new LinkedHashMap<>();
            while (!raw.isEmpty()) {
                String a = raw.poll();
                if (a.startsWith("--")) {
                    String name = a;
                    String value = null;
                    int eq = a.indexOf('=');
                    if (eq > 0) {
                        name = a.substring(0, eq);
                        value = a.substring(eq + 1);
                    } else if (!FLAGS.contains(a)) {
                        value = raw.poll();
                        if (value == null) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                    }
                    options.put(name, value == null ? "" : value);
                } else {
                    positional.add(a);
                }
            }
            return new Args(positional, options);
        }

        boolean has(String option) {
            return options.containsKey(option);
        }

        String get(String option) {
            return options.get(option);
        }

        String required(String option, String what) {
            String v = options.get(option);
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException(option + " is required (" + what + ")");
            }
            return v;
        }

        void allow(String command, String... names) {
            Set<String> ok = new java.util.HashSet<>(GLOBAL);
            ok.addAll(List.of(names));
            for (String o : options.keySet()) {
                if (!ok.contains(o)) {
                    throw new IllegalArgumentException("unknown option for " + command + ": " + o);
                }
            }
        }

        List<String> exactly(String command, int n, String what) {
            if (positional.size() != n) {
                throw new IllegalArgumentException(command + " takes " + what);
            }
            return positional;
        }
    }

    private int dispatch(String command, Args a) {
        List<String> pos = new ArrayList<>(a.positional());
        String sub = command.equals("urls") || command.equals("usage") ? "" : (pos.isEmpty() ? null : pos.remove(0));
        if (sub == null) {
            throw new IllegalArgumentException(command + " needs a subcommand, e.g. '" + command
                    + (command.equals("domain") || command.equals("streams") || command.equals("transcode")
                    || command.equals("snapshot") || command.equals("record") ? " list'"
                    : command.equals("stats") ? " traffic DOMAIN'" : " show DOMAIN'"));
        }
        Args rest = new Args(pos, a.options());
        try {
            switch (command + " " + sub) {
                case "domain add" -> domainAdd(rest);
                case "domain list", "domain ls" -> domainList(rest);
                case "domain show" -> domainShow(rest);
                case "domain rm", "domain delete" -> simple(rest, "domain rm", "DeleteLiveDomain", "deleted");
                case "domain stop" -> simple(rest, "domain stop", "StopLiveDomain", "stopped (new pushes and plays are refused)");
                case "domain start" -> simple(rest, "domain start", "StartLiveDomain", "started");
                case "domain map" -> mapping(rest, "domain map", "AddLiveDomainMapping", "now plays the streams pushed to");
                case "domain unmap" -> mapping(rest, "domain unmap", "DeleteLiveDomainMapping", "no longer plays the streams of");
                case "domain isolation" -> isolation(rest);
                case "auth show" -> authShow(rest);
                case "auth set" -> authSet(rest);
                case "urls " -> urls(rest);
                case "streams list", "streams ls" -> new StreamCommands(this, rest).list();
                case "streams viewers" -> new StreamCommands(this, rest).viewers();
                case "streams forbid" -> new StreamCommands(this, rest).forbid();
                case "streams resume" -> new StreamCommands(this, rest).resume();
                case "streams blocked" -> new StreamCommands(this, rest).blocked();
                case "streams history" -> new StreamCommands(this, rest).history();
                case "stats traffic" -> new StatsCommands(this, rest).traffic();
                case "stats viewers" -> new StatsCommands(this, rest).viewers();
                case "usage " -> new StatsCommands(this, rest).usage();
                case "transcode list", "transcode ls" -> new TranscodeCommands(this, rest).list();
                case "transcode add" -> new TranscodeCommands(this, rest).add();
                case "transcode add-custom" -> new TranscodeCommands(this, rest).addCustom();
                case "transcode rm", "transcode delete" -> new TranscodeCommands(this, rest).remove();
                case "transcode jobs" -> new TranscodeCommands(this, rest).jobs();
                case "snapshot list", "snapshot ls" -> new SnapshotCommands(this, rest).list();
                case "snapshot add" -> new SnapshotCommands(this, rest).add();
                case "snapshot update" -> new SnapshotCommands(this, rest).update();
                case "snapshot rm", "snapshot delete" -> new SnapshotCommands(this, rest).remove();
                case "snapshot shots" -> new SnapshotCommands(this, rest).shots();
                case "record add" -> new RecordCommands(this, rest).add();
                case "record list", "record ls" -> new RecordCommands(this, rest).list();
                case "record rm", "record delete" -> new RecordCommands(this, rest).remove();
                case "record files" -> new RecordCommands(this, rest).files();
                case "record notify" -> new RecordCommands(this, rest).notifyUrl();
                default -> throw new IllegalArgumentException("unknown command: " + command + " " + sub);
            }
            return 0;
        } catch (ApiClient.ApiError e) {
            if (a.has("--json") && e.body != null) {
                out.println(e.body.toString());
            }
            err.println("livecloud: " + e.code + ": " + e.getMessage());
            return 1;
        } catch (ApiClient.Unreachable e) {
            err.println("livecloud: " + e.getMessage());
            return 1;
        }
    }

    private ApiClient client(Args a) {
        String api = a.has("--api") ? a.get("--api") : DEFAULT_API;
        URI uri;
        try {
            uri = URI.create(api.contains("://") ? api : "http://" + api);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--api must be a URL like " + DEFAULT_API + ", got: " + api);
        }
        return new ApiClient(uri, credentials(a));
    }

    private AdminAccessKey.Credentials credentials(Args a) {
        var fromEnv = AdminAccessKey.fromEnvironment(env);
        if (fromEnv.isPresent()) {
            return fromEnv.get();
        }
        Path dataDir = Path.of(a.has("--data-dir") ? a.get("--data-dir") : "data");
        try {
            return AdminAccessKey.readFile(dataDir);
        } catch (IOException e) {
            throw new IllegalArgumentException("no AccessKey: set " + AdminAccessKey.ENV_ID + " and " + AdminAccessKey.ENV_SECRET
                    + ", or point --data-dir at the node's data directory (cannot read "
                    + dataDir.resolve(AdminAccessKey.FILE_NAME) + ": " + e.getMessage() + ")");
        }
    }

    ApiClient.Answer call(Args a, String action, Map<String, String> params) throws ApiClient.ApiError, ApiClient.Unreachable {
        return client(a).call(action, params);
    }

    boolean json(Args a, ApiClient.Answer answer) {
        if (a.has("--json")) {
            out.println(answer.raw());
            return true;
        }
        return false;
    }

    private void domainAdd(Args a) throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("domain add", "--type", "--region", "--scope");
        String name = a.exactly("domain add", 1, "one domain name").get(0);
        String type = apiType(a.required("--type", "push or play"));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", name);
        p.put("LiveDomainType", type);
        p.put("Region", a.required("--region", "the live center, e.g. cn-shanghai"));
        p.put("Scope", a.has("--scope") ? a.get("--scope") : "domestic");
        ApiClient.Answer answer = call(a, "AddLiveDomain", p);
        if (!json(a, answer)) {
            ApiClient.Answer detail = call(a, "DescribeLiveDomainDetail", Map.of("DomainName", name));
            JsonNode d = detail.json().path("DomainDetail");
            out.println("added " + (type.equals("liveEdge") ? "push" : "play") + " domain " + d.path("DomainName").asText()
                    + " in " + d.path("Region").asText() + " (URL auth on, random key: 'livecloud auth show "
                    + d.path("DomainName").asText() + " --reveal')");
            out.println("CNAME: point " + d.path("DomainName").asText() + " at " + d.path("Cname").asText()
                    + " in your DNS (status: " + d.path("CnameStatus").asText() + ")");
        }
    }

    private void domainList(Args a) throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("domain list", "--type", "--status", "--name", "--page", "--page-size");
        a.exactly("domain list", 0, "no arguments, only options");
        Map<String, String> p = new LinkedHashMap<>();
        if (a.has("--type")) {
            p.put("LiveDomainType", apiType(a.get("--type")));
        }
        p.put("DomainStatus", a.get("--status"));
        p.put("DomainName", a.get("--name"));
        List<JsonNode> rows = new ArrayList<>();
        ApiClient.Answer last;
        if (a.has("--page") || a.has("--page-size")) {
            p.put("PageNumber", a.get("--page"));
            p.put("PageSize", a.get("--page-size"));
            last = call(a, "DescribeLiveUserDomains", p);
            if (json(a, last)) {
                return;
            }
            last.json().path("Domains").path("PageData").forEach(rows::add);
        } else {
            // every page, 50 at a time
            int page = 1;
            long total;
            do {
                p.put("PageNumber", Integer.toString(page++));
                p.put("PageSize", "50");
                last = call(a, "DescribeLiveUserDomains", p);
                last.json().path("Domains").path("PageData").forEach(rows::add);
                total = last.json().path("TotalCount").asLong();
            } while (rows.size() < total && last.json().path("Domains").path("PageData").size() > 0);
            if (a.has("--json")) {
                ObjectNode all = ((ObjectNode) last.json()).deepCopy();
                all.put("PageNumber", 1);
                all.put("PageSize", rows.size());
                ArrayNode data = all.putObject("Domains").putArray("PageData");
                rows.forEach(data::add);
                out.println(all.toString());
                return;
            }
        }
        Table t = new Table("DOMAIN", "TYPE", "LIVE CENTER", "STATUS", "CNAME", "CNAME STATUS", "CREATED");
        for (JsonNode d : rows) {
            t.row(d.path("DomainName").asText(), humanType(d.path("LiveDomainType").asText()), d.path("RegionName").asText(),
                    d.path("LiveDomainStatus").asText(), d.path("Cname").asText(), d.path("CnameStatus").asText(),
                    d.path("GmtCreated").asText());
        }
        t.print(out);
        out.println(rows.size() + " of " + last.json().path("TotalCount").asLong() + " domain(s)");
    }

    private void domainShow(Args a) throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("domain show");
        String name = a.exactly("domain show", 1, "one domain name").get(0);
        ApiClient.Answer detail = call(a, "DescribeLiveDomainDetail", Map.of("DomainName", name));
        if (json(a, detail)) {
            return;
        }
        JsonNode d = detail.json().path("DomainDetail");
        JsonNode mappings = call(a, "DescribeLiveDomainMapping", Map.of("DomainName", name)).json()
                .path("LiveDomainModels").path("LiveDomainModel");
        List<String> mapped = new ArrayList<>();
        mappings.forEach(m -> mapped.add(m.path("DomainName").asText()));
        Table t = new Table();
        t.row("Domain", d.path("DomainName").asText());
        t.row("Type", humanType(d.path("LiveDomainType").asText()) + " (" + d.path("LiveDomainType").asText() + ")");
        t.row("Live center", d.path("Region").asText());
        t.row("Scope", d.path("Scope").asText());
        t.row("Status", d.path("DomainStatus").asText());
        t.row("CNAME", d.path("Cname").asText() + " (" + d.path("CnameStatus").asText() + ")");
        t.row(d.path("LiveDomainType").asText().equals("liveEdge") ? "Play domains" : "Push domain",
                mapped.isEmpty() ? "(none)" : String.join(", ", mapped));
        t.row("App isolation", d.path("AppIsolation").asText());
        t.row("Created", d.path("GmtCreated").asText());
        t.row("Modified", d.path("GmtModified").asText());
        t.print(out);
    }

    private void simple(Args a, String command, String action, String done) throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow(command);
        String name = a.exactly(command, 1, "one domain name").get(0);
        ApiClient.Answer answer = call(a, action, Map.of("DomainName", name));
        if (!json(a, answer)) {
            out.println(name + " " + done);
        }
    }

    private void mapping(Args a, String command, String action, String done) throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow(command);
        List<String> pos = a.exactly(command, 2, "a push domain and a play domain: " + command + " PUSH PLAY");
        ApiClient.Answer answer = call(a, action, Map.of("PushDomain", pos.get(0), "PullDomain", pos.get(1)));
        if (!json(a, answer)) {
            out.println(pos.get(1) + " " + done + " " + pos.get(0));
        }
    }

    private void isolation(Args a) throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("domain isolation", "--on", "--off");
        String name = a.exactly("domain isolation", 1, "one domain name").get(0);
        if (a.has("--on") == a.has("--off")) {
            throw new IllegalArgumentException("domain isolation takes --on or --off");
        }
        ApiClient.Answer answer = call(a, "SetLiveDomainAppIsolation", Map.of("DomainName", name,
                "AppIsolation", a.has("--on") ? "on" : "off"));
        if (!json(a, answer)) {
            out.println(name + ": app isolation " + (a.has("--on") ? "on (streams are unique per app + stream)"
                    : "off (a stream name is unique within the domain)"));
        }
    }

    private Map<String, String> aliauth(Args a, String name) throws ApiClient.ApiError, ApiClient.Unreachable {
        ApiClient.Answer answer = call(a, "DescribeLiveDomainConfigs", Map.of("DomainName", name, "FunctionNames", "aliauth"));
        Map<String, String> args = new HashMap<>();
        for (JsonNode c : answer.json().path("DomainConfigs").path("DomainConfig")) {
            if (c.path("FunctionName").asText().equals("aliauth")) {
                c.path("FunctionArgs").path("FunctionArg").forEach(x -> args.put(x.path("ArgName").asText(), x.path("ArgValue").asText()));
            }
        }
        return args;
    }

    private void authShow(Args a) throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("auth show", "--reveal");
        String name = a.exactly("auth show", 1, "one domain name").get(0);
        if (a.has("--json")) {
            out.println(call(a, "DescribeLiveDomainConfigs", Map.of("DomainName", name, "FunctionNames", "aliauth")).raw());
            return;
        }
        printAuth(name, aliauth(a, name), a.has("--reveal"));
    }

    private void printAuth(String name, Map<String, String> args, boolean reveal) {
        Table t = new Table();
        t.row("Domain", name);
        t.row("URL auth", "type_a".equals(args.get("auth_type")) ? "on (type A)" : "off");
        t.row("Primary key", key(args.get("auth_key1"), reveal));
        t.row("Backup key", key(args.get("auth_key2"), reveal));
        t.row("Validity", args.getOrDefault("ali_auth_delta", "?") + " s");
        t.row("Timestamp", "is_expiry".equals(args.get("timestamp_rule")) ? "is the expiry (older rule)"
                : "+ validity = expiry");
        t.print(out);
    }

    private void authSet(Args a) throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("auth set", "--on", "--off", "--key", "--backup-key", "--validity", "--timestamp-rule", "--reveal");
        String name = a.exactly("auth set", 1, "one domain name").get(0);
        if (a.has("--on") && a.has("--off")) {
            throw new IllegalArgumentException("auth set takes --on or --off, not both");
        }
        ArrayNode args = JSON.createArrayNode();
        if (a.has("--on") || a.has("--off")) {
            arg(args, "auth_type", a.has("--on") ? "type_a" : "no_auth");
        }
        if (a.has("--key")) {
            arg(args, "auth_key1", a.get("--key"));
        }
        if (a.has("--backup-key")) {
            arg(args, "auth_key2", a.get("--backup-key"));
        }
        if (a.has("--validity")) {
            arg(args, "ali_auth_delta", a.get("--validity"));
        }
        if (a.has("--timestamp-rule")) {
            arg(args, "timestamp_rule", a.get("--timestamp-rule"));
        }
        if (args.isEmpty()) {
            throw new IllegalArgumentException("auth set needs at least one of --on, --off, --key, --backup-key, --validity, "
                    + "--timestamp-rule");
        }
        ObjectNode function = JSON.createObjectNode();
        function.put("functionName", "aliauth");
        function.set("functionArgs", args);
        ApiClient.Answer answer = call(a, "BatchSetLiveDomainConfigs", Map.of("DomainNames", name,
                "Functions", JSON.createArrayNode().add(function).toString()));
        if (!json(a, answer)) {
            printAuth(name, aliauth(a, name), a.has("--reveal"));
        }
    }

    private void urls(Args a) throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("urls", "--play-domain", "--app", "--stream", "--template");
        a.exactly("urls", 0, "only options: --play-domain D --app A --stream S [--template T]");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", a.required("--play-domain", "the play domain"));
        p.put("AppName", a.required("--app", "the AppName, e.g. live"));
        p.put("StreamName", a.required("--stream", "the StreamName"));
        p.put("TranscodeTemplate", a.get("--template"));
        ApiClient.Answer answer = call(a, "DescribeLiveStreamUrls", p);
        if (json(a, answer)) {
            return;
        }
        JsonNode u = answer.json();
        Table t = new Table();
        t.row("Push (OBS Server)", u.path("PushUrl").asText().isEmpty()
                ? "(none: no push domain is mapped to " + u.path("PlayDomain").asText() + ")" : u.path("PushUrl").asText());
        t.row("Play RTMP", u.path("RtmpPlayUrl").asText());
        t.row("Play HTTP-FLV", u.path("FlvPlayUrl").asText());
        t.row("Play HLS", u.path("HlsPlayUrl").asText());
        t.row("Play LL-HLS", u.path("LowLatencyHlsPlayUrl").asText());
        t.row("Push URL valid until", until(u.path("PushUrlExpireTime").asLong(), !u.path("PushUrl").asText().isEmpty()));
        t.row("Play URLs valid until", until(u.path("PlayUrlExpireTime").asLong(), true));
        t.print(out);
    }

    private static String until(long epochSeconds, boolean present) {
        if (!present) {
            return "-";
        }
        return epochSeconds == 0 ? "no expiry (URL auth off)" : Instant.ofEpochSecond(epochSeconds) + " (to start a session; a running one goes on)";
    }

    private static void arg(ArrayNode args, String name, String value) {
        ObjectNode o = args.addObject();
        o.put("argName", name);
        o.put("argValue", value);
    }

    private static String key(String k, boolean reveal) {
        if (k == null || k.isEmpty()) {
            return "(none)";
        }
        if (reveal) {
            return k;
        }
        return k.length() <= 4 ? "****" : k.substring(0, 2) + "*".repeat(Math.min(8, k.length() - 4)) + k.substring(k.length() - 2);
    }

    private static String apiType(String t) {
        return switch (t) {
            case "push", "liveEdge" -> "liveEdge";
            case "play", "liveVideo" -> "liveVideo";
            default -> throw new IllegalArgumentException("--type must be push or play (liveEdge / liveVideo), got: " + t);
        };
    }

    private static String humanType(String apiType) {
        return switch (apiType) {
            case "liveEdge" -> "push";
            case "liveVideo" -> "play";
            default -> apiType;
        };
    }
}
