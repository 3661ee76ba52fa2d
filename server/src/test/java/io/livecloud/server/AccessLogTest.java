package io.livecloud.server;

import io.livecloud.control.accesslog.AccessLog;
import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Access logs written for real sessions of ffmpeg publishing and playing, and their retention. */
class AccessLogTest {
    @TempDir
    static Path dir;
    private static TestNode node;

    @BeforeAll
    static void start() {
        node = new TestNode(dir.resolve("data"), HubSettings.defaults().withPublisherGraceMillis(0).withPlayWaitMillis(10_000));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void oneLinePerFinishedSessionInTheDomainsFileOfTheDay() throws Exception {
        String push = node.server.catalog().settings().defaultPushDomain();
        try (Ffmpeg ffmpeg = new Ffmpeg()) {
            Ffmpeg.Proc player = ffmpeg.decode(node.flv("logged") + "?room=7&auth_key=secret-never-logged", 20);
            node.awaitPlayers("logged", 1);
            Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(2), node.rtmp("logged?room=7"));
            assertThat(publisher.waitFor(30)).isZero();
            assertThat(player.waitFor(30)).isZero();
        }
        Path file = node.server.accessLog().file(push, LocalDate.now(ZoneOffset.UTC));
        await().atMost(10, TimeUnit.SECONDS).until(() -> Files.exists(file) && Files.readAllLines(file).size() >= 2);
        List<String> lines = Files.readAllLines(file);
        String publish = lines.stream().filter(l -> l.contains(" rtmp publish ")).findFirst().orElseThrow();
        String play = lines.stream().filter(l -> l.contains(" http-flv play ")).findFirst().orElseThrow();
        assertThat(publish).matches("\\[\\d{4}-\\d\\d-\\d\\dT[^]]+Z] " + push.replace(".", "\\.")
                + " live/logged rtmp publish 127\\.0\\.0\\.1 \"FMLE/3\\.0[^\"]*\" 200 [1-9]\\d* [1-9]\\d* "
                + "\"rtmp://127\\.0\\.0\\.1/live/logged\\?room=7\" \"unpublished by client\"");
        assertThat(play).contains(" 127.0.0.1 \"Lavf/").contains("\"http-flv://127.0.0.1/live/logged.flv?room=7\"")
                .doesNotContain("secret-never-logged").doesNotContain("auth_key");
        long bytes = Long.parseLong(play.split(" ")[8]);
        assertThat(bytes).as("bytes sent to the player").isGreaterThan(100_000);

        // DescribeLiveDomainLog through the official SDK: the day's file with a download link that works
        com.aliyuncs.DefaultAcsClient client = new com.aliyuncs.DefaultAcsClient(com.aliyuncs.profile.DefaultProfile
                .getProfile("cn-shanghai", node.server.accessKey().id(), node.server.accessKey().secret()));
        com.aliyuncs.live.model.v20161101.DescribeLiveDomainLogRequest list = new com.aliyuncs.live.model.v20161101.DescribeLiveDomainLogRequest();
        list.setSysEndpoint("127.0.0.1:" + node.server.apiPort());
        list.setSysProtocol(com.aliyuncs.http.ProtocolType.HTTP);
        list.setDomainName(push);
        var detail = client.getAcsResponse(list).getDomainLogDetails().get(0);
        assertThat(detail.getLogCount()).isEqualTo(1);
        var info = detail.getLogInfos().get(0);
        assertThat(info.getLogName()).isEqualTo(file.getFileName().toString());
        assertThat(info.getLogSize()).isEqualTo(Files.size(file));
        assertThat(info.getLogPath()).startsWith("http://127.0.0.1:" + node.server.apiPort() + "/logs/" + push + "/");
        var downloaded = HlsEndToEndTest.get(info.getLogPath());
        assertThat(downloaded.statusCode()).isEqualTo(200);
        assertThat(new String(downloaded.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(Files.readString(file));
        String tampered = info.getLogPath().replace(push + "_", "other_");
        assertThat(HlsEndToEndTest.get(tampered).statusCode()).isEqualTo(403);
        assertThat(HlsEndToEndTest.get(info.getLogPath().replaceAll("Expires=\\d+", "Expires=9999999999")).statusCode())
                .as("the expiry is signed too").isEqualTo(403);
        assertThat(HlsEndToEndTest.get("http://127.0.0.1:" + node.server.apiPort() + "/logs/../../livecloud.mv.db").statusCode())
                .isIn(403, 404);
    }

    @Test
    void filesOlderThanTheRetentionAreDeleted() throws Exception {
        Path logs = dir.resolve("retention");
        Clock clock = Clock.fixed(Instant.parse("2030-01-31T12:00:00Z"), ZoneOffset.UTC);
        AccessLog log = new AccessLog(logs, 30, clock);
        try {
            Path old = log.file("a.example.com", LocalDate.parse("2029-12-31"));
            Path kept = log.file("a.example.com", LocalDate.parse("2030-01-01"));
            Files.createDirectories(old.getParent());
            Files.writeString(old, "x\n");
            Files.writeString(kept, "y\n");
            await().atMost(5, TimeUnit.SECONDS).until(() -> !Files.exists(old));
            assertThat(kept).exists();
        } finally {
            log.close();
        }
    }
}
