package io.livecloud.server;

import io.livecloud.bench.HostileClients;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hub.MediaMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5, "unbreakable": while players that never read, players that read a few KB/s, 2,000 silent TCP connections,
 * stalled handshakes and a publisher flooding its own stream hit a node, the well-behaved players of a real-time
 * stream keep their full rate, every hostile client is cut by a timeout or budget and counted, and the node's buffer
 * memory does not grow with them. Their latency is measured and printed (the 50 ms bound is not met yet).
 */
class HostileClientsTest {

    @Test
    void hostileClientsAreCutAndWellBehavedPlayersDoNotNotice(@TempDir Path data) throws Exception {
        HubSettings hub = HubSettings.defaults().withStuckPlayerMillis(5000).withMaxPublisherKbps(8_000)
                .withSubscriberBudgetBytes(256 << 10); // a low-bitrate fixture fills a smaller budget in the test's time
        byte[] flv = Files.readAllBytes(Fixtures.h264Aac(60));
        try (TestNode node = new TestNode(data, hub)) {
            MediaMetrics m = node.server.hub().metrics();
            long directBefore = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
            HostileClients.Report r = HostileClients.run(new HostileClients.Settings("127.0.0.1", node.server.rtmpPort(),
                    "live", "calm", flv, 3, 8, 32, 20, 20, 2000, 100, 50));
            System.out.print(r.table());

            assertThat(r.publisherFailure()).isNull();
            assertThat(r.probesAlive()).isEqualTo(3);
            // each probe got (about) everything the publisher sent meanwhile; RTMP chunk headers make it a bit more
            assertThat(r.probeMbpsInHostilePhase()).isGreaterThan(0.95 * r.publishedMbpsInHostilePhase());
            assertThat(r.baseline().samples()).isGreaterThan(100);
            assertThat(r.hostile().samples()).isGreaterThan(300);
            // Issue 5's target is p95 within 50 ms of the baseline; on 2 shared cores this run measured +45 to +100 ms
            // (docs/benchmarks.md, "Hostile clients"), so the target is not met yet. This bound only guards against
            // a hostile client stalling the stream outright.
            assertThat(r.hostile().p95()).isLessThanOrEqualTo(r.baseline().p95() + 500);

            for (HostileClients.Kind k : r.kinds()) {
                assertThat(k.closedByServer()).as(k.name()).isEqualTo(k.started());
            }
            assertThat(r.floodCut()).isTrue();
            assertThat(r.floodMbpsSent()).isGreaterThan(2); // averaged over the phase, most of which comes after the cut
            assertThat(m.playersStuck.sum()).isGreaterThanOrEqualTo(40);
            assertThat(m.idleConnectionsClosed.sum()).isGreaterThanOrEqualTo(2100);
            assertThat(m.publishersOverBudget.sum()).isEqualTo(1);
            // everything the hostile clients made the node hold is freed once they are gone
            long directAfter = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
            assertThat(directAfter - directBefore).isLessThan(64L << 20);
        }
    }
}
