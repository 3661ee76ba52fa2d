package io.livecloud.server;

import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Players nobody here wrote, besides ffmpeg: GStreamer ({@code rtmp2src}, {@code souphttpsrc} + {@code flvdemux}),
 * VLC 3 ({@code cvlc}) and rtmpdump (librtmp). Each records what it received;
 * ffprobe then counts it. The players wait for the stream, so each must get all of it.
 */
class IndependentPlayersTest {
    private static final int SECONDS = 6;
    @TempDir
    static Path dir;
    private static TestNode node;
    private final List<Process> players = new ArrayList<>();
    private final Ffmpeg ffmpeg = new Ffmpeg();

    @BeforeAll
    static void start() throws IOException {
        node = new TestNode(dir.resolve("data"), HubSettings.defaults().withPlayWaitMillis(20_000).withPublisherGraceMillis(500));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // vlc may run as nobody
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @AfterEach
    void killPlayers() {
        players.forEach(Process::destroyForcibly);
        ffmpeg.close();
    }

    private Process player(String name, String shellCommand) throws IOException {
        Process p = new ProcessBuilder("sh", "-c", "exec " + shellCommand).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        players.add(p);
        return p;
    }

    /** Publishes the fixture once the players are waiting, then checks each recording. */
    private void publishAndCheck(String stream, List<Path> recordings) throws Exception {
        node.awaitPlayers(stream, recordings.size());
        Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(SECONDS), node.rtmp(stream));
        assertThat(publisher.waitFor(30)).isZero();
        for (Process p : players) {
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("the player ends with the stream").isTrue();
        }
        for (Path out : recordings) {
            Ffmpeg.Proc probe = ffmpeg.start("ffprobe", List.of("-v", "error", "-count_packets", "-show_entries",
                    "stream=codec_name,nb_read_packets", "-of", "csv=p=0", out.toString()));
            assertThat(probe.waitFor(20)).as(probe.stderr()).isZero();
            // MPEG-TS lists each stream twice: in its program and on its own
            List<String> streams = probe.stdout().lines().filter(l -> !l.isBlank()).distinct().sorted().toList();
            assertThat(streams).as("what was recorded in %s", out.getFileName()).hasSize(2);
            String[] audio = streams.get(0).split(",");
            String[] video = streams.get(1).split(",");
            assertThat(audio[0]).isEqualTo("aac");
            assertThat(video[0]).isEqualTo("h264");
            // VLC's TS recording drops a few frames at the start and end of its input; the others get all
            int slack = out.toString().endsWith(".ts") ? 12 : 4;
            assertThat(Integer.parseInt(audio[1])).isCloseTo((int) (SECONDS * Fixtures.AAC_FRAMES_PER_SECOND), within(slack));
            assertThat(Integer.parseInt(video[1])).isCloseTo(SECONDS * Fixtures.FPS, within(slack / 2));
        }
    }

    @Test
    void gstreamerPlaysRtmpAndHttpFlv() throws Exception {
        Path rtmp = dir.resolve("gst-rtmp.mkv");
        Path flv = dir.resolve("gst-flv.mkv");
        String demuxToMkv = " ! flvdemux name=d d.video ! queue ! h264parse ! matroskamux name=m ! filesink location=%s"
                + " d.audio ! queue ! aacparse ! m.";
        player("gst-rtmp", "gst-launch-1.0 -q -e rtmp2src location=" + node.rtmp("gst") + demuxToMkv.formatted(rtmp));
        player("gst-flv", "gst-launch-1.0 -q -e souphttpsrc location=" + node.flv("gst") + demuxToMkv.formatted(flv));
        publishAndCheck("gst", List.of(rtmp, flv));
    }

    @Test
    void vlcPlaysRtmpAndHttpFlv() throws Exception {
        // VLC refuses to run as root: under root (CI) it runs as nobody
        String asUser = "root".equals(System.getProperty("user.name"))
                ? "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=" + dir + " " : "";
        Path rtmp = dir.resolve("vlc-rtmp.ts");
        Path flv = dir.resolve("vlc-flv.ts");
        String record = " --sout '#std{access=file,mux=ts,dst=%s}'";
        player("vlc-rtmp", asUser + "cvlc -q -I dummy --play-and-exit '" + node.rtmp("vlc") + "'" + record.formatted(rtmp));
        player("vlc-flv", asUser + "cvlc -q -I dummy --play-and-exit '" + node.flv("vlc") + "'" + record.formatted(flv));
        publishAndCheck("vlc", List.of(rtmp, flv));
    }

    @Test
    void rtmpdumpPlaysRtmp() throws Exception {
        Path out = dir.resolve("rtmpdump.flv");
        player("rtmpdump", "rtmpdump -q --live -r " + node.rtmp("dump") + " -o " + out);
        publishAndCheck("dump", List.of(out));
    }
}
