package io.livecloud.server;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.CommonRequest;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainBpsDataRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainBpsDataResponse;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainOnlineUserNumRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainOnlineUserNumResponse;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainTrafficDataRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainTrafficDataResponse;
import com.aliyuncs.profile.DefaultProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Statistics (SPEC §6, issue 4) against what real clients moved: ffmpeg pushes through a byte-counting TCP relay,
 * HTTP-FLV and RTMP players count every byte they read, and the figures read back through the official SDK
 * (DescribeLiveDomainTrafficData, DescribeLiveDomainBpsData, DescribeLiveDomainOnlineUserNum) and our
 * DescribeLiveUsageReport must match them within 2%. Nothing waits for a bucket to close: the API includes the
 * open one up to the request.
 */
class StatisticsTest {
    @TempDir
    static Path dir;
    static TestNode node;
    static DefaultAcsClient client;
    static String push;
    static String play;

    /** Filled by {@link #pushAndPlay} once, read by every test. */
    static Instant testStart;
    static Instant whilePlaying;
    static long playerBytes;
    static long publisherBytes;
    static long onlineUsersWhilePlaying;
    static Map<String, Long> onlineByProtocolWhilePlaying;
    static long hlsFetched;

    @BeforeAll
    static void start() throws Exception {
        node = new TestNode(dir, HubSettings.defaults().withPublisherGraceMillis(500));
        client = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", node.server.accessKey().id(),
                node.server.accessKey().secret()));
        push = node.server.catalog().settings().defaultPushDomain();
        play = node.server.catalog().settings().defaultPlayDomain();
        pushAndPlay();
        watchHls();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** One publisher, two HTTP-FLV and two RTMP players, from start to the end of the stream. */
    static void pushAndPlay() throws Exception {
        testStart = Instant.now();
        try (Ffmpeg ffmpeg = new Ffmpeg(); CountingRelay relay = new CountingRelay(node.server.rtmpPort())) {
            Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(12), "rtmp://127.0.0.1:" + relay.port() + "/live/counted");
            node.awaitPublisher("counted");
            List<FlvCounter> flv = List.of(new FlvCounter(node.server.httpPort(), "/live/counted.flv"),
                    new FlvCounter(node.server.httpPort(), "/live/counted.flv"));
            List<RawRtmpClient> rtmp = List.of(rtmpPlayer("counted"), rtmpPlayer("counted"));
            node.awaitPlayers("counted", 4);
            Thread.sleep(2_000);
            whilePlaying = Instant.now();
            DescribeLiveDomainOnlineUserNumResponse now = send(onlineRequest(null));
            onlineUsersWhilePlaying = now.getUserCount();
            onlineByProtocolWhilePlaying = new java.util.TreeMap<>();
            for (JsonNode proto : common("DescribeLiveDomainOnlineUserNum", Map.of("DomainName", play))
                    .path("OnlineUserInfo").path("LiveStreamOnlineUserNumInfo").get(0).path("Protocols").path("Protocol")) {
                onlineByProtocolWhilePlaying.put(proto.path("Name").asText(), proto.path("UserNumber").asLong());
            }
            assertThat(publisher.waitFor(60)).as("ffmpeg finished the push").isZero();
            await().atMost(20, TimeUnit.SECONDS).until(() -> flv.stream().allMatch(FlvCounter::ended)
                    && rtmp.stream().allMatch(RawRtmpClient::ended));
            playerBytes = flv.stream().mapToLong(FlvCounter::bytes).sum()
                    + rtmp.stream().mapToLong(RawRtmpClient::bytesCounted).sum();
            publisherBytes = relay.upstreamBytes();
            for (RawRtmpClient r : rtmp) {
                r.close();
            }
            for (FlvCounter f : flv) {
                f.close();
            }
        }
        assertThat(playerBytes).as("the players got the stream").isGreaterThan(4 * 500_000L);
    }

    @Test
    void onlineUsersNowCountEveryPlaySessionPerProtocol() {
        assertThat(onlineUsersWhilePlaying).isEqualTo(4);
        assertThat(onlineByProtocolWhilePlaying).containsEntry("rtmp", 2L).containsEntry("http-flv", 2L);
    }

    @Test
    void onlineUsersAtAPastMinuteAreThatMinutesPeak() throws Exception {
        DescribeLiveDomainOnlineUserNumResponse r = send(onlineRequest(whilePlaying));
        // the HLS viewer of watchHls may have started within the same minute: it is another stream
        assertThat(r.getStreamCount()).isBetween(1, 2);
        assertThat(r.getUserCount()).isEqualTo(4 + (r.getStreamCount() - 1));
        DescribeLiveDomainOnlineUserNumResponse.LiveStreamOnlineUserNumInfo s = r.getOnlineUserInfo().stream()
                .filter(i -> i.getStreamName().equals("rtmp://" + play + "/live/counted")).findFirst().orElseThrow();
        assertThat(s.getInfos()).singleElement().satisfies(i -> {
            assertThat(i.getUserNumber()).isEqualTo(4L);
            assertThat(i.getTranscodeTemplate()).isEqualTo("origin");
        });
        // nobody plays now, once the HLS viewer's session has gone idle
        await().atMost(30, TimeUnit.SECONDS).until(() -> send(onlineRequest(null)).getUserCount() == 0);
    }

    @Test
    void playDomainTrafficIsWhatThePlayersReceived() throws Exception {
        for (String interval : List.of("60", "300", "3600")) {
            DescribeLiveDomainTrafficDataRequest r = new DescribeLiveDomainTrafficDataRequest();
            r.setDomainName(play);
            r.setStartTime(gmt(testStart.minus(5, ChronoUnit.MINUTES)));
            r.setEndTime(gmt(Instant.now().plus(1, ChronoUnit.MINUTES)));
            r.setInterval(interval);
            DescribeLiveDomainTrafficDataResponse t = send(r);
            assertThat(t.getDomainName()).isEqualTo(play);
            assertThat(t.getDataInterval()).isEqualTo(interval);
            long sum = 0;
            for (DescribeLiveDomainTrafficDataResponse.DataModule m : t.getTrafficDataPerInterval()) {
                assertThat(Instant.parse(m.getTimeStamp()).getEpochSecond() % Long.parseLong(interval)).isZero();
                assertThat(m.getHttpTrafficValue()).isEqualTo(m.getTrafficValue());
                assertThat(m.getHttpsTrafficValue()).isEqualTo("0");
                sum += Long.parseLong(m.getTrafficValue());
            }
            long received = playerBytes + hlsFetched;
            System.out.printf("statistics: interval %s play-domain traffic %d bytes, players received %d (%+.3f%%)%n",
                    interval, sum, received, 100.0 * (sum - received) / received);
            assertThat((double) sum).as("traffic at interval " + interval + " vs the players' bytes")
                    .isCloseTo(received, within(received * 0.02));
        }
    }

    @Test
    void playDomainBandwidthTimesTheIntervalIsTheTraffic() throws Exception {
        DescribeLiveDomainBpsDataRequest r = new DescribeLiveDomainBpsDataRequest();
        r.setDomainName(play);
        r.setStartTime(gmt(testStart.minus(2, ChronoUnit.MINUTES)));
        r.setEndTime(gmt(Instant.now().plus(1, ChronoUnit.MINUTES)));
        r.setInterval("60");
        r.putQueryParameter("StreamName", "counted"); // ours: the RTMP and FLV players' stream only
        DescribeLiveDomainBpsDataResponse b = send(r);
        double bytes = 0;
        double peak = 0;
        for (DescribeLiveDomainBpsDataResponse.DataModule m : b.getBpsDataPerInterval()) {
            double bps = Double.parseDouble(m.getBpsValue());
            bytes += bps * 60 / 8;
            peak = Math.max(peak, bps);
        }
        assertThat(bytes).isCloseTo(playerBytes, within(playerBytes * 0.02));
        // four players of a ~0.9 Mbit/s stream for at most 12 s of a minute
        assertThat(peak).isGreaterThan(0).isLessThan(4 * 1_200_000 * 12 / 60.0 * 1.5);
    }

    @Test
    void pushDomainTrafficIsWhatThePublisherSent() throws Exception {
        DescribeLiveDomainTrafficDataRequest r = new DescribeLiveDomainTrafficDataRequest();
        r.setDomainName(push);
        r.setStartTime(gmt(testStart.minus(5, ChronoUnit.MINUTES)));
        r.setEndTime(gmt(Instant.now().plus(1, ChronoUnit.MINUTES)));
        r.putQueryParameter("StreamName", "counted"); // ours: the stream ffmpeg pushed through the relay
        long sum = 0;
        for (DescribeLiveDomainTrafficDataResponse.DataModule m : send(r).getTrafficDataPerInterval()) {
            sum += Long.parseLong(m.getTrafficValue());
        }
        System.out.printf("statistics: push-domain traffic %d bytes, ffmpeg sent %d (%+.3f%%)%n", sum, publisherBytes,
                100.0 * (sum - publisherBytes) / publisherBytes);
        assertThat((double) sum).as("upstream traffic vs what the relay saw ffmpeg send")
                .isCloseTo(publisherBytes, within(publisherBytes * 0.02));
    }

    @Test
    void usageReportGivesTheMonthsTrafficAndDailyPeak() throws Exception {
        JsonNode u = common("DescribeLiveUsageReport", Map.of("DomainName", play));
        assertThat(u.path("Direction").asText()).isEqualTo("downstream");
        long received = playerBytes + hlsFetched;
        assertThat((double) u.path("TrafficBytes").asLong()).isCloseTo(received, within(received * 0.02));
        assertThat(u.path("TrafficGB").asDouble()).isCloseTo(u.path("TrafficBytes").asLong() / Math.pow(1024, 3), within(1e-5));
        JsonNode today = null;
        for (JsonNode d : u.path("DailyUsage").path("Day")) {
            if (d.path("Date").asText().equals(testStart.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString())) {
                today = d;
            }
        }
        assertThat(today).as("today is in the report").isNotNull();
        // the day's peak is the highest 5-minute average: read the same 5-minute series through the SDK
        DescribeLiveDomainBpsDataRequest r = new DescribeLiveDomainBpsDataRequest();
        r.setDomainName(play);
        r.setStartTime(gmt(testStart.minus(10, ChronoUnit.MINUTES)));
        r.setEndTime(gmt(Instant.now().plus(1, ChronoUnit.MINUTES)));
        double peak = send(r).getBpsDataPerInterval().stream().mapToDouble(m -> Double.parseDouble(m.getBpsValue())).max().orElse(0);
        assertThat(today.path("PeakBps").asDouble()).isCloseTo(peak, within(1.0));
        assertThat(u.path("MaxDailyPeakBps").asDouble()).isCloseTo(peak, within(1.0));
        assertThat(u.path("Percentile95Bps").asDouble()).isBetween(0.0, peak);
        assertThat(Instant.parse(today.path("PeakTime").asText())).isBetween(
                testStart.minus(5, ChronoUnit.MINUTES), Instant.now());
    }

    @Test
    void badQueriesGetTheCloudsErrors() {
        DescribeLiveDomainBpsDataRequest interval = new DescribeLiveDomainBpsDataRequest();
        interval.setDomainName(play);
        interval.setInterval("7");
        assertThat(errorCode(() -> send(interval))).isEqualTo("InvalidInterval.Malformed");
        DescribeLiveDomainBpsDataRequest backwards = new DescribeLiveDomainBpsDataRequest();
        backwards.setDomainName(play);
        backwards.setStartTime("2026-12-02T10:00:00Z");
        backwards.setEndTime("2026-12-02T09:00:00Z");
        assertThat(errorCode(() -> send(backwards))).isEqualTo("InvalidEndTime.Mismatch");
        DescribeLiveDomainTrafficDataRequest unknown = new DescribeLiveDomainTrafficDataRequest();
        unknown.setDomainName("nowhere.example.com");
        assertThat(errorCode(() -> send(unknown))).isEqualTo("InvalidDomain.NotFound");
        assertThat(errorCode(() -> common("DescribeLiveUsageReport", Map.of("DomainName", play, "Month", "2026-13"))))
                .isEqualTo("InvalidMonth.Malformed");
    }

    /** An HLS viewer of another stream, fetching the playlist every second and each new segment once. */
    static void watchHls() throws Exception {
        long fetched = 0;
        try (Ffmpeg ffmpeg = new Ffmpeg()) {
            ffmpeg.publish(Fixtures.h264Aac(12), node.rtmp("hlscounted"));
            node.awaitPublisher("hlscounted");
            java.util.Set<String> seen = new java.util.HashSet<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(9);
            while (System.nanoTime() < until) {
                java.net.http.HttpResponse<byte[]> playlist = HlsEndToEndTest.get(node.hls("hlscounted"));
                fetched += playlist.body().length;
                if (playlist.statusCode() == 200) {
                    for (M3u8.Segment seg : M3u8.parse(new String(playlist.body(), StandardCharsets.UTF_8)).segments()) {
                        if (seen.add(seg.uri())) {
                            fetched += HlsEndToEndTest.get(java.net.URI.create(node.hls("hlscounted")).resolve(seg.uri())
                                    .toString()).body().length;
                        }
                    }
                }
                Thread.sleep(1_000);
            }
            assertThat(seen).as("segments fetched").hasSizeGreaterThan(2);
        }
        hlsFetched = fetched;
    }

    @Test
    void hlsTrafficIsWhatTheViewerFetched() throws Exception {
        long fetched = hlsFetched;
        DescribeLiveDomainTrafficDataRequest r = new DescribeLiveDomainTrafficDataRequest();
        r.setDomainName(play);
        r.setStartTime(gmt(Instant.now().minus(5, ChronoUnit.MINUTES)));
        r.setEndTime(gmt(Instant.now().plus(1, ChronoUnit.MINUTES)));
        r.putQueryParameter("StreamName", "hlscounted"); // ours: one stream
        long sum = send(r).getTrafficDataPerInterval().stream().mapToLong(m -> Long.parseLong(m.getTrafficValue())).sum();
        System.out.printf("statistics: hls traffic %d bytes, the viewer fetched %d (%+.3f%%)%n", sum, fetched,
                100.0 * (sum - fetched) / fetched);
        assertThat((double) sum).isCloseTo(fetched, within(fetched * 0.02));
        long hlsBuckets = node.server.stats().buckets(60, play, Instant.now().minus(5, ChronoUnit.MINUTES), Instant.now())
                .stream().filter(b -> b.stream().equals("hlscounted")).mapToLong(b -> b.protocol().equals("hls") ? 0 : 1).sum();
        assertThat(hlsBuckets).as("every byte of that stream was HLS").isZero();
    }

    @Test
    void theCliPrintsTrafficViewersAndUsage() {
        String traffic = cli("stats", "traffic", play, "--from", testStart.minus(2, ChronoUnit.MINUTES).toString(),
                "--to", Instant.now().plus(1, ChronoUnit.MINUTES).toString(), "--interval", "60");
        assertThat(traffic).contains("TIME").contains("BANDWIDTH").contains(play + ": ").contains("step(s) of 60 s, peak ");
        String viewers = cli("stats", "viewers", play, "--at", gmt(whilePlaying));
        assertThat(viewers).contains("rtmp://" + play + "/live/counted").contains("rtmp 2").contains("http-flv 2")
                .contains("(peak of that minute)");
        String usage = cli("usage", play);
        assertThat(usage).contains("DAY").contains("(downstream): traffic ").contains("95th percentile");
    }

    private static String cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--api", "http://127.0.0.1:" + node.server.apiPort(), "--data-dir", dir.toString()));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = Main.run(all.toArray(String[]::new), new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    // ---- clients --------------------------------------------------------------------------------------------

    private static DescribeLiveDomainOnlineUserNumRequest onlineRequest(Instant at) {
        DescribeLiveDomainOnlineUserNumRequest r = new DescribeLiveDomainOnlineUserNumRequest();
        r.setDomainName(play);
        if (at != null) {
            r.setQueryTime(gmt(at));
        }
        return r;
    }

    private static String gmt(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static <R extends AcsRequest<T>, T extends AcsResponse> T send(R request) throws ClientException {
        request.setSysEndpoint("127.0.0.1:" + node.server.apiPort());
        request.setSysProtocol(ProtocolType.HTTP);
        return client.getAcsResponse(request);
    }

    private static JsonNode common(String action, Map<String, String> params) throws Exception {
        CommonRequest r = new CommonRequest();
        r.setSysDomain("127.0.0.1:" + node.server.apiPort());
        r.setSysProtocol(ProtocolType.HTTP);
        r.setSysMethod(MethodType.POST);
        r.setSysVersion("2016-11-01");
        r.setSysAction(action);
        params.forEach(r::putQueryParameter);
        return new ObjectMapper().readTree(client.getCommonResponse(r).getData());
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static String errorCode(ThrowingRunnable r) {
        try {
            r.run();
        } catch (ClientException e) {
            return e.getErrCode();
        } catch (Exception e) {
            throw new AssertionError("expected a ClientException, got " + e, e);
        }
        throw new AssertionError("expected an error");
    }

    /** An RTMP player on a raw socket: connect, createStream, play, then count every byte until the server closes. */
    private static RawRtmpClient rtmpPlayer(String stream) throws IOException {
        RawRtmpClient c = new RawRtmpClient(node.server.rtmpPort()).handshake();
        String tcUrl = "rtmp://127.0.0.1:" + node.server.rtmpPort() + "/live";
        c.send(RawRtmpClient.command(amf(RawRtmpClient.amf0String("connect"), number(1),
                object("app", "live", "tcUrl", tcUrl))));
        c.send(RawRtmpClient.command(amf(RawRtmpClient.amf0String("createStream"), number(2), new byte[]{5})));
        c.send(RawRtmpClient.command(1, amf(RawRtmpClient.amf0String("play"), number(0), new byte[]{5},
                RawRtmpClient.amf0String(stream))));
        return c.countInBackground();
    }

    private static byte[] amf(byte[]... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] v : values) {
            b.writeBytes(v);
        }
        return b.toByteArray();
    }

    private static byte[] number(double v) {
        return ByteBuffer.allocate(9).put((byte) 0).putDouble(v).array();
    }

    private static byte[] object(String... keyValues) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(3);
        for (int i = 0; i < keyValues.length; i += 2) {
            byte[] k = keyValues[i].getBytes(StandardCharsets.UTF_8);
            b.write(k.length >> 8);
            b.write(k.length);
            b.writeBytes(k);
            b.writeBytes(RawRtmpClient.amf0String(keyValues[i + 1]));
        }
        b.writeBytes(new byte[]{0, 0, 9});
        return b.toByteArray();
    }

    /** An HTTP-FLV player that reads and counts every byte of the response until the server ends it. */
    static final class FlvCounter implements AutoCloseable {
        private final Socket socket;
        private final AtomicLong bytes = new AtomicLong();
        private volatile boolean ended;

        FlvCounter(int port, String path) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: counter\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16384];
                try (InputStream in = socket.getInputStream()) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        bytes.addAndGet(n);
                    }
                } catch (IOException closed) {
                    // the count so far stands
                }
                ended = true;
            }, "flv-counter");
            t.setDaemon(true);
            t.start();
        }

        long bytes() {
            return bytes.get();
        }

        boolean ended() {
            return ended;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A TCP relay in front of the RTMP port that counts what the client sends (one connection). */
    static final class CountingRelay implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        private final AtomicLong upstream = new AtomicLong();
        private final List<Socket> sockets = new ArrayList<>();

        CountingRelay(int targetPort) throws IOException {
            Thread t = new Thread(() -> {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket("127.0.0.1", targetPort);
                    synchronized (sockets) {
                        sockets.add(in);
                        sockets.add(out);
                    }
                    pipe(out.getInputStream(), in.getOutputStream(), null);
                    pipe(in.getInputStream(), out.getOutputStream(), upstream);
                } catch (IOException e) {
                    // closed by the test
                }
            }, "relay-accept");
            t.setDaemon(true);
            t.start();
        }

        private static void pipe(InputStream from, OutputStream to, AtomicLong count) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16384];
                try {
                    for (int n; (n = from.read(buf)) >= 0; ) {
                        to.write(buf, 0, n);
                        if (count != null) {
                            count.addAndGet(n);
                        }
                    }
                    to.close();
                } catch (IOException e) {
                    // one side closed
                }
            }, "relay-pipe");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        long upstreamBytes() {
            return upstream.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }
}
