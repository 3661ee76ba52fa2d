package io.livecloud.server;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.live.model.v20161101.AddLiveAppRecordConfigRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveRecordConfigRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveRecordConfigResponse;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamRecordIndexFilesRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamRecordIndexFilesResponse.RecordIndexInfo;
import com.aliyuncs.profile.DefaultProfile;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.testkit.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Recording with the official SDK and real pushes: flv, mp4 and m3u8 of one stream into the node's local storage (a
 * reconnect within the grace continuing the same files), mp4 of another into a real S3 server (s3proxy), an
 * on-demand configuration recording only the push that asks, and a publisher killed with SIGKILL leaving a playable
 * mp4. Files are checked with ffprobe (durations against what was pushed, cycles adding up) and a full decode, and
 * the index API is checked against the files and the push times.
 */
class RecordEndToEndTest {
    private static final String PUSH = "push.livecloud.localhost";
    private static final String PLAY = "play.livecloud.localhost";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ESCAPED = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss")
            .withZone(ZoneOffset.UTC);
    private static final String BUCKET = "recordings";

    private static <R extends AcsRequest<T>, T extends AcsResponse> T send(TestNode node, R request) throws ClientException {
        DefaultAcsClient client = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai",
                node.server.accessKey().id(), node.server.accessKey().secret()));
        request.setSysEndpoint("127.0.0.1:" + node.server.apiPort());
        request.setSysProtocol(ProtocolType.HTTP);
        return client.getAcsResponse(request);
    }

    private static AddLiveAppRecordConfigRequest.RecordFormat format(String format, int cycle) {
        AddLiveAppRecordConfigRequest.RecordFormat f = new AddLiveAppRecordConfigRequest.RecordFormat();
        f.setFormat(format);
        f.setCycleDuration(cycle);
        return f;
    }

    private static AddLiveAppRecordConfigRequest config(String stream, List<AddLiveAppRecordConfigRequest.RecordFormat> formats) {
        AddLiveAppRecordConfigRequest r = new AddLiveAppRecordConfigRequest();
        r.setDomainName(PLAY); // a play domain stands for the push domain it plays
        r.setAppName("live");
        r.setStreamName(stream);
        r.setRecordFormats(formats);
        return r;
    }

    private static List<RecordIndexInfo> files(TestNode node, String stream, Instant from, Instant to) throws ClientException {
        DescribeLiveStreamRecordIndexFilesRequest r = new DescribeLiveStreamRecordIndexFilesRequest();
        r.setDomainName(PUSH);
        r.setAppName("live");
        r.setStreamName(stream);
        r.setStartTime(DateTimeFormatter.ISO_INSTANT.format(from.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        r.setEndTime(DateTimeFormatter.ISO_INSTANT.format(to.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        r.setPageSize(100);
        return send(node, r).getRecordIndexInfoList();
    }

    /** ffprobe's duration of a file (the container's, else its streams' longest). */
    private static double duration(Ffmpeg ffmpeg, Path file) throws Exception {
        Ffmpeg.Proc p = ffmpeg.start("ffprobe", List.of("-v", "error", "-show_entries", "format=duration", "-of", "json",
                file.toString()));
        assertThat(p.waitFor(30)).as(p.stderr()).isZero();
        return JSON.readTree(p.stdout()).path("format").path("duration").asDouble();
    }

    /** A full decode of a file: what ffmpeg reports at error level (nothing for a sound file). */
    private static String decodeErrors(Ffmpeg ffmpeg, Path file) throws Exception {
        Ffmpeg.Proc p = ffmpeg.start("ffmpeg", List.of("-v", "error", "-i", file.toString(), "-f", "null", "-"));
        assertThat(p.waitFor(60)).as(p.stderr()).isZero();
        return p.stderr().trim();
    }

    private static Instant time(String api) {
        return Instant.parse(api);
    }

    @Test
    void recordsToLocalStorageAndS3InEveryFormatAcrossAReconnectAndSurvivesAKilledPublisher(@TempDir Path data)
            throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(data.resolve("s3"))) {
            s3.createBucket(BUCKET);
            HubSettings d = HubSettings.defaults();
            ServerConfig config = TestNode.config(data.resolve("node"))
                    .withHub(new HubSettings(3000, d.playWaitMillis(), d.gopCacheMaxBytes(), d.subscriberBudgetBytes(),
                            d.stuckPlayerMillis(), d.maxPublisherKbps()))
                    .withStorage(new ServerConfig.Storage(s3.endpoint(), null, S3ProxyServer.ACCESS_KEY,
                            S3ProxyServer.SECRET_KEY));
            try (TestNode node = new TestNode(config, false); Ffmpeg ffmpeg = new Ffmpeg()) {
                AddLiveAppRecordConfigRequest.RecordFormat m3u8 = format("m3u8", 15);
                m3u8.setSliceDuration(5);
                send(node, config("cam", List.of(format("flv", 15), format("mp4", 15), m3u8)));
                AddLiveAppRecordConfigRequest toS3 = config("cam2", List.of(format("mp4", 15)));
                toS3.setOssBucket(BUCKET);
                toS3.setOssEndpoint("127.0.0.1:" + s3.port());
                send(node, toS3);
                AddLiveAppRecordConfigRequest missing = config("cam3", List.of(format("mp4", 15)));
                missing.setOssBucket("no-such-bucket");
                assertThatThrownBy(() -> send(node, missing)).isInstanceOf(ClientException.class)
                        .hasMessageContaining("InvalidOssBucket.Unavailable").hasMessageContaining("does not exist");
                AddLiveAppRecordConfigRequest elsewhere = config("cam3", List.of(format("mp4", 15)));
                elsewhere.setOssBucket(BUCKET);
                elsewhere.setOssEndpoint("oss-cn-shanghai.aliyuncs.com");
                assertThatThrownBy(() -> send(node, elsewhere)).isInstanceOf(ClientException.class)
                        .hasMessageContaining("storage.s3.endpoint");
                AddLiveAppRecordConfigRequest onDemand = config(null, List.of(format("mp4", 15)));
                onDemand.setOnDemand(1);
                onDemand.setDelayTime(15);
                send(node, onDemand); // every other stream of the app: only pushes with ?record=1

                DescribeLiveRecordConfigRequest describe = new DescribeLiveRecordConfigRequest();
                describe.setDomainName(PUSH);
                List<DescribeLiveRecordConfigResponse.LiveAppRecord> configs = send(node, describe).getLiveAppRecordList();
                assertThat(configs).extracting(DescribeLiveRecordConfigResponse.LiveAppRecord::getStreamName)
                        .containsExactlyInAnyOrder("", "cam", "cam2");
                assertThat(configs).filteredOn(c -> c.getStreamName().equals("cam")).singleElement().satisfies(c -> {
                    assertThat(c.getDomainName()).isEqualTo(PUSH);
                    assertThat(c.getRecordFormatList()).extracting(f -> f.getFormat() + "/" + f.getCycleDuration())
                            .containsExactly("flv/15", "mp4/15", "m3u8/15");
                    assertThat(c.getRecordFormatList().get(0).getOssObjectPrefix())
                            .isEqualTo("record/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}");
                });

                Path ten = Fixtures.h264Aac(10);
                Path twenty = Fixtures.h264Aac(20);
                Instant pushed = Instant.now();
                Ffmpeg.Proc cam = ffmpeg.publish(ten, node.rtmp("cam"));
                Ffmpeg.Proc cam2 = ffmpeg.publish(ten, node.rtmp("cam2"));
                Ffmpeg.Proc crash = ffmpeg.publish(twenty, node.rtmp("crash") + "?record=1");
                Ffmpeg.Proc quiet = ffmpeg.publish(ten, node.rtmp("quiet"));
                StreamKey camKey = new StreamKey(PUSH, "live", "cam");
                await().atMost(15, TimeUnit.SECONDS).until(() -> node.server.streamJobs().jobsOf(camKey).size() == 3);
                await().atMost(15, TimeUnit.SECONDS).until(() -> node.server.streamJobs()
                        .jobsOf(new StreamKey(PUSH, "live", "crash")).size() == 1);

                Thread.sleep(8000);
                crash.process.destroyForcibly(); // SIGKILL: no FLV end, no RTMP close handshake
                assertThat(cam.waitFor(20)).as(cam.stderr()).isZero();
                // the publisher comes back within the hub's grace (3 s): the same recording goes on
                cam = ffmpeg.publish(ten, node.rtmp("cam"));
                assertThat(cam.waitFor(20)).as(cam.stderr()).isZero();
                Instant ended = Instant.now();
                assertThat(cam2.waitFor(5)).isZero();
                assertThat(quiet.waitFor(5)).isZero();
                assertThat(node.server.streamJobs().jobsOf(new StreamKey(PUSH, "live", "quiet"))).isEmpty();

                // the stream ends 3 s later; the last files are stored and indexed
                await().atMost(20, TimeUnit.SECONDS).until(() -> node.server.streamJobs().jobs().isEmpty()
                        && node.server.recording().active() == 0);
                await().atMost(10, TimeUnit.SECONDS).until(() -> files(node, "cam", pushed.minusSeconds(5),
                        ended.plusSeconds(30)).size() == 6);
                Path storage = data.resolve("node").resolve("storage");
                List<RecordIndexInfo> camFiles = files(node, "cam", pushed.minusSeconds(5), ended.plusSeconds(30));

                for (String f : List.of("flv", "mp4", "m3u8")) {
                    List<RecordIndexInfo> cycles = camFiles.stream().filter(i -> i.getFormat().equals(f)).toList();
                    assertThat(cycles).as(f + " files: a 15 s cycle and the rest").hasSize(2);
                    double total = 0;
                    for (RecordIndexInfo i : cycles) {
                        Instant start = time(i.getStartTime());
                        Instant end = time(i.getEndTime());
                        assertThat(i.getOssObject()).isEqualTo("record/live/cam/" + ESCAPED.format(start) + "_"
                                + ESCAPED.format(end) + "." + f);
                        assertThat(i.getOssBucket()).isEmpty();
                        assertThat(i.getWidth()).isEqualTo(640);
                        assertThat(i.getHeight()).isEqualTo(360);
                        Path file = storage.resolve(i.getOssObject());
                        assertThat(file).exists();
                        assertThat(i.getRecordUrl()).isEqualTo(file.toUri().toString());
                        double probed = duration(ffmpeg, file);
                        assertThat(probed).as(f + " " + i.getOssObject()).isCloseTo(i.getDuration(), within(1.0));
                        assertThat(decodeErrors(ffmpeg, file)).as("decoding " + file).isEmpty();
                        total += probed;
                    }
                    assertThat(cycles.get(0).getDuration()).as("the first " + f + " cycle").isCloseTo(15f, within(1.1f));
                    assertThat(total).as(f + ": the cycles add up to the 2 x 10 s pushed").isCloseTo(20.0, within(1.0));
                    Instant firstStart = time(cycles.get(0).getStartTime());
                    assertThat(firstStart).isBetween(pushed.minusSeconds(1), pushed.plusSeconds(4));
                    assertThat(time(cycles.get(1).getStartTime())).as("the second cycle starts where the first ended")
                            .isBetween(time(cycles.get(0).getEndTime()).minusSeconds(1),
                                    time(cycles.get(0).getEndTime()).plusSeconds(1));
                    assertThat(time(cycles.get(1).getEndTime())).isBetween(ended.minusSeconds(4), ended.plusSeconds(2));
                }
                // m3u8: the playlists list their slices (5 s), stored beside them
                RecordIndexInfo firstPlaylist = camFiles.stream().filter(i -> i.getFormat().equals("m3u8")).findFirst()
                        .orElseThrow();
                String playlist = Files.readString(storage.resolve(firstPlaylist.getOssObject()));
                assertThat(playlist).startsWith("#EXTM3U").contains("#EXT-X-ENDLIST").contains("#EXT-X-PLAYLIST-TYPE:VOD");
                assertThat(playlist.lines().filter(l -> l.endsWith(".ts")).count()).isEqualTo(3);

                // the S3 recording: fetched over S3, as anyone with the bucket's key would
                List<RecordIndexInfo> s3Files = files(node, "cam2", pushed.minusSeconds(5), ended.plusSeconds(30));
                assertThat(s3Files).singleElement().satisfies(i -> {
                    assertThat(i.getOssBucket()).isEqualTo(BUCKET);
                    assertThat(i.getRecordUrl()).isEqualTo(s3.endpoint() + "/" + BUCKET + "/" + i.getOssObject());
                    assertThat(storage.resolve(i.getOssObject())).doesNotExist();
                });
                Path fetched = data.resolve("fetched.mp4");
                try (S3Client client = S3Client.builder().endpointOverride(URI.create(s3.endpoint())).forcePathStyle(true)
                        .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                        .httpClient(UrlConnectionHttpClient.create()).build()) {
                    client.getObject(b -> b.bucket(BUCKET).key(s3Files.get(0).getOssObject()), fetched);
                }
                assertThat(duration(ffmpeg, fetched)).as("the S3 recording of 10 s pushed").isCloseTo(10.0, within(1.0));
                assertThat(decodeErrors(ffmpeg, fetched)).isEmpty();

                // the killed publisher's push (?record=1, on demand) left a playable mp4 of what arrived (~8 s)
                List<RecordIndexInfo> crashed = files(node, "crash", pushed.minusSeconds(5), ended.plusSeconds(30));
                assertThat(crashed).singleElement().satisfies(i -> assertThat(i.getFormat()).isEqualTo("mp4"));
                Path crashFile = storage.resolve(crashed.get(0).getOssObject());
                assertThat(duration(ffmpeg, crashFile)).isBetween(6.5, 10.0);
                assertThat(decodeErrors(ffmpeg, crashFile)).isEmpty();
                assertThat(files(node, "quiet", pushed.minusSeconds(5), ended.plusSeconds(30))).as("on demand, not asked")
                        .isEmpty();

                // nothing is left in the work directory
                try (Stream<Path> left = Files.walk(data.resolve("node").resolve("recording"))) {
                    assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
                }
                assertThat(node.server.recording().putFailuresTotal()).isZero();
            }
        }
    }

    @Test
    void aDeadStoreIsRetriedCountedAndKeepsTheFileWithoutHurtingTheStreamOrOtherRecordings(@TempDir Path data)
            throws Exception {
        S3ProxyServer s3 = S3ProxyServer.start(data.resolve("s3"));
        s3.createBucket(BUCKET);
        HubSettings d = HubSettings.defaults();
        ServerConfig config = TestNode.config(data.resolve("node"))
                .withHub(new HubSettings(2000, d.playWaitMillis(), d.gopCacheMaxBytes(), d.subscriberBudgetBytes(),
                        d.stuckPlayerMillis(), d.maxPublisherKbps()))
                .withStorage(new ServerConfig.Storage(s3.endpoint(), null, S3ProxyServer.ACCESS_KEY,
                        S3ProxyServer.SECRET_KEY));
        java.util.concurrent.BlockingQueue<String> callbacks = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/recorded", exchange -> {
            callbacks.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type")
                    + " " + new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try (TestNode node = new TestNode(config, false); Ffmpeg ffmpeg = new Ffmpeg()) {
            com.aliyuncs.live.model.v20161101.AddLiveRecordNotifyConfigRequest notify =
                    new com.aliyuncs.live.model.v20161101.AddLiveRecordNotifyConfigRequest();
            notify.setDomainName(PLAY);
            notify.setNotifyUrl("http://127.0.0.1:" + receiver.getAddress().getPort() + "/recorded");
            send(node, notify);
            com.aliyuncs.live.model.v20161101.DescribeLiveRecordNotifyConfigRequest describeNotify =
                    new com.aliyuncs.live.model.v20161101.DescribeLiveRecordNotifyConfigRequest();
            describeNotify.setDomainName(PUSH);
            assertThat(send(node, describeNotify).getLiveRecordNotifyConfig().getNotifyUrl())
                    .isEqualTo(notify.getNotifyUrl());
            AddLiveAppRecordConfigRequest toS3 = config("dead", List.of(format("mp4", 15)));
            toS3.setOssBucket(BUCKET);
            send(node, toS3);
            send(node, config("alive", List.of(format("flv", 15))));
            Instant pushed = Instant.now();
            Ffmpeg.Proc dead = ffmpeg.publish(Fixtures.h264Aac(10), node.rtmp("dead"));
            Ffmpeg.Proc alive = ffmpeg.publish(Fixtures.h264Aac(10), node.rtmp("alive"));
            await().atMost(15, TimeUnit.SECONDS).until(() -> node.server.streamJobs().jobs().size() == 2);
            s3.close(); // the object storage goes away mid-recording

            assertThat(dead.waitFor(20)).as("the push to a stream recorded into a dead store").isZero();
            assertThat(alive.waitFor(5)).isZero();
            await().atMost(30, TimeUnit.SECONDS).until(() -> node.server.recording().putFailuresTotal() == 1);
            assertThat(node.server.recording().putRetriesTotal()).isEqualTo(3);
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.server.apiPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("livecloud_record_put_failures_total 1.0")
                    .contains("livecloud_record_put_retries_total 3.0");
            List<RecordIndexInfo> stored = files(node, "alive", pushed.minusSeconds(5), Instant.now().plusSeconds(5));
            assertThat(stored).singleElement().satisfies(i -> assertThat(i.getFormat()).isEqualTo("flv"));
            assertThat(duration(ffmpeg, data.resolve("node").resolve("storage").resolve(stored.get(0).getOssObject())))
                    .isCloseTo(10.0, within(1.0));
            assertThat(files(node, "dead", pushed.minusSeconds(5), Instant.now().plusSeconds(5))).isEmpty();
            // the file that could not be stored is kept for the operator, whole
            Path failed = data.resolve("node").resolve("recording").resolve("failed");
            List<Path> kept;
            try (Stream<Path> f = Files.walk(failed)) {
                kept = f.filter(Files::isRegularFile).toList();
            }
            assertThat(kept).singleElement().satisfies(k -> assertThat(k.toString()).contains("record/live/dead/")
                    .endsWith(".mp4"));
            assertThat(duration(ffmpeg, kept.get(0))).isCloseTo(10.0, within(1.0));

            // one callback, for the file that was stored, as the cloud sends it
            String callback = callbacks.poll(10, TimeUnit.SECONDS);
            assertThat(callback).startsWith("POST application/json {");
            com.fasterxml.jackson.databind.JsonNode body = JSON.readTree(callback.substring(callback.indexOf('{')));
            RecordIndexInfo f = stored.get(0);
            assertThat(body.path("domain").asText()).isEqualTo(PUSH);
            assertThat(body.path("app").asText()).isEqualTo("live");
            assertThat(body.path("stream").asText()).isEqualTo("alive");
            assertThat(body.path("uri").asText()).isEqualTo(f.getOssObject());
            assertThat(body.path("duration").asDouble()).isCloseTo(f.getDuration(), within(0.01));
            assertThat(body.path("start_time").asLong()).isEqualTo(time(f.getStartTime()).getEpochSecond());
            assertThat(body.path("stop_time").asLong()).isEqualTo(time(f.getEndTime()).getEpochSecond());
            assertThat(callbacks.poll(1, TimeUnit.SECONDS)).as("none for the file that was not stored").isNull();
        } finally {
            receiver.stop(0);
        }
    }
}
