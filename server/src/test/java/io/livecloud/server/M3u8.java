package io.livecloud.server;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A media playlist parsed and checked against the grammar of RFC 8216 (§4.1–4.3): every line is a known tag with
 * well-formed attributes, a comment, or a URI following its EXTINF; the required tags appear once; every segment's
 * rounded duration is within the target duration. {@link #parse} throws {@link AssertionError} naming the rule and
 * the line that broke it.
 */
record M3u8(int version, long targetDuration, long mediaSequence, long discontinuitySequence, List<Segment> segments,
            boolean ended, List<Part> parts, Double partTarget, boolean canBlockReload, String preloadHint, String map) {
    private static final Pattern DECIMAL_INTEGER = Pattern.compile("0|[1-9][0-9]{0,19}");
    private static final Pattern EXTINF = Pattern.compile("#EXTINF:((?:0|[1-9][0-9]*)(?:\\.[0-9]+)?),(.*)");

    record Segment(String uri, double duration, boolean discontinuity, OffsetDateTime programDateTime) {
        /** The sequence number our server puts in the URI ({@code stream/12.ts?…}, {@code 12.m4s?…}). */
        long sequenceInUri() {
            Matcher m = Pattern.compile("(?:^|/)(\\d+)\\.(?:ts|m4s)").matcher(uri);
            if (!m.find()) {
                throw new AssertionError("segment URI without a sequence number: " + uri);
            }
            return Long.parseLong(m.group(1));
        }
    }

    /** An {@code EXT-X-PART}, with the segment number and part index our server puts in its URI. */
    record Part(String uri, double duration, boolean independent, long msn, int index) {
    }

    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Z0-9-]+)=(\"[^\"\\r\\n]*\"|[^,]*)(?:,|$)");
    private static final Pattern PART_URI = Pattern.compile("(\\d+)\\.(\\d+)\\.m4s");

    /** An attribute list (RFC 8216 §4.2), names unique; quoted values keep no quotes. */
    static java.util.Map<String, String> attributes(String value, String line) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(value);
        int at = 0;
        while (at < value.length()) {
            rule(m.find(at) && m.start() == at, "§4.2 attribute-list AttributeName=AttributeValue,…", line);
            String v = m.group(2);
            rule(out.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v) == null,
                    "§4.2 an AttributeName appears at most once", line);
            at = m.end();
        }
        return out;
    }

    static M3u8 parse(String text) {
        List<String> lines = text.lines().toList();
        rule(!lines.isEmpty() && lines.get(0).equals("#EXTM3U"), "§4.3.1.1 the first line is #EXTM3U", text);
        Integer version = null;
        Long target = null;
        Long sequence = null;
        Long discontinuitySequence = null;
        boolean ended = false;
        boolean discontinuity = false;
        OffsetDateTime pdt = null;
        Double pendingDuration = null;
        List<Segment> segments = new ArrayList<>();
        List<Part> parts = new ArrayList<>();
        Double partTarget = null;
        boolean canBlockReload = false;
        String preloadHint = null;
        String map = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            rule(!ended, "§4.3.3.4 nothing follows #EXT-X-ENDLIST", line);
            if (line.isBlank()) {
                continue;
            }
            if (!line.startsWith("#")) {
                rule(pendingDuration != null, "§4.3.2.1 every media segment URI follows an EXTINF", line);
                rule(!line.contains(" ") && !line.contains("\""), "§4.1 a URI line is one URI", line);
                segments.add(new Segment(line, pendingDuration, discontinuity, pdt));
                pendingDuration = null;
                discontinuity = false;
                pdt = null;
                continue;
            }
            if (!line.startsWith("#EXT")) {
                continue; // a comment
            }
            String tag = line.contains(":") ? line.substring(0, line.indexOf(':')) : line;
            String value = line.contains(":") ? line.substring(line.indexOf(':') + 1) : "";
            rule(pendingDuration == null || tag.equals("#EXT-X-PROGRAM-DATE-TIME") || tag.equals("#EXT-X-DISCONTINUITY")
                            || tag.equals("#EXT-X-PART"),
                    "§4.3.2.1 an EXTINF is followed by its segment's URI", line);
            switch (tag) {
                case "#EXT-X-VERSION" -> {
                    rule(version == null, "§4.3.1.2 at most one EXT-X-VERSION", line);
                    version = Integer.parseInt(integer(value, line));
                }
                case "#EXT-X-TARGETDURATION" -> {
                    rule(target == null, "§4.3.3.1 exactly one EXT-X-TARGETDURATION", line);
                    target = Long.parseLong(integer(value, line));
                }
                case "#EXT-X-MEDIA-SEQUENCE" -> {
                    rule(sequence == null && segments.isEmpty(), "§4.3.3.2 one EXT-X-MEDIA-SEQUENCE before the first segment", line);
                    sequence = Long.parseLong(integer(value, line));
                }
                case "#EXT-X-DISCONTINUITY-SEQUENCE" -> {
                    rule(discontinuitySequence == null && segments.isEmpty(),
                            "§4.3.3.3 one EXT-X-DISCONTINUITY-SEQUENCE before the first segment", line);
                    discontinuitySequence = Long.parseLong(integer(value, line));
                }
                case "#EXTINF" -> {
                    Matcher m = EXTINF.matcher(line);
                    rule(m.matches(), "§4.3.2.1 #EXTINF:<duration>,[<title>]", line);
                    pendingDuration = Double.parseDouble(m.group(1));
                }
                case "#EXT-X-DISCONTINUITY" -> {
                    rule(value.isEmpty(), "§4.3.2.3 EXT-X-DISCONTINUITY has no value", line);
                    discontinuity = true;
                }
                case "#EXT-X-PROGRAM-DATE-TIME" -> pdt = OffsetDateTime.parse(value); // ISO 8601 with offset
                case "#EXT-X-ENDLIST" -> {
                    rule(value.isEmpty(), "§4.3.3.4 EXT-X-ENDLIST has no value", line);
                    ended = true;
                }
                case "#EXT-X-PART-INF" -> {
                    String t = attributes(value, line).get("PART-TARGET");
                    rule(t != null && t.matches("\\d+(\\.\\d+)?"), "LL-HLS PART-INF has a decimal PART-TARGET", line);
                    partTarget = Double.parseDouble(t);
                }
                case "#EXT-X-SERVER-CONTROL" -> {
                    java.util.Map<String, String> a = attributes(value, line);
                    canBlockReload = "YES".equals(a.get("CAN-BLOCK-RELOAD"));
                    if (a.containsKey("PART-HOLD-BACK")) {
                        rule(partTarget == null || Double.parseDouble(a.get("PART-HOLD-BACK")) >= 2 * partTarget,
                                "LL-HLS PART-HOLD-BACK is at least twice PART-TARGET", line);
                    }
                }
                case "#EXT-X-PART" -> {
                    java.util.Map<String, String> a = attributes(value, line);
                    rule(a.containsKey("DURATION") && a.containsKey("URI"), "LL-HLS EXT-X-PART has DURATION and URI", line);
                    rule(partTarget != null, "LL-HLS EXT-X-PART-INF comes before the parts", line);
                    double d = Double.parseDouble(a.get("DURATION"));
                    rule(d <= partTarget + 0.001, "LL-HLS a part's DURATION is at most PART-TARGET", line);
                    Matcher pm = PART_URI.matcher(a.get("URI"));
                    rule(pm.find(), "part URIs name segment and part", line);
                    Part part = new Part(a.get("URI"), d, "YES".equals(a.get("INDEPENDENT")),
                            Long.parseLong(pm.group(1)), Integer.parseInt(pm.group(2)));
                    if (!parts.isEmpty()) {
                        Part prev = parts.get(parts.size() - 1);
                        rule(part.msn() > prev.msn() || (part.msn() == prev.msn() && part.index() == prev.index() + 1),
                                "parts in order", line);
                    }
                    parts.add(part);
                }
                case "#EXT-X-PRELOAD-HINT" -> {
                    java.util.Map<String, String> a = attributes(value, line);
                    rule("PART".equals(a.get("TYPE")) && a.containsKey("URI"), "LL-HLS PRELOAD-HINT TYPE=PART with a URI", line);
                    preloadHint = a.get("URI");
                }
                case "#EXT-X-MAP" -> {
                    java.util.Map<String, String> a = attributes(value, line);
                    rule(a.containsKey("URI"), "§4.3.2.5 EXT-X-MAP has a URI", line);
                    map = a.get("URI");
                }
                case "#EXT-X-INDEPENDENT-SEGMENTS", "#EXT-X-PLAYLIST-TYPE", "#EXT-X-START" -> {
                }
                default -> throw new AssertionError("unknown tag " + tag + " in: " + line);
            }
        }
        rule(pendingDuration == null, "§4.3.2.1 the last EXTINF has its URI", text);
        rule(target != null, "§4.3.3.1 EXT-X-TARGETDURATION is required", text);
        for (Segment s : segments) {
            rule(Math.round(s.duration()) <= target, "§4.3.3.1 each EXTINF rounded is at most the target duration ("
                    + target + ")", s.uri() + " " + s.duration());
        }
        rule(version == null || version >= 3, "§7 decimal EXTINF durations need version 3", text);
        return new M3u8(version == null ? 1 : version, target, sequence == null ? 0 : sequence,
                discontinuitySequence == null ? 0 : discontinuitySequence, List.copyOf(segments), ended, List.copyOf(parts),
                partTarget, canBlockReload, preloadHint, map);
    }

    /** One variant of a master playlist: its attributes and URI. */
    record Variant(long bandwidth, String resolution, String codecs, String uri, java.util.Map<String, String> attributes) {
    }

    private static final Pattern RESOLUTION = Pattern.compile("[1-9][0-9]*x[1-9][0-9]*");
    private static final Pattern CODEC = Pattern.compile("(avc1\\.[0-9a-f]{6}|mp4a\\.40\\.[0-9]+|hvc1[.0-9A-Za-z]*)");

    /**
     * A master playlist (RFC 8216 §4.3.4): EXTM3U first, only master tags (no segment tags), every EXT-X-STREAM-INF
     * with a decimal-integer BANDWIDTH, an optional decimal-resolution RESOLUTION and a quoted CODECS list of RFC 6381
     * strings, each followed by its URI line.
     */
    static List<Variant> parseMaster(String text) {
        List<String> lines = text.lines().toList();
        rule(!lines.isEmpty() && lines.get(0).equals("#EXTM3U"), "§4.3.1.1 EXTM3U is the first line", text);
        List<Variant> out = new ArrayList<>();
        java.util.Map<String, String> pending = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#EXT-X-STREAM-INF:")) {
                rule(pending == null, "§4.3.4.2 a URI follows each EXT-X-STREAM-INF", line);
                pending = attributes(line.substring("#EXT-X-STREAM-INF:".length()), line);
                rule(pending.containsKey("BANDWIDTH"), "§4.3.4.2 BANDWIDTH is required", line);
                integer(pending.get("BANDWIDTH"), line);
                if (pending.containsKey("RESOLUTION")) {
                    rule(RESOLUTION.matcher(pending.get("RESOLUTION")).matches(), "§4.2 decimal-resolution", line);
                }
                if (pending.containsKey("CODECS")) {
                    for (String c : pending.get("CODECS").split(",")) {
                        rule(CODEC.matcher(c).matches(), "§4.3.4.2 CODECS are RFC 6381 formats", line);
                    }
                }
            } else if (line.startsWith("#EXT")) {
                rule(line.startsWith("#EXT-X-VERSION:") || line.equals("#EXT-X-INDEPENDENT-SEGMENTS"),
                        "§4.3.4 a master playlist has master and basic tags only", line);
            } else if (!line.startsWith("#")) {
                rule(pending != null, "§4.3.4.2 a variant URI follows an EXT-X-STREAM-INF", line);
                out.add(new Variant(Long.parseLong(pending.get("BANDWIDTH")), pending.get("RESOLUTION"),
                        pending.get("CODECS"), line, pending));
                pending = null;
            }
        }
        rule(pending == null, "§4.3.4.2 a URI follows each EXT-X-STREAM-INF", "end of playlist");
        rule(!out.isEmpty(), "a master playlist lists variants", text);
        return out;
    }

    private static String integer(String value, String line) {
        rule(DECIMAL_INTEGER.matcher(value).matches(), "§4.2 decimal-integer", line);
        return value;
    }

    private static void rule(boolean ok, String rule, String where) {
        if (!ok) {
            throw new AssertionError("RFC 8216 " + rule + ": " + where);
        }
    }
}
