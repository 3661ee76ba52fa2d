package io.livecloud.control.record;

import io.livecloud.control.ControlException;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One output of a recording configuration ({@code RecordFormat.N.*} of AddLiveAppRecordConfig): a container, the
 * object-name template of each file (the extension is added: {@code .flv}, {@code .mp4}, {@code .m3u8}), and how long
 * one file runs before the next begins.
 *
 * <p>Templates use {@code {AppName}}, {@code {StreamName}}, {@code {EscapedStartTime}}, {@code {EscapedEndTime}}
 * ({@code yyyy-MM-dd-HH-mm-ss}, UTC) and {@code {UnixTimestamp}} (the start, seconds); m3u8's segments
 * ({@code SliceOssObjectPrefix}, {@code .ts} added) also {@code {Sequence}} (the segment's number in the recording).
 *
 * @param sliceOssObjectPrefix m3u8 only (else null): the segments' template
 * @param cycleDuration        seconds of one file (one playlist for m3u8), 15–21600
 * @param sliceDuration        m3u8 only (else 0): target seconds of a segment, 2–30 (cut at keyframes)
 */
public record RecordFormat(String format, String ossObjectPrefix, String sliceOssObjectPrefix, int cycleDuration,
                           int sliceDuration) {
    public static final List<String> FORMATS = List.of("flv", "mp4", "m3u8");
    public static final String DEFAULT_PREFIX = "record/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}";
    public static final String DEFAULT_SLICE_PREFIX = "record/{AppName}/{StreamName}/{UnixTimestamp}_{Sequence}";
    public static final int DEFAULT_CYCLE = 3600;
    public static final int MIN_CYCLE = 15;
    public static final int MAX_CYCLE = 21600;
    public static final int DEFAULT_SLICE = 30;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    private static final List<String> FILE_PLACEHOLDERS = List.of("AppName", "StreamName", "EscapedStartTime",
            "EscapedEndTime", "UnixTimestamp");
    private static final DateTimeFormatter ESCAPED = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * A format as the API gives it: blank values take the cloud's defaults; everything is checked.
     *
     * @param perStream whether the configuration names one stream (else every stream of the app shares the
     *                  templates, so they must hold {@code {StreamName}})
     */
    public static RecordFormat of(String format, String prefix, String slicePrefix, Integer cycle, Integer slice,
                                  boolean perStream) {
        String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(f)) {
            throw ControlException.badRequest("InvalidFormat.Malformed", "Specified parameter RecordFormat.N.Format "
                    + "is not valid: flv, mp4 or m3u8, got: " + format);
        }
        int c = cycle == null ? DEFAULT_CYCLE : cycle;
        if (c < MIN_CYCLE || c > MAX_CYCLE) {
            throw ControlException.badRequest("InvalidCycleDuration.Malformed", "Specified parameter "
                    + "RecordFormat.N.CycleDuration is not valid: " + MIN_CYCLE + "-" + MAX_CYCLE + " seconds, got: " + c);
        }
        String p = blank(prefix) ? DEFAULT_PREFIX : prefix.trim();
        checkTemplate("RecordFormat.N.OssObjectPrefix", p, FILE_PLACEHOLDERS, perStream);
        if (!f.equals("m3u8")) {
            if (!blank(slicePrefix)) {
                throw ControlException.badRequest("InvalidSliceOssObjectPrefix.Malformed", "SliceOssObjectPrefix is "
                        + "for m3u8 recordings only, got it for " + f);
            }
            return new RecordFormat(f, p, null, c, 0);
        }
        String sp = blank(slicePrefix) ? DEFAULT_SLICE_PREFIX : slicePrefix.trim();
        checkTemplate("RecordFormat.N.SliceOssObjectPrefix", sp, List.of("AppName", "StreamName", "UnixTimestamp",
                "Sequence"), perStream);
        if (!sp.contains("{Sequence}")) {
            throw ControlException.badRequest("InvalidSliceOssObjectPrefix.Malformed", "Specified parameter "
                    + "RecordFormat.N.SliceOssObjectPrefix is not valid: it must contain {Sequence}, got: " + sp);
        }
        int s = slice == null ? DEFAULT_SLICE : slice;
        if (s < 2 || s > 30) {
            throw ControlException.badRequest("InvalidSliceDuration.Malformed", "Specified parameter "
                    + "RecordFormat.N.SliceDuration is not valid: 2-30 seconds, got: " + s);
        }
        return new RecordFormat(f, p, sp, c, Math.min(s, c));
    }

    private static void checkTemplate(String param, String template, List<String> allowed, boolean perStream) {
        if (template.length() > 255 || template.startsWith("/") || template.contains("//") || template.contains("\\")
                || template.contains("..") || template.chars().anyMatch(ch -> ch < 0x20)) {
            throw ControlException.badRequest("InvalidOssObjectPrefix.Malformed", "Specified parameter " + param
                    + " is not valid: a relative object name of at most 255 characters, no '//', '..' or '\\', got: "
                    + template);
        }
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!allowed.contains(m.group(1))) {
                throw ControlException.badRequest("InvalidOssObjectPrefix.Malformed", "Specified parameter " + param
                        + " is not valid: unknown placeholder {" + m.group(1) + "}; known: {"
                        + String.join("}, {", allowed) + "}");
            }
        }
        // each file must get a name of its own, or a cycle (or another stream) overwrites the last one
        if (!template.contains("{EscapedStartTime}") && !template.contains("{UnixTimestamp}")
                && !template.contains("{Sequence}")) {
            throw ControlException.badRequest("InvalidOssObjectPrefix.Malformed", "Specified parameter " + param
                    + " is not valid: it must contain {EscapedStartTime} or {UnixTimestamp} so files do not overwrite "
                    + "each other, got: " + template);
        }
        if (!perStream && !template.contains("{StreamName}")) {
            throw ControlException.badRequest("InvalidOssObjectPrefix.Malformed", "Specified parameter " + param
                    + " is not valid: a configuration for every stream of an app needs {StreamName}, got: " + template);
        }
    }

    /** The object name of a finished file: the template filled in, and the format's extension. */
    public String objectName(String app, String stream, Instant start, Instant end) {
        return fill(ossObjectPrefix, app, stream, start, end, 0) + "." + format;
    }

    /** The object name of an m3u8 recording's segment {@code sequence} of the cycle that began at {@code cycleStart}. */
    public String sliceName(String app, String stream, Instant cycleStart, long sequence) {
        return fill(sliceOssObjectPrefix, app, stream, cycleStart, cycleStart, sequence) + ".ts";
    }

    private static String fill(String template, String app, String stream, Instant start, Instant end, long sequence) {
        return template.replace("{AppName}", app).replace("{StreamName}", stream)
                .replace("{EscapedStartTime}", ESCAPED.format(start)).replace("{EscapedEndTime}", ESCAPED.format(end))
                .replace("{UnixTimestamp}", String.valueOf(start.getEpochSecond()))
                .replace("{Sequence}", String.valueOf(sequence));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
