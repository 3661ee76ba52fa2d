package io.livecloud.server;

import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A player that stops reading a low-bitrate stream is cut by the time it queues, not only by the byte budget: with
 * the default 4 MiB budget a ~270 kbit/s stream takes two minutes to fill it, and meanwhile the frames the player
 * holds keep memory alive (the soak in docs/benchmarks.md). A player that keeps up is never touched.
 */
class SlowPlayerLagTest {

    @Test
    void aStalledPlayerOfALowBitrateStreamIsCutOnceItIsTenSecondsBehind(@TempDir Path data) throws Exception {
        HubSettings hub = HubSettings.defaults().withStuckPlayerMillis(3_000); // the default byte budget
        try (TestNode node = new TestNode(data, hub); Ffmpeg ffmpeg = new Ffmpeg()) {
            LiveCloudServer server = node.server;
            ffmpeg.publish(Fixtures.h264Light(60), node.rtmp("light"));
            node.awaitPublisher("light");
            try (FlvHttpClient healthy = new FlvHttpClient(server.httpPort(), "/live/light.flv");
                 Socket stalled = new Socket()) {
                stalled.setReceiveBufferSize(4096);
                stalled.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
                stalled.getOutputStream().write("GET /live/light.flv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII)); // and never read
                long start = System.nanoTime();
                long stuckBefore = server.hub().metrics().playersStuck.sum();
                await().atMost(45, TimeUnit.SECONDS).pollInterval(250, TimeUnit.MILLISECONDS)
                        .until(() -> server.hub().metrics().playersStuck.sum() > stuckBefore);
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                // 5 s for the rate to settle, 10 s of lag, the stuck time: far below the budget's two minutes
                assertThat(seconds).as("seconds until the stalled player was cut").isBetween(8L, 40L);
                assertThat(stalled.getInputStream().skip(64 << 20)).as("the server closed the stalled connection")
                        .isLessThan(64 << 20);

                long framesAtCut = healthy.videoFrames();
                await().atMost(10, TimeUnit.SECONDS).until(() -> healthy.videoFrames() > framesAtCut + 50);
                assertThat(server.hub().metrics().playersStuck.sum()).as("only the stalled player was cut")
                        .isEqualTo(stuckBefore + 1);
            }
        }
    }
}
