package io.livecloud.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.control.ControlException;
import io.livecloud.control.transcode.TranscodeBinding;
import io.livecloud.control.transcode.TranscodeCatalog;
import io.livecloud.control.transcode.TranscodeTemplate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The transcoding actions of the cloud's API: AddLiveStreamTranscode (standard templates, several at once separated
 * by commas), AddCustomLiveStreamTranscode, DeleteLiveStreamTranscode, DescribeLiveStreamTranscodeInfo. {@code
 * Domain} / {@code DomainTranscodeName} is the play ("main streaming") domain, as in the cloud. {@code Lazy} is
 * {@code no} when absent: the rendition starts with its source (SPEC §5); {@code yes} starts it on its first viewer.
 */
final class TranscodeActions {
    private final TranscodeCatalog transcodes;
    private final TranscodeJobs jobs;

    private TranscodeActions(TranscodeCatalog transcodes, TranscodeJobs jobs) {
        this.transcodes = transcodes;
        this.jobs = jobs;
    }

    static void register(Map<String, LiveActions.Action> actions, TranscodeCatalog transcodes, TranscodeJobs jobs) {
        TranscodeActions a = new TranscodeActions(transcodes, jobs);
        if (jobs != null) {
            actions.put("DescribeLiveStreamTranscodeJobs", a::describeJobs); // ours
        }
        actions.put("AddLiveStreamTranscode", a::add);
        actions.put("AddCustomLiveStreamTranscode", a::addCustom);
        actions.put("DeleteLiveStreamTranscode", (p, out) -> transcodes.delete(p.required("Domain"), p.required("App"),
                p.required("Template")));
        actions.put("DescribeLiveStreamTranscodeInfo", a::describe);
    }

    private void add(ApiParams p, ObjectNode out) {
        String domain = p.required("Domain");
        String app = p.required("App");
        boolean lazy = lazy(p);
        List<String> names = new ArrayList<>(new LinkedHashSet<>(List.of(p.required("Template").split("\\s*,\\s*"))));
        for (String n : names) { // every name checked before any is bound, so a typo binds nothing
            if (!TranscodeTemplate.isStandardName(n)) {
                throw ControlException.badRequest("InvalidTemplate.Malformed", "Specified parameter Template is not "
                        + "valid: standard templates are " + String.join(", ", TranscodeTemplate.STANDARD.keySet())
                        + " (separate several with commas; use AddCustomLiveStreamTranscode for others), got: " + n);
            }
        }
        for (String n : names) {
            transcodes.addStandard(domain, app, n.toLowerCase(Locale.ROOT), lazy);
        }
    }

    private void addCustom(ApiParams p, ObjectNode out) {
        String domain = p.required("Domain");
        String app = p.required("App");
        String name = p.required("Template");
        String type = p.required("TemplateType");
        if (!type.equals("h264")) {
            throw ControlException.badRequest("InvalidTemplateType.NotSupported", "Specified parameter TemplateType is "
                    + "not valid: LiveCloud transcodes to h264 (H.264 + AAC), got: " + type);
        }
        String audioProfile = p.optional("AudioProfile");
        if (audioProfile != null && !audioProfile.equals("aac-low")) {
            throw ControlException.badRequest("InvalidAudioProfile.NotSupported",
                    "Specified parameter AudioProfile is not valid: aac-low, got: " + audioProfile);
        }
        int fps = p.integer("FPS", -1, 1, 60);
        if (fps < 0) {
            throw ApiParams.missing("FPS");
        }
        int height = p.integer("Height", -1, 1, 100_000);
        if (height < 0) {
            throw ApiParams.missing("Height");
        }
        int videoKbps = p.integer("VideoBitrate", -1, 1, 1_000_000);
        if (videoKbps < 0) {
            throw ApiParams.missing("VideoBitrate");
        }
        TranscodeTemplate t = TranscodeTemplate.custom(name, p.integer("Width", 0, 0, 100_000), height, fps, videoKbps,
                gop(p.optional("Gop"), fps), TranscodeTemplate.profileOf(p.integer("Profile", 2, 1, 3)),
                p.optional("AudioCodec") == null ? "aac" : p.optional("AudioCodec"),
                p.integer("AudioBitrate", 64, 1, 100_000), p.integer("AudioRate", 44100, 1, 1_000_000),
                p.integer("AudioChannelNum", 2, 1, 8));
        transcodes.addCustom(domain, app, t, lazy(p));
    }

