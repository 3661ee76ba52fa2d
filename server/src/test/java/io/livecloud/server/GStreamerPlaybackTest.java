package io.livecloud.server;

import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A second, independent player: GStreamer ({@code rtmp2src}, {@code souphttpsrc} + {@code flvdemux}) receives the
 * stream over RTMP and HTTP-FLV and remuxes it to Matroska; ffprobe then counts what arrived.
 */
class GStreamerPlaybackTest {
    private static final int SECONDS = 6;
    @TempDir
    static Path dir;
    private static TestNode node;
    private static LiveCloudServer server;

    @BeforeAll
    static void start() {
        node = new TestNode(dir.resolve("data"), HubSettings.defaults().withPlayWaitMillis(20_000).withPublisherGraceMillis(500));
        server = node.server;
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Process gstreamer(String source, Path out) throws Exception {
        String pipeline = source + " ! flvdemux name=d d.video ! queue ! h264parse ! matroskamux name=m ! filesink location="
                + out + " d.audio ! queue ! aacparse ! m.";
        return new ProcessBuilder("sh", "-c", "exec gst-launch-1.0 -q -e " + pipeline)
                .redirectErrorStream(true).redirectOutput(dir.resolve(out.getFileName() + ".log").toFile()).start();
    }

    @Test
    void gstreamerPlaysRtmpAndHttpFlv() throws Exception {
        Path rtmpOut = dir.resolve("rtmp.mkv");
        Path flvOut = dir.resolve("flv.mkv");
        Process rtmp = gstreamer("rtmp2src location=rtmp://127.0.0.1:" + server.rtmpPort() + "/live/gst", rtmpOut);
        Process flv = gstreamer("souphttpsrc location=http://127.0.0.1:" + server.httpPort() + "/live/gst.flv", flvOut);
        try (Ffmpeg ffmpeg = new Ffmpeg()) {
            node.awaitPlayers("gst", 2);
            Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(SECONDS), node.rtmp("gst"));
            assertThat(publisher.waitFor(30)).isZero();
            for (Process p : List.of(rtmp, flv)) {
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("gstreamer ends at end of stream").isTrue();
                assertThat(p.exitValue()).as(Files.readString(dir.resolve((p == rtmp ? rtmpOut : flvOut).getFileName() + ".log"))).isZero();
            }
            for (Path out : List.of(rtmpOut, flvOut)) {
                Ffmpeg.Proc probe = ffmpeg.start("ffprobe", List.of("-v", "error", "-count_packets", "-show_entries",
                        "stream=codec_name,width,nb_read_packets", "-of", "csv=p=0", out.toString()));
                assertThat(probe.waitFor(20)).as(probe.stderr()).isZero();
                List<String> streams = probe.stdout().lines().sorted().toList();
                assertThat(streams).hasSize(2);
                String[] audio = streams.get(0).split(",");
                String[] video = streams.get(1).split(",");
                assertThat(audio[0]).isEqualTo("aac");
                assertThat(Integer.parseInt(audio[audio.length - 1])).isCloseTo((int) (SECONDS * Fixtures.AAC_FRAMES_PER_SECOND), within(4));
                assertThat(video[0]).isEqualTo("h264");
                assertThat(video[1]).isEqualTo("640");
                assertThat(Integer.parseInt(video[video.length - 1])).isCloseTo(SECONDS * Fixtures.FPS, within(3));
            }
        } finally {
            rtmp.destroyForcibly();
            flv.destroyForcibly();
        }
    }
}
