package io.livecloud.server;

import io.livecloud.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's sessions on their own, with a clock the test moves: idle expiry, sign-in throttling, the limits. */
class ConsoleSessionsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ConsoleSessions sessions = new ConsoleSessions(
            id -> id.equals("LTAIadmin") ? Optional.of("the-secret") : Optional.empty(), clock);

    private ConsoleSessions.Session signIn(String ip) {
        return (ConsoleSessions.Session) sessions.signIn("LTAIadmin", "the-secret", ip);
    }

    @Test
    void aSessionHasRandom256BitIdsAndEndsAfterBeingIdle() {
        ConsoleSessions.Session s = signIn("10.0.0.1");
        ConsoleSessions.Session other = signIn("10.0.0.1");
        assertThat(s.id).hasSize(43).isNotEqualTo(other.id).isNotEqualTo(s.csrfToken); // 32 bytes, base64url
        assertThat(s.csrfToken).hasSize(43).isNotEqualTo(other.csrfToken);
        assertThat(s.csrfMatches(s.csrfToken)).isTrue();
        assertThat(s.csrfMatches(other.csrfToken)).isFalse();
        assertThat(s.csrfMatches(null)).isFalse();

        clock.advance(ConsoleSessions.IDLE.minusSeconds(1));
        assertThat(sessions.find(s.id)).contains(s); // use restarts the idle time
        clock.advance(ConsoleSessions.IDLE.minusSeconds(1));
        assertThat(sessions.find(s.id)).contains(s);
        assertThat(sessions.find(other.id)).isEmpty(); // idle for longer than IDLE
        clock.advance(ConsoleSessions.IDLE.plusSeconds(1));
        assertThat(sessions.find(s.id)).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void signOutEndsTheSession() {
        ConsoleSessions.Session s = signIn("10.0.0.1");
        sessions.signOut(s);
        assertThat(sessions.find(s.id)).isEmpty();
        assertThat(sessions.find("not-a-session")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }

    @Test
    void wrongKeysAreRefusedAndTooManyFailuresLockTheAddressOutForAMinute() {
        assertThat(sessions.signIn("LTAIadmin", "wrong", "10.0.0.2")).isInstanceOfSatisfying(ConsoleSessions.Refusal.class,
                r -> assertThat(r.status()).isEqualTo(403));
        assertThat(sessions.signIn("LTAIother", "the-secret", "10.0.0.2")).isInstanceOfSatisfying(ConsoleSessions.Refusal.class,
                r -> assertThat(r.code()).isEqualTo("InvalidAccessKey"));
        assertThat(sessions.signIn("", "", "10.0.0.2")).isInstanceOfSatisfying(ConsoleSessions.Refusal.class,
                r -> assertThat(r.status()).isEqualTo(400));
        for (int i = 2; i < ConsoleSessions.MAX_FAILURES_PER_MINUTE; i++) {
            sessions.signIn("LTAIadmin", "guess" + i, "10.0.0.2");
        }
        // locked out, even with the right secret; another address is not
        assertThat(sessions.signIn("LTAIadmin", "the-secret", "10.0.0.2")).isInstanceOfSatisfying(ConsoleSessions.Refusal.class,
                r -> assertThat(r.status()).isEqualTo(429));
        assertThat(sessions.signIn("LTAIadmin", "the-secret", "10.0.0.3")).isInstanceOf(ConsoleSessions.Session.class);
        clock.advance(Duration.ofSeconds(61));
        assertThat(sessions.signIn("LTAIadmin", "the-secret", "10.0.0.2")).isInstanceOf(ConsoleSessions.Session.class);
    }

    @Test
    void theNumberOfSessionsIsBounded() {
        for (int i = 0; i < ConsoleSessions.MAX_SESSIONS; i++) {
            signIn("10.0.0.4");
        }
        assertThat(sessions.signIn("LTAIadmin", "the-secret", "10.0.0.4")).isInstanceOfSatisfying(ConsoleSessions.Refusal.class,
                r -> assertThat(r.status()).isEqualTo(503));
        clock.advance(ConsoleSessions.IDLE.plusSeconds(1)); // the idle ones are pruned at the next sign-in
        assertThat(sessions.signIn("LTAIadmin", "the-secret", "10.0.0.4")).isInstanceOf(ConsoleSessions.Session.class);
        assertThat(sessions.size()).isEqualTo(1);
    }
}
