package io.livecloud.server;

import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code livecloud transcode …} in-process against a running node, through the OpenAPI. */
class TranscodeCliTest {
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
    void addListAndRemoveTemplates(@TempDir Path dir) {
        try (TestNode node = new TestNode(dir, HubSettings.defaults())) {
            String play = node.server.catalog().settings().defaultPlayDomain();
            Run add = cli(node, dir, "transcode", "add", play, "live", "lld,lhd");
            assertThat(add.exit()).as(add.err()).isZero();
            assertThat(add.out()).contains("lld,lhd bound").contains("when the source goes live");
            Run custom = cli(node, dir, "transcode", "add-custom", play, "*", "mobile", "--height", "240", "--fps", "15",
                    "--video-bitrate", "300", "--profile", "baseline", "--lazy");
            assertThat(custom.exit()).as(custom.err()).isZero();
            assertThat(custom.out()).contains("on their first viewer");

            Run list = cli(node, dir, "transcode", "list", play);
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).contains("3 template(s)");
            assertThat(list.out().lines().filter(l -> l.contains("lld")).findFirst().orElseThrow())
                    .contains("autox360").contains("25").contains("400kbps").contains("50 frames").contains("high")
                    .contains("aac 64kbps").contains("with source");
            assertThat(list.out().lines().filter(l -> l.contains("mobile")).findFirst().orElseThrow())
                    .contains("*").contains("autox240").contains("baseline").contains("first viewer");

            Run twice = cli(node, dir, "transcode", "add", play, "live", "lld");
            assertThat(twice.exit()).isEqualTo(1);
            assertThat(twice.err()).contains("ConfigAlreadyExists");
            Run bad = cli(node, dir, "transcode", "add-custom", play, "live", "x", "--height", "240", "--fps", "15",
                    "--video-bitrate", "300", "--profile", "ultra");
            assertThat(bad.exit()).isNotZero();
            assertThat(bad.err()).contains("--profile is baseline, main or high");

            assertThat(cli(node, dir, "transcode", "rm", play, "live", "lhd").exit()).isZero();
            assertThat(cli(node, dir, "transcode", "list", play, "--app", "live").out()).contains("1 template(s)")
                    .doesNotContain("lhd");
            assertThat(cli(node, dir, "transcode", "list", play, "--json").out()).contains("\"DomainTranscodeInfo\"");
            Run jobs = cli(node, dir, "transcode", "jobs");
            assertThat(jobs.exit()).as(jobs.err()).isZero();
            assertThat(jobs.out()).contains("RENDITION").contains("0 rendition(s) running");
        }
    }
}
