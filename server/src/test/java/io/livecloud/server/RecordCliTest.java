package io.livecloud.server;

import io.livecloud.control.record.RecordFile;
import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code livecloud record …} in-process against a running node, through the OpenAPI. */
class RecordCliTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run cli(TestNode node, Path dir, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--api", "http://127.0.0.1:" + node.server.apiPort(), "--data-dir", dir.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void addListFilesAndRemoveConfigurations(@TempDir Path dir) {
        try (TestNode node = new TestNode(dir, HubSettings.defaults())) {
            String push = node.server.catalog().settings().defaultPushDomain();
            String play = node.server.catalog().settings().defaultPlayDomain();
            Run add = cli(node, dir, "record", "add", play, "live", "--format", "mp4,m3u8", "--cycle", "600",
                    "--slice", "10");
            assertThat(add.exit()).as(add.err()).isZero();
            assertThat(add.out()).contains("recording mp4,m3u8 to the node's storage directory");
            Run one = cli(node, dir, "record", "add", push, "live", "--stream", "cam", "--format", "flv", "--prefix",
                    "cams/{StreamName}/{UnixTimestamp}", "--on-demand", "--delay", "60");
            assertThat(one.exit()).as(one.err()).isZero();
            assertThat(one.out()).contains("stream cam").contains("?record=1 only");

            Run list = cli(node, dir, "record", "list", play);
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).contains("2 configuration(s)");
            assertThat(list.out().lines().filter(l -> l.contains("m3u8")).findFirst().orElseThrow()).contains(push)
                    .contains("*").contains("600s").contains("{EscapedStartTime}_{EscapedEndTime}.m3u8")
                    .contains("local").contains("always").contains("180s");
            assertThat(list.out().lines().filter(l -> l.contains("flv")).findFirst().orElseThrow()).contains("cam")
                    .contains("cams/{StreamName}/{UnixTimestamp}.flv").contains("?record=1").contains("60s");

            Run twice = cli(node, dir, "record", "add", push, "live", "--format", "flv");
            assertThat(twice.exit()).isEqualTo(1);
            assertThat(twice.err()).contains("ConfigAlreadyExists");
            Run noStorage = cli(node, dir, "record", "add", push, "vod", "--format", "flv", "--bucket", "recordings");
            assertThat(noStorage.exit()).isEqualTo(1);
            assertThat(noStorage.err()).contains("InvalidOssBucket.Unavailable").contains("storage.s3");
            Run badCycle = cli(node, dir, "record", "add", push, "vod", "--format", "flv", "--cycle", "5");
            assertThat(badCycle.exit()).isEqualTo(1);
            assertThat(badCycle.err()).contains("InvalidCycleDuration.Malformed").contains("15-21600");
            Run noFormat = cli(node, dir, "record", "add", push, "vod");
            assertThat(noFormat.exit()).isNotZero();
            assertThat(noFormat.err()).contains("--format is required");

            Instant start = Instant.now().minusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            node.server.store().saveRecordFile(new RecordFile("id-1", push, "live", "cam", "flv", "", "",
                    "cams/cam/" + start.getEpochSecond() + ".flv", "file:///x.flv", 60.5, 640, 360, start,
                    start.plusSeconds(60), start.plusSeconds(61)));
            Run files = cli(node, dir, "record", "files", play, "live", "cam");
            assertThat(files.exit()).as(files.err()).isZero();
            assertThat(files.out()).contains("1 file(s)").contains("cams/cam/" + start.getEpochSecond() + ".flv")
                    .contains("60.5s").contains("640x360").contains(start.toString());
            assertThat(cli(node, dir, "record", "files", push, "live", "cam", "--to", start.toString()).out())
                    .contains("0 file(s)");
            assertThat(cli(node, dir, "record", "files", push, "live", "cam", "--json").out())
                    .contains("\"RecordIndexInfo\"");

            Run noCallback = cli(node, dir, "record", "notify", play);
            assertThat(noCallback.exit()).isEqualTo(1);
            assertThat(noCallback.err()).contains("InvalidConfig.NotFound");
            assertThat(cli(node, dir, "record", "notify", play, "http://127.0.0.1:9/recorded").out())
                    .contains("POSTed to http://127.0.0.1:9/recorded");
            assertThat(cli(node, dir, "record", "notify", push).out()).contains(push)
                    .contains("http://127.0.0.1:9/recorded");
            Run badUrl = cli(node, dir, "record", "notify", push, "ftp://x");
            assertThat(badUrl.exit()).isEqualTo(1);
            assertThat(badUrl.err()).contains("InvalidNotifyUrl.Malformed");
            assertThat(cli(node, dir, "record", "notify", push, "--off").exit()).isZero();
            assertThat(cli(node, dir, "record", "notify", push).exit()).isEqualTo(1);

            assertThat(cli(node, dir, "record", "rm", push, "live", "--stream", "cam").exit()).isZero();
            assertThat(cli(node, dir, "record", "list", push).out()).contains("1 configuration(s)");
            Run gone = cli(node, dir, "record", "rm", push, "live", "--stream", "cam");
            assertThat(gone.exit()).isEqualTo(1);
            assertThat(gone.err()).contains("InvalidConfig.NotFound");
        }
    }
}
