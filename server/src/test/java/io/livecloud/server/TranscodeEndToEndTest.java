package io.livecloud.server;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.CommonRequest;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.live.model.v20161101.AddCustomLiveStreamTranscodeRequest;
import com.aliyuncs.live.model.v20161101.AddLiveStreamTranscodeRequest;
import com.aliyuncs.live.model.v20161101.DeleteLiveStreamTranscodeRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamTranscodeInfoRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamTranscodeInfoResponse;
import com.aliyuncs.profile.DefaultProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.control.address.AddressGenerator;
import io.livecloud.media.StreamKey;
import io.livecloud.processing.FfmpegJob;
import io.livecloud.processing.StreamJobs;
import io.livecloud.processing.transcode.TranscodePlanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Transcoding with the official SDK, a real 720p push and real players: a rendition plays over RTMP, HTTP-FLV and HLS
 * with the same URL auth as any stream, at the template's size and bitrate; the adaptive playlist lists it; a custom
 * template starts lazily on its first viewer and stops when nobody watches; a killed child comes back; a stream that
 * ends leaves no ffmpeg behind; the job limit refuses what is past it.
 */
class TranscodeEndToEndTest {
    private static final String PUSH = "push.livecloud.localhost";
    private static final String PLAY = "play.livecloud.localhost";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static <R extends AcsRequest<T>, T extends AcsResponse> T send(TestNode node, R request) throws ClientException {
        DefaultAcsClient client = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai",
                node.server.accessKey().id(), node.server.accessKey().secret()));
        request.setSysEndpoint("127.0.0.1:" + node.server.apiPort());
        request.setSysProtocol(ProtocolType.HTTP);
        return client.getAcsResponse(request);
    }

    private static AddLiveStreamTranscodeRequest standard(String template, String lazy) {
        AddLiveStreamTranscodeRequest r = new AddLiveStreamTranscodeRequest();
        r.setDomain(PLAY);
        r.setApp("live");
        r.setTemplate(template);
        r.setLazy(lazy);
        return r;
    }

    /** Signed URLs of a stream on the demo play domain, pointed at the node's loopback ports. */
    private static AddressGenerator.Addresses urls(TestNode node, String stream) {
        return node.server.addresses().generate(PLAY, "live", stream, null);
    }

    private static String local(String url) {
        return url.replace(PUSH, "127.0.0.1").replace(PLAY, "127.0.0.1");
    }

    /** ffprobe's view of a stream's first video track and its packets over {@code seconds}. */
    private static Probe probe(Ffmpeg ffmpeg, String url, int seconds) throws Exception {
        Ffmpeg.Proc p = ffmpeg.start("ffprobe", List.of("-v", "error", "-rw_timeout", "15000000", "-read_intervals",
                "%+" + seconds, "-select_streams", "v:0", "-show_entries",
                "stream=width,height,profile,r_frame_rate:packet=pts_time,size,flags", "-of", "json", url));
        assertThat(p.waitFor(seconds + 30)).as(p.stderr()).isZero();
        JsonNode root = JSON.readTree(p.stdout());
        JsonNode stream = root.path("streams").path(0);
        double first = Double.NaN;
        double last = Double.NaN;
        long bytes = 0;
        int keyframes = 0;
        for (JsonNode packet : root.path("packets")) {
            double t = packet.path("pts_time").asDouble();
            first = Double.isNaN(first) ? t : Math.min(first, t);
            last = Double.isNaN(last) ? t : Math.max(last, t);
            bytes += packet.path("size").asLong();
            keyframes += packet.path("flags").asText().startsWith("K") ? 1 : 0;
        }
        double kbps = bytes * 8 / (last - first) / 1000;
        return new Probe(stream.path("width").asInt(), stream.path("height").asInt(), stream.path("profile").asText(),
                stream.path("r_frame_rate").asText(), kbps, keyframes, last - first);
    }

    record Probe(int width, int height, String profile, String frameRate, double videoKbps, int keyframes, double seconds) {
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The node's ffmpeg children (the jobs read with an internal token; the test's own clients do not). */
    private static List<ProcessHandle> jobChildren() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains("lc_internal")).orElse(false))
                .toList();
    }

    @Test
    void aStandardRenditionPlaysEverywhereAtItsTemplatesSizeAndBitrateAndEndsWithItsSource(@TempDir Path data)
            throws Exception {
        try (TestNode node = TestNode.withAuth(data); Ffmpeg ffmpeg = new Ffmpeg()) {
            LiveCloudServer server = node.server;
            send(node, standard("lld", "no"));
            DescribeLiveStreamTranscodeInfoRequest describe = new DescribeLiveStreamTranscodeInfoRequest();
            describe.setDomainTranscodeName(PLAY);
            List<DescribeLiveStreamTranscodeInfoResponse.DomainTranscodeInfo> infos = send(node, describe).getDomainTranscodeList();
            assertThat(infos).singleElement().satisfies(i -> {
                assertThat(i.getTranscodeName()).isEqualTo(PLAY);
                assertThat(i.getTranscodeApp()).isEqualTo("live");
                assertThat(i.getTranscodeTemplate()).isEqualTo("lld");
                assertThat(i.getIsLazy()).isFalse();
                assertThat(i.getCustomTranscodeParameters().getHeight()).isEqualTo(360);
                assertThat(i.getCustomTranscodeParameters().getVideoBitrate()).isEqualTo(400);
            });

            ffmpeg.publish(Fixtures.h264Aac720p(40), local(urls(node, "cam").pushUrl()));
            StreamKey source = new StreamKey(PUSH, "live", "cam");
            await().atMost(30, TimeUnit.SECONDS).until(() -> server.streamJobs().jobsOf(source).stream()
                    .anyMatch(j -> j.job().progress().outTimeMicros() > 4_000_000));
            FfmpegJob job = server.streamJobs().jobsOf(source).get(0).job();

            // RTMP with the same URL auth as any stream: the template's size, profile and bitrate, 2 s keyframes
            AddressGenerator.Addresses lld = urls(node, "cam_lld");
            Probe rtmp = probe(ffmpeg, local(lld.rtmpPlayUrl()), 8);
            assertThat(rtmp.width() + "x" + rtmp.height()).isEqualTo("640x360");
            assertThat(rtmp.profile()).isEqualTo("High");
            assertThat(rtmp.frameRate()).isEqualTo("25/1");
            assertThat(rtmp.videoKbps()).as("video bitrate of lld (400 kbit/s)").isBetween(400 * 0.85, 400 * 1.15);
            assertThat(rtmp.keyframes()).as("keyframes in %.1f s", rtmp.seconds()).isBetween(3, 6);
            // an unsigned URL is refused like for any stream
            assertThat(get(local("http://" + PLAY + ":" + server.httpPort() + "/live/cam_lld.flv")).statusCode()).isEqualTo(403);

            Ffmpeg.Proc flv = ffmpeg.decode(local(lld.flvPlayUrl()), 3);
            Ffmpeg.Proc hls = ffmpeg.decode(local(lld.hlsPlayUrl()), 3);
            assertThat(flv.waitFor(30)).as(flv.stderr()).isZero();
            assertThat(hls.waitFor(40)).as(hls.stderr()).isZero();
            assertThat(FrameCrc.parse(flv.stdout()).tracks().get(0).frames()).isGreaterThan(50);
            assertThat(FrameCrc.parse(hls.stdout()).tracks().get(0).frames()).isGreaterThan(50);

            // the adaptive playlist: the source and the rendition, measured picture sizes and codecs, signed URIs
            String abr = local(urls(node, "cam_abr").hlsPlayUrl());
            HttpResponse<String> master = get(abr);
            assertThat(master.statusCode()).as(master.body()).isEqualTo(200);
            List<M3u8.Variant> variants = M3u8.parseMaster(master.body());
            assertThat(variants).extracting(M3u8.Variant::resolution).containsExactly("1280x720", "640x360");
            M3u8.Variant low = variants.get(1);
            assertThat(low.bandwidth()).isEqualTo(464_000);
            assertThat(low.codecs()).matches("avc1\\.640[0-9a-f]{3},mp4a\\.40\\.2");
            assertThat(low.uri()).startsWith("cam_lld.m3u8?auth_key=");
            assertThat(variants.get(0).bandwidth()).as("measured source bitrate").isBetween(1_500_000L, 3_000_000L);
            String variantUrl = abr.substring(0, abr.lastIndexOf('/') + 1) + low.uri();
            HttpResponse<String> variantPlaylist = get(variantUrl);
            assertThat(variantPlaylist.statusCode()).as(variantPlaylist.body()).isEqualTo(200);
            assertThat(M3u8.parse(variantPlaylist.body()).segments()).isNotEmpty();
            Ffmpeg.Proc abrPlayer = ffmpeg.decode(abr, 3);
            assertThat(abrPlayer.waitFor(40)).as(abrPlayer.stderr()).isZero();
            assertThat(FrameCrc.parse(abrPlayer.stdout()).tracks()).isNotEmpty();

            // the child is killed: the supervisor starts it again and the rendition comes back
            long pid = job.pid().orElseThrow();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            await().atMost(20, TimeUnit.SECONDS).until(() -> job.pid().isPresent() && job.pid().get() != pid
                    && job.progress().outTimeMicros() > 1_000_000);
            node.awaitPublisher("cam_lld");

            // the source stops: after its grace period no ffmpeg child of the node remains
            ffmpeg.close();
            job.ended().get(30, TimeUnit.SECONDS);
            await().atMost(10, TimeUnit.SECONDS).until(() -> jobChildren().isEmpty());
            assertThat(server.supervisor().active()).isZero();
            assertThat(server.streamJobs().jobs()).isEmpty();
        }
    }

    @Test
    void aLazyCustomRenditionStartsOnItsFirstViewerAndStopsWithoutViewers(@TempDir Path data) throws Exception {
        try (TestNode node = TestNode.withAuth(data); Ffmpeg ffmpeg = new Ffmpeg()) {
            LiveCloudServer server = node.server;
            server.transcoding().setIdleStop(Duration.ofSeconds(3));
            AddCustomLiveStreamTranscodeRequest custom = new AddCustomLiveStreamTranscodeRequest();
            custom.setDomain(PLAY);
            custom.setApp("live");
            custom.setTemplate("mobile");
            custom.setTemplateType("h264");
            custom.setHeight(240); // no width: the source's aspect ratio is kept
            custom.setFPS(15);
            custom.setVideoBitrate(300);
            custom.setGop("2s");
            custom.setProfile(1);
            custom.setAudioBitrate(48);
            custom.setLazy("yes");
            send(node, custom);

            AddCustomLiveStreamTranscodeRequest bad = new AddCustomLiveStreamTranscodeRequest();
            bad.setDomain(PLAY);
            bad.setApp("live");
            bad.setTemplate("huge");
            bad.setTemplateType("h264");
            bad.setHeight(99_999);
            bad.setFPS(25);
            bad.setVideoBitrate(300);
            assertThatThrownBy(() -> send(node, bad)).isInstanceOf(ClientException.class)
                    .hasMessageContaining("InvalidHeight.Malformed");
            assertThatThrownBy(() -> send(node, standard("lxd", "no"))).isInstanceOf(ClientException.class)
                    .hasMessageContaining("InvalidTemplate.Malformed");
            AddLiveStreamTranscodeRequest onPush = standard("lld", "no");
            onPush.setDomain(PUSH);
            assertThatThrownBy(() -> send(node, onPush)).isInstanceOf(ClientException.class)
                    .hasMessageContaining("InvalidDomain.TypeMismatch");

            ffmpeg.publish(Fixtures.h264Aac720p(40), local(urls(node, "cam").pushUrl()));
            node.awaitPublisher("cam");
            Thread.sleep(1500);
            StreamKey source = new StreamKey(PUSH, "live", "cam");
            assertThat(server.streamJobs().jobsOf(source)).as("lazy: nothing runs before a viewer").isEmpty();

            // the first viewer waits while the rendition starts
            Probe p = probe(ffmpeg, local(urls(node, "cam_mobile").rtmpPlayUrl()), 6);
            assertThat(p.width() + "x" + p.height()).isEqualTo("426x240");
            assertThat(p.profile()).contains("Baseline");
            assertThat(p.frameRate()).isEqualTo("15/1");
            assertThat(p.videoKbps()).as("video bitrate of the custom template (300 kbit/s)").isBetween(300 * 0.85, 300 * 1.15);
            StreamJobs.StreamJob job = server.streamJobs().jobsOf(source).get(0);
            assertThat(job.id()).isEqualTo(TranscodePlanner.jobId("mobile"));

            // nobody watches any more: stopped after the idle time, though the source goes on
            job.job().ended().get(20, TimeUnit.SECONDS);
            assertThat(server.streamJobs().jobsOf(source)).isEmpty();
            assertThat(server.hub().find(source).isLive()).isTrue();

            // a first HLS viewer starts it again, and waits for its first segment
            HttpResponse<String> playlist = get(local(urls(node, "cam_mobile").hlsPlayUrl()));
            assertThat(playlist.statusCode()).as(playlist.body()).isEqualTo(200);
            M3u8 restarted = M3u8.parse(playlist.body());
            assertThat(restarted.segments()).isNotEmpty();
            assertThat(restarted.ended()).as("the playlist of the restarted rendition, not the ended one").isFalse();
            assertThat(server.streamJobs().jobsOf(source)).hasSize(1);
            FfmpegJob restartedJob = server.streamJobs().jobsOf(source).get(0).job();

            DeleteLiveStreamTranscodeRequest delete = new DeleteLiveStreamTranscodeRequest();
            delete.setDomain(PLAY);
            delete.setApp("live");
            delete.setTemplate("mobile");
            send(node, delete);
            restartedJob.ended().get(15, TimeUnit.SECONDS); // unbound: the running rendition stops
            DescribeLiveStreamTranscodeInfoRequest describe = new DescribeLiveStreamTranscodeInfoRequest();
            describe.setDomainTranscodeName(PLAY);
            assertThat(send(node, describe).getDomainTranscodeList()).isEmpty();
            assertThatThrownBy(() -> send(node, delete)).isInstanceOf(ClientException.class)
                    .hasMessageContaining("InvalidConfig.NotFound");
        }
    }

    @Test
    void renditionsPastTheJobLimitAreRefusedAndAClientPushKeepsARenditionsName(@TempDir Path data) throws Exception {
        ServerConfig config = TestNode.config(data).withProcessing(new ServerConfig.Processing(null, 1));
        try (TestNode node = new TestNode(config, false); Ffmpeg ffmpeg = new Ffmpeg()) {
            LiveCloudServer server = node.server;
            send(node, standard("lld,lsd", "no"));
            // a client already pushes cam_lsd: that name stays theirs, the rendition is not started
            ffmpeg.publish(Fixtures.h264Aac(30), node.rtmp("cam_lsd"));
            node.awaitPublisher("cam_lsd");
            ffmpeg.publish(Fixtures.h264Aac(30), node.rtmp("cam"));
            StreamKey source = new StreamKey(PUSH, "live", "cam");
            await().atMost(20, TimeUnit.SECONDS).until(() -> server.streamJobs().jobsOf(source).size() == 1);
            assertThat(server.streamJobs().jobsOf(source).get(0).id()).isEqualTo(TranscodePlanner.jobId("lld"));

            assertThat(server.streamJobs().jobsOf(new StreamKey(PUSH, "live", "cam_lsd")))
                    .as("a stream named like a rendition is not transcoded again").isEmpty();

            // a second source finds the one job slot taken: both its renditions are refused with the limit named
            ffmpeg.publish(Fixtures.h264Aac(30), node.rtmp("cam2"));
            await().atMost(20, TimeUnit.SECONDS).until(() -> server.streamJobs().recentFailures().size() == 2);
            assertThat(server.streamJobs().recentFailures()).allSatisfy(f -> {
                assertThat(f.source()).isEqualTo(new StreamKey(PUSH, "live", "cam2"));
                assertThat(f.kind()).isEqualTo(TranscodePlanner.KIND);
                assertThat(f.reason()).contains("the limit (processing.maxJobs)");
            });
            assertThat(server.supervisor().refusedTotal()).isEqualTo(2);
            assertThat(server.streamJobs().jobs()).hasSize(1);

            // the API shows the running rendition with ffmpeg's progress, and the refusals with their reason
            CommonRequest jobs = new CommonRequest();
            jobs.setSysDomain("127.0.0.1:" + server.apiPort());
            jobs.setSysProtocol(ProtocolType.HTTP);
            jobs.setSysVersion("2016-11-01");
            jobs.setSysAction("DescribeLiveStreamTranscodeJobs");
            jobs.putQueryParameter("DomainName", PLAY);
            JsonNode answer = JSON.readTree(new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai",
                    server.accessKey().id(), server.accessKey().secret())).getCommonResponse(jobs).getData());
            JsonNode running = answer.path("TranscodeJobs").path("TranscodeJob");
            assertThat(running).hasSize(1);
            assertThat(running.get(0).path("TranscodedStream").asText()).isEqualTo("cam_lld");
            assertThat(running.get(0).path("State").asText()).isEqualTo("running");
            assertThat(running.get(0).path("Pid").asLong()).isPositive();
            JsonNode refusedStarts = answer.path("RefusedStarts").path("RefusedStart");
            assertThat(refusedStarts).hasSize(2);
            assertThat(refusedStarts.get(0).path("StreamName").asText()).isEqualTo("cam2");
            assertThat(refusedStarts.get(0).path("Reason").asText()).contains("processing.maxJobs");

            // and /metrics counts them for the operator's dashboards
            String metrics = get(node.api("/metrics")).body();
            assertThat(metrics).containsPattern("(?m)^livecloud_ffmpeg_jobs\\{kind=\"transcode\"} 1\\.0$")
                    .containsPattern("(?m)^livecloud_ffmpeg_jobs\\{kind=\"record\"} 0\\.0$")
                    .containsPattern("(?m)^livecloud_ffmpeg_starts_refused_total 2\\.0$")
                    .containsPattern("(?m)^livecloud_ffmpeg_starts_total 1\\.0$");
        }
    }
}
