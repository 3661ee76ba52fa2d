package io.livecloud.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code livecloud transcode …}: the transcoding templates of a play domain through the OpenAPI
 * (DescribeLiveStreamTranscodeInfo, AddLiveStreamTranscode, AddCustomLiveStreamTranscode, DeleteLiveStreamTranscode).
 */
final class TranscodeCommands {
    private final Cli cli;
    private final Cli.Args a;

    TranscodeCommands(Cli cli, Cli.Args a) {
        this.cli = cli;
        this.a = a;
    }

    void list() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("transcode list", "--app");
        String domain = a.exactly("transcode list", 1, "a play domain: transcode list DOMAIN [--app A]").get(0);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainTranscodeName", domain);
        p.put("AppName", a.get("--app"));
        ApiClient.Answer answer = cli.call(a, "DescribeLiveStreamTranscodeInfo", p);
        if (cli.json(a, answer)) {
            return;
        }
        Table t = new Table("APP", "TEMPLATE", "SIZE", "FPS", "VIDEO", "GOP", "PROFILE", "AUDIO", "START");
        JsonNode items = answer.json().path("DomainTranscodeList").path("DomainTranscodeInfo");
        for (JsonNode i : items) {
            JsonNode c = i.path("CustomTranscodeParameters");
            String width = c.has("Width") ? c.path("Width").asText() : "auto";
            t.row(i.path("TranscodeApp").asText(), i.path("TranscodeTemplate").asText(),
                    width + "x" + c.path("Height").asText(), c.path("FPS").asText(),
                    c.path("VideoBitrate").asText() + "kbps", c.path("Gop").asText() + " frames",
                    c.path("VideoProfile").asText(), c.path("AudioCodec").asText() + " " + c.path("AudioBitrate").asText()
                            + "kbps", i.path("IsLazy").asBoolean() ? "first viewer" : "with source");
        }
        t.print(cli.out);
        cli.out.println(items.size() + " template(s); renditions play as {stream}_{template}, all of them in {stream}_abr.m3u8");
    }

    void add() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("transcode add", "--lazy");
        List<String> pos = a.exactly("transcode add", 3,
                "a play domain, an app (or *) and standard templates: transcode add DOMAIN APP lld[,lsd,lhd,lud] [--lazy]");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Domain", pos.get(0));
        p.put("App", pos.get(1));
        p.put("Template", pos.get(2));
        p.put("Lazy", a.has("--lazy") ? "yes" : "no");
        done(cli.call(a, "AddLiveStreamTranscode", p), pos);
    }

    void addCustom() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("transcode add-custom", "--lazy", "--height", "--width", "--fps", "--video-bitrate", "--gop", "--profile",
                "--audio-bitrate", "--audio-rate", "--audio-channels");
        List<String> pos = a.exactly("transcode add-custom", 3, "a play domain, an app (or *) and a template name: "
                + "transcode add-custom DOMAIN APP NAME --height H --fps F --video-bitrate KBPS [options]");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Domain", pos.get(0));
        p.put("App", pos.get(1));
        p.put("Template", pos.get(2));
        p.put("TemplateType", "h264");
        p.put("Height", a.required("--height", "picture height in pixels"));
        p.put("Width", a.get("--width"));
        p.put("FPS", a.required("--fps", "frames per second"));
        p.put("VideoBitrate", a.required("--video-bitrate", "kbit/s"));
        p.put("Gop", a.get("--gop"));
        if (a.has("--profile")) {
            p.put("Profile", switch (a.get("--profile")) {
                case "baseline" -> "1";
                case "main" -> "2";
                case "high" -> "3";
                default -> throw new IllegalArgumentException("--profile is baseline, main or high, got: " + a.get("--profile"));
            });
        }
        p.put("AudioBitrate", a.get("--audio-bitrate"));
        p.put("AudioRate", a.get("--audio-rate"));
        p.put("AudioChannelNum", a.get("--audio-channels"));
        p.put("Lazy", a.has("--lazy") ? "yes" : "no");
        done(cli.call(a, "AddCustomLiveStreamTranscode", p), pos);
    }

    private void done(ApiClient.Answer answer, List<String> pos) {
        if (!cli.json(a, answer)) {
            cli.out.println(pos.get(0) + " app " + pos.get(1) + ": " + pos.get(2) + " bound; renditions start "
                    + (a.has("--lazy") ? "on their first viewer" : "when the source goes live")
                    + " (streams already live get them on their next push)");
        }
    }

    void jobs() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("transcode jobs", "--domain");
        a.exactly("transcode jobs", 0, "only options: [--domain D]");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DomainName", a.get("--domain"));
        ApiClient.Answer answer = cli.call(a, "DescribeLiveStreamTranscodeJobs", p);
        if (cli.json(a, answer)) {
            return;
        }
        Table t = new Table("DOMAIN", "APP", "RENDITION", "STATE", "PID", "RESTARTS", "FPS", "SPEED", "KBPS", "LAST ERROR");
        JsonNode items = answer.json().path("TranscodeJobs").path("TranscodeJob");
        for (JsonNode j : items) {
            t.row(j.path("DomainName").asText(), j.path("AppName").asText(), j.path("TranscodedStream").asText(),
                    j.path("State").asText(), j.path("Pid").asText(), j.path("Restarts").asText(),
                    String.format(java.util.Locale.ROOT, "%.1f", j.path("Fps").asDouble()),
                    String.format(java.util.Locale.ROOT, "%.2fx", j.path("Speed").asDouble()),
                    String.format(java.util.Locale.ROOT, "%.0f", j.path("BitrateKbps").asDouble()),
                    j.path("LastError").asText());
        }
        t.print(cli.out);
        JsonNode refused = answer.json().path("RefusedStarts").path("RefusedStart");
        cli.out.println(items.size() + " rendition(s) running" + (refused.isEmpty() ? "" : "; refused lately:"));
        for (JsonNode r : refused) {
            cli.out.println("  " + r.path("Time").asText() + " " + r.path("DomainName").asText() + "/" + r.path("AppName")
                    .asText() + "/" + r.path("StreamName").asText() + "_" + r.path("Template").asText() + ": "
                    + r.path("Reason").asText());
        }
    }

    void remove() throws ApiClient.ApiError, ApiClient.Unreachable {
        a.allow("transcode rm");
        List<String> pos = a.exactly("transcode rm", 3, "a play domain, an app and a template: transcode rm DOMAIN APP TEMPLATE");
        ApiClient.Answer answer = cli.call(a, "DeleteLiveStreamTranscode",
                Map.of("Domain", pos.get(0), "App", pos.get(1), "Template", pos.get(2)));
        if (!cli.json(a, answer)) {
            cli.out.println(pos.get(0) + " app " + pos.get(1) + ": " + pos.get(2) + " unbound (running renditions stop)");
        }
    }
}
