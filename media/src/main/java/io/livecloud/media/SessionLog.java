package io.livecloud.media;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Opens and closes publish/play sessions: one log line each way with domain/app/stream and client, and the
 * matching {@link StreamEvents} calls. Every protocol goes through here, so the log reads the same for all.
 */
public final class SessionLog {
    private static final Logger log = LoggerFactory.getLogger("livecloud.session");
    private final AtomicLong ids = new AtomicLong();
    private final StreamEvents events;

    public SessionLog(StreamEvents events) {
        this.events = events;
    }

    /** @param bytesSoFar the session's running byte count (see {@link SessionInfo#bytesSoFar}) */
    public SessionInfo started(Role role, StreamKey key, StreamRequest request, LongSupplier bytesSoFar) {
        SessionInfo s = new SessionInfo(ids.incrementAndGet(), role, request.protocol(), key, request, Instant.now(),
                bytesSoFar);
        log.info("{} start #{} {} {} client={}", role.name().toLowerCase(), s.id(), request.protocol().label(), key,
                request.clientAddress());
        events.sessionStarted(s);
        return s;
    }

    public void ended(SessionInfo s, long bytes, String reason) {
        long ms = Duration.between(s.startedAt(), Instant.now()).toMillis();
        log.info("{} stop #{} {} {} client={} bytes={} duration={}ms reason={}", s.role().name().toLowerCase(), s.id(),
                s.protocol().label(), s.key(), s.request().clientAddress(), bytes, ms, reason);
        events.sessionEnded(s, bytes, reason);
    }

    /** A request refused before any session began: logged once, not counted as a session. */
    public void refused(StreamRequest request, int status, String reason) {
        log.info("{} refused {} client={} status={} reason={}", request.role().name().toLowerCase(), request.describe(),
                request.clientAddress(), status, reason);
    }
}
