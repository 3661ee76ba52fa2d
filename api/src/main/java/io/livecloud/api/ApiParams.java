package io.livecloud.api;

import io.livecloud.control.ControlException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** The parameters of one request (query and form body merged), read the way the cloud reads them. */
final class ApiParams {
    private final Map<String, String> params;

    ApiParams(Map<String, String> params) {
        this.params = params;
    }

    /** The value, or a {@code MissingParameter} refusal naming it. */
    String required(String name) {
        String v = params.get(name);
        if (v == null || v.isBlank()) {
            throw missing(name);
        }
        return v.trim();
    }

    /** The trimmed value, null when absent or blank. */
    String optional(String name) {
        String v = params.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** An integer in {@code [min, max]}, {@code dflt} when absent. */
    int integer(String name, int dflt, int min, int max) {
        String v = optional(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ControlException.badRequest("Invalid" + name + ".Malformed",
                    "Specified parameter " + name + " is not valid: " + name + " must be an integer from " + min + " to " + max
                            + ", got: " + v);
        }
    }

    /** A required UTC time as the cloud writes it ({@code 2017-12-21T08:00:00Z}). */
    Instant time(String name) {
        String v = required(name);
        try {
            if (!v.endsWith("Z")) {
                throw new DateTimeParseException("not UTC", v, 0);
            }
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ControlException.badRequest("Invalid" + name + ".Malformed", "Specified parameter " + name
                    + " is not valid: use UTC, like 2017-12-21T08:00:00Z, got: " + v);
        }
    }

    static ControlException missing(String name) {
        return ControlException.badRequest("MissingParameter",
                "The input parameter \"" + name + "\" that is mandatory for processing this request is not supplied.");
    }
}
