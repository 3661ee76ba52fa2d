package io.livecloud.control.gate;

import io.livecloud.control.TestStores;
import io.livecloud.control.auth.UrlAuthTypeA;
import io.livecloud.control.domain.AuthConfig;
import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.store.ControlStore;
import io.livecloud.media.Protocol;
import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamGate.Decision;
import io.livecloud.media.StreamKey;
import io.livecloud.media.StreamRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DomainGateTest {
    private static final long NOW = 1_800_000_000L;
    private final ControlStore store = TestStores.fresh();
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private final DomainCatalog catalog = new DomainCatalog(store, new ControlSettings(20, "livecloud.internal",
            ControlSettings.DEFAULT_LIVE_CENTERS, 2, "push.example.com", "play.example.com"), clock);
    private final DomainGate gate = new DomainGate(catalog, clock);

    @BeforeEach
    void domains() {
        catalog.add("push.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        catalog.add("play.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.add("lonely.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.map("push.example.com", "play.example.com");
        catalog.setAuth("push.example.com", new AuthConfig(true, "pushkey1", "pushkey2", 1800, false));
        catalog.setAuth("play.example.com", new AuthConfig(true, "playkey1", "", 1800, false));
        catalog.setAuth("lonely.example.com", new AuthConfig(false, "lonelykey", "", 1800, false));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static StreamRequest req(Protocol p, Role role, String host, String app, String stream, String authKey) {
        return new StreamRequest(p, role, host, app, stream, authKey == null ? Map.of() : Map.of("auth_key", authKey), "10.0.0.9");
    }

    private static String key(String uri, long ts, String secret) {
        return UrlAuthTypeA.sign(uri, ts, "0", "0", secret);
    }

    @Test
    void aSignedPushIsAllowedOnThePushDomainAndPlaysOnTheMappedPlayDomain() {
        Decision push = gate.authorize(req(Protocol.RTMP, Role.PUBLISH, "push.example.com", "live", "s", key("/live/s", NOW, "pushkey1")));
        assertThat(push.allowed()).isTrue();
        assertThat(push.key()).isEqualTo(new StreamKey("push.example.com", "live", "s"));
        Decision flv = gate.authorize(req(Protocol.HTTP_FLV, Role.PLAY, "play.example.com", "live", "s", key("/live/s.flv", NOW, "playkey1")));
        assertThat(flv.key()).isEqualTo(push.key());
        Decision rtmp = gate.authorize(req(Protocol.RTMP, Role.PLAY, "play.example.com", "live", "s", key("/live/s", NOW, "playkey1")));
        assertThat(rtmp.key()).isEqualTo(push.key());
    }

    @Test
    void theBackupKeyWorksAndAnotherDomainsKeyDoesNot() {
        assertThat(gate.authorize(req(Protocol.RTMP, Role.PUBLISH, "push.example.com", "live", "s", key("/live/s", NOW, "pushkey2"))).allowed()).isTrue();
        Decision other = gate.authorize(req(Protocol.RTMP, Role.PUBLISH, "push.example.com", "live", "s", key("/live/s", NOW, "playkey1")));
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.reason()).startsWith("denied by req auth: invalid md5hash=");
    }

    @Test
    void missingExpiredAndOtherPathKeysAreRefusedWithTheTengineReasons() {
        assertThat(gate.authorize(req(Protocol.HTTP_FLV, Role.PLAY, "play.example.com", "live", "s", null)).reason())
                .isEqualTo("denied by req auth: no url arg auth_key");
        long old = NOW - 1801;
        assertThat(gate.authorize(req(Protocol.HTTP_FLV, Role.PLAY, "play.example.com", "live", "s", key("/live/s.flv", old, "playkey1"))).reason())
                .isEqualTo("denied by req auth: expired timestamp=" + old);
        // signed for RTMP, used for FLV: the URI differs, so the hash does not match
        assertThat(gate.authorize(req(Protocol.HTTP_FLV, Role.PLAY, "play.example.com", "live", "s", key("/live/s", NOW, "playkey1"))).reason())
                .startsWith("denied by req auth: invalid md5hash=");
        // signed for another stream
        assertThat(gate.authorize(req(Protocol.RTMP, Role.PLAY, "play.example.com", "live", "t", key("/live/s", NOW, "playkey1"))).allowed()).isFalse();
    }

    @Test
    void ipAddressesAndLocalhostUseTheDefaultDomains() {
        for (String host : new String[]{"127.0.0.1", "localhost", "", "::1"}) {
            assertThat(gate.authorize(req(Protocol.RTMP, Role.PUBLISH, host, "live", "s", key("/live/s", NOW, "pushkey1"))).key())
                    .isEqualTo(new StreamKey("push.example.com", "live", "s"));
            assertThat(gate.authorize(req(Protocol.RTMP, Role.PLAY, host, "live", "s", key("/live/s", NOW, "playkey1"))).key())
                    .isEqualTo(new StreamKey("push.example.com", "live", "s"));
        }
    }

    @Test
    void wrongTypesUnknownUnmappedAndStoppedDomainsAreRefused() {
        assertThat(gate.authorize(req(Protocol.RTMP, Role.PUBLISH, "play.example.com", "live", "s", key("/live/s", NOW, "playkey1"))).status()).isEqualTo(403);
        assertThat(gate.authorize(req(Protocol.RTMP, Role.PLAY, "push.example.com", "live", "s", key("/live/s", NOW, "pushkey1"))).status()).isEqualTo(403);
        assertThat(gate.authorize(req(Protocol.RTMP, Role.PLAY, "nobody.example.com", "live", "s", null)).status()).isEqualTo(404);
        Decision lonely = gate.authorize(req(Protocol.RTMP, Role.PLAY, "lonely.example.com", "live", "s", null));
        assertThat(lonely.status()).isEqualTo(404);
        assertThat(lonely.reason()).contains("not mapped");

        catalog.stop("push.example.com");
        Decision stopped = gate.authorize(req(Protocol.RTMP, Role.PUBLISH, "push.example.com", "live", "s", key("/live/s", NOW, "pushkey1")));
        assertThat(stopped.status()).isEqualTo(403);
        assertThat(stopped.reason()).contains("stopped");
        catalog.start("push.example.com");
        assertThat(gate.authorize(req(Protocol.RTMP, Role.PUBLISH, "push.example.com", "live", "s", key("/live/s", NOW, "pushkey1"))).allowed()).isTrue();
    }

    @Test
    void authOffLetsUnsignedRequestsIn() {
        catalog.setAuth("push.example.com", new AuthConfig(false, "pushkey1", "", 1800, false));
        assertThat(gate.authorize(req(Protocol.RTMP, Role.PUBLISH, "push.example.com", "live", "s", null)).allowed()).isTrue();
    }

    @Test
    void aStreamNameIsUniqueWithinTheDomainUnlessAppsAreIsolated() {
        StreamRequest a = req(Protocol.RTMP, Role.PUBLISH, "push.example.com", "app1", "s", key("/app1/s", NOW, "pushkey1"));
        StreamRequest b = req(Protocol.RTMP, Role.PUBLISH, "push.example.com", "app2", "s", key("/app2/s", NOW, "pushkey1"));
        Decision first = gate.authorize(a);
        SessionInfo live = new SessionInfo(1, Role.PUBLISH, Protocol.RTMP, first.key(), a, Instant.now());
        gate.sessionStarted(live);
        Decision second = gate.authorize(b);
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.reason()).contains("app1");

        catalog.setAppIsolation("push.example.com", true);
        assertThat(gate.authorize(b).allowed()).isTrue();
        catalog.setAppIsolation("push.example.com", false);
        gate.sessionEnded(live, 0, "done");
        assertThat(gate.authorize(b).allowed()).isTrue();
    }

    @Test
    void thePublisherLimitPerPushDomainHolds() {
        for (int i = 0; i < 2; i++) {
            StreamRequest r = req(Protocol.RTMP, Role.PUBLISH, "push.example.com", "live", "s" + i, key("/live/s" + i, NOW, "pushkey1"));
            gate.sessionStarted(new SessionInfo(i, Role.PUBLISH, Protocol.RTMP, gate.authorize(r).key(), r, Instant.now()));
        }
        Decision third = gate.authorize(req(Protocol.RTMP, Role.PUBLISH, "push.example.com", "live", "s2", key("/live/s2", NOW, "pushkey1")));
        assertThat(third.status()).isEqualTo(403);
        assertThat(third.reason()).contains("2 live streams");
    }

    private static StreamRequest internal(Role role, String host, String app, String stream, String token) {
        return new StreamRequest(Protocol.RTMP, role, host, app, stream, Map.of(StreamRequest.INTERNAL_TOKEN, token), "127.0.0.1");
    }

    @Test
    void theNodesOwnJobsPassWithTheirTokenOnTheirOneStreamAndRoleOnly() {
        InternalAccess access = new InternalAccess();
        gate.withInternalAccess(access);
        String readToken = access.token(Role.PLAY, "push.example.com", "live", "s");
        Decision read = gate.authorize(internal(Role.PLAY, "push.example.com", "live", "s", readToken));
        assertThat(read.allowed()).isTrue(); // no auth_key needed, and the push domain addressed directly
        assertThat(read.key()).isEqualTo(new StreamKey("push.example.com", "live", "s"));
        assertThat(internal(Role.PLAY, "push.example.com", "live", "s", readToken).isInternal()).isTrue();

        String pushToken = access.token(Role.PUBLISH, "push.example.com", "live", "s_lld");
        assertThat(gate.authorize(internal(Role.PUBLISH, "push.example.com", "live", "s_lld", pushToken)).key())
                .isEqualTo(new StreamKey("push.example.com", "live", "s_lld"));

        // the same token for another stream, another role, or from another node run: refused, not let through as plain
        assertThat(gate.authorize(internal(Role.PLAY, "push.example.com", "live", "other", readToken)).reason())
                .isEqualTo("invalid internal token");
        assertThat(gate.authorize(internal(Role.PUBLISH, "push.example.com", "live", "s", readToken)).status()).isEqualTo(403);
        String foreign = new InternalAccess().token(Role.PLAY, "push.example.com", "live", "s");
        assertThat(gate.authorize(internal(Role.PLAY, "push.example.com", "live", "s", foreign)).allowed()).isFalse();
        // a play domain is not a source, and a stopped domain stays stopped
        assertThat(gate.authorize(internal(Role.PLAY, "play.example.com", "live", "s",
                access.token(Role.PLAY, "play.example.com", "live", "s"))).status()).isEqualTo(404);
        catalog.stop("push.example.com");
        assertThat(gate.authorize(internal(Role.PLAY, "push.example.com", "live", "s", readToken)).status()).isEqualTo(403);
    }

    @Test
    void withoutInternalAccessEveryTokenIsRefused() {
        String token = new InternalAccess().token(Role.PLAY, "push.example.com", "live", "s");
        Decision d = gate.authorize(internal(Role.PLAY, "push.example.com", "live", "s", token));
        assertThat(d.status()).isEqualTo(403);
        assertThat(d.reason()).isEqualTo("invalid internal token");
    }

    @Test
    void theInternalUrlNamesTheDomainByVhostAndCarriesTheToken() {
        InternalAccess access = new InternalAccess();
        String url = access.rtmpUrl(Role.PLAY, "127.0.0.1", 1935, "push.example.com", "live", "s");
        assertThat(url).isEqualTo("rtmp://127.0.0.1:1935/live/s?vhost=push.example.com&lc_internal="
                + access.token(Role.PLAY, "push.example.com", "live", "s"));
    }
}
