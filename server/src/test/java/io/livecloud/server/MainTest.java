package io.livecloud.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    private static int run(String... args) {
        return Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void flagsOverrideTheConfigFileWhichOverridesDefaults(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("livecloud.yaml");
        Files.writeString(yaml, """
                rtmp:
                  port: 2935
                http:
                  port: 9080
                media:
                  publisherGraceMillis: 7000
                  playWaitMillis: 1500
                """);
        ServerConfig c = Main.parseServeOptions(new ArrayDeque<>(List.of("--config", yaml.toString(), "--http-port", "9999",
                "--data-dir", dir.toString())));
        assertThat(c.rtmpPort()).isEqualTo(2935);
        assertThat(c.httpPort()).isEqualTo(9999);
        assertThat(c.apiPort()).isEqualTo(8090);
        assertThat(c.dataDir()).isEqualTo(dir);
        assertThat(c.hub().publisherGraceMillis()).isEqualTo(7000);
        assertThat(c.hub().playWaitMillis()).isEqualTo(1500);
    }

    @Test
    void objectStorageKeysComeFromTheFileOrTheEnvironmentAndTheSecretIsNeverPrinted(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("s3.yaml");
        Files.writeString(yaml, """
                storage:
                  s3:
                    endpoint: http://127.0.0.1:9000
                    accessKeyId: from-file
                """);
        ServerConfig c = Main.parseServeOptions(new ArrayDeque<>(List.of("--config", yaml.toString())));
        assertThat(c.storage().configured()).isTrue();
        assertThat(c.storage().s3Region()).isEqualTo("us-east-1");
        ServerConfig.Storage s = c.storage().withEnvironment(java.util.Map.of("LIVECLOUD_S3_ACCESS_KEY_ID", "from-env",
                "LIVECLOUD_S3_SECRET_ACCESS_KEY", "env-secret"));
        assertThat(s.s3AccessKeyId()).as("the file wins").isEqualTo("from-file");
        assertThat(s.s3SecretAccessKey()).isEqualTo("env-secret");
        assertThat(s.toString()).doesNotContain("env-secret");
        assertThat(ServerConfig.defaults().storage().configured()).isFalse();

        // an endpoint without a secret anywhere is refused at start, saying what to set
        ServerConfig noSecret = c.withDataDir(dir.resolve("d")).withBindAddress("127.0.0.1").withPorts(0, 0, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LiveCloudServer.start(noSecret).close())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage.s3.secretAccessKey");
    }

    @Test
    void badInputIsAOneLineErrorAndExitCodeTwo(@TempDir Path dir) throws Exception {
        assertThat(run("bogus")).isEqualTo(2);
        assertThat(run("serve", "--rtmp-port", "70000")).isEqualTo(2);
        assertThat(run("serve", "--rtmp-port")).isEqualTo(2);
        assertThat(run("serve", "--nope", "1")).isEqualTo(2);
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "rtmp:\n  port: lots\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Main.run(new String[]{"serve", "--config", yaml.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err))).isEqualTo(2);
        assertThat(err.toString()).contains("rtmp.port must be a number");
        assertThat(run("help")).isZero();
        assertThat(run("version")).isZero();
    }

    @Test
    void serveStartsWithNoConfigAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--bind", "127.0.0.1",
                "--rtmp-port", "0", "--http-port", "0", "--api-port", "0", "--data-dir", dir.resolve("data").toString()));
        Path log = dir.resolve("out.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(log).contains("Press Ctrl-C to stop") && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(log)).contains("LiveCloud listening").contains("Play HTTP-FLV:")
                    .contains("Play HLS:").contains("/live/demo.m3u8").contains("Play LL-HLS:").contains("/live/demo/ll.m3u8");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).contains("LiveCloud stopped");
        } finally {
            p.destroyForcibly();
        }
        assertThat(Files.isDirectory(dir.resolve("data"))).isTrue();
    }
}
