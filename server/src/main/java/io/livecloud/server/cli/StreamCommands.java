package io.livecloud.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code livecloud streams …}: stream management through the OpenAPI (DescribeLiveStreamsOnlineList,
 * DescribeLiveStreamOnlineUserNum, ForbidLiveStream, ResumeLiveStream, DescribeLiveStreamsBlockList,
 * DescribeLiveStreamsPublishList). The listing commands without {@code --domain} ask every push domain in turn.
 */
final class StreamCommands {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final int PAGE = 3000;

    private final Cli cli;
    private final Cli.Args a;

    StreamCommands(Cli cli, Cli.Args a) {
        this.cli = cli;
        this.a = a;
    }

    void list() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("streams list", "--domain", "--app", "--stream");
        a.exactly("streams list", 0, "only options: [--domain D] [--app A] [--stream S]");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("AppName", a.get("--app"));
        p.put("StreamName", a.get("--stream"));
        List<JsonNode> rows = new ArrayList<>();
        if (!perDomain("DescribeLiveStreamsOnlineList", p, "PageNum", "OnlineInfo", "LiveStreamOnlineInfo", rows)) {
            return;
        }
        Table t = new Table("DOMAIN", "APP", "STREAM", "SINCE", "CLIENT", "VIDEO", "AUDIO");
        for (JsonNode r : rows) {
            t.row(r.path("PublishDomain").asText(), r.path("AppName").asText(), r.path("StreamName").asText(),
                    r.path("PublishTime").asText(), r.path("ClientIp").asText(), video(r), audio(r));
        }
        t.print(cli.out);
        cli.out.println(rows.size() + " live stream(s)");
    }

    void viewers() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("streams viewers", "--domain", "--app", "--stream");
        a.exactly("streams viewers", 0, "only options: [--domain D] [--app A] [--stream S]");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("AppName", a.get("--app"));
        p.put("StreamName", a.get("--stream"));
        List<JsonNode> rows = new ArrayList<>();
        if (!perDomain("DescribeLiveStreamOnlineUserNum", p, null, "OnlineUserInfo", "LiveStreamOnlineUserNumInfo", rows)) {
            return;
        }
        Table t = new Table("STREAM", "VIEWERS", "BY PROTOCOL");
        long total = 0;
        for (JsonNode r : rows) {
            List<String> by = new ArrayList<>();
            r.path("Protocols").path("Protocol").forEach(x -> by.add(x.path("Name").asText() + " " + x.path("UserNumber").asLong()));
            t.row(r.path("StreamUrl").asText(), Long.toString(r.path("UserNumber").asLong()), by.isEmpty() ? "-" : String.join(", ", by));
            total += r.path("UserNumber").asLong();
        }
        t.print(cli.out);
        cli.out.println(total + " viewer(s) on " + rows.size() + " stream(s)");
    }

    void forbid() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("streams forbid", "--until", "--oneshot");
        List<String> pos = a.exactly("streams forbid", 3, "a push domain, an app and a stream: streams forbid DOMAIN APP STREAM");
        Map<String, String> p = stream(pos);
        p.put("LiveStreamType", "publisher");
        if (a.has("--until")) {
            p.put("ResumeTime", utc("--until", a.get("--until")));
        }
        if (a.has("--oneshot")) {
            if (a.has("--until")) {
                throw new IllegalArgumentException("--oneshot cuts the publisher without forbidding anything: no --until");
            }
            p.put("Oneshot", "yes");
        }
        ApiClient.Answer answer = cli.call(a, "ForbidLiveStream", p);
        if (!cli.json(a, answer)) {
            String url = String.join("/", pos);
            cli.out.println(a.has("--oneshot") ? url + ": publisher cut (new pushes are allowed)"
                    : url + " forbidden " + (a.has("--until") ? "until " + p.get("ResumeTime") : "until resumed")
                    + " (a live publisher was cut)");
        }
    }

    void resume() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("streams resume");
        List<String> pos = a.exactly("streams resume", 3, "a push domain, an app and a stream: streams resume DOMAIN APP STREAM");
        Map<String, String> p = stream(pos);
        p.put("LiveStreamType", "publisher");
        ApiClient.Answer answer = cli.call(a, "ResumeLiveStream", p);
        if (!cli.json(a, answer)) {
            cli.out.println(String.join("/", pos) + " resumed (pushes are allowed again)");
        }
    }

    void blocked() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("streams blocked", "--domain");
        a.exactly("streams blocked", 0, "only options: [--domain D]");
        List<String> urls = new ArrayList<>();
        List<String> until = new ArrayList<>();
        List<JsonNode> answers = new ArrayList<>();
        for (String domain : domains()) {
            int page = 1;
            JsonNode last;
            do {
                Map<String, String> p = new LinkedHashMap<>();
                p.put("DomainName", domain);
                p.put("PageNum", Integer.toString(page++));
                p.put("PageSize", Integer.toString(PAGE));
                last = cli.call(a, "DescribeLiveStreamsBlockList", p).json();
                answers.add(last);
                last.path("StreamUrls").path("StreamUrl").forEach(u -> urls.add(u.asText()));
                last.path("ResumeTimes").path("ResumeTime").forEach(u -> until.add(u.asText()));
            } while (urls.size() < last.path("TotalNum").asLong() && last.path("StreamUrls").path("StreamUrl").size() > 0);
        }
        if (printJson(answers)) {
            return;
        }
        Table t = new Table("STREAM", "UNTIL");
        for (int i = 0; i < urls.size(); i++) {
            String u = i < until.size() ? until.get(i) : "";
            t.row(urls.get(i), u.isEmpty() ? "resumed" : u);
        }
        t.print(cli.out);
        cli.out.println(urls.size() + " forbidden stream(s)");
    }

    void history() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("streams history", "--domain", "--from", "--to", "--app", "--stream");
        a.exactly("streams history", 0, "only options: --domain D [--from T] [--to T] [--app A] [--stream S]");
        String domain = a.required("--domain", "the push (or play) domain");
        Instant to = a.has("--to") ? Instant.parse(utc("--to", a.get("--to"))) : Instant.now();
        Instant from = a.has("--from") ? Instant.parse(utc("--from", a.get("--from"))) : to.minus(Duration.ofHours(24));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", domain);
        p.put("StartTime", UTC.format(from));
        p.put("EndTime", UTC.format(to));
        p.put("AppName", a.get("--app"));
        p.put("StreamName", a.get("--stream"));
        p.put("OrderBy", "publish_time_asc");
        List<JsonNode> rows = new ArrayList<>();
        List<JsonNode> answers = new ArrayList<>();
        pages("DescribeLiveStreamsPublishList", p, "PageNumber", "PublishInfo", "LiveStreamPublishInfo", rows, answers);
        if (printJson(answers)) {
            return;
        }
        Table t = new Table("APP", "STREAM", "START", "STOP", "CLIENT", "BYTES", "REASON");
        for (JsonNode r : rows) {
            String stop = r.path("StopTime").asText();
            t.row(r.path("AppName").asText(), r.path("StreamName").asText(), r.path("PublishTime").asText(),
                    stop.isEmpty() ? "(live)" : stop, r.path("ClientAddr").asText(), Long.toString(r.path("Bytes").asLong()),
                    r.path("StopReason").asText().isEmpty() ? "-" : r.path("StopReason").asText());
        }
        t.print(cli.out);
        cli.out.println(rows.size() + " publish session(s) from " + UTC.format(from) + " to " + UTC.format(to));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /**
     * Calls {@code action} for {@code --domain}, or for every push domain, collecting the items of every page.
     *
     * @param pageParam null for an action without pages
     * @return false when the answers were printed as JSON instead
     */
    private boolean perDomain(String action, Map<String, String> params, String pageParam, String list, String item,
                              List<JsonNode> rows) throws ApiClient.ApiError, ApiClient.Unreachable {
        List<JsonNode> answers = new ArrayList<>();
        for (String domain : domains()) {
            Map<String, String> p = new LinkedHashMap<>(params);
            p.put("DomainName", domain);
            if (pageParam == null) {
                JsonNode answer = cli.call(a, action, p).json();
                answers.add(answer);
                answer.path(list).path(item).forEach(rows::add);
            } else {
                pages(action, p, pageParam, list, item, rows, answers);
            }
        }
        return !printJson(answers);
    }

    private void pages(String action, Map<String, String> params, String pageParam, String list, String item,
                       List<JsonNode> rows, List<JsonNode> answers) throws ApiClient.ApiError, ApiClient.Unreachable {
        int page = 1;
        int before = rows.size();
        JsonNode last;
        do {
            Map<String, String> p = new LinkedHashMap<>(params);
            p.put(pageParam, Integer.toString(page++));
            p.put("PageSize", Integer.toString(PAGE));
            last = cli.call(a, action, p).json();
            answers.add(last);
            last.path(list).path(item).forEach(rows::add);
        } while (rows.size() - before < last.path("TotalNum").asLong() && last.path(list).path(item).size() > 0);
    }

    /** With {@code --json}: the API's answer, or an array of them when several calls were made. */
    private boolean printJson(List<JsonNode> answers) {
        if (!a.has("--json")) {
            return false;
        }
        if (answers.size() == 1) {
            cli.out.println(answers.get(0).toString());
        } else {
            ArrayNode all = JSON.createArrayNode();
            answers.forEach(all::add);
            cli.out.println(all.toString());
        }
        return true;
    }

    /** {@code --domain}, or every push domain of the node. */
    private List<String> domains() throws ApiClient.ApiError, ApiClient.Unreachable {
        if (a.has("--domain")) {
            return List.of(a.required("--domain", "a push or play domain"));
        }
        List<String> out = new ArrayList<>();
        int page = 1;
        JsonNode last;
        do {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("LiveDomainType", "liveEdge");
            p.put("PageNumber", Integer.toString(page++));
            p.put("PageSize", "50");
            last = cli.call(a, "DescribeLiveUserDomains", p).json();
            last.path("Domains").path("PageData").forEach(d -> out.add(d.path("DomainName").asText()));
        } while (out.size() < last.path("TotalCount").asLong() && last.path("Domains").path("PageData").size() > 0);
        return out;
    }

    private static Map<String, String> stream(List<String> pos) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", pos.get(0));
        p.put("AppName", pos.get(1));
        p.put("StreamName", pos.get(2));
        return p;
    }

    /** An ISO-8601 time with a zone or offset, as the API wants it: UTC, whole seconds. */
    static String utc(String option, String value) {
        try {
            return UTC.format(java.time.OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be an ISO-8601 time like 2030-01-01T08:00:00Z, got: " + value);
        }
    }

    private static String video(JsonNode r) {
        if (r.path("VideoCodec").asText().isEmpty()) {
            return "-";
        }
        return r.path("VideoCodec").asText() + " " + r.path("Width").asInt() + "x" + r.path("Height").asInt() + " "
                + r.path("FrameRate").asInt() + "fps " + r.path("VideoDataRate").asLong() + "kbps";
    }

    private static String audio(JsonNode r) {
        if (r.path("AudioCodec").asText().isEmpty()) {
            return "-";
        }
        return r.path("AudioCodec").asText() + " " + r.path("AudioDataRate").asLong() + "kbps";
    }
}
