package io.livecloud.server;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.CommonRequest;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.live.model.v20161101.AddLiveAppSnapshotConfigRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveSnapshotConfigRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveSnapshotConfigResponse;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamSnapshotInfoRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamSnapshotInfoResponse;
import com.aliyuncs.profile.DefaultProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.control.snapshot.SnapshotShot;
import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.processing.FfmpegJob;
import io.livecloud.processing.snapshot.SnapshotPlanner;
import io.livecloud.processing.storage.LocalObjectStore;
import io.livecloud.processing.storage.StorageResolver;
import io.livecloud.processing.storage.StoredObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots with the official SDK and a real 720p push of 15 s at TimeInterval 5: the sequence objects come at the
 * interval of stream time under their names, each a JPEG at the source's size; the overwrite object is replaced at
 * every shot; DescribeLiveStreamSnapshotInfo lists them; a store that fails for one app costs that app its shots
 * (counted) and nothing else; the jobs end with their streams.
 */
class SnapshotEndToEndTest {
    private static final String PUSH = "push.livecloud.localhost";
    private static final String PLAY = "play.livecloud.localhost";
    private static final String OVERWRITE = "{AppName}/{StreamName}.jpg";
    private static final String SEQUENCE = "snapshot/{AppName}/{StreamName}/{UnixTimestamp}.jpg";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static <R extends AcsRequest<T>, T extends AcsResponse> T send(TestNode node, R request) throws ClientException {
        request.setSysEndpoint("127.0.0.1:" + node.server.apiPort());
        request.setSysProtocol(ProtocolType.HTTP);
        return client(node).getAcsResponse(request);
    }

