package io.livecloud.server;

import io.livecloud.control.auth.UrlAuthTypeA;
import io.livecloud.media.hls.HlsSettings;
import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * HLS from a real ffmpeg push, read by players nobody here wrote (ffmpeg's HLS demuxer, GStreamer's hlsdemux, VLC),
 * every playlist checked against RFC 8216's grammar, and URL auth carried into the segment URIs.
 */
class HlsEndToEndTest {
    @TempDir
    static Path dir;
    private static TestNode node;
    private static TestNode authNode;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Ffmpeg ffmpeg = new Ffmpeg();
    private final List<Process> players = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        node = new TestNode(TestNode.config(dir.resolve("data"))
                .withHub(HubSettings.defaults().withPublisherGraceMillis(2_000))
                .withHls(HlsSettings.defaults().withEndedRetentionMillis(10_000)), false);
        authNode = TestNode.withAuth(dir.resolve("auth-data"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // vlc may run as nobody
    }

    @AfterAll
    static void stop() {
        node.close();
        authNode.close();
    }

    @AfterEach
    void killClients() {
        players.forEach(Process::destroyForcibly);
        ffmpeg.close();
    }

    static HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static M3u8 awaitPlaylist(String url, int segments) {
        M3u8[] last = new M3u8[1];
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300)).until(() -> {
            HttpResponse<byte[]> r = get(url);
            if (r.statusCode() != 200) {
                return false;
            }
            last[0] = M3u8.parse(new String(r.body()));
            return last[0].segments().size() >= segments;
        });
        return last[0];
    }

    @Test
    void ffmpegReadsTwentySecondsOfHlsWhileEveryPlaylistFollowsTheRfc() throws Exception {
        ffmpeg.publish(Fixtures.h264Aac(40), node.rtmp("hls"));
        awaitPlaylist(node.hls("hls"), 1);
        Ffmpeg.Proc player = ffmpeg.decode(node.hls("hls"), 20);

        long previousSequence = -1;
        int fetched = 0;
        while (player.isAlive()) {
            HttpResponse<byte[]> r = get(node.hls("hls"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/vnd.apple.mpegurl");
            assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
            assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
            M3u8 playlist = M3u8.parse(new String(r.body()));
            assertThat(playlist.targetDuration()).isEqualTo(2);
            assertThat(playlist.mediaSequence()).as("media sequence never goes back").isGreaterThanOrEqualTo(previousSequence);
            assertThat(playlist.segments().size()).isBetween(1, 6);
            for (int i = 0; i < playlist.segments().size(); i++) {
                M3u8.Segment s = playlist.segments().get(i);
                assertThat(s.sequenceInUri()).isEqualTo(playlist.mediaSequence() + i);
                assertThat(s.duration()).as("cut on the fixture's 1 s keyframes at 2 s").isCloseTo(2.0, within(0.05));
                assertThat(s.programDateTime()).isNotNull();
            }
            previousSequence = playlist.mediaSequence();
            M3u8.Segment newest = playlist.segments().get(playlist.segments().size() - 1);
            HttpResponse<byte[]> segment = get(node.hls("hls").replace("hls.m3u8", newest.uri()));
            assertThat(segment.statusCode()).isEqualTo(200);
            assertThat(segment.headers().firstValue("content-type")).hasValue("video/mp2t");
            assertThat(segment.headers().firstValueAsLong("content-length")).hasValue(segment.body().length);
            assertThat(segment.body().length % 188).as("whole TS packets").isZero();
            assertThat(segment.body()[0]).isEqualTo((byte) 0x47);
            fetched++;
            if (fetched == 5) {
                String metrics = new String(get(node.api("/metrics")).body());
                assertThat(metrics).as("ffmpeg and this loop are HLS viewers (sessions of their own)")
                        .containsPattern("(?m)^livecloud_hls_viewers [2-9](\\.0)?$"); // Micrometer writes 2.0
            }
            Thread.sleep(1_000);
        }
        assertThat(player.waitFor(5)).as(player.stderr()).isZero();
        assertThat(fetched).isGreaterThan(15);
        assertThat(player.errors()).as("decode errors").isEmpty();
        FrameCrc frames = FrameCrc.parse(player.stdout());
        FrameCrc.Track video = frames.video();
        FrameCrc.Track audio = frames.audio();
        assertThat(player.inputCodec("Video")).isEqualTo("h264");
        assertThat(player.inputCodec("Audio")).isEqualTo("aac");
        assertThat(player.stderr()).as("no demuxer warnings").doesNotContain("[warning]");
        assertThat(video.span()).as("20 s of video").isCloseTo(20.0, within(0.6));
        assertThat(audio.span()).as("20 s of audio").isCloseTo(20.0, within(0.6));
        assertThat(video.frames()).isCloseTo(20 * Fixtures.FPS, within(15));
        assertThat(video.monotonic()).as("video timestamps continuous").isTrue();
        assertThat(audio.monotonic()).as("audio timestamps continuous").isTrue();
        assertThat(video.maxGap()).as("no hole in the video").isLessThan(0.1);
        assertThat(audio.maxGap()).as("no hole in the audio").isLessThan(0.1);
    }

    @Test
    void aStreamThatIsNotLiveIs404AtOnce() throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> playlist = get(node.hls("nobody"));
        HttpResponse<byte[]> segment = get(node.hls("nobody").replace(".m3u8", "/0.ts"));
        assertThat(playlist.statusCode()).isEqualTo(404);
        assertThat(segment.statusCode()).isEqualTo(404);
        assertThat(System.nanoTime() - start).as("answered without waiting").isLessThan(TimeUnit.SECONDS.toNanos(1));
        assertThat(get(node.hls("nobody").replace(".m3u8", "/x.ts")).statusCode()).isEqualTo(404);
    }

    @Test
    void aReconnectWithinTheGracePeriodIsADiscontinuityAndTheEndIsAnEndlist() throws Exception {
        Ffmpeg.Proc first = ffmpeg.publish(Fixtures.h264Aac(5), node.rtmp("again"));
        awaitPlaylist(node.hls("again"), 1);
        assertThat(first.waitFor(20)).isZero();
        ffmpeg.publish(Fixtures.h264Aac(5), node.rtmp("again")); // back before the 2 s grace period is over
        M3u8 during = awaitPlaylist(node.hls("again"), 3);
        await().atMost(15, TimeUnit.SECONDS).until(() ->
                M3u8.parse(new String(get(node.hls("again")).body())).segments().stream().anyMatch(M3u8.Segment::discontinuity));
        M3u8 withBreak = M3u8.parse(new String(get(node.hls("again")).body()));
        M3u8 llWithBreak = M3u8.parse(new String(get(node.hls("again").replace("again.m3u8", "again/ll.m3u8")).body()));
        assertThat(llWithBreak.segments()).as("LL-HLS marks the same break").anyMatch(M3u8.Segment::discontinuity);
        assertThat(withBreak.ended()).isFalse();
        assertThat(withBreak.mediaSequence()).isGreaterThanOrEqualTo(during.mediaSequence());
        List<M3u8.Segment> segs = withBreak.segments();
        for (int i = 0; i < segs.size(); i++) {
            assertThat(segs.get(i).sequenceInUri()).as("sequence numbers run on").isEqualTo(withBreak.mediaSequence() + i);
        }
        // after the second publisher and the grace period: the playlist is closed, its segments still there
        M3u8 ended = await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300))
                .until(() -> M3u8.parse(new String(get(node.hls("again")).body())), M3u8::ended);
        assertThat(ended.segments()).isNotEmpty();
        assertThat(ended.segments().stream().filter(M3u8.Segment::discontinuity).count()).isEqualTo(1);
        assertThat(get(node.hls("again").replace("again.m3u8", ended.segments().get(0).uri())).statusCode()).isEqualTo(200);
        // ffmpeg reads the whole ended playlist across the discontinuity without errors
        Ffmpeg.Proc player = ffmpeg.decode(node.hls("again"), 30);
        assertThat(player.waitFor(30)).as(player.stderr()).isZero();
        assertThat(player.errors()).isEmpty();
        assertThat(FrameCrc.parse(player.stdout()).video().frames()).isGreaterThan(50);
    }

    @Test
    void hevcAndAudioOnlyStreamsAreCarriedInTs() throws Exception {
        ffmpeg.publish(Fixtures.hevcAac(20), node.rtmp("hevc"));
        ffmpeg.publish(Fixtures.audioOnly(20), node.rtmp("radio"));
        awaitPlaylist(node.hls("hevc"), 1);
        M3u8 radio = awaitPlaylist(node.hls("radio"), 1);
        assertThat(radio.segments().get(0).duration()).as("audio-only streams cut by time").isCloseTo(2.0, within(0.05));
        Ffmpeg.Proc hevc = ffmpeg.decode(node.hls("hevc"), 4);
        Ffmpeg.Proc audio = ffmpeg.decode(node.hls("radio"), 4);
        assertThat(hevc.waitFor(30)).as(hevc.stderr()).isZero();
        assertThat(audio.waitFor(30)).as(audio.stderr()).isZero();
        assertThat(hevc.inputCodec("Video")).isEqualTo("hevc");
        assertThat(hevc.inputCodec("Audio")).isEqualTo("aac");
        assertThat(hevc.errors()).isEmpty();
        assertThat(FrameCrc.parse(hevc.stdout()).video().frames()).isCloseTo(4 * Fixtures.FPS, within(5));
        assertThat(audio.inputCodec("Audio")).isEqualTo("aac");
        assertThat(audio.inputCodec("Video")).isNull();
        assertThat(audio.errors()).isEmpty();
        assertThat(FrameCrc.parse(audio.stdout()).audio().span()).isCloseTo(4.0, within(0.2));
    }

    @Test
    void urlAuthSignsEverySegmentUriAndChecksEveryRequest() throws Exception {
        String pushKey = authNode.server.catalog().get(authNode.server.catalog().settings().defaultPushDomain()).auth().primaryKey();
        String playKey = authNode.server.catalog().get(authNode.server.catalog().settings().defaultPlayDomain()).auth().primaryKey();
        long now = System.currentTimeMillis() / 1000;
        String base = "http://127.0.0.1:" + authNode.server.httpPort();
        ffmpeg.publish(Fixtures.h264Aac(20), "rtmp://127.0.0.1:" + authNode.server.rtmpPort()
                + "/live/secret?auth_key=" + UrlAuthTypeA.sign("/live/secret", now, "0", "0", pushKey));
        String playlistUrl = base + "/live/secret.m3u8?auth_key=" + UrlAuthTypeA.sign("/live/secret.m3u8", now, "0", "0", playKey);

        HttpResponse<byte[]> unsigned = get(base + "/live/secret.m3u8");
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.headers().firstValue("x-tengine-error")).hasValue("denied by req auth: no url arg auth_key");
        M3u8 playlist = awaitPlaylist(playlistUrl, 1);
        M3u8.Segment segment = playlist.segments().get(0);
        long n = segment.sequenceInUri();
        String signature = UrlAuthTypeA.sign("/live/secret/" + n + ".ts", now, "0", "0", playKey);
        assertThat(segment.uri()).isEqualTo("secret/" + n + ".ts?auth_key=" + signature);

        assertThat(get(base + "/live/" + segment.uri()).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> bare = get(base + "/live/secret/" + n + ".ts");
        assertThat(bare.statusCode()).isEqualTo(403);
        assertThat(bare.headers().firstValue("x-tengine-error")).hasValue("denied by req auth: no url arg auth_key");
        // a segment's auth_key opens that segment only: not another one, not the playlist, not another stream
        assertThat(get(base + "/live/secret/" + (n + 1) + ".ts?auth_key=" + signature).statusCode()).isEqualTo(403);
        assertThat(get(base + "/live/secret.m3u8?auth_key=" + signature).statusCode()).isEqualTo(403);
        assertThat(get(base + "/live/other/" + n + ".ts?auth_key=" + signature).statusCode()).isEqualTo(403);
        // an expired playlist URL stops the viewer: no new playlist
        long old = now - 1800 - 5;
        HttpResponse<byte[]> expired = get(base + "/live/secret.m3u8?auth_key=" + UrlAuthTypeA.sign("/live/secret.m3u8", old, "0", "0", playKey));
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(expired.headers().firstValue("x-tengine-error")).hasValue("denied by req auth: expired timestamp=" + old);

        // low-latency HLS: the init segment, parts, segments and the preload hint are signed the same way
        String llUrl = base + "/live/secret/ll.m3u8?auth_key=" + UrlAuthTypeA.sign("/live/secret/ll.m3u8", now, "0", "0", playKey);
        assertThat(get(base + "/live/secret/ll.m3u8").statusCode()).isEqualTo(403);
        M3u8 ll = awaitPlaylist(llUrl, 1);
        for (String uri : java.util.stream.Stream.concat(java.util.stream.Stream.of(ll.map(), ll.preloadHint()),
                ll.parts().stream().map(M3u8.Part::uri)).toList()) {
            String file = uri.substring(0, uri.indexOf('?'));
            assertThat(uri).isEqualTo(file + "?auth_key=" + UrlAuthTypeA.sign("/live/secret/" + file, now, "0", "0", playKey));
        }
        assertThat(get(base + "/live/secret/" + ll.map()).statusCode()).isEqualTo(200);
        assertThat(get(base + "/live/secret/" + ll.parts().get(0).uri()).statusCode()).isEqualTo(200);
        assertThat(get(base + "/live/secret/" + ll.map().substring(0, ll.map().indexOf('?'))).statusCode()).isEqualTo(403);

        Ffmpeg.Proc player = ffmpeg.decode(playlistUrl, 4);
        assertThat(player.waitFor(30)).as(player.stderr()).isZero();
        assertThat(player.errors()).isEmpty();
        assertThat(FrameCrc.parse(player.stdout()).video().frames()).isCloseTo(4 * Fixtures.FPS, within(5));
    }

    private Process player(String name, String shellCommand) throws IOException {
        Process p = new ProcessBuilder("sh", "-c", "exec " + shellCommand).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        players.add(p);
        return p;
    }

    /** Pushes 8 s, lets the player follow the live playlist to its end, and counts what it recorded. */
    private void playUntilEndAndCheck(String stream, String shellCommand, Path recording) throws Exception {
        Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(8), node.rtmp(stream));
        awaitPlaylist(node.hls(stream), 1);
        Process p = player(stream, shellCommand);
        assertThat(publisher.waitFor(30)).isZero();
        assertThat(p.waitFor(40, TimeUnit.SECONDS)).as("the player stops at #EXT-X-ENDLIST; log: "
                + Files.readString(dir.resolve(stream + ".log"))).isTrue();
        Ffmpeg.Proc probe = ffmpeg.start("ffprobe", List.of("-v", "error", "-count_packets", "-show_entries",
                "stream=codec_name,nb_read_packets", "-of", "csv=p=0", recording.toString()));
        assertThat(probe.waitFor(20)).as(probe.stderr()).isZero();
        List<String> streams = probe.stdout().lines().filter(l -> !l.isBlank()).distinct().sorted().toList();
        assertThat(streams).as("what was recorded in %s", recording.getFileName()).hasSize(2);
        String[] audio = streams.get(0).split(",");
        String[] video = streams.get(1).split(",");
        assertThat(audio[0]).isEqualTo("aac");
        assertThat(video[0]).isEqualTo("h264");
        // a live player starts near the live edge: at least the last segments up to the end
        assertThat(Integer.parseInt(video[1])).isGreaterThanOrEqualTo(4 * Fixtures.FPS);
        assertThat(Integer.parseInt(audio[1])).isGreaterThanOrEqualTo((int) (4 * Fixtures.AAC_FRAMES_PER_SECOND));
    }

    @Test
    void gstreamerHlsdemuxFollowsThePlaylistToItsEnd() throws Exception {
        Path out = dir.resolve("gst-hls.ts");
        playUntilEndAndCheck("gst", "gst-launch-1.0 -q -e souphttpsrc location=" + node.hls("gst")
                + " ! hlsdemux ! filesink location=" + out, out);
    }

    @Test
    void vlcFollowsThePlaylistToItsEnd() throws Exception {
        // VLC refuses to run as root: under root (CI) it runs as nobody
        String asUser = "root".equals(System.getProperty("user.name"))
                ? "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=" + dir + " " : "";
        Path out = dir.resolve("vlc-hls.ts");
        playUntilEndAndCheck("vlc", asUser + "cvlc -q -I dummy --play-and-exit '" + node.hls("vlc")
                + "' --sout '#std{access=file,mux=ts,dst=" + out + "}'", out);
    }

    @Test
    void lowLatencyHlsHasPartsBlockingReloadAndDecodes() throws Exception {
        ffmpeg.publish(Fixtures.h264Aac(30), node.rtmp("ll"));
        String ll = node.hls("ll").replace("ll.m3u8", "ll/ll.m3u8");
        M3u8 first = awaitPlaylist(ll, 2);
        assertThat(first.partTarget()).isEqualTo(0.5);
        assertThat(first.canBlockReload()).isTrue();
        assertThat(first.parts()).isNotEmpty();
        assertThat(first.preloadHint()).isNotNull();
        assertThat(first.map()).startsWith("init0.mp4");

        // blocking reload: ask for the part after the newest; the answer comes when it exists, not before
        M3u8.Part newest = first.parts().get(first.parts().size() - 1);
        long msn = newest.msn();
        int next = newest.index() + 1;
        long start = System.nanoTime();
        HttpResponse<byte[]> blocked = get(ll + "?_HLS_msn=" + msn + "&_HLS_part=" + next);
        long heldMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(blocked.statusCode()).isEqualTo(200);
        M3u8 later = M3u8.parse(new String(blocked.body()));
        assertThat(later.parts().stream().anyMatch(p -> (p.msn() == msn && p.index() == next) || p.msn() > msn))
                .as("the reload holds the part asked for").isTrue();
        assertThat(heldMillis).as("held until the part was cut").isBetween(20L, 1_500L);
        assertThat(get(ll + "?_HLS_msn=" + (msn + 5)).statusCode()).as("too far ahead").isEqualTo(400);
        assertThat(get(ll + "?_HLS_msn=x").statusCode()).isEqualTo(400);

        // the preload hint's part is held until written, then served
        String hint = later.preloadHint();
        HttpResponse<byte[]> hinted = get(ll.replace("ll.m3u8", hint));
        assertThat(hinted.statusCode()).isEqualTo(200);
        assertThat(hinted.headers().firstValue("content-type")).hasValue("video/mp4");
        assertThat(new String(hinted.body(), 4, 4)).isEqualTo("moof");
        HttpResponse<byte[]> init = get(ll.replace("ll.m3u8", later.map()));
        assertThat(new String(init.body(), 4, 4)).isEqualTo("ftyp");

        Ffmpeg.Proc player = ffmpeg.decode(ll, 6);
        assertThat(player.waitFor(40)).as(player.stderr()).isZero();
        assertThat(player.errors()).isEmpty();
        assertThat(player.inputCodec("Video")).isEqualTo("h264");
        assertThat(player.inputCodec("Audio")).isEqualTo("aac");
        FrameCrc frames = FrameCrc.parse(player.stdout());
        assertThat(frames.video().frames()).isCloseTo(6 * Fixtures.FPS, within(5));
        assertThat(frames.audio().span()).isCloseTo(6.0, within(0.3));
        assertThat(frames.video().maxGap()).isLessThan(0.1);
    }
}
