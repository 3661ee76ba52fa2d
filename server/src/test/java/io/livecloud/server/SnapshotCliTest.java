package io.livecloud.server;

import io.livecloud.control.snapshot.SnapshotShot;
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

/** {@code livecloud snapshot …} in-process against a running node, through the OpenAPI. */
class SnapshotCliTest {
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
    void addUpdateListShotsAndRemove(@TempDir Path dir) {
        try (TestNode node = new TestNode(dir, HubSettings.defaults())) {
            String push = node.server.catalog().settings().defaultPushDomain();
            String play = node.server.catalog().settings().defaultPlayDomain();
            Run add = cli(node, dir, "snapshot", "add", play, "live", "--interval", "10", "--overwrite",
                    "{AppName}/{StreamName}.jpg");
            assertThat(add.exit()).as(add.err()).isZero();
            assertThat(add.out()).contains("a snapshot every 10 s");
            Run twice = cli(node, dir, "snapshot", "add", push, "live", "--interval", "10", "--overwrite", "a.jpg");
            assertThat(twice.exit()).isEqualTo(1);
            assertThat(twice.err()).contains("ConfigAlreadyExists");
            Run none = cli(node, dir, "snapshot", "add", push, "other", "--interval", "10");
            assertThat(none.exit()).isNotZero();
            assertThat(none.err()).contains("--overwrite NAME and/or --sequence NAME is required");
            Run bucket = cli(node, dir, "snapshot", "add", push, "other", "--interval", "10", "--overwrite", "a.jpg",
                    "--bucket", "my-bucket");
            assertThat(bucket.exit()).isEqualTo(1);
            assertThat(bucket.err()).contains("InvalidOssBucket.Unavailable").contains("OssBucket must be empty");

            Run update = cli(node, dir, "snapshot", "update", push, "live", "--sequence", "s/{StreamName}/{UnixTimestamp}.jpg");
            assertThat(update.exit()).as(update.err()).isZero();
            Run list = cli(node, dir, "snapshot", "list", play);
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).contains("1 configuration(s)");
            assertThat(list.out().lines().filter(l -> l.contains("live")).findFirst().orElseThrow())
                    .contains(push).contains("10 s").contains("{AppName}/{StreamName}.jpg")
                    .contains("s/{StreamName}/{UnixTimestamp}.jpg").contains("(local)");

            // the index as the collector fills it, listed by the CLI
            Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
            node.server.snapshots().record(new SnapshotShot(push, "live", "cam", "", "", "live/cam.jpg", true, 1280,
                    720, "file:///x/live/cam.jpg", 5000, now.minusSeconds(5)));
            node.server.snapshots().record(new SnapshotShot(push, "live", "cam", "", "", "s/cam/1.jpg", false, 1280,
                    720, "file:///x/s/cam/1.jpg", 5000, now.minusSeconds(5)));
            Run shots = cli(node, dir, "snapshot", "shots", play, "live", "cam");
            assertThat(shots.exit()).as(shots.err()).isZero();
            assertThat(shots.out()).contains("2 snapshot(s)").contains("overwrite").contains("sequence")
                    .contains("s/cam/1.jpg").contains("1280x720");
            Run limited = cli(node, dir, "snapshot", "shots", play, "live", "cam", "--limit", "1", "--desc");
            assertThat(limited.out()).contains("1 snapshot(s); more from");

            assertThat(cli(node, dir, "snapshot", "rm", push, "live").exit()).isZero();
            Run gone = cli(node, dir, "snapshot", "rm", push, "live");
            assertThat(gone.exit()).isEqualTo(1);
            assertThat(gone.err()).contains("InvalidConfig.NotFound");
            assertThat(cli(node, dir, "snapshot", "list", push).out()).contains("0 configuration(s)");
        }
    }
}
