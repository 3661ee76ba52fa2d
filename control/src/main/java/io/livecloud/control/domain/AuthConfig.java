package io.livecloud.control.domain;

import io.livecloud.control.auth.UrlAuthTypeA;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * URL authentication of one domain (URL鉴权). Type A is the only type; {@code enabled=false} is the cloud's
 * {@code auth_type=no_auth}. The backup key is empty when there is none.
 *
 * @param timestampIsExpiry the older rule some URL generators follow: the timestamp itself is the expiry
 */
public record AuthConfig(boolean enabled, String primaryKey, String backupKey, long validitySeconds,
                         boolean timestampIsExpiry) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public AuthConfig {
        primaryKey = primaryKey == null ? "" : primaryKey;
        backupKey = backupKey == null ? "" : backupKey;
    }

    /** What every new domain gets: type A on, a random primary key, no backup key, 1800 s validity. */
    public static AuthConfig newDefault() {
        return new AuthConfig(true, randomKey(), "", UrlAuthTypeA.Settings.DEFAULT_VALIDITY_SECONDS, false);
    }

    /** A fresh key: 16 random bytes as 32 hex digits (the cloud accepts 6–32 letters and digits). */
    public static String randomKey() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public UrlAuthTypeA.Settings settings() {
        return new UrlAuthTypeA.Settings(primaryKey, backupKey, validitySeconds, timestampIsExpiry);
    }
}
