package io.livecloud.server;

import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Stream rules and hostile clients against a running node, with ffmpeg as publisher and player: mid-stream joins,
 * a second publisher, publisher drop and return, slow players, malformed input, and the HTTP edges.
 */
class MediaBehaviourTest {
    @TempDir
    static Path dataDir;
    private static TestNode node;
    private static LiveCloudServer server;
    private final Ffmpeg ffmpeg = new Ffmpeg();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        HubSettings hub = HubSettings.defaults().withPublisherGraceMillis(3_000)
                .withSubscriberBudgetBytes(256 * 1024).withStuckPlayerMillis(3_000);
        node = new TestNode(dataDir, hub);
        server = node.server;
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

    private Ffmpeg.Proc publishLive(String stream, int seconds) {
        return publishLive(stream, Fixtures.h264Aac(seconds));
    }

    private Ffmpeg.Proc publishLive(String stream, Path file) {
        Ffmpeg.Proc p = ffmpeg.publish(file, rtmp(stream));
        node.awaitPublisher(stream);
        return p;
    }

    @Test
    void playersJoiningMidStreamStartAtOnceWithAKeyframe() throws Exception {
        publishLive("join", 12);
        Thread.sleep(2_500); // well into the stream, between keyframes
        List<Long> startupMillis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try (FlvHttpClient player = new FlvHttpClient(server.httpPort(), "/live/join.flv")) {
                await().atMost(5, TimeUnit.SECONDS).until(() -> player.firstVideoFrame() != null);
                FlvHttpClient.Tag first = player.firstVideoFrame();
                assertThat(first.keyframe()).isTrue();
                assertThat(first.timestamp()).isZero(); // rebased for this player
                // metadata and both sequence headers come before the first picture
                List<FlvHttpClient.Tag> seen = List.copyOf(player.tags); // the reader thread keeps appending
                List<FlvHttpClient.Tag> before = seen.subList(0, seen.indexOf(first));
                assertThat(before).extracting(FlvHttpClient.Tag::type).contains(18, 9, 8);
                startupMillis.add(TimeUnit.NANOSECONDS.toMillis(first.arrivedNanos() - player.connectedNanos));
            }
            Thread.sleep(300);
        }
        Collections.sort(startupMillis);
        assertThat(startupMillis.get(2)).as("median connect → first keyframe, ms: %s", startupMillis).isLessThan(100);