    /** Frames between keyframes: a number of frames, or seconds written {@code 2s}; 2 s when absent. */
    private static int gop(String value, int fps) {
        if (value == null) {
            return 2 * fps;
        }
        try {
            return value.endsWith("s") ? Math.multiplyExact(Integer.parseInt(value.substring(0, value.length() - 1)), fps)
                    : Integer.parseInt(value);
        } catch (NumberFormatException | ArithmeticException e) {
            throw ControlException.badRequest("InvalidGop.Malformed", "Specified parameter Gop is not valid: frames "
                    + "between keyframes (e.g. 50) or seconds (e.g. 2s), got: " + value);
        }
    }

    private static boolean lazy(ApiParams p) {
        String v = p.optional("Lazy");
        if (v == null || v.equals("no")) {
            return false;
        }
        if (v.equals("yes")) {
            return true;
        }
        throw ControlException.badRequest("InvalidLazy.Malformed", "Specified parameter Lazy is not valid: yes or no, got: " + v);
    }

    /**
     * Ours: the renditions running on this node (state, pid, restarts, ffmpeg's progress) and the starts it refused
     * (the job limit {@code processing.maxJobs}, no ffmpeg), newest last. {@code DomainName} (push or play) narrows
     * both to its streams.
     */
    private void describeJobs(ApiParams p, ObjectNode out) {
        String domain = p.optional("DomainName");
        String push = domain == null ? null : pushDomainOf(domain);
        ArrayNode items = out.putObject("TranscodeJobs").putArray("TranscodeJob");
        for (TranscodeJobs.Job j : jobs.running()) {
            if (push != null && !j.domain().equals(push)) {
                continue;
            }
            ObjectNode i = items.addObject();
            i.put("DomainName", j.domain());
            i.put("AppName", j.app());
            i.put("StreamName", j.sourceStream());
            i.put("Template", j.template());
            i.put("TranscodedStream", j.sourceStream() + "_" + j.template());
            i.put("State", j.state());
            i.put("Pid", j.pid());
            i.put("Restarts", j.restarts());
            i.put("StartTime", j.startedAt() == null ? "" : LiveActions.gmt(j.startedAt()));
            i.put("Frames", j.frames());
            i.put("Fps", j.fps());
            i.put("Speed", j.speed());
            i.put("BitrateKbps", j.bitrateKbps());
            i.put("OutTimeMillis", j.outTimeMillis());
            i.put("ProgressTimeMillis", j.progressAt() == null ? 0 : j.progressAt().toEpochMilli());
            i.put("LastError", j.lastError());
        }
        ArrayNode failed = out.putObject("RefusedStarts").putArray("RefusedStart");
        for (TranscodeJobs.Failure f : jobs.recentFailures()) {
            if (push != null && !f.domain().equals(push)) {
                continue;
            }
            ObjectNode i = failed.addObject();
            i.put("DomainName", f.domain());
            i.put("AppName", f.app());
            i.put("StreamName", f.sourceStream());
            i.put("Template", f.template());
            i.put("Reason", f.reason());
            i.put("Time", LiveActions.gmt(f.at()));
        }
    }

    private String pushDomainOf(String domain) {
        return transcodes.pushDomainOf(domain);
    }

    private void describe(ApiParams p, ObjectNode out) {
        List<TranscodeBinding> list = transcodes.list(p.required("DomainTranscodeName"), p.optional("AppName"));
        ArrayNode items = out.putObject("DomainTranscodeList").putArray("DomainTranscodeInfo");
        for (TranscodeBinding b : list) {
            ObjectNode i = items.addObject();
            i.put("TranscodeName", b.playDomain());
            i.put("TranscodeApp", b.app());
            i.put("TranscodeTemplate", b.templateName());
            i.put("IsLazy", b.lazy());
            TranscodeTemplate t = b.template();
            // the cloud fills these for custom templates; ours for standard ones too, so a console can show the ladder
            ObjectNode c = i.putObject("CustomTranscodeParameters");
            c.put("TemplateType", "h264");
            if (t.width() > 0) {
                c.put("Width", t.width());
            }
            c.put("Height", t.height());
            c.put("FPS", t.fps());
            c.put("VideoBitrate", t.videoKbps());
            c.put("Gop", String.valueOf(t.gopFrames()));
            c.put("VideoProfile", t.videoProfile());
            c.put("AudioCodec", t.audioCodec());
            c.put("AudioProfile", "aac-low");
            c.put("AudioBitrate", t.audioKbps());
            c.put("AudioRate", t.audioRate());
            c.put("AudioChannelNum", t.audioChannels());
            c.put("Bframes", "0");
        }
    }
}
