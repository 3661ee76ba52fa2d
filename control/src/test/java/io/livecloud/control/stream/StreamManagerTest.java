package io.livecloud.control.stream;

import io.livecloud.testkit.MutableClock;

import io.livecloud.control.ControlException;
import io.livecloud.control.domain.AuthConfig;
import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.gate.DomainGate;
import io.livecloud.control.store.ControlStore;
import io.livecloud.control.store.JdbcControlStore;
import io.livecloud.media.Protocol;
import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamGate.Decision;
import io.livecloud.media.StreamKey;
import io.livecloud.media.StreamRequest;
import io.livecloud.media.hub.StreamStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stream management in the control plane over a real (in-memory H2) store, the real gate and catalog. */
class StreamManagerTest {
    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");

    /** The media plane as stream management sees it: who was cut, and fixed figures. */
    static final class RecordingMedia implements LiveMedia {
        final List<String> cut = new ArrayList<>();

        @Override
        public StreamStats.Snapshot stats(StreamKey key) {
            return new StreamStats.Snapshot(null, 7, null, 10, 640, 360, 25, 800_000, 96_000);
        }

        @Override
        public synchronized boolean cutPublisher(StreamKey key, String reason) {
            cut.add(key + " " + reason);
            return true;
        }
    }

    private final String url = "jdbc:h2:mem:sm" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    private final ControlStore store = JdbcControlStore.open(url, "sa", "");
    private final MutableClock clock = new MutableClock(T0);
    private final DomainCatalog catalog = new DomainCatalog(store, new ControlSettings(20, "livecloud.internal",
            ControlSettings.DEFAULT_LIVE_CENTERS, 300, "push.example.com", "play.example.com"), clock);
    private final RecordingMedia media = new RecordingMedia();
    private StreamBlockList blocks;
    private PublishHistory history;
    private StreamManager streams;
    private DomainGate gate;
    private long sessionIds;

    @BeforeEach
    void domains() {
        catalog.add("push.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        catalog.add("play.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.add("lonely.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.map("push.example.com", "play.example.com");
        catalog.setAuth("push.example.com", new AuthConfig(false, "pushkey1", "", 1800, false));
        catalog.setAuth("play.example.com", new AuthConfig(false, "playkey1", "", 1800, false));
        start();
    }

    private void start() {
        blocks = new StreamBlockList(store, clock);
        history = new PublishHistory(store, clock, PublishHistory.DEFAULT_RETENTION, "node-1");
        streams = new StreamManager(catalog, blocks, history, media, clock);
        gate = new DomainGate(catalog, blocks, clock);
    }

    @AfterEach
    void close() {
        history.close();
        store.close();
    }

    private Decision push(String app, String stream) {
        return gate.authorize(new StreamRequest(Protocol.RTMP, Role.PUBLISH, "push.example.com", app, stream,
                Map.of("auth_key", "1-0-0-secret", "vhost", "a b"), "10.0.0.9"));
    }

    private SessionInfo session(Role role, Protocol protocol, String app, String stream) {
        StreamKey key = new StreamKey("push.example.com", app, stream);
        StreamRequest r = new StreamRequest(protocol, role, role == Role.PUBLISH ? "push.example.com" : "play.example.com",
                app, stream, role == Role.PUBLISH ? Map.of("auth_key", "1-0-0-secret", "vhost", "a b") : Map.of(), "10.0.0.9");
        return new SessionInfo(++sessionIds, role, protocol, key, r, clock.instant());
    }

    @Test
    void aForbiddenStreamIsCutAndRefusedUntilResumed() {
        SessionInfo live = session(Role.PUBLISH, Protocol.RTMP, "live", "cam");
        streams.sessionStarted(live);

        streams.forbid("push.example.com", "live", "cam", null, false);

        assertThat(media.cut).containsExactly("push.example.com/live/cam " + StreamManager.FORBIDDEN_REASON);
        Decision refused = push("live", "cam");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.reason()).isEqualTo("stream is forbidden");
        assertThat(push("live", "other").allowed()).isTrue();
        assertThat(streams.blocked("play.example.com")).extracting(BlockedStream::streamUrl)
                .containsExactly("push.example.com/live/cam");

        // the list is in the store: a restarted node refuses it too
        history.close();
        start();
        assertThat(push("live", "cam").status()).isEqualTo(403);

        streams.resume("push.example.com", "live", "cam");
        assertThat(push("live", "cam").allowed()).isTrue();
        assertThat(streams.blocked("push.example.com")).isEmpty();
        assertThatThrownBy(() -> streams.resume("push.example.com", "live", "cam"))
                .isInstanceOf(ControlException.class).hasFieldOrPropertyWithValue("code", "InvalidStream.NotFound");
    }

    @Test
    void aResumeTimeLiftsTheBlockByItself() {
        streams.forbid("push.example.com", "live", "cam", T0.plusSeconds(60), false);
        Decision refused = push("live", "cam");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.reason()).isEqualTo("stream is forbidden until 2030-01-02T03:05:05Z");

        clock.set(T0.plusSeconds(60));
        assertThat(push("live", "cam").allowed()).isTrue();
        assertThat(streams.blocked("push.example.com")).isEmpty();
        assertThat(store.blockedStreams()).as("deleted once seen expired").isEmpty();

        assertThatThrownBy(() -> streams.forbid("push.example.com", "live", "cam", clock.instant(), false))
                .isInstanceOf(ControlException.class).hasFieldOrPropertyWithValue("code", "InvalidResumeTime.Malformed");
    }

