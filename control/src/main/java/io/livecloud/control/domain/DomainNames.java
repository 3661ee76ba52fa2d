package io.livecloud.control.domain;

import io.livecloud.control.ControlException;

import java.util.Locale;
import java.util.regex.Pattern;

/** The naming rules of SPEC §1 for domains and §3 for AppName/StreamName, each refusal with its cloud error code. */
public final class DomainNames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern STREAM_PART = Pattern.compile("[0-9A-Za-z_=-]{1,256}");

    private DomainNames() {
    }

    /** The name as stored: trimmed, lower case, without a trailing dot (no other check). */
    public static String canonical(String name) {
        if (name == null || name.isBlank()) {
            throw ControlException.badRequest("MissingParameter", "DomainName is required");
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** The canonical (lower-case) name, or a refusal saying what is wrong with it. */
    public static String checkDomain(String name) {
        String n = canonical(name);
        if (n.contains("*")) {
            throw ControlException.badRequest("InvalidDomainName.Malformed",
                    "wildcard domains are not supported: " + name);
        }
        if (n.length() > 253) {
            throw malformed(name, "longer than 253 characters");
        }
        String[] labels = n.split("\\.", -1);
        if (labels.length < 2) {
            throw malformed(name, "a domain needs at least two labels, like live.example.com");
        }
        for (String label : labels) {
            if (label.isEmpty()) {
                throw malformed(name, "empty label");
            }
            if (label.length() > 63) {
                throw malformed(name, "label longer than 63 characters: " + label);
            }
            if (!LABEL.matcher(label).matches()) {
                throw malformed(name, "labels are letters, digits and inner hyphens: " + label);
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw malformed(name, "an IP address is not a domain");
        }
        return n;
    }

    private static ControlException malformed(String name, String why) {
        return ControlException.badRequest("InvalidDomainName.Malformed", "invalid domain name " + name + ": " + why);
    }

    /** AppName: 1–256 of {@code 0-9 A-Z a-z - _ =}. */
    public static String checkAppName(String app) {
        return checkStreamPart("AppName", app);
    }

    /** StreamName: 1–256 of {@code 0-9 A-Z a-z - _ =}. */
    public static String checkStreamName(String stream) {
        return checkStreamPart("StreamName", stream);
    }

    /** A name made of the same characters as AppName and StreamName (a template name, …). */
    public static String checkStreamPart(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw ControlException.badRequest("MissingParameter", what + " is required");
        }
        if (!STREAM_PART.matcher(value).matches()) {
            throw ControlException.badRequest("Invalid" + what + ".Malformed",
                    what + " must be 1-256 characters of 0-9 A-Z a-z - _ =, got: " + value);
        }
        return value;
    }
}