    private static DefaultAcsClient client(TestNode node) {
        return new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", node.server.accessKey().id(),
                node.server.accessKey().secret()));
    }

    private static AddLiveAppSnapshotConfigRequest config(String domain, String app, int interval, String overwrite,
                                                          String sequence) {
        AddLiveAppSnapshotConfigRequest r = new AddLiveAppSnapshotConfigRequest();
        r.setDomainName(domain);
        r.setAppName(app);
        r.setTimeInterval(interval);
        r.setOverwriteOssObject(overwrite);
        r.setSequenceOssObject(sequence);
        return r;
    }

    private static List<ProcessHandle> jobChildren() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains("lc_internal")).orElse(false))
                .toList();
    }

    @Test
    void aLiveStreamGetsAJpegEveryIntervalUnderBothNamesListedByTheApiAndAFailingStoreHurtsNothingElse(
            @TempDir Path data) throws Exception {
        try (TestNode node = new TestNode(data, HubSettings.defaults().withPublisherGraceMillis(1000));
             Ffmpeg ffmpeg = new Ffmpeg()) {
            LiveCloudServer server = node.server;
            // the play domain stands for its push domain; "broken" stores where a plain file blocks the directory
            send(node, config(PLAY, "live", 5, OVERWRITE, SEQUENCE));
            send(node, config(PUSH, "broken", 5, "blocked/{StreamName}.jpg", null));
            assertThatThrownBy(() -> send(node, config(PUSH, "other", 4, OVERWRITE, null))).isInstanceOf(ClientException.class)
                    .extracting(e -> ((ClientException) e).getErrCode()).isEqualTo("InvalidTimeInterval.Malformed");
            assertThatThrownBy(() -> send(node, config(PUSH, "other", 5, null, "s/{StreamName}.jpg")))
                    .extracting(e -> ((ClientException) e).getErrCode()).isEqualTo("InvalidSequenceOssObject.Malformed");
            DescribeLiveSnapshotConfigRequest describe = new DescribeLiveSnapshotConfigRequest();
            describe.setDomainName(PLAY);
            describe.setAppName("live");
            DescribeLiveSnapshotConfigResponse configs = send(node, describe);
            assertThat(configs.getTotalNum()).isEqualTo(1);
            assertThat(configs.getLiveStreamSnapshotConfigList()).singleElement().satisfies(c -> {
                assertThat(c.getDomainName()).isEqualTo(PUSH);
                assertThat(c.getTimeInterval()).isEqualTo(5);
                assertThat(c.getOverwriteOssObject()).isEqualTo(OVERWRITE);
                assertThat(c.getSequenceOssObject()).isEqualTo(SEQUENCE);
            });

            LocalObjectStore storage = new LocalObjectStore(StorageResolver.defaultLocalRoot(data));
            Files.createDirectories(storage.root());
            Path blocker = Files.writeString(storage.root().resolve("blocked"), "a file where a directory should be");
            Instant pushed = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Path fixture = Fixtures.h264Aac720p(15);
            Ffmpeg.Proc cam = ffmpeg.publish(fixture, node.rtmp("cam"));
            // another name: without app isolation a stream name is unique per domain
            Ffmpeg.Proc broken = ffmpeg.publish(fixture, "rtmp://127.0.0.1:" + server.rtmpPort() + "/broken/bad");
            StreamKey source = new StreamKey(PUSH, "live", "cam");
            StreamKey brokenSource = new StreamKey(PUSH, "broken", "bad");
            await().atMost(15, TimeUnit.SECONDS).until(() -> server.streamJobs().jobsOf(source).size() == 1
                    && server.streamJobs().jobsOf(brokenSource).size() == 1);
            FfmpegJob job = server.streamJobs().jobsOf(source).get(0).job();
            FfmpegJob brokenJob = server.streamJobs().jobsOf(brokenSource).get(0).job();
            assertThat(server.streamJobs().jobsOf(source).get(0).kind()).isEqualTo(SnapshotPlanner.KIND);

            // while the push runs: every version of the overwrite object, and the broken app's failures
            Path overwrite = storage.fileOf("live/cam.jpg");
            Set<String> versions = new LinkedHashSet<>();
            boolean unblocked = false;
            while (cam.isAlive()) {
                if (Files.exists(overwrite)) {
                    versions.add(Arrays.hashCode(Files.readAllBytes(overwrite)) + "/" + Files.getLastModifiedTime(overwrite));
                }
                if (!unblocked && server.snapshotting().failedTotal() >= 2) {
                    // two shots of "broken" were dropped; its stream and job go on, and it recovers once the store does
                    assertThat(brokenJob.ended()).isNotDone();
                    assertThat(server.hub().find(brokenSource).publisher()).isNotNull();
                    Files.delete(blocker);
                    unblocked = true;
                }
                Thread.sleep(100);
            }
            assertThat(cam.waitFor(5)).as(cam.stderr()).isZero();
            assertThat(unblocked).as("the broken app's first two shots failed while its stream was live").isTrue();

            // the stream ends: after its grace period the job reaches the end of its input and no child is left
            job.ended().get(30, TimeUnit.SECONDS);
            brokenJob.ended().get(30, TimeUnit.SECONDS);
            await().atMost(10, TimeUnit.SECONDS).until(() -> jobChildren().isEmpty());
            assertThat(server.streamJobs().jobs()).isEmpty();
            await().atMost(10, TimeUnit.SECONDS).until(() -> !Files.exists(server.snapshotting().workDirOf(source)));

            // 15 s at 5 s: shots at 0, 5 and 10 s of stream time after the first, named by their UNIX second
            List<StoredObject> sequence = storage.list("snapshot/live/cam/");
            assertThat(sequence).hasSize(3);
            List<SnapshotShot> indexed = server.snapshots().shots(PUSH, "live", "cam", pushed.minusSeconds(60),
                    Instant.now().plusSeconds(60), 100, false);
            List<SnapshotShot> sequenced = indexed.stream().filter(s -> !s.overwrite()).toList();
            assertThat(sequenced).extracting(SnapshotShot::ossObject)
                    .containsExactlyElementsOf(sequence.stream().map(StoredObject::key).toList());
            for (int i = 1; i < sequenced.size(); i++) {
                long streamGap = sequenced.get(i).streamMillis() - sequenced.get(i - 1).streamMillis();
                assertThat(streamGap).as("stream time between shots %d and %d", i - 1, i).isBetween(4000L, 6000L);
                long nameGap = Long.parseLong(name(sequenced.get(i))) - Long.parseLong(name(sequenced.get(i - 1)));
                assertThat(nameGap).as("{UnixTimestamp} between shots %d and %d", i - 1, i).isBetween(4L, 6L);
            }
            // ~2 s on a quiet machine (ffmpeg starts, connects, decodes the first keyframe); a loaded one takes longer,
            // while an interval's wait (5 s) before the first shot would put it at 7 s or more
            assertThat(Long.parseLong(name(sequenced.get(0)))).as("the first shot promptly after the push started")
                    .isBetween(pushed.getEpochSecond(), pushed.getEpochSecond() + 6);
            for (StoredObject o : sequence) {
                Ffmpeg.Proc probe = ffmpeg.start("ffprobe", List.of("-v", "error", "-show_entries",
                        "stream=codec_name,width,height", "-of", "json", storage.fileOf(o.key()).toString()));
                assertThat(probe.waitFor(20)).as(probe.stderr()).isZero();
                JsonNode s = JSON.readTree(probe.stdout()).path("streams").path(0);
                assertThat(s.path("codec_name").asText() + " " + s.path("width").asInt() + "x" + s.path("height").asInt())
                        .as(o.key()).isEqualTo("mjpeg 1280x720");
            }
            // the overwrite object: replaced at every shot, and now the last one (the same picture as the newest
            // sequence object)
            assertThat(versions).as("versions of live/cam.jpg seen while pushing").hasSizeGreaterThanOrEqualTo(3);
            assertThat(Files.readAllBytes(overwrite))
                    .isEqualTo(Files.readAllBytes(storage.fileOf(sequence.get(sequence.size() - 1).key())));

            // DescribeLiveStreamSnapshotInfo (SDK): every object, the overwrite one once
            DescribeLiveStreamSnapshotInfoRequest info = new DescribeLiveStreamSnapshotInfoRequest();
            info.setDomainName(PLAY);
            info.setAppName("live");
            info.setStreamName("cam");
            info.setStartTime(pushed.minusSeconds(60).toString());
            info.setEndTime(Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toString());
            info.setLimit(100);
            List<DescribeLiveStreamSnapshotInfoResponse.LiveStreamSnapshotInfo> listed =
                    send(node, info).getLiveStreamSnapshotInfoList();
            assertThat(listed).hasSize(4);
            assertThat(listed).filteredOn(i -> !i.getIsOverlay()).extracting(DescribeLiveStreamSnapshotInfoResponse
                    .LiveStreamSnapshotInfo::getOssObject).containsExactlyElementsOf(sequence.stream().map(StoredObject::key).toList());
            assertThat(listed).filteredOn(DescribeLiveStreamSnapshotInfoResponse.LiveStreamSnapshotInfo::getIsOverlay)
                    .singleElement().satisfies(i -> assertThat(i.getOssObject()).isEqualTo("live/cam.jpg"));

            // ours in the same answer: the picture size and where the object is; Limit pages with NextStartTime
            CommonRequest common = new CommonRequest();
            common.setSysDomain("127.0.0.1:" + server.apiPort());
            common.setSysProtocol(ProtocolType.HTTP);
            common.setSysVersion("2016-11-01");
            common.setSysAction("DescribeLiveStreamSnapshotInfo");
            common.putQueryParameter("DomainName", PUSH);
            common.putQueryParameter("AppName", "live");
            common.putQueryParameter("StreamName", "cam");
            common.putQueryParameter("StartTime", info.getStartTime());
            common.putQueryParameter("EndTime", info.getEndTime());
            common.putQueryParameter("Limit", "2");
            JsonNode answer = JSON.readTree(client(node).getCommonResponse(common).getData());
            JsonNode items = answer.path("LiveStreamSnapshotInfoList").path("StreamSnapshotInfo");
            assertThat(items).hasSize(2);
            assertThat(answer.path("NextStartTime").asText()).isNotEmpty();
            for (JsonNode i : items) {
                assertThat(i.path("Width").asInt() + "x" + i.path("Height").asInt()).isEqualTo("1280x720");
                assertThat(i.path("Url").asText()).isEqualTo(storage.locationOf(i.path("OssObject").asText()));
            }

            // the broken app: its first shots were dropped and counted, the later ones stored once the store worked
            assertThat(broken.waitFor(10)).as(broken.stderr()).isZero();
            assertThat(server.snapshotting().failedTotal()).isBetween(2L, 3L);
            assertThat(storage.stat("blocked/bad.jpg")).isPresent();
            // both counters on /metrics: 3 shots x 2 names of live/cam plus what "broken" stored after its failures
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(node.api("/metrics"))).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("livecloud_snapshots_stored_total " + (double) server.snapshotting().storedTotal())
                    .contains("livecloud_snapshots_failed_total " + (double) server.snapshotting().failedTotal());
            assertThat(server.snapshotting().storedTotal()).isGreaterThanOrEqualTo(3 * 2 + 1);
        }
    }

    @Test
    void deletingTheConfigurationStopsTheJobOfALiveStream(@TempDir Path data) throws Exception {
        try (TestNode node = new TestNode(data, HubSettings.defaults()); Ffmpeg ffmpeg = new Ffmpeg()) {
            LiveCloudServer server = node.server;
            send(node, config(PUSH, "*", 5, OVERWRITE, null));
            ffmpeg.publish(Fixtures.h264Aac720p(15), node.rtmp("cam"));
            StreamKey source = new StreamKey(PUSH, "live", "cam");
            LocalObjectStore storage = new LocalObjectStore(StorageResolver.defaultLocalRoot(data));
            await().atMost(15, TimeUnit.SECONDS).until(() -> storage.stat("live/cam.jpg").isPresent());
            FfmpegJob job = server.streamJobs().jobsOf(source).get(0).job();

            com.aliyuncs.live.model.v20161101.DeleteLiveAppSnapshotConfigRequest delete =
                    new com.aliyuncs.live.model.v20161101.DeleteLiveAppSnapshotConfigRequest();
            delete.setDomainName(PLAY);
            delete.setAppName("*");
            send(node, delete);
            job.ended().get(5, TimeUnit.SECONDS);
            assertThat(server.hub().find(source).publisher()).as("the stream itself goes on").isNotNull();
            assertThat(server.streamJobs().jobsOf(source)).isEmpty();
            assertThatThrownBy(() -> send(node, delete)).extracting(e -> ((ClientException) e).getErrCode())
                    .isEqualTo("InvalidConfig.NotFound");
        }
    }

    /** The {@code {UnixTimestamp}} part of a sequence object name. */
    private static String name(SnapshotShot s) {
        String key = s.ossObject();
        return key.substring(key.lastIndexOf('/') + 1, key.length() - ".jpg".length());
    }
}