    @Test
    void withoutAppIsolationTheNameIsForbiddenUnderEveryApp() {
        SessionInfo elsewhere = session(Role.PUBLISH, Protocol.RTMP, "other", "cam");
        streams.sessionStarted(elsewhere);
        streams.forbid("push.example.com", "live", "cam", null, false);
        assertThat(media.cut).containsExactly("push.example.com/other/cam " + StreamManager.FORBIDDEN_REASON);
        assertThat(push("other", "cam").status()).isEqualTo(403);

        catalog.setAppIsolation("push.example.com", true);
        assertThat(push("other", "cam").allowed()).isTrue();
        assertThat(push("live", "cam").status()).isEqualTo(403);
    }

    @Test
    void oneshotCutsWithoutForbidding() {
        streams.sessionStarted(session(Role.PUBLISH, Protocol.RTMP, "live", "cam"));
        streams.forbid("push.example.com", "live", "cam", null, true);
        assertThat(media.cut).hasSize(1);
        assertThat(push("live", "cam").allowed()).isTrue();
        assertThat(streams.blocked("push.example.com")).isEmpty();
    }

    @Test
    void aPublishThatRacedTheForbidIsCutWhenItStarts() {
        streams.forbid("push.example.com", "live", "cam", null, false);
        assertThat(media.cut).isEmpty();
        streams.sessionStarted(session(Role.PUBLISH, Protocol.RTMP, "live", "cam"));
        assertThat(media.cut).containsExactly("push.example.com/live/cam " + StreamManager.FORBIDDEN_REASON);
    }

    @Test
    void refusalsSpeakTheCloudsCodes() {
        assertThatThrownBy(() -> streams.forbid("nope.example.com", "live", "cam", null, false))
                .hasFieldOrPropertyWithValue("code", "InvalidDomain.NotFound");
        assertThatThrownBy(() -> streams.forbid("lonely.example.com", "live", "cam", null, false))
                .hasFieldOrPropertyWithValue("code", "InvalidDomain.NotMapped");
        assertThatThrownBy(() -> streams.forbid("push.example.com", "li ve", "cam", null, false))
                .hasFieldOrPropertyWithValue("code", "InvalidAppName.Malformed");
        assertThat(streams.online("lonely.example.com")).isEmpty();
        assertThat(streams.viewers("lonely.example.com")).isEmpty();
    }

