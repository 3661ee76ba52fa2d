package io.livecloud.control.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URL authentication type A (SPEC §2): {@code auth_key={timestamp}-{rand}-{uid}-{md5hash}} where md5hash is the
 * lower-case hex MD5 of {@code "{URI}-{timestamp}-{rand}-{uid}-{key}"}. A URL is valid until timestamp + validity
 * (or, with the older rule some generators still follow, until timestamp itself). Verification tries the primary key,
 * then the backup key, comparing in constant time.
 */
public final class UrlAuthTypeA {
    private static final Pattern AUTH_KEY = Pattern.compile("(\\d{1,19})-([0-9A-Za-z]{1,64})-([0-9A-Za-z]{1,64})-([0-9a-fA-F]{32})");
    private static final String DENIED = "denied by req auth: ";

    /** The settings of one domain. A null or empty backup key means none. */
    public record Settings(String primaryKey, String backupKey, long validitySeconds, boolean timestampIsExpiry) {
        public static final long DEFAULT_VALIDITY_SECONDS = 1800;
    }

    /** The outcome; {@code reason} is the text for {@code X-Tengine-Error} (and the RTMP status) when refused. */
    public record Verdict(boolean allowed, String reason) {
        static final Verdict OK = new Verdict(true, "");

        static Verdict denied(String reason) {
            return new Verdict(false, DENIED + reason);
        }
    }

    private UrlAuthTypeA() {
    }

    /** The {@code auth_key} value for {@code uri} ({@code /app/stream}, {@code /app/stream.flv}, …). */
    public static String sign(String uri, long timestamp, String rand, String uid, String key) {
        return timestamp + "-" + rand + "-" + uid + "-" + md5Hex(uri + "-" + timestamp + "-" + rand + "-" + uid + "-" + key);
    }

    /**
     * The {@code auth_key} for another URI with the same timestamp, rand and uid as {@code verifiedAuthKey} (which
     * must have passed {@link #verify}): how an HLS playlist signs the segment URIs it lists.
     */
    public static String resign(String verifiedAuthKey, String uri, String key) {
        Matcher m = AUTH_KEY.matcher(verifiedAuthKey);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an auth_key: " + verifiedAuthKey);
        }
        return sign(uri, Long.parseLong(m.group(1)), m.group(2), m.group(3), key);
    }

    /**
     * @param authKey the request's {@code auth_key} argument, null when absent
     * @param now     UNIX seconds
     */
    public static Verdict verify(String uri, String authKey, Settings settings, long now) {
        if (authKey == null || authKey.isEmpty()) {
            return Verdict.denied("no url arg auth_key");
        }
        Matcher m = AUTH_KEY.matcher(authKey);
        if (!m.matches()) {
            return Verdict.denied("invalid md5hash=" + lastField(authKey));
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return Verdict.denied("expired timestamp=" + m.group(1));
        }
        long expiry = settings.timestampIsExpiry() ? timestamp : timestamp + settings.validitySeconds();
        if (now > expiry) {
            return Verdict.denied("expired timestamp=" + m.group(1));
        }
        String hash = m.group(4).toLowerCase();
        String signed = uri + "-" + m.group(1) + "-" + m.group(2) + "-" + m.group(3) + "-";
        if (matches(hash, signed, settings.primaryKey()) || matches(hash, signed, settings.backupKey())) {
            return Verdict.OK;
        }
        return Verdict.denied("invalid md5hash=" + m.group(4));
    }

    private static boolean matches(String hash, String signedPrefix, String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        byte[] expected = md5Hex(signedPrefix + key).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, hash.getBytes(StandardCharsets.US_ASCII));
    }

    private static String lastField(String authKey) {
        int dash = authKey.lastIndexOf('-');
        return dash >= 0 ? authKey.substring(dash + 1) : authKey;
    }

    static String md5Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }
}
