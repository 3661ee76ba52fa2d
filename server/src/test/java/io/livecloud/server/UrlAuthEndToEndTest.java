package io.livecloud.server;

import io.livecloud.control.auth.UrlAuthTypeA;
import io.livecloud.control.domain.AuthConfig;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Domains and URL auth type A enforced on the media plane, with ffmpeg as publisher and player: a node as a user
 * gets it (demo domains, auth on), the URLs it prints, refusals with the cloud's reasons, the backup key, sessions
 * outliving their URL, and host names choosing the domain.
 */
class UrlAuthEndToEndTest {
    @TempDir
    static Path dataDir;
    private static TestNode node;
    private static DomainCatalog catalog;
    private static String push;
    private static String play;
    private final Ffmpeg ffmpeg = new Ffmpeg();

    @BeforeAll
    static void start() {
        node = TestNode.withAuth(dataDir);
        catalog = node.server.catalog();
        push = catalog.settings().defaultPushDomain();
        play = catalog.settings().defaultPlayDomain();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @AfterEach
    void killClients() {
        ffmpeg.close();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String sign(String uri, long ts, String key) {
        return uri + "?auth_key=" + UrlAuthTypeA.sign(uri, ts, "0", "0", key);
    }

    private static String key(String domain) {
        return catalog.get(domain).auth().primaryKey();
    }

    private String rtmp(String pathAndQuery) {
        return "rtmp://127.0.0.1:" + node.server.rtmpPort() + pathAndQuery;
    }

    private static String bannerUrl(String banner, String label) {
        Matcher m = Pattern.compile(label + "\\s+(\\S+)").matcher(banner);
        assertThat(m.find()).as(label + " in:\n" + banner).isTrue();
        return m.group(1);
    }

    @Test
    void theUrlsPrintedAtStartPushAndPlayRightAway() throws Exception {
        String banner = Main.banner(node.server);
        assertThat(banner).contains("First start").contains(push).contains(play);
        String pushUrl = bannerUrl(banner, "Stream Key empty; or ffmpeg -f flv <URL>\\):\\n");
        String rtmpPlay = bannerUrl(banner, "Play RTMP:");
        String flvPlay = bannerUrl(banner, "Play HTTP-FLV:");
        assertThat(pushUrl).startsWith(rtmp("/live/demo?auth_key="));
        assertThat(flvPlay).startsWith("http://127.0.0.1:" + node.server.httpPort() + "/live/demo.flv?auth_key=");

        Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(8), pushUrl);
        node.awaitPublisher("demo");
        Ffmpeg.Proc rtmpPlayer = ffmpeg.decode(rtmpPlay, 3);
        Ffmpeg.Proc flvPlayer = ffmpeg.decode(flvPlay, 3);
        for (Ffmpeg.Proc p : List.of(rtmpPlayer, flvPlayer)) {
            assertThat(p.waitFor(30)).as(p.stderr()).isZero();
            assertThat(p.errors()).isEmpty();
            FrameCrc frames = FrameCrc.parse(p.stdout());
            assertThat(frames.video().frames()).as("video frames of " + p.commandLine).isGreaterThan(40);
            assertThat(frames.audio().frames()).as("audio frames of " + p.commandLine).isGreaterThan(60);
        }
        assertThat(publisher.waitFor(30)).isZero();
    }

    @Test
    void httpFlvRefusalsCarryTheTengineReason() throws Exception {
        long ts = now();
        String playKey = key(play);
        assertRefused("/live/s1.flv", "denied by req auth: no url arg auth_key");
        assertRefused(sign("/live/s1.flv", ts - 1801, playKey), "denied by req auth: expired timestamp=" + (ts - 1801));
        String bad = "/live/s1.flv?auth_key=" + ts + "-0-0-0123456789abcdef0123456789abcdef";
        assertRefused(bad, "denied by req auth: invalid md5hash=0123456789abcdef0123456789abcdef");
        // the push domain's key, or a key signed for another stream, does not open the play domain
        assertRefusedStartingWith(sign("/live/s1.flv", ts, key(push)), "denied by req auth: invalid md5hash=");
        assertRefusedStartingWith("/live/s1.flv?auth_key=" + sign("/live/other.flv", ts, playKey).split("auth_key=")[1],
                "denied by req auth: invalid md5hash=");
        // a valid key for a stream that is not live: past auth, then not found
        try (FlvHttpClient c = new FlvHttpClient(node.server.httpPort(), sign("/live/s1.flv", ts, playKey))) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> c.status != 0);
            assertThat(c.status).isEqualTo(404);
        }
    }

    private void assertRefused(String path, String reason) throws Exception {
        try (FlvHttpClient c = new FlvHttpClient(node.server.httpPort(), path)) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> c.status != 0 && !c.headers.isEmpty());
            assertThat(c.status).isEqualTo(403);
            assertThat(c.headers.get("x-tengine-error")).isEqualTo(reason);
        }
    }

    private void assertRefusedStartingWith(String path, String reason) throws Exception {
        try (FlvHttpClient c = new FlvHttpClient(node.server.httpPort(), path)) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> c.status != 0 && !c.headers.isEmpty());
            assertThat(c.status).isEqualTo(403);
            assertThat(c.headers.get("x-tengine-error")).startsWith(reason);
        }
    }

    @Test
    void rtmpPushesAndPlaysWithBadKeysAreRefusedBeforeAnyStart() throws Exception {
        long ts = now();
        List<String> bad = List.of("/live/s2", sign("/live/s2", ts - 3600, key(push)), sign("/live/s2", ts, key(play)),
                sign("/live/s3", ts, key(push)).replace("/live/s3", "/live/s2"));
        for (String path : bad) {
            Ffmpeg.Proc p = ffmpeg.publish(Fixtures.h264Aac(4), rtmp(path));
            assertThat(p.waitFor(20)).as("ffmpeg must fail for " + path).isNotZero();
        }
        assertThat(node.server.hub().streams()).noneMatch(s -> s.key().stream().equals("s2") && s.publisher() != null);

        Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(8), rtmp(sign("/live/s2", ts, key(push))));
        node.awaitPublisher("s2");
        Ffmpeg.Proc refusedPlayer = ffmpeg.decode(rtmp(sign("/live/s2", ts, key(push))), 2);
        assertThat(refusedPlayer.waitFor(20)).isNotZero();
        Ffmpeg.Proc player = ffmpeg.decode(rtmp(sign("/live/s2", ts, key(play))), 2);
        assertThat(player.waitFor(20)).as(player.stderr()).isZero();
        assertThat(FrameCrc.parse(player.stdout()).video().frames()).isGreaterThan(10);
        publisher.kill();
    }

    @Test
    void theBackupKeyWorks() throws Exception {
        Domain d = catalog.get(push);
        catalog.setAuth(push, new AuthConfig(true, d.auth().primaryKey(), "backupKey2026", 1800, false));
        try {
            Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(6), rtmp(sign("/live/s4", now(), "backupKey2026")));
            node.awaitPublisher("s4");
            publisher.kill();
        } finally {
            catalog.setAuth(push, d.auth());
        }
    }

    @Test
    void aRunningPlayerIsNotCutWhenItsUrlExpires() throws Exception {
        Domain d = catalog.get(play);
        catalog.setAuth(play, new AuthConfig(true, d.auth().primaryKey(), "", 2, false));
        try {
            ffmpeg.publish(Fixtures.h264Aac(12), rtmp(sign("/live/s5", now(), key(push))));
            node.awaitPublisher("s5");
            String url = sign("/live/s5.flv", now(), d.auth().primaryKey());
            try (FlvHttpClient player = new FlvHttpClient(node.server.httpPort(), url)) {
                await().atMost(5, TimeUnit.SECONDS).until(() -> player.tags.size() > 10);
                Thread.sleep(4_000); // the URL is now 2 s past its validity
                int before = player.tags.size();
                await().atMost(3, TimeUnit.SECONDS).until(() -> player.tags.size() > before + 25);
                assertThat(player.ended).isFalse();
                assertThat(player.status).isEqualTo(200);
                assertRefusedStartingWith(url, "denied by req auth: expired timestamp=");
            }
        } finally {
            catalog.setAuth(play, d.auth());
        }
    }

    @Test
    void theHostNamePicksTheDomainAndAStoppedDomainRefuses() throws Exception {
        catalog.add("push.tenant2.example", DomainType.PUSH, "cn-shanghai", "domestic");
        catalog.add("play.tenant2.example", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.map("push.tenant2.example", "play.tenant2.example");
        long ts = now();
        String tcUrl = "rtmp://push.tenant2.example:" + node.server.rtmpPort() + "/live";
        Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(10), rtmp(sign("/live/s6", ts, key("push.tenant2.example"))),
                List.of("-rtmp_tcurl", tcUrl));
        await().atMost(15, TimeUnit.SECONDS).until(() -> node.server.hub().streams().stream()
                .anyMatch(s -> s.key().domain().equals("push.tenant2.example") && s.publisher() != null));

        String tenantUrl = sign("/live/s6.flv", ts, key("play.tenant2.example"));
        try (FlvHttpClient viaTenant = new FlvHttpClient(node.server.httpPort(), tenantUrl, "play.tenant2.example:8080")) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> viaTenant.tags.stream().anyMatch(FlvHttpClient.Tag::keyframe));
        }
        // the demo play domain (what 127.0.0.1 means) reads the demo push domain: the tenant's stream is not there
        try (FlvHttpClient viaDemo = new FlvHttpClient(node.server.httpPort(), sign("/live/s6.flv", ts, key(play)))) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> viaDemo.status != 0);
            assertThat(viaDemo.status).isEqualTo(404);
        }
        try (FlvHttpClient unknown = new FlvHttpClient(node.server.httpPort(), tenantUrl, "nobody.example")) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> unknown.status != 0);
            assertThat(unknown.status).isEqualTo(404);
        }

        catalog.stop("play.tenant2.example");
        try {
            try (FlvHttpClient stopped = new FlvHttpClient(node.server.httpPort(), tenantUrl, "play.tenant2.example")) {
                await().atMost(5, TimeUnit.SECONDS).until(() -> stopped.status != 0 && !stopped.headers.isEmpty());
                assertThat(stopped.status).isEqualTo(403);
                assertThat(stopped.headers.get("x-tengine-error")).contains("stopped");
            }
        } finally {
            catalog.start("play.tenant2.example");
        }
        publisher.kill();
    }
}
