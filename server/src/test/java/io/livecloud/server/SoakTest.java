package io.livecloud.server;

import io.livecloud.bench.Soak;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hls.HlsSettings;
import io.livecloud.media.hub.LiveStream;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 5's soak, the CI-sized version (2 minutes; {@code -Dsoak.minutes=30} for the documented run): 50 publishers
 * reconnecting at random, 500 players joining and leaving over RTMP and HTTP-FLV, slow players the node must cut,
 * connections dropped with a reset. After a warm-up run the node's footprint is taken; after the soak and once every
 * client is gone it must be back there: no stream or player left, no file descriptor, thread, pooled buffer or heap
 * growth beyond small margins.
 */
class SoakTest {

    record Footprint(int openFiles, int threads, long directBytes, long heapBytes) {
        static Footprint now() throws Exception {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            int fds;
            try (var list = Files.list(Path.of("/proc/self/fd"))) {
                fds = (int) list.count();
            }
            return new Footprint(fds, ManagementFactory.getThreadMXBean().getThreadCount(),
                    ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory(),
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }

        String line(String when) {
            return String.format(Locale.ROOT, "%-8s open files %5d  threads %4d  direct buffers %6.1f MB  heap %6.1f MB%n",
                    when, openFiles, threads, directBytes / 1e6, heapBytes / 1e6);
        }
    }

    /**
     * Players at once. The soak has 500; in this test they share the JVM and the 2 CI cores with the node,
     * which also runs with Netty's paranoid leak detector, and 500 there saturate the machine (players then wait
     * seconds for an answer, which is the machine, not the node). The documented 30-minute run (docs/benchmarks.md)
     * has the node in its own process and 500 players.
     */
    private static final int PLAYERS = Integer.getInteger("soak.players", 250);

    @Test
    void fiftyReconnectingPublishersAndChurningPlayersLeaveNothingBehind(@TempDir Path data) throws Exception {
        double minutes = Double.parseDouble(System.getProperty("soak.minutes", "2"));
        HubSettings hub = HubSettings.defaults().withStuckPlayerMillis(5000);
        byte[] flv = Files.readAllBytes(Fixtures.h264Light(20));
        // ended streams keep their HLS for a few seconds here (30 by default), so "afterwards" comes sooner
        HlsSettings hls = HlsSettings.defaults().withEndedRetentionMillis(3_000);
        try (TestNode node = new TestNode(TestNode.config(data).withHub(hub).withHls(hls), false)) {
            LiveCloudServer server = node.server;
            // the warm-up is the soak itself for a while: pools, caches and JIT reach their working size
            Soak.run(new Soak.Settings("127.0.0.1", server.rtmpPort(), server.httpPort(), "live", flv, 50, PLAYERS, 10,
                    Duration.ofSeconds(30)));
            awaitNoClients(server, hls);
            Footprint before = Footprint.now();
            histogram("before");

            Soak.Settings soak = new Soak.Settings("127.0.0.1", server.rtmpPort(), server.httpPort(), "live", flv, 50, PLAYERS, 10,
                    Duration.ofMillis((long) (minutes * 60_000)));
            Soak.Report r = Soak.run(soak);
            System.out.print(r.table());
            awaitNoClients(server, hls);
            Footprint after = Footprint.now();
            System.out.print(before.line("before") + after.line("after"));
            histogram("after");

            // the load was what it says: publishers came back again and again, players churned and got media
            assertThat(r.publishes()).isGreaterThan((long) (50 * 3 * minutes / 2));
            assertThat(r.publishesReset()).isPositive();
            assertThat(r.publishesCutByServer()).as("well-behaved publishers the node cut").isLessThanOrEqualTo(r.publishes() / 50);
            assertThat(r.plays()).isGreaterThan((long) (PLAYERS * 5 * minutes / 2));
            assertThat(r.playsReset()).isPositive();
            // in-process on 2 cores with the paranoid leak detector a player may wait seconds for an answer (see
            // PLAYERS): 98-99 % got media in the runs of 2026-12-04, the node in its own process 99.97 % (benchmarks)
            assertThat(r.playsWithMedia()).as("plays that got media").isGreaterThan(r.plays() * 2 / 3);
            assertThat(r.slowPlaysCutByServer()).as("slow players the node cut").isGreaterThanOrEqualTo(10);

            // and the node is back where it started
            assertThat(after.openFiles()).isLessThanOrEqualTo(before.openFiles() + 10);
            assertThat(after.threads()).isLessThanOrEqualTo(before.threads() + 4);
            // Netty's adaptive allocator keeps (and sizes up) chunks it may reuse: a margin here, while a buffer that
            // is never released fails the test through the build's paranoid leak guard (testkit LeakDetectionExtension)
            assertThat(after.directBytes()).isLessThanOrEqualTo(before.directBytes() + (48L << 20));
            assertThat(after.heapBytes()).isLessThanOrEqualTo(before.heapBytes() + (32L << 20));
            assertThat(server.hub().metrics().hlsSegmentBytes.sum()).isZero();
        }
    }

    /** With -Dsoak.histogram=true: the heap's classes, to see what a growth is made of. */
    private static void histogram(String when) throws Exception {
        if (Boolean.getBoolean("soak.histogram")) {
            Process p = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            System.out.println("heap histogram " + when + ":\n" + text.lines().limit(40).collect(java.util.stream.Collectors.joining("\n")));
        }
    }

    /** No publisher, no player, and (once ended streams' HLS retention has run out) no HLS segment left. */
    private static void awaitNoClients(LiveCloudServer server, HlsSettings hls) {
        await().atMost(30, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() ->
                server.hub().streams().stream().noneMatch(s -> s.publisher() != null)
                        && server.hub().streams().stream().mapToInt(LiveStream::subscriberCount).sum() == 0
                        && server.streams().publishers() == 0);
        await().atMost(hls.endedRetentionMillis() + 15_000, TimeUnit.MILLISECONDS)
                .pollInterval(500, TimeUnit.MILLISECONDS).until(() -> server.hub().metrics().hlsSegmentBytes.sum() == 0);
    }
}
