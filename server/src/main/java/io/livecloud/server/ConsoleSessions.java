package io.livecloud.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The console's sign-in sessions, in memory (a restart signs everyone out): a session is a random 256-bit id (the
 * {@code HttpOnly} cookie) and a random 256-bit CSRF token (kept by the page, sent as a header with every change). A
 * session unused for {@link #IDLE} ends. Sign-in takes the admin AccessKey (id and secret, compared in constant time);
 * {@value #MAX_FAILURES_PER_MINUTE} failed sign-ins from one address within a minute lock that address out for the
 * rest of the minute, so the secret cannot be guessed at network speed.
 *
 * <p>Thread-safe and non-blocking (no I/O): called on the API port's event loops.
 */
final class ConsoleSessions {
    private static final Logger log = LoggerFactory.getLogger(ConsoleSessions.class);

    static final Duration IDLE = Duration.ofMinutes(30);
    static final int MAX_SESSIONS = 1000;
    static final int MAX_FAILURES_PER_MINUTE = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a sign-in gives: a session or a refusal. */
    sealed interface SignIn permits Session, Refusal {
    }

    /** One signed-in browser. {@code lastUsed} moves on every request. */
    static final class Session implements SignIn {
        final String id;
        final String csrfToken;
        final String accessKeyId;
        final String clientIp;
        volatile long lastUsedMillis;

        private Session(String id, String csrfToken, String accessKeyId, String clientIp, long now) {
            this.id = id;
            this.csrfToken = csrfToken;
            this.accessKeyId = accessKeyId;
            this.clientIp = clientIp;
            this.lastUsedMillis = now;
        }

        /** The header's token equals this session's, compared in constant time. */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                    csrfToken.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Why a sign-in was refused: the HTTP status and the cloud-style code and message. */
    record Refusal(int status, String code, String message) implements SignIn {
    }

    private record Failures(long windowStartMillis, int count) {
    }

    private final Function<String, Optional<String>> secrets;
    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    /** @param secrets the secret of an AccessKey id ({@code AdminAccessKey#secretOf}) */
    ConsoleSessions(Function<String, Optional<String>> secrets, Clock clock) {
        this.secrets = secrets;
        this.clock = clock;
    }

    /** A new session for a correct AccessKey, or why not. */
    SignIn signIn(String accessKeyId, String accessKeySecret, String clientIp) {
        long now = clock.millis();
        Failures f = failures.get(clientIp);
        if (f != null && now - f.windowStartMillis() < 60_000 && f.count() >= MAX_FAILURES_PER_MINUTE) {
            return new Refusal(429, "Throttling.User", "Too many failed sign-ins from " + clientIp
                    + "; wait a minute and try again.");
        }
        if (accessKeyId == null || accessKeyId.isBlank() || accessKeySecret == null || accessKeySecret.isEmpty()) {
            return new Refusal(400, "MissingParameter", "AccessKeyId and AccessKeySecret are required.");
        }
        Optional<String> secret = secrets.apply(accessKeyId.trim());
        boolean ok = secret.isPresent() && MessageDigest.isEqual(secret.get().getBytes(StandardCharsets.UTF_8),
                accessKeySecret.getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            failures.merge(clientIp, new Failures(now, 1), (old, one) -> now - old.windowStartMillis() < 60_000
                    ? new Failures(old.windowStartMillis(), old.count() + 1) : one);
            if (failures.size() > 10_000) { // many addresses guessing: forget the stale windows
                failures.values().removeIf(old -> now - old.windowStartMillis() >= 60_000);
            }
            log.info("console sign-in refused from {} (AccessKeyId {})", clientIp, accessKeyId);
            return new Refusal(403, "InvalidAccessKey", "The AccessKey ID or secret is not correct.");
        }
        failures.remove(clientIp);
        prune(now);
        if (sessions.size() >= MAX_SESSIONS) {
            return new Refusal(503, "Throttling", "Too many console sessions are open; sign out elsewhere or wait "
                    + IDLE.toMinutes() + " minutes.");
        }
        Session s = new Session(random(), random(), accessKeyId.trim(), clientIp, now);
        sessions.put(s.id, s);
        log.info("console session start {} from {} (AccessKeyId {})", shortId(s.id), clientIp, s.accessKeyId);
        return s;
    }

    /** The live session of this cookie value (its idle time restarts), empty when unknown or expired. */
    Optional<Session> find(String sessionId) {
        if (sessionId == null) {
            return Optional.empty();
        }
        Session s = sessions.get(sessionId);
        if (s == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (now - s.lastUsedMillis > IDLE.toMillis()) {
            end(s, "idle");
            return Optional.empty();
        }
        s.lastUsedMillis = now;
        return Optional.of(s);
    }

    void signOut(Session s) {
        end(s, "signed out");
    }

    int size() {
        return sessions.size();
    }

    private void end(Session s, String why) {
        if (sessions.remove(s.id, s)) {
            log.info("console session stop {} from {}: {}", shortId(s.id), s.clientIp, why);
        }
    }

    private void prune(long now) {
        for (Session s : sessions.values()) {
            if (now - s.lastUsedMillis > IDLE.toMillis()) {
                end(s, "idle");
            }
        }
        failures.values().removeIf(f -> now - f.windowStartMillis() >= 60_000);
    }

    /** 256 random bits, URL-safe. */
    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Enough of a session id for the log to tell sessions apart without logging a usable cookie. */
    private static String shortId(String id) {
        return id.substring(0, 6);
    }
}
