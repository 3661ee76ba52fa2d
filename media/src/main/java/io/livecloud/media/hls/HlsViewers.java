package io.livecloud.media.hls;

import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamKey;
import io.livecloud.media.StreamRequest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * HLS viewers as sessions. HLS is a series of independent requests, so a viewer is what the cloud's statistics
 * treat as one: the same client address and user agent asking for the same stream over the same protocol (HLS or
 * LL-HLS). Its first request starts a session (one log line, {@code StreamEvents.sessionStarted}); when it has asked
 * for nothing for the idle time the session ends with the bytes it was sent. Viewers behind one NAT with the same
 * browser count as one.
 */
public final class HlsViewers {
    private final SessionLog sessions;
    private final long idleMillis;
    private final ConcurrentHashMap<String, Viewer> viewers = new ConcurrentHashMap<>();

    /** One viewer's session. */
    public static final class Viewer {
        /** Responses of one viewer may go out on several connections, hence several event loops: an adder. */
        private final LongAdder bytes = new LongAdder();
        private final SessionInfo session;
        private volatile long lastSeen;

        Viewer(SessionLog sessions, StreamKey key, StreamRequest request, long now) {
            this.session = sessions.started(Role.PLAY, key, request, bytes::sum);
            this.lastSeen = now;
        }

        public void sent(long n) {
            bytes.add(n);
        }
    }

    public HlsViewers(SessionLog sessions, long idleMillis) {
        this.sessions = sessions;
        this.idleMillis = idleMillis;
    }

    /** A request of {@code request}'s viewer was let in; starts its session if it has none. */
    public Viewer seen(StreamRequest request, StreamKey key, long now) {
        String id = request.clientAddress() + '|' + request.userAgent() + '|' + request.protocol() + '|' + key;
        Viewer v = viewers.computeIfAbsent(id, k -> new Viewer(sessions, key, request, now));
        v.lastSeen = now;
        return v;
    }

    public int count() {
        return viewers.size();
    }

    /** Ends the sessions idle for longer than the idle time; called periodically. */
    public void sweep(long now) {
        viewers.forEach((id, v) -> {
            if (now - v.lastSeen > idleMillis && viewers.remove(id, v)) {
                sessions.ended(v.session, v.bytes.sum(), "no request for " + idleMillis / 1000 + " s");
            }
        });
    }

    /** Ends every session (the node is stopping). */
    public void endAll(String reason) {
        viewers.forEach((id, v) -> {
            if (viewers.remove(id, v)) {
                sessions.ended(v.session, v.bytes.sum(), reason);
            }
        });
    }
}
