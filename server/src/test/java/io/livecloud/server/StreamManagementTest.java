package io.livecloud.server;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.CommonRequest;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamsBlockListRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamsBlockListResponse;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamsOnlineListRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamsOnlineListResponse;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamsPublishListRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamsPublishListResponse;
import com.aliyuncs.live.model.v20161101.ForbidLiveStreamRequest;
import com.aliyuncs.live.model.v20161101.ResumeLiveStreamRequest;
import com.aliyuncs.profile.DefaultProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.control.stream.StreamManager;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hub.LiveStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stream management (SPEC §6) driven by the official Alibaba Cloud SDK against a running node, with real ffmpeg
 * publishers and players: the online list with what is measured of the stream, forbid/resume (also by resume time),
 * the block list, the publish history, and viewers per protocol.
 */
class StreamManagementTest {
    @TempDir
    static Path dir;
    static TestNode node;
    static DefaultAcsClient client;
    static String push;
    static String play;
    private final Ffmpeg ffmpeg = new Ffmpeg();

    @BeforeAll
    static void start() {
        node = new TestNode(dir, HubSettings.defaults());
        client = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", node.server.accessKey().id(),
                node.server.accessKey().secret()));
        push = node.server.catalog().settings().defaultPushDomain();
        play = node.server.catalog().settings().defaultPlayDomain();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @AfterEach
    void killClients() {
        ffmpeg.close();
    }

    private static <R extends AcsRequest<T>, T extends AcsResponse> T send(R request) throws ClientException {
        request.setSysEndpoint("127.0.0.1:" + node.server.apiPort());
        request.setSysProtocol(ProtocolType.HTTP);
        return client.getAcsResponse(request);
    }

    /** An action the SDK has no request class for (or a field its response class lacks), as JSON. */
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

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static List<DescribeLiveStreamsOnlineListResponse.LiveStreamOnlineInfo> online(String domain, String stream)
            throws ClientException {
        DescribeLiveStreamsOnlineListRequest r = new DescribeLiveStreamsOnlineListRequest();
        r.setDomainName(domain);
        r.setStreamName(stream);
        r.setQueryType("strict");
        return send(r).getOnlineInfo();
    }

    private static LiveStream live(String stream) {
        return node.server.hub().streams().stream().filter(s -> s.key().stream().equals(stream)).findFirst().orElse(null);
    }

    private static boolean publishing(String stream) {
        LiveStream s = live(stream);
        return s != null && s.publisher() != null;
    }

    private static ForbidLiveStreamRequest forbid(String stream, String resumeTime) {
        ForbidLiveStreamRequest r = new ForbidLiveStreamRequest();
        r.setDomainName(push);
        r.setAppName("live");
        r.setStreamName(stream);
        r.setLiveStreamType("publisher");
        r.setResumeTime(resumeTime);
        return r;
    }

    private static ResumeLiveStreamRequest resume(String stream) {
        ResumeLiveStreamRequest r = new ResumeLiveStreamRequest();
        r.setDomainName(push);
        r.setAppName("live");
        r.setStreamName(stream);
        r.setLiveStreamType("publisher");
        return r;
    }

    private static List<String> blocked() throws ClientException {
        DescribeLiveStreamsBlockListRequest r = new DescribeLiveStreamsBlockListRequest();
        r.setDomainName(push);
        DescribeLiveStreamsBlockListResponse answer = send(r);
        assertThat(answer.getTotalNum()).isEqualTo(answer.getStreamUrls().size());
        return answer.getStreamUrls();
    }

    private static String utc(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A push that the node refuses: ffmpeg ends with an error and no publisher ever appears. */
    private void assertRefused(String stream) throws Exception {
        Ffmpeg.Proc refused = ffmpeg.publish(Fixtures.h264Aac(3), node.rtmp(stream));
        assertThat(refused.waitFor(20)).as("a forbidden push fails").isNotZero();
        assertThat(publishing(stream)).isFalse();
    }

    @Test
    void theOnlineListShowsWhatThePublisherSendsMeasuredFromTheStream() throws Exception {
        Path fixture = Fixtures.h264Aac(12);
        Ffmpeg.Proc publisher = ffmpeg.publish(fixture, node.rtmp("measured") + "?token=abc");
        node.awaitPublisher("measured");
        await().atMost(15, TimeUnit.SECONDS).until(() -> {
            List<DescribeLiveStreamsOnlineListResponse.LiveStreamOnlineInfo> l = online(push, "measured");
            return !l.isEmpty() && l.get(0).getFrameRate() > 0 && l.get(0).getAudioDataRate() > 0;
        });
        DescribeLiveStreamsOnlineListRequest byPlay = new DescribeLiveStreamsOnlineListRequest();
        byPlay.setDomainName(play);
        byPlay.setStreamName("measur"); // fuzzy, the default
        DescribeLiveStreamsOnlineListResponse answer = send(byPlay);
        assertThat(answer.getTotalNum()).isEqualTo(1);
        assertThat(answer.getPageNum()).isEqualTo(1);
        assertThat(answer.getPageSize()).isEqualTo(2000);
        DescribeLiveStreamsOnlineListResponse.LiveStreamOnlineInfo s = answer.getOnlineInfo().get(0);
        assertThat(s.getDomainName()).isEqualTo(play);
        assertThat(s.getPublishDomain()).isEqualTo(push);
        assertThat(s.getAppName()).isEqualTo("live");
        assertThat(s.getStreamName()).isEqualTo("measured");
        assertThat(s.getPublishTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(Instant.parse(s.getPublishTime())).isBetween(Instant.now().minusSeconds(30), Instant.now());
        assertThat(s.getPublishUrl()).isEqualTo("rtmp://" + push + "/live/measured?token=abc");
        assertThat(s.getPublishType()).isEqualTo("edge");
        assertThat(s.getClientIp()).isEqualTo("127.0.0.1");

        assertThat(s.getWidth()).isEqualTo(640);
        assertThat(s.getHeight()).isEqualTo(360);
        assertThat(s.getFrameRate()).isEqualTo(Fixtures.FPS);
        assertThat(s.getVideoCodecId()).isEqualTo(7);
        assertThat(s.getAudioCodecId()).isEqualTo(10);
        FlvRates rates = FlvRates.of(fixture);
        assertThat((double) s.getVideoDataRate()).as("video kbit/s, fixture windows " + rates.videoKbps)
                .isBetween(rates.minVideo() * 0.97 - 1, rates.maxVideo() * 1.03 + 1);
        assertThat((double) s.getAudioDataRate()).as("audio kbit/s, fixture windows " + rates.audioKbps)
                .isBetween(rates.minAudio() * 0.97 - 1, rates.maxAudio() * 1.03 + 1);
        assertThat(rates.maxVideo()).as("the fixture's own video rate (800k target)").isBetween(200.0, 1200.0);

        publisher.kill();
        await().atMost(10, TimeUnit.SECONDS).until(() -> online(push, "measured").isEmpty());
    }

    @Test
    void hevcIsMeasuredToo() throws Exception {
        ffmpeg.publish(Fixtures.hevcAac(20), node.rtmp("hevcsize"));
        node.awaitPublisher("hevcsize");
        await().atMost(15, TimeUnit.SECONDS).until(() -> {
            List<DescribeLiveStreamsOnlineListResponse.LiveStreamOnlineInfo> l = online(push, "hevcsize");
            return !l.isEmpty() && l.get(0).getFrameRate() > 0;
        });
        DescribeLiveStreamsOnlineListResponse.LiveStreamOnlineInfo s = online(push, "hevcsize").get(0);
        assertThat(s.getWidth()).isEqualTo(640);
        assertThat(s.getHeight()).isEqualTo(360);
        assertThat(s.getVideoCodecId()).isEqualTo(12);
        JsonNode ours = common("DescribeLiveStreamsOnlineList", Map.of("DomainName", push, "StreamName", "hevcsize"));
        assertThat(ours.path("OnlineInfo").path("LiveStreamOnlineInfo").get(0).path("VideoCodec").asText()).isEqualTo("h265");
    }

    @Test
    void forbidCutsTheLivePushAtOnceRefusesNewOnesAndResumeLetsThemIn() throws Exception {
        Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(30), node.rtmp("forbidden"));
        node.awaitPublisher("forbidden");

        long t0 = System.nanoTime();
        send(forbid("forbidden", null));
        await().atMost(1, TimeUnit.SECONDS).until(() -> !publishing("forbidden"));
        assertThat(publisher.process.waitFor(1, TimeUnit.SECONDS)).as("ffmpeg sees its push cut").isTrue();
        long cutMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(cutMillis).as("from ForbidLiveStream to the ffmpeg push ending").isLessThan(1000);
        assertThat(online(push, "forbidden")).isEmpty();
        assertThat(blocked()).contains(push + "/live/forbidden");

        assertRefused("forbidden");

        send(resume("forbidden"));
        assertThat(blocked()).doesNotContain(push + "/live/forbidden");
        Ffmpeg.Proc again = ffmpeg.publish(Fixtures.h264Aac(30), node.rtmp("forbidden"));
        node.awaitPublisher("forbidden");
        assertThat(again.isAlive()).isTrue();

        // the history has the cut session, its reason, and the one after the resume still live
        DescribeLiveStreamsPublishListRequest h = new DescribeLiveStreamsPublishListRequest();
        h.setDomainName(push);
        h.setStreamName("forbidden");
        h.setQueryType("strict");
        h.setStartTime(utc(Instant.now().minusSeconds(300)));
        h.setEndTime(utc(Instant.now().plusSeconds(60)));
        h.setOrderBy("publish_time_asc");
        List<DescribeLiveStreamsPublishListResponse.LiveStreamPublishInfo> sessions = send(h).getPublishInfo();
        assertThat(sessions).hasSize(2);
        DescribeLiveStreamsPublishListResponse.LiveStreamPublishInfo cut = sessions.get(0);
        assertThat(cut.getStopTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(cut.getClientAddr()).isEqualTo("127.0.0.1");
        assertThat(cut.getEdgeNodeAddr()).isEqualTo("127.0.0.1");
        assertThat(cut.getPublishUrl()).isEqualTo("rtmp://" + push + "/live/forbidden");
        assertThat(cut.getStreamUrl()).isEqualTo("rtmp://" + push + "/live/forbidden");
        assertThat(sessions.get(1).getStopTime()).as("still live").isEmpty();
        JsonNode ours = common("DescribeLiveStreamsPublishList", Map.of("DomainName", push, "StreamName", "forbidden",
                "QueryType", "strict", "StartTime", h.getStartTime(), "EndTime", h.getEndTime(), "OrderBy", "publish_time_asc"));
        assertThat(ours.path("PublishInfo").path("LiveStreamPublishInfo").get(0).path("StopReason").asText())
                .isEqualTo(StreamManager.FORBIDDEN_REASON);
        assertThat(ours.path("PublishInfo").path("LiveStreamPublishInfo").get(0).path("Bytes").asLong()).isPositive();
    }

    @Test
    void aResumeTimeLetsPushesInAgainByItself() throws Exception {
        Instant resumeAt = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
        send(forbid("timed", utc(resumeAt)));
        assertThat(blocked()).contains(push + "/live/timed");
        assertRefused("timed");

        await().atMost(10, TimeUnit.SECONDS).until(() -> Instant.now().isAfter(resumeAt));
        ffmpeg.publish(Fixtures.h264Aac(30), node.rtmp("timed"));
        node.awaitPublisher("timed");
        assertThat(blocked()).doesNotContain(push + "/live/timed");
    }

    @Test
    void theHistoryHasStartStopAndWhyASessionEnded() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Ffmpeg.Proc p = ffmpeg.publish(Fixtures.h264Aac(3), node.rtmp("short"));
        assertThat(p.waitFor(30)).isZero();
        JsonNode h = await().atMost(10, TimeUnit.SECONDS).until(() -> common("DescribeLiveStreamsPublishList",
                        Map.of("DomainName", play, "StreamName", "short", "StartTime", utc(before),
                                "EndTime", utc(Instant.now().plusSeconds(5)))),
                j -> j.path("TotalNum").asInt() == 1 && !j.path("PublishInfo").path("LiveStreamPublishInfo").get(0)
                        .path("StopTime").asText().isEmpty());
        JsonNode s = h.path("PublishInfo").path("LiveStreamPublishInfo").get(0);
        Instant start = Instant.parse(s.path("PublishTime").asText());
        Instant stop = Instant.parse(s.path("StopTime").asText());
        assertThat(java.time.Duration.between(start, stop).toSeconds()).as("a 3 s push, -re").isBetween(2L, 5L);
        assertThat(s.path("StopReason").asText()).isIn("unpublished by client", "stream closed by client", "client disconnected");
        assertThat(s.path("DomainName").asText()).isEqualTo(play);
        assertThat(s.path("PublishDomain").asText()).isEqualTo(push);
        assertThat(h.path("PageNum").asInt()).isEqualTo(1);
    }

    @Test
    void viewersAreCountedPerStreamAndProtocol() throws Exception {
        ffmpeg.publish(Fixtures.h264Aac(30), node.rtmp("watched"));
        node.awaitPublisher("watched");
        ffmpeg.decode(node.rtmp("watched"), 25);
        try (FlvHttpClient flv = new FlvHttpClient(node.server.httpPort(), "/live/watched.flv")) {
            // an HLS viewer: its requests make one session (same address, user agent and stream)
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(15, TimeUnit.SECONDS).until(() -> http.send(HttpRequest.newBuilder(URI.create(node.hls("watched")))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            JsonNode n = await().atMost(15, TimeUnit.SECONDS).until(() -> common("DescribeLiveStreamOnlineUserNum",
                    Map.of("DomainName", play, "StreamName", "watched")), j -> j.path("TotalUserNumber").asInt() == 3);
            JsonNode s = n.path("OnlineUserInfo").path("LiveStreamOnlineUserNumInfo").get(0);
            assertThat(s.path("StreamUrl").asText()).isEqualTo("rtmp://" + play + "/live/watched");
            assertThat(s.path("UserNumber").asInt()).isEqualTo(3);
            assertThat(s.path("Time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            Map<String, Integer> byProtocol = new TreeMap<>();
            s.path("Protocols").path("Protocol").forEach(x -> byProtocol.put(x.path("Name").asText(), x.path("UserNumber").asInt()));
            assertThat(byProtocol).isEqualTo(Map.of("rtmp", 1, "http-flv", 1, "hls", 1));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> common("DescribeLiveStreamOnlineUserNum",
                Map.of("DomainName", push, "StreamName", "watched")).path("TotalUserNumber").asInt() == 2);
    }

    @Test
    void refusalsCarryTheCloudsCodes() {
        assertThat(errorCode(() -> send(new DescribeLiveStreamsOnlineListRequest()))).isEqualTo("MissingParameter");
        DescribeLiveStreamsOnlineListRequest unknown = new DescribeLiveStreamsOnlineListRequest();
        unknown.setDomainName("nope.example.com");
        assertThat(errorCode(() -> send(unknown))).isEqualTo("InvalidDomain.NotFound");
        DescribeLiveStreamsOnlineListRequest badType = new DescribeLiveStreamsOnlineListRequest();
        badType.setDomainName(push);
        badType.setQueryType("sometimes");
        assertThat(errorCode(() -> send(badType))).isEqualTo("InvalidQueryType.Malformed");
        DescribeLiveStreamsOnlineListRequest badPage = new DescribeLiveStreamsOnlineListRequest();
        badPage.setDomainName(push);
        badPage.setPageSize(3001);
        assertThat(errorCode(() -> send(badPage))).isEqualTo("InvalidPageSize.Malformed");

        ForbidLiveStreamRequest player = forbid("x", null);
        player.setLiveStreamType("player");
        assertThat(errorCode(() -> send(player))).isEqualTo("InvalidLiveStreamType.NotSupported");
        ForbidLiveStreamRequest noApp = new ForbidLiveStreamRequest();
        noApp.setDomainName(push);
        noApp.setStreamName("x");
        assertThat(errorCode(() -> send(noApp))).isEqualTo("MissingParameter");
        assertThat(errorCode(() -> send(forbid("x", "tomorrow")))).isEqualTo("InvalidResumeTime.Malformed");
        assertThat(errorCode(() -> send(forbid("x", utc(Instant.now().minusSeconds(60)))))).isEqualTo("InvalidResumeTime.Malformed");
        assertThat(errorCode(() -> send(resume("never-forbidden")))).isEqualTo("InvalidStream.NotFound");

        DescribeLiveStreamsPublishListRequest h = new DescribeLiveStreamsPublishListRequest();
        h.setDomainName(push);
        h.setStartTime("2024-01-02 00:00:00");
        h.setEndTime("2024-01-03T00:00:00Z");
        assertThat(errorCode(() -> send(h))).isEqualTo("InvalidStartTime.Malformed");
        h.setStartTime("2024-01-04T00:00:00Z");
        assertThat(errorCode(() -> send(h))).isEqualTo("InvalidEndTime.Mismatch");
        h.setStartTime("2023-01-01T00:00:00Z");
        assertThat(errorCode(() -> send(h))).as("more than 30 days").isEqualTo("InvalidEndTime.Mismatch");
        DescribeLiveStreamsPublishListRequest noTimes = new DescribeLiveStreamsPublishListRequest();
        noTimes.setDomainName(push);
        assertThat(errorCode(() -> send(noTimes))).isEqualTo("MissingParameter");
    }

    /** The fixture's own video and audio bitrates (kbit/s) over every window of 1 to 5 whole seconds after the first. */
    record FlvRates(List<Double> videoKbps, List<Double> audioKbps) {
        static FlvRates of(Path flv) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(flv));
            b.position(9 + 4);
            Map<Integer, long[]> perSecond = new TreeMap<>(); // second -> {video bytes, audio bytes}
            while (b.remaining() >= 11) {
                int type = b.get() & 0xff;
                int size = ((b.get() & 0xff) << 16) | ((b.get() & 0xff) << 8) | (b.get() & 0xff);
                long ts = ((b.get() & 0xffL) << 16) | ((b.get() & 0xffL) << 8) | (b.get() & 0xffL) | ((b.get() & 0xffL) << 24);
                b.position(b.position() + 3);
                int packetType = size > 1 ? b.get(b.position() + 1) & 0xff : -1;
                boolean config = (type == 9 || type == 8) && packetType == 0;
                if (!config && (type == 9 || type == 8)) {
                    perSecond.computeIfAbsent((int) (ts / 1000), k -> new long[2])[type == 9 ? 0 : 1] += size;
                }
                b.position(b.position() + size + 4);
            }
            int last = perSecond.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
            List<Double> v = new ArrayList<>();
            List<Double> a = new ArrayList<>();
            for (int from = 1; from < last; from++) {
                for (int len = 1; len <= 5 && from + len - 1 < last; len++) {
                    long vb = 0;
                    long ab = 0;
                    for (int s = from; s < from + len; s++) {
                        long[] x = perSecond.getOrDefault(s, new long[2]);
                        vb += x[0];
                        ab += x[1];
                    }
                    v.add(vb * 8 / 1000.0 / len);
                    a.add(ab * 8 / 1000.0 / len);
                }
            }
            return new FlvRates(v, a);
        }

        double minVideo() {
            return videoKbps.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        }

        double maxVideo() {
            return videoKbps.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }

        double minAudio() {
            return audioKbps.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        }

        double maxAudio() {
            return audioKbps.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }
    }
}