    @Test
    void onlineStreamsAndViewersPerProtocol() {
        SessionInfo publisher = session(Role.PUBLISH, Protocol.RTMP, "live", "cam");
        streams.sessionStarted(publisher);
        SessionInfo rtmp = session(Role.PLAY, Protocol.RTMP, "live", "cam");
        SessionInfo flv1 = session(Role.PLAY, Protocol.HTTP_FLV, "live", "cam");
        SessionInfo flv2 = session(Role.PLAY, Protocol.HTTP_FLV, "live", "cam");
        SessionInfo waiting = session(Role.PLAY, Protocol.RTMP, "live", "notyet");
        for (SessionInfo s : List.of(rtmp, flv1, flv2, waiting)) {
            streams.sessionStarted(s);
        }

        List<StreamManager.Online> online = streams.online("play.example.com");
        assertThat(online).hasSize(1);
        assertThat(online.get(0).publishUrl()).isEqualTo("rtmp://push.example.com/live/cam?vhost=a+b");
        assertThat(online.get(0).stats().width()).isEqualTo(640);

        List<StreamManager.Viewers> viewers = streams.viewers("play.example.com");
        assertThat(viewers).extracting(v -> v.key().stream()).containsExactly("cam", "notyet");
        assertThat(viewers.get(0).byProtocol()).isEqualTo(Map.of(Protocol.RTMP, 1, Protocol.HTTP_FLV, 2));
        assertThat(viewers.get(0).total()).isEqualTo(3);

        streams.sessionEnded(flv1, 10, "client disconnected");
        streams.sessionEnded(waiting, 0, "stream not found");
        assertThat(streams.viewers("push.example.com")).singleElement()
                .satisfies(v -> assertThat(v.byProtocol()).isEqualTo(Map.of(Protocol.RTMP, 1, Protocol.HTTP_FLV, 1)));
        streams.sessionEnded(publisher, 1000, "client disconnected");
        assertThat(streams.online("push.example.com")).isEmpty();
    }

    @Test
    void theHistoryKeepsStartStopAndReasonAndEndsWhatACrashLeftOpen() {
        SessionInfo a = session(Role.PUBLISH, Protocol.RTMP, "live", "a");
        streams.sessionStarted(a);
        clock.set(T0.plusSeconds(30));
        streams.sessionEnded(a, 5000, StreamManager.FORBIDDEN_REASON);
        SessionInfo b = session(Role.PUBLISH, Protocol.RTMP, "live", "b");
        streams.sessionStarted(b);

        List<PublishRecord> h = streams.history("play.example.com", T0, T0.plusSeconds(60));
        assertThat(h).hasSize(2);
        PublishRecord ra = h.stream().filter(r -> r.stream().equals("a")).findFirst().orElseThrow();
        assertThat(ra.start()).isEqualTo(T0);
        assertThat(ra.stop()).isEqualTo(T0.plusSeconds(30));
        assertThat(ra.stopReason()).isEqualTo(StreamManager.FORBIDDEN_REASON);
        assertThat(ra.bytes()).isEqualTo(5000);
        assertThat(ra.publishUrl()).isEqualTo("rtmp://push.example.com/live/a?vhost=a+b").doesNotContain("auth_key");
        assertThat(ra.clientAddr()).isEqualTo("10.0.0.9");
        assertThat(ra.nodeAddr()).isEqualTo("node-1");
        assertThat(h.stream().filter(r -> r.stream().equals("b")).findFirst().orElseThrow().stop()).isNull();

        // the node stops without ending b; at its next start b is ended, and sessions past the retention go
        history.close();
        clock.set(T0.plus(Duration.ofDays(91)));
        start();
        List<PublishRecord> after = streams.history("push.example.com", T0, T0.plusSeconds(60));
        assertThat(after).isEmpty(); // both started 91 days ago: pruned
        assertThat(store.publishSessions("push.example.com", T0, T0.plus(Duration.ofDays(100)))).isEmpty();
    }

    @Test
    void aCrashedRunsSessionIsEndedAtTheNextStart() {
        SessionInfo b = session(Role.PUBLISH, Protocol.RTMP, "live", "b");
        streams.sessionStarted(b);
        history.close();
        clock.set(T0.plusSeconds(600));
        start();
        List<PublishRecord> h = streams.history("push.example.com", T0, T0.plusSeconds(600));
        assertThat(h).singleElement().satisfies(r -> {
            assertThat(r.stop()).isEqualTo(T0.plusSeconds(600));
            assertThat(r.stopReason()).startsWith("node stopped");
        });
    }
}
