package io.livecloud.server;

import io.livecloud.control.record.RecordFile;
import io.livecloud.control.record.RecordFormat;
import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hub.LiveStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ends of a recording: DelayTime shorter than the hub's grace ends it (its file stored) while the stream itself
 * still waits for the publisher; files a stopped node left unfinished are set aside at the next start.
 */
class RecordLifecycleTest {
    @Test
    void aPublisherGoneForDelayTimeEndsTheRecordingBeforeTheGraceEnds(@TempDir Path data) throws Exception {
        HubSettings d = HubSettings.defaults();
        ServerConfig config = TestNode.config(data).withHub(new HubSettings(40_000, d.playWaitMillis(),
                d.gopCacheMaxBytes(), d.subscriberBudgetBytes(), d.stuckPlayerMillis(), d.maxPublisherKbps()));
        try (TestNode node = new TestNode(config, false); Ffmpeg ffmpeg = new Ffmpeg()) {
            String push = node.server.catalog().settings().defaultPushDomain();
            node.server.records().add(push, "live", "cam", null, null,
                    List.of(RecordFormat.of("mp4", null, null, null, null, true)), 0, 15);
            StreamKey cam = new StreamKey(push, "live", "cam");
            Instant pushed = Instant.now();
            Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(5), node.rtmp("cam"));
            await().atMost(15, TimeUnit.SECONDS).until(() -> node.server.streamJobs().jobsOf(cam).size() == 1);
            assertThat(publisher.waitFor(20)).isZero();
            Instant gone = Instant.now();

            await().atMost(25, TimeUnit.SECONDS).until(() -> !node.server.store().recordFiles(push, "live", "cam",
                    pushed.minusSeconds(5), Instant.now().plusSeconds(5)).isEmpty());
            Instant stored = Instant.now();
            LiveStream stream = node.server.hub().find(cam);
            assertThat(stream != null && stream.isLive()).as("the stream still waits for its publisher (40 s grace)")
                    .isTrue();
            assertThat(Duration.between(gone, stored).toMillis()).as("ended by DelayTime (15 s)")
                    .isBetween(14_000L, 22_000L);
            assertThat(node.server.streamJobs().jobsOf(cam)).isEmpty();
            RecordFile f = node.server.store().recordFiles(push, "live", "cam", pushed.minusSeconds(5),
                    Instant.now().plusSeconds(5)).get(0);
            // ffmpeg blocked in a silent read is killed after SIGTERM: the fragmented mp4 keeps all but at most its
            // last 1 s fragment of the 5.08 s pushed, and plays without an error
            assertThat(f.duration()).isBetween(3.9, 5.5);
            Path file = data.resolve("storage").resolve(f.ossObject());
            Ffmpeg.Proc decode = ffmpeg.start("ffmpeg", List.of("-v", "error", "-i", file.toString(), "-f", "null", "-"));
            assertThat(decode.waitFor(30)).isZero();
            assertThat(decode.stderr().trim()).isEmpty();
        }
    }

    @Test
    void filesARecordingLeftWhenTheNodeDiedAreSetAsideAtTheNextStart(@TempDir Path data) throws Exception {
        Path run = data.resolve("recording").resolve("push.livecloud.localhost").resolve("live").resolve("cam")
                .resolve("mp4-20300101-080000-000").resolve("run-1");
        java.nio.file.Files.createDirectories(run);
        java.nio.file.Files.writeString(run.resolve("part-000001.mp4"), "not finished");
        try (TestNode node = new TestNode(TestNode.config(data), false)) {
            Path kept = data.resolve("recording").resolve("failed").resolve("interrupted")
                    .resolve("push.livecloud.localhost/live/cam/mp4-20300101-080000-000/run-1/part-000001.mp4");
            await().atMost(5, TimeUnit.SECONDS).until(() -> java.nio.file.Files.exists(kept));
            assertThat(java.nio.file.Files.readString(kept)).isEqualTo("not finished");
            await().atMost(5, TimeUnit.SECONDS).until(() -> !java.nio.file.Files.exists(run));
        }
    }
}
