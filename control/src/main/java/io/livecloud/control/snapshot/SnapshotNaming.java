package io.livecloud.control.snapshot;

import io.livecloud.control.ControlException;

import java.time.Instant;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The object names of snapshots: templates with {@code {AppName}}, {@code {StreamName}} and {@code {UnixTimestamp}}
 * (seconds of the shot, UTC), e.g. {@code {AppName}/{StreamName}.jpg} for the overwrite object and
 * {@code snapshot/{AppName}/{StreamName}/{UnixTimestamp}.jpg} for the sequence. Names end in {@code .jpg} (every
 * snapshot is a JPEG), are relative ({@code /}-separated, no empty, {@code .} or {@code ..} part) and at most 255
 * characters as templates. A sequence name needs {@code {UnixTimestamp}}: without it every shot would replace the
 * last, which is what the overwrite name is for.
 */
public final class SnapshotNaming {
    public static final String APP_NAME = "{AppName}";
    public static final String STREAM_NAME = "{StreamName}";
    public static final String UNIX_TIMESTAMP = "{UnixTimestamp}";
    private static final Set<String> VARIABLES = Set.of(APP_NAME, STREAM_NAME, UNIX_TIMESTAMP);
    private static final Pattern VARIABLE = Pattern.compile("\\{[^{}]*}");
    static final int MAX_TEMPLATE_LENGTH = 255;

    private SnapshotNaming() {
    }

    /**
     * Checks a template given as API parameter {@code parameter}; returns it, or "" for null/blank.
     *
     * @param sequence whether it names the sequence objects (then {@code {UnixTimestamp}} is required)
     */
    public static String check(String parameter, String template, boolean sequence) {
        if (template == null || template.isBlank()) {
            return "";
        }
        String t = template.trim();
        String why = problem(t, sequence);
        if (why != null) {
            throw ControlException.badRequest("Invalid" + parameter + ".Malformed", "Specified parameter " + parameter
                    + " is not valid: " + why + ", got: " + t);
        }
        return t;
    }

    private static String problem(String t, boolean sequence) {
        if (t.length() > MAX_TEMPLATE_LENGTH) {
            return "at most " + MAX_TEMPLATE_LENGTH + " characters";
        }
        if (!t.toLowerCase(java.util.Locale.ROOT).endsWith(".jpg")) {
            return "snapshots are JPEGs, so the name ends in .jpg";
        }
        if (t.startsWith("/") || t.contains("\\") || t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "a relative name of '/'-separated parts, without '\\' or control characters";
        }
        for (String part : t.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return "no empty, '.' or '..' part";
            }
        }
        Matcher m = VARIABLE.matcher(t);
        while (m.find()) {
            if (!VARIABLES.contains(m.group())) {
                return "unknown variable " + m.group() + " (known: {AppName}, {StreamName}, {UnixTimestamp})";
            }
        }
        if (VARIABLE.matcher(t).replaceAll("").matches(".*[{}].*")) {
            return "unbalanced { or }";
        }
        if (sequence && !t.contains(UNIX_TIMESTAMP)) {
            return "a sequence name needs {UnixTimestamp} so each shot gets its own object";
        }
        return null;
    }

    /** The object name of one shot. App and stream names are of 0-9 A-Z a-z - _ =, so the result stays valid. */
    public static String expand(String template, String app, String stream, Instant shot) {
        return template.replace(APP_NAME, app).replace(STREAM_NAME, stream)
                .replace(UNIX_TIMESTAMP, Long.toString(shot.getEpochSecond()));
    }
}
