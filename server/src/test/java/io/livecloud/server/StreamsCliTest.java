package io.livecloud.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code livecloud streams …} in-process against a running node with a real ffmpeg push, through the OpenAPI. */
class StreamsCliTest {
    @TempDir
    static Path dir;
    static TestNode node;
    static String push;
    static String play;
    private final Ffmpeg ffmpeg = new Ffmpeg();

    @BeforeAll
    static void start() {
        node = new TestNode(dir, HubSettings.defaults());
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

    private record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }

        /** The table row that contains {@code text}. */
        String row(String text) {
            return out.lines().filter(l -> l.contains(text)).findFirst()
                    .orElseThrow(() -> new AssertionError("no row with " + text + " in:\n" + out));
        }
    }

    private static Run cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--api", "http://127.0.0.1:" + node.server.apiPort(), "--data-dir", dir.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listViewersForbidBlockedResumeAndHistory() throws Exception {
        Instant t0 = Instant.now().minusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        ffmpeg.publish(Fixtures.h264Aac(30), node.rtmp("clicam"));
        node.awaitPublisher("clicam");
        await().atMost(15, TimeUnit.SECONDS).until(() -> cli("streams", "list").out().contains("25fps"));

        Run list = cli("streams", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("DOMAIN").contains("VIDEO").contains("1 live stream(s)");
        assertThat(list.row("clicam")).contains(push).contains("live").contains("127.0.0.1")
                .contains("h264 640x360 25fps").contains("kbps").contains("aac ");
        assertThat(cli("streams", "list", "--domain", play, "--stream", "nothing-like-it").out()).contains("(none)")
                .contains("0 live stream(s)");
        JsonNode json = cli("streams", "list", "--domain", play, "--json").json();
        assertThat(json.path("OnlineInfo").path("LiveStreamOnlineInfo").get(0).path("Width").asInt()).isEqualTo(640);

        try (FlvHttpClient viewer = new FlvHttpClient(node.server.httpPort(), "/live/clicam.flv")) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> cli("streams", "viewers", "--domain", play).out()
                    .contains("1 viewer(s)"));
            Run viewers = cli("streams", "viewers", "--domain", play);
            assertThat(viewers.row("clicam")).contains("rtmp://" + play + "/live/clicam").contains("http-flv 1");
        }

        Run forbid = cli("streams", "forbid", push, "live", "clicam");
        assertThat(forbid.exit()).as(forbid.err()).isZero();
        assertThat(forbid.out()).contains(push + "/live/clicam forbidden until resumed");
        await().atMost(5, TimeUnit.SECONDS).until(() -> cli("streams", "list").out().contains("0 live stream(s)"));
        String until = Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS).toString();
        assertThat(cli("streams", "forbid", push, "live", "later", "--until", until).exit()).isZero();

        Run blocked = cli("streams", "blocked");
        assertThat(blocked.exit()).as(blocked.err()).isZero();
        assertThat(blocked.row("/live/clicam")).contains(push + "/live/clicam").contains("resumed");
        assertThat(blocked.row("/live/later")).contains(until);
        assertThat(blocked.out()).contains("2 forbidden stream(s)");

        Run resume = cli("streams", "resume", push, "live", "clicam");
        assertThat(resume.exit()).as(resume.err()).isZero();
        assertThat(resume.out()).contains("resumed");
        assertThat(cli("streams", "blocked", "--domain", push).out()).doesNotContain("/live/clicam").contains("1 forbidden");

        Run history = cli("streams", "history", "--domain", push, "--from", t0.toString());
        assertThat(history.exit()).as(history.err()).isZero();
        assertThat(history.row("clicam")).contains("live").contains("127.0.0.1")
                .contains("forbidden by the operator (ForbidLiveStream)");
        assertThat(history.out()).contains("1 publish session(s)");
    }

    @Test
    void refusalsAndUsageErrors() {
        Run notForbidden = cli("streams", "resume", push, "live", "never");
        assertThat(notForbidden.exit()).isEqualTo(1);
        assertThat(notForbidden.err().strip()).startsWith("livecloud: InvalidStream.NotFound: ").doesNotContain("\n");
        Run unknown = cli("streams", "list", "--domain", "nope.example.com");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("InvalidDomain.NotFound");

        assertThat(cli("streams").exit()).isEqualTo(2);
        assertThat(cli("streams", "forbid", push, "live").exit()).isEqualTo(2);
        assertThat(cli("streams", "forbid", push, "live", "x", "--until", "soon").exit()).isEqualTo(2);
        assertThat(cli("streams", "history").exit()).as("--domain is required").isEqualTo(2);
        assertThat(cli("streams", "list", "--bogus", "1").exit()).isEqualTo(2);
    }

    @Test
    void helpListsTheStreamCommands() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Main.run(new String[]{"help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("streams list").contains("streams forbid DOMAIN APP STREAM")
                .contains("streams history --domain D");
    }
}
