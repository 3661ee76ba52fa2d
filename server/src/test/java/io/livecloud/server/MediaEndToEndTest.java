package io.livecloud.server;

import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The media core against real clients: ffmpeg publishes, ffmpeg decodes what RTMP and HTTP-FLV deliver. Players
 * start before the publisher (the node lets them wait), so they must get the whole stream.
 */
class MediaEndToEndTest {
    private static final int SECONDS = 6;
    @TempDir
    static Path dataDir;
    private static TestNode node;
    private final Ffmpeg ffmpeg = new Ffmpeg();

    @BeforeAll
    static void start() {
        HubSettings hub = HubSettings.defaults().withPlayWaitMillis(20_000).withPublisherGraceMillis(1_500);
        node = new TestNode(dataDir, hub);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @AfterEach
    void killClients() {
        ffmpeg.close();
    }

    private String rtmp(String stream) {
        return node.rtmp(stream);
    }

    private String flv(String stream) {
        return node.flv(stream);
    }

    private void awaitWaitingPlayers(String stream, int n) {
        node.awaitPlayers(stream, n);
    }

    private static void assertWholeStream(Ffmpeg.Proc player, boolean video, boolean audio, String videoCodec) throws Exception {
        assertWholeStream(player, video, audio, videoCodec, "aac", Fixtures.AAC_FRAMES_PER_SECOND);
    }

    private static void assertWholeStream(Ffmpeg.Proc player, boolean video, boolean audio, String videoCodec,
                                          String audioCodec, double audioFramesPerSecond) throws Exception {
        assertThat(player.waitFor(60)).as("exit of %s: %s", player.commandLine, player.stderr()).isZero();
        assertThat(player.errors()).as("decode errors").isEmpty();
        FrameCrc decoded = FrameCrc.parse(player.stdout());
        if (video) {
            FrameCrc.Track v = decoded.video();
            assertThat(v).as("video track").isNotNull();
            assertThat(player.inputCodec("Video")).isEqualTo(videoCodec);
            assertThat(v.dimensions()).isEqualTo("640x360");
            assertThat(v.frames()).isCloseTo(SECONDS * Fixtures.FPS, within(3));
            assertThat(v.span()).isCloseTo(SECONDS - 1.0 / Fixtures.FPS, within(0.2));
        } else {
            assertThat(decoded.video()).isNull();
        }
        if (audio) {
            FrameCrc.Track a = decoded.audio();
            assertThat(a).as("audio track").isNotNull();
            assertThat(player.inputCodec("Audio")).isEqualTo(audioCodec);
            assertThat(a.frames()).isCloseTo((int) (SECONDS * audioFramesPerSecond), within(4));
        } else {
            assertThat(decoded.audio()).isNull();
        }
    }

    /** One RTMP and one HTTP-FLV player wait, the file is pushed, both must decode all of it. */
    private void pushAndPlayOnBothProtocols(String stream, Path file, String videoCodec, String audioCodec,
                                            double audioFramesPerSecond) throws Exception {
        Ffmpeg.Proc rtmpPlayer = ffmpeg.decode(rtmp(stream), 60);
        Ffmpeg.Proc flvPlayer = ffmpeg.decode(flv(stream), 60);
        awaitWaitingPlayers(stream, 2);
        Ffmpeg.Proc publisher = ffmpeg.publish(file, rtmp(stream));
        assertThat(publisher.waitFor(30)).as(publisher.stderr()).isZero();
        assertWholeStream(rtmpPlayer, true, true, videoCodec, audioCodec, audioFramesPerSecond);
        assertWholeStream(flvPlayer, true, true, videoCodec, audioCodec, audioFramesPerSecond);
    }

    @Test
    void aPushedH264AacStreamDecodesCompletelyOverRtmpAndHttpFlv() throws Exception {
        pushAndPlayOnBothProtocols("whole", Fixtures.h264Aac(SECONDS), "h264", "aac", Fixtures.AAC_FRAMES_PER_SECOND);
    }

    @Test
    void obsWithTheWholeUrlAsServerAndAnEmptyStreamKey() throws Exception {
        // what OBS sends for Server = rtmp://host/live/obs?auth_key=K and an empty key: app "live/obs?auth_key=K",
        // tcUrl with the query, an empty publish name (SPEC §4); ffmpeg's rtmp options reproduce it byte for byte
        Ffmpeg.Proc player = ffmpeg.decode(flv("obs"), 60);
        awaitWaitingPlayers("obs", 1);
        String tcUrl = "rtmp://127.0.0.1:" + node.server.rtmpPort() + "/live/obs?auth_key=1-0-0-abc";
        Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(SECONDS), rtmp("ignored"),
                List.of("-rtmp_app", "live/obs?auth_key=1-0-0-abc", "-rtmp_tcurl", tcUrl, "-rtmp_playpath", ""));
        assertThat(publisher.waitFor(30)).as(publisher.stderr()).isZero();
        assertWholeStream(player, true, true, "h264");
    }

