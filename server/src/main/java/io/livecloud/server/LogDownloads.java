package io.livecloud.server;

import io.livecloud.api.DomainLogs;
import io.livecloud.control.accesslog.AccessLog;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Download links for access log files, served by the API port at {@code /logs/{domain}/{file}}: each link carries
 * an expiry and an HMAC-SHA256 of path and expiry keyed with the admin secret, so a link works for anyone who has it
 * until it expires, and no other file can be had.
 */
final class LogDownloads implements DomainLogs {
    static final String PREFIX = "/logs/";
    private static final Duration VALIDITY = Duration.ofHours(1);

    private final AccessLog accessLog;
    private final byte[] key;
    private final Clock clock;
    private volatile String baseUrl = "";

    LogDownloads(AccessLog accessLog, String secret, Clock clock) {
        this.accessLog = accessLog;
        this.key = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** Where the API is reached ({@code http://host:port}), known once it listens. */
    void advertise(String apiBaseUrl) {
        baseUrl = apiBaseUrl;
    }

    @Override
    public List<LogFile> files(String domain, LocalDate from, LocalDate to) {
        long expires = clock.millis() / 1000 + VALIDITY.toSeconds();
        return accessLog.files(domain, from, to).stream().map(f -> {
            String path = PREFIX + f.getParent().getFileName() + "/" + f.getFileName();
            String day = f.getFileName().toString().replaceAll(".*_(\\d{4}-\\d{2}-\\d{2})\\.log$", "$1");
            long size;
            try {
                size = Files.size(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new LogFile(f.getFileName().toString(), LocalDate.parse(day), size,
                    baseUrl + path + "?Expires=" + expires + "&Signature=" + sign(path, expires));
        }).toList();
    }

    /** The file a valid link names, or empty (bad signature, expired, not a log file). Blocking: file system. */
    Optional<Path> resolve(String path, String expires, String signature) {
        if (expires == null || signature == null || !expires.matches("\\d{1,12}")) {
            return Optional.empty();
        }
        long e = Long.parseLong(expires);
        if (e < clock.millis() / 1000 || !MessageDigest.isEqual(sign(path, e).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        String[] parts = path.substring(PREFIX.length()).split("/");
        if (parts.length != 2 || parts[0].startsWith(".") || parts[1].startsWith(".")) {
            return Optional.empty();
        }
        Path dir = accessLog.directory().toAbsolutePath().normalize();
        Path file = dir.resolve(parts[0]).resolve(parts[1]).normalize();
        return file.startsWith(dir) && Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    private String sign(String path, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((path + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", ex);
        }
    }
}
