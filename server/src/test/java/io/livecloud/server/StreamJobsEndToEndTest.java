package io.livecloud.server;

import io.livecloud.media.StreamKey;
import io.livecloud.processing.FfmpegJob;
import io.livecloud.processing.StreamJobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The processing foundation with a real push and real ffmpeg children: jobs start when a stream goes live, read it
 * through the node's internal token (URL auth on, no auth_key), are not viewers, come back when killed, keep running
 * across a publisher reconnect within the grace period, end with the stream, and can publish a new stream back.
 */
class StreamJobsEndToEndTest {
    private static final String PUSH = "push.livecloud.localhost";

    /** Copies the live stream into an FLV file: the smallest real job, the shape of a recording. */
    private static StreamJobs.Planner copyTo(LiveCloudServer server, Path dir) {
        return (source, publish) -> publish.request().isInternal() ? List.of() : List.of(new StreamJobs.Plan(source,
                "copy", "test", () -> List.of("-rw_timeout", "15000000", "-i", server.localEndpoints().readUrl(source),
                "-c", "copy", "-f", "flv", "-y", dir.resolve(source.stream() + "-" + System.nanoTime() + ".flv").toString())));
    }

    @Test
    void aJobFollowsItsStreamThroughCrashReconnectAndEnd(@TempDir Path data, @TempDir Path out) throws Exception {
        ServerConfig config = TestNode.config(data).withHub(io.livecloud.media.hub.HubSettings.defaults()
                .withPublisherGraceMillis(3000));
        try (TestNode node = new TestNode(config, true); Ffmpeg ffmpeg = new Ffmpeg()) {
            LiveCloudServer server = node.server;
            server.streamJobs().register(copyTo(server, out));
            String pushUrl = server.addresses().generate("play.livecloud.localhost", "live", "cam", null).pushUrl();
            Ffmpeg.Proc pusher = ffmpeg.publish(Fixtures.h264Aac(30), pushUrl.replace(PUSH, "127.0.0.1"));
            StreamKey key = new StreamKey(PUSH, "live", "cam");

            await().atMost(20, TimeUnit.SECONDS).until(() -> !server.streamJobs().jobsOf(key).isEmpty()
                    && server.streamJobs().jobsOf(key).get(0).job().progress().outTimeMicros() > 1_000_000);
            FfmpegJob job = server.streamJobs().jobsOf(key).get(0).job();
            // it reads with the internal token while URL auth is on, and is nobody's viewer
            assertThat(server.catalog().get(PUSH).auth().enabled()).isTrue();
            assertThat(server.streams().viewers(PUSH)).allSatisfy(v -> assertThat(v.total()).isZero());

            long firstPid = job.pid().orElseThrow();
            ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
            await().atMost(15, TimeUnit.SECONDS).until(() -> job.pid().isPresent() && job.pid().get() != firstPid
                    && job.progress().outTimeMicros() > 0);
            assertThat(job.restarts()).isEqualTo(1);

            // the publisher drops and comes back within the grace period: the same child goes on
            long pid = job.pid().orElseThrow();
            pusher.kill();
            pusher.waitFor(10);
            Thread.sleep(1000);
            pusher = ffmpeg.publish(Fixtures.h264Aac(30), pushUrl.replace(PUSH, "127.0.0.1"));
            node.awaitPublisher("cam");
            Thread.sleep(1500);
            assertThat(job.pid()).contains(pid);
            assertThat(server.streamJobs().jobsOf(key)).hasSize(1);

            // the stream ends for good: after the grace period the child reaches the end of its input and is gone
            pusher.kill();
            job.ended().get(20, TimeUnit.SECONDS);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(server.streamJobs().jobsOf(key)).isEmpty();
            assertThat(server.supervisor().active()).isZero();
            try (var files = Files.list(out)) {
                List<Long> sizes = files.map(f -> f.toFile().length()).sorted().toList();
                assertThat(sizes).hasSize(2); // one file per run: the killed one, and the one that saw the stream end
                assertThat(sizes.get(1)).isGreaterThan(100_000);
            }
        }
    }

    @Test
    void aJobPublishesItsOutputBackAsANewStreamThatPlays(@TempDir Path data) throws Exception {
        try (TestNode node = new TestNode(data, io.livecloud.media.hub.HubSettings.defaults()); Ffmpeg ffmpeg = new Ffmpeg()) {
            LiveCloudServer server = node.server;
            server.streamJobs().register((source, publish) -> publish.request().isInternal() ? List.of()
                    : List.of(new StreamJobs.Plan(source, "copy-back", "test", () -> List.of("-rw_timeout", "15000000",
                    "-i", server.localEndpoints().readUrl(source), "-c", "copy", "-f", "flv",
                    server.localEndpoints().publishUrl(source.domain(), source.app(), source.stream() + "_copy")))));
            ffmpeg.publish(Fixtures.h264Aac(30), node.rtmp("src"));
            node.awaitPublisher("src_copy");
            Ffmpeg.Proc player = ffmpeg.decode(node.flv("src_copy"), 4);
            assertThat(player.waitFor(30)).isZero();
            FrameCrc frames = FrameCrc.parse(player.stdout());
            assertThat(frames.tracks().get(0).frames()).isGreaterThan(50);
            // the output is a stream like any other, but no job was planned for it (the planner skips internal pushes)
            assertThat(server.streamJobs().jobs()).hasSize(1);
        }
    }
}