    @Test
    void hevcOverEnhancedRtmpPlaysOnBothProtocols() throws Exception {
        pushAndPlayOnBothProtocols("hevc", Fixtures.hevcAac(SECONDS), "hevc", "aac", Fixtures.AAC_FRAMES_PER_SECOND);
    }

    @Test
    void legacyCodecId12HevcIsCachedAndPlayed() throws Exception {
        Ffmpeg.Proc whole = ffmpeg.decode(flv("legacy"), 60);
        awaitWaitingPlayers("legacy", 1);
        Thread publisher = new Thread(() -> {
            try {
                LegacyHevcPublisher.publish(node.server.rtmpPort(), "live", "legacy", Fixtures.hevcAac(SECONDS));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        publisher.start();
        Thread.sleep(2_500);
        try (FlvHttpClient joiner = new FlvHttpClient(node.server.httpPort(), "/live/legacy.flv")) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> joiner.firstVideoFrame() != null);
            assertThat(joiner.firstVideoFrame().keyframe()).as("the GOP cache recognised codec-12 keyframes").isTrue();
        }
        publisher.join(30_000);
        assertWholeStream(whole, true, true, "hevc");
    }

    @Test
    void av1AndOpusOverEnhancedRtmp() throws Exception {
        double opusFramesPerSecond = 50; // 20 ms frames
        pushAndPlayOnBothProtocols("av1", Fixtures.av1Opus(SECONDS), "av1", "opus", opusFramesPerSecond);
    }

    @Test
    void audioOnlyAndVideoOnlyStreams() throws Exception {
        Ffmpeg.Proc audioPlayer = ffmpeg.decode(flv("audio"), 60);
        Ffmpeg.Proc videoPlayer = ffmpeg.decode(rtmp("video"), 60);
        awaitWaitingPlayers("audio", 1);
        awaitWaitingPlayers("video", 1);
        Ffmpeg.Proc a = ffmpeg.publish(Fixtures.audioOnly(SECONDS), rtmp("audio"));
        Ffmpeg.Proc v = ffmpeg.publish(Fixtures.videoOnly(SECONDS), rtmp("video"));
        assertThat(a.waitFor(30)).as(a.stderr()).isZero();
        assertThat(v.waitFor(30)).as(v.stderr()).isZero();
        assertWholeStream(audioPlayer, false, true, null);
        assertWholeStream(videoPlayer, true, false, "h264");
    }

    @Test
    void twentyConcurrentPlayersAllGetTheWholeStream() throws Exception {
        List<FlvHttpClient> flvPlayers = new ArrayList<>();
        List<Ffmpeg.Proc> decoders = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                flvPlayers.add(new FlvHttpClient(node.server.httpPort(), "/live/crowd.flv"));
            }
            for (int i = 0; i < 2; i++) {
                decoders.add(ffmpeg.decode(rtmp("crowd"), 60));
                decoders.add(ffmpeg.decode(flv("crowd"), 60));
            }
            awaitWaitingPlayers("crowd", 20);
            Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(SECONDS), rtmp("crowd"));
            assertThat(publisher.waitFor(30)).as(publisher.stderr()).isZero();
            for (Ffmpeg.Proc d : decoders) {
                assertWholeStream(d, true, true, "h264");
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> flvPlayers.stream().allMatch(p -> p.ended));
            for (FlvHttpClient p : flvPlayers) {
                assertThat(p.failure).isNull();
                assertThat(p.status).isEqualTo(200);
                assertThat(p.videoFrames()).isEqualTo(SECONDS * Fixtures.FPS);
            }
        } finally {
            for (FlvHttpClient p : flvPlayers) {
                p.close();
            }
        }
    }
}