        Ffmpeg.Proc probe = ffmpeg.start("ffprobe", List.of("-v", "error", "-read_intervals", "%+1",
                "-select_streams", "v", "-show_entries", "packet=flags", "-of", "csv=p=0", rtmp("join")));
        assertThat(probe.waitFor(20)).as(probe.stderr()).isZero();
        assertThat(probe.stdout().lines().findFirst().orElse("")).as("first RTMP video packet").startsWith("K");
    }

    @Test
    void aSecondPublisherIsRefusedAndTheFirstIsNotDisturbed() throws Exception {
        Ffmpeg.Proc first = publishLive("dup", 8);
        try (FlvHttpClient player = new FlvHttpClient(server.httpPort(), "/live/dup.flv")) {
            Ffmpeg.Proc second = ffmpeg.publish(Fixtures.h264Aac(8), rtmp("dup"));
            assertThat(second.waitFor(15)).isNotZero();
            assertThat(second.stderr()).contains("already being published");
            long before = player.videoFrames();
            Thread.sleep(1_000);
            assertThat(player.videoFrames()).as("the first publisher's stream goes on").isGreaterThan(before + 15);
            assertThat(first.isAlive()).isTrue();
        }
        assertThat(first.waitFor(20)).isZero();
    }

    @Test
    void aPublisherReturningWithinTheGraceContinuesTheSameStreamForItsPlayers() throws Exception {
        Ffmpeg.Proc first = publishLive("again", 3);
        Ffmpeg.Proc player = ffmpeg.decode(flv("again"), 60);
        assertThat(first.waitFor(20)).isZero();
        Thread.sleep(500);
        Ffmpeg.Proc second = ffmpeg.publish(Fixtures.h264Aac(3), rtmp("again"));
        assertThat(second.waitFor(20)).isZero();
        assertThat(player.waitFor(30)).as(player.stderr()).isZero();
        assertThat(player.errors()).isEmpty();
        FrameCrc.Track video = FrameCrc.parse(player.stdout()).video();
        assertThat(video.monotonic()).as("timestamps keep increasing across the reconnect").isTrue();
        // joined mid-way through the first push, then the whole second one, with no gap on the stream clock
        assertThat(video.frames()).isGreaterThan(3 * Fixtures.FPS + 20);
        assertThat(video.span()).isCloseTo(video.frames() / (double) Fixtures.FPS, within(0.3));
    }

    @Test
    void aPlayerThatStopsReadingDoesNotDelayOthersAndIsCut() throws Exception {
        // 8 Mbit/s, so the stalled players fill the kernel's socket buffers (up to 4 MiB) and then their budget
        publishLive("slow", Fixtures.h264Heavy(20));
        List<java.net.Socket> stalled = new ArrayList<>();
        try (FlvHttpClient healthy = new FlvHttpClient(server.httpPort(), "/live/slow.flv")) {
            for (int i = 0; i < 3; i++) {
                java.net.Socket s = new java.net.Socket();
                s.setReceiveBufferSize(4096);
                s.connect(new java.net.InetSocketAddress("127.0.0.1", server.httpPort()));
                s.getOutputStream().write("GET /live/slow.flv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes());
                stalled.add(s); // and never read
            }
            await().atMost(5, TimeUnit.SECONDS).until(() -> healthy.videoFrames() > 10);
            long skippedBefore = server.hub().metrics().framesSkipped.sum();
            long stuckBefore = server.hub().metrics().playersStuck.sum();
            await().atMost(15, TimeUnit.SECONDS).until(() -> server.hub().metrics().playersStuck.sum() >= stuckBefore + 3);
            // lag of the healthy player: wall clock since its first frame minus stream time since then
            List<FlvHttpClient.Tag> pictures = healthy.tags.stream().filter(FlvHttpClient.Tag::picture).toList();
            FlvHttpClient.Tag a = pictures.get(0);
            FlvHttpClient.Tag b = pictures.get(pictures.size() - 1);
            long wallMs = TimeUnit.NANOSECONDS.toMillis(b.arrivedNanos() - a.arrivedNanos());
            long streamMs = b.timestamp() - a.timestamp();
            assertThat(wallMs - streamMs).as("healthy player's lag behind real time, ms").isLessThan(300);
            assertThat(server.hub().metrics().framesSkipped.sum()).as("stalled players skipped frames").isGreaterThan(skippedBefore);
            for (java.net.Socket s : stalled) {
                assertThat(s.getInputStream().skip(64 << 20)).as("server closed the stalled connection").isLessThan(64 << 20);
            }
        } finally {
            for (java.net.Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void aConnectWithoutAnAppOrASecondConnectIsRejectedBeforeTheConnectionCloses() throws Exception {
        byte[] connectNoApp = {0x02, 0, 7, 'c', 'o', 'n', 'n', 'e', 'c', 't', 0x00, 0x3f, (byte) 0xf0, 0, 0, 0, 0, 0, 0,
                0x03, 0, 0, 0x09};
        try (RawRtmpClient client = new RawRtmpClient(node.server.rtmpPort()).handshake()) {
            client.send(RawRtmpClient.command(connectNoApp));
            assertThat(client.closedByServerWithin(3_000)).isTrue();
            assertThat(client.received()).contains("_error").contains("NetConnection.Connect.Rejected")
                    .contains("names no application").doesNotContain("NetConnection.Connect.Success");
        }
        byte[] connectLive = {0x02, 0, 7, 'c', 'o', 'n', 'n', 'e', 'c', 't', 0x00, 0x3f, (byte) 0xf0, 0, 0, 0, 0, 0, 0,
                0x03, 0, 3, 'a', 'p', 'p', 0x02, 0, 4, 'l', 'i', 'v', 'e', 0, 0, 0x09};
        try (RawRtmpClient client = new RawRtmpClient(node.server.rtmpPort()).handshake()) {
            client.send(RawRtmpClient.command(connectLive)).send(RawRtmpClient.command(connectLive));
            assertThat(client.closedByServerWithin(3_000)).isTrue();
            assertThat(client.received()).contains("NetConnection.Connect.Success").contains("NetConnection.Connect.Rejected");
        }
    }

    @Test
    void malformedRtmpClosesOnlyThatConnection() throws Exception {
        Ffmpeg.Proc publisher = publishLive("sturdy", 10);
        try (FlvHttpClient player = new FlvHttpClient(server.httpPort(), "/live/sturdy.flv")) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> player.videoFrames() > 5);
            Random random = new Random(42);
            List<byte[]> attacks = new ArrayList<>();
            byte[] noise = new byte[4096];
            random.nextBytes(noise);
            attacks.add(noise);
            // set chunk size 0x7fffffff
            attacks.add(new byte[]{0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            // a message header announcing 16 MiB
            attacks.add(new byte[]{0x03, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 20, 0, 0, 0, 0, 1, 2, 3});
            // a command whose AMF0 is garbage
            attacks.add(RawRtmpClient.command(new byte[]{0x02, 0, 7, 'c', 'o', 'n', 'n', 'e', 'c', 't', 0x42, 0x13}));
            // a command that is not a command at all
            attacks.add(RawRtmpClient.command(new byte[]{0x00, 0x40, 0, 0, 0, 0, 0, 0, 0}));
            for (byte[] attack : attacks) {
                try (RawRtmpClient bad = new RawRtmpClient(server.rtmpPort()).handshake()) {
                    bad.send(attack);
                    assertThat(bad.closedByServerWithin(3_000)).as("server closes a connection that sent %s",
                            attack.length > 20 ? attack.length + " bytes" : java.util.Arrays.toString(attack)).isTrue();
                }
            }
            // a truncated chunk and a vanished client, and a handshake that never finishes
            try (RawRtmpClient cut = new RawRtmpClient(server.rtmpPort()).handshake()) {
                cut.send(new byte[]{0x03, 0, 0, 0, 0, 1, 0, 20});
            }
            try (java.net.Socket half = new java.net.Socket("127.0.0.1", server.rtmpPort())) {
                half.getOutputStream().write(new byte[]{3, 1, 2, 3});
            }
            long before = player.videoFrames();
            Thread.sleep(1_000);
            assertThat(player.videoFrames()).as("the good player kept receiving").isGreaterThan(before + 15);
        }
        assertThat(publisher.waitFor(20)).as("the good publisher finished normally: %s", publisher.stderr()).isZero();
        assertThat(server.hub().metrics().protocolErrors.sum()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void playersOfAStreamThatIsNotLiveAreToldSo() throws Exception {
        HttpResponse<String> flvResponse = http.send(HttpRequest.newBuilder(URI.create(flv("nobody"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(flvResponse.statusCode()).isEqualTo(404);
        assertThat(flvResponse.headers().firstValue("access-control-allow-origin")).hasValue("*");

        Ffmpeg.Proc rtmpPlayer = ffmpeg.decode(rtmp("nobody"), 10);
        assertThat(rtmpPlayer.waitFor(20)).isNotZero();
        assertThat(rtmpPlayer.stderr()).contains("stream not found: rtmp://127.0.0.1/live/nobody");
    }

    @Test
    void httpEdges() throws Exception {
        publishLive("edges", 6);
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(flv("edges")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-type")).hasValue("video/x-flv");

        HttpResponse<Void> preflight = http.send(HttpRequest.newBuilder(URI.create(flv("edges")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://example.com").header("Access-Control-Request-Method", "GET").build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValueSatisfying(v -> assertThat(v).contains("GET"));

        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(flv("edges")))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/a/b/c.flv")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);

        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(flv("edges"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("access-control-allow-origin")).hasValue("*");
        try (java.io.InputStream in = stream.body()) {
            byte[] header = in.readNBytes(13);
            assertThat(new String(header, 0, 3)).isEqualTo("FLV");
            assertThat(header[4]).isEqualTo((byte) 5); // audio and video
        }

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(node.api("/health"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(node.api("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("livecloud_streams_live").contains("livecloud_media_bytes_out_total");
    }
}
