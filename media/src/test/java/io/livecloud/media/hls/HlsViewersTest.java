package io.livecloud.media.hls;

import io.livecloud.media.Protocol;
import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamEvents;
import io.livecloud.media.StreamKey;
import io.livecloud.media.StreamRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class HlsViewersTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final HlsViewers viewers = new HlsViewers(new SessionLog(new StreamEvents() {
        @Override
        public void sessionStarted(SessionInfo s) {
            events.add("start " + s.protocol() + " " + s.role() + " " + s.request().clientAddress());
        }

        @Override
        public void sessionEnded(SessionInfo s, long bytes, String reason) {
            events.add("end " + s.request().clientAddress() + " " + bytes + " " + reason);
        }
    }), 10_000);
    private static final StreamKey KEY = new StreamKey("push", "live", "s");

    private static StreamRequest request(Protocol p, String client, String path, String userAgent) {
        return new StreamRequest(p, Role.PLAY, "play", "live", "s", Map.of(), client, path, userAgent);
    }

    @Test
    void aViewerIsOneSessionAcrossItsRequestsUntilItGoesIdle() {
        viewers.seen(request(Protocol.HLS, "10.0.0.1", "/live/s.m3u8", "hls.js"), KEY, 0).sent(300);
        viewers.seen(request(Protocol.HLS, "10.0.0.1", "/live/s/4.ts", "hls.js"), KEY, 2_000).sent(500_000);
        viewers.seen(request(Protocol.HLS, "10.0.0.2", "/live/s.m3u8", "hls.js"), KEY, 2_000);
        viewers.seen(request(Protocol.HLS, "10.0.0.1", "/live/s.m3u8", "VLC"), KEY, 2_000);
        viewers.seen(request(Protocol.LL_HLS, "10.0.0.1", "/live/s/ll.m3u8", "hls.js"), KEY, 2_000);
        assertThat(viewers.count()).as("by address, user agent and protocol").isEqualTo(4);
        viewers.sweep(11_000);
        assertThat(viewers.count()).as("all seen within 10 s").isEqualTo(4);
        viewers.seen(request(Protocol.HLS, "10.0.0.2", "/live/s/5.ts", "hls.js"), KEY, 11_000);
        viewers.sweep(12_001);
        assertThat(viewers.count()).isEqualTo(1);
        assertThat(events).contains("start HLS PLAY 10.0.0.1", "start LL_HLS PLAY 10.0.0.1",
                "end 10.0.0.1 500300 no request for 10 s");
        viewers.endAll("server stopping");
        assertThat(viewers.count()).isZero();
        assertThat(events).contains("end 10.0.0.2 0 server stopping");
        assertThat(events.stream().filter(e -> e.startsWith("start"))).hasSize(4);
        assertThat(events.stream().filter(e -> e.startsWith("end"))).hasSize(4);
    }
}
