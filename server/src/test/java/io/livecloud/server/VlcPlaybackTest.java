package io.livecloud.server;

import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * VLC 3 (Debian's {@code cvlc}) plays RTMP and HTTP-FLV and records what it received to MPEG-TS; ffprobe counts it.
 * VLC refuses to run as root, so under root (CI) it runs as {@code nobody}.
 */
class VlcPlaybackTest {
    private static final int SECONDS = 6;
    @TempDir
    static Path dir;
    private static TestNode node;

    @BeforeAll
    static void start() {
        node = new TestNode(dir.resolve("data"), HubSettings.defaults().withPlayWaitMillis(20_000).withPublisherGraceMillis(500));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Process vlc(String url, Path out) throws IOException {
        String command = "cvlc -q -I dummy --play-and-exit '" + url + "' --sout '#std{access=file,mux=ts,dst=" + out + "}'";
        boolean root = "root".equals(System.getProperty("user.name"));
        String asUser = root ? "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=" + dir + " " : "";
        return new ProcessBuilder("sh", "-c", "exec " + asUser + command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(out.getFileName() + ".log").toFile()).start();
    }

    @Test
    void vlcPlaysRtmpAndHttpFlv() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // vlc may run as nobody
        Path rtmpOut = dir.resolve("rtmp.ts");
        Path flvOut = dir.resolve("flv.ts");
        Process rtmp = vlc(node.rtmp("vlc"), rtmpOut);
        Process flv = vlc(node.flv("vlc"), flvOut);
        try (Ffmpeg ffmpeg = new Ffmpeg()) {
            node.awaitPlayers("vlc", 2);
            Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(SECONDS), node.rtmp("vlc"));
            assertThat(publisher.waitFor(30)).isZero();
            for (Process p : List.of(rtmp, flv)) {
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("vlc --play-and-exit ends with the stream").isTrue();
            }
            for (Path out : List.of(rtmpOut, flvOut)) {
                Ffmpeg.Proc probe = ffmpeg.start("ffprobe", List.of("-v", "error", "-count_packets", "-show_entries",
                        "stream=codec_name,nb_read_packets", "-of", "csv=p=0", out.toString()));
                assertThat(probe.waitFor(20)).as(probe.stderr()).isZero();
                // MPEG-TS lists each stream twice: in its program and on its own
                List<String> streams = probe.stdout().lines().filter(l -> !l.isBlank()).distinct().sorted().toList();
                assertThat(streams).as("what VLC recorded from %s", out.getFileName()).hasSize(2);
                String[] audio = streams.get(0).split(",");
                String[] video = streams.get(1).split(",");
                assertThat(audio[0]).isEqualTo("aac");
                // VLC's TS recording drops a few frames at the start and end of its input
                assertThat(Integer.parseInt(audio[1])).isCloseTo((int) (SECONDS * Fixtures.AAC_FRAMES_PER_SECOND), within(12));
                assertThat(video[0]).isEqualTo("h264");
                assertThat(Integer.parseInt(video[1])).isCloseTo(SECONDS * Fixtures.FPS, within(6));
            }
        } finally {
            rtmp.destroyForcibly();
            flv.destroyForcibly();
        }
    }
}
