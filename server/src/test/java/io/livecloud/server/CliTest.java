package io.livecloud.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code livecloud domain|auth|urls} in-process against a running node, through its signed OpenAPI. */
class CliTest {
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = new TestNode(dir, HubSettings.defaults());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
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
    void addListMapShowAndUrls() throws Exception {
        Run add = cli("domain", "add", "push.cli.example.com", "--type", "push", "--region", "cn-shanghai");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).contains("added push domain push.cli.example.com").contains("push.cli.example.com.livecloud.internal");
        assertThat(cli("domain", "add", "play.cli.example.com", "--type", "play", "--region", "cn-shanghai").exit()).isZero();

        Run list = cli("domain", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("DOMAIN").contains("push.cli.example.com").contains("play.cli.example.com")
                .contains(node.server.catalog().settings().defaultPushDomain()); // the demo domains are there too
        JsonNode json = cli("domain", "list", "--type", "play", "--json").json();
        List<String> plays = new ArrayList<>();
        json.path("Domains").path("PageData").forEach(d -> plays.add(d.path("DomainName").asText()));
        assertThat(plays).contains("play.cli.example.com").doesNotContain("push.cli.example.com");
        assertThat(json.path("TotalCount").asInt()).isEqualTo(plays.size());

        Run map = cli("domain", "map", "push.cli.example.com", "play.cli.example.com");
        assertThat(map.exit()).as(map.err()).isZero();
        assertThat(node.server.catalog().pushDomainOf("play.cli.example.com")).contains("push.cli.example.com");
        Run show = cli("domain", "show", "play.cli.example.com");
        assertThat(show.out()).contains("Push domain").contains("push.cli.example.com").contains("online");
        assertThat(cli("domain", "show", "play.cli.example.com", "--json").json().path("DomainDetail").path("LiveDomainType")
                .asText()).isEqualTo("liveVideo");

        Run urls = cli("urls", "--play-domain", "play.cli.example.com", "--app", "live", "--stream", "cam1");
        assertThat(urls.exit()).as(urls.err()).isZero();
        assertThat(urls.out()).contains("rtmp://push.cli.example.com:" + node.server.rtmpPort() + "/live/cam1?auth_key=")
                .contains("http://play.cli.example.com:" + node.server.httpPort() + "/live/cam1.flv?auth_key=")
                .contains("/live/cam1.m3u8?auth_key=");
        JsonNode u = cli("urls", "--play-domain", "play.cli.example.com", "--app", "live", "--stream", "cam1",
                "--template", "lhd", "--json").json();
        assertThat(u.path("FlvPlayUrl").asText()).contains("/live/cam1_lhd.flv?auth_key=");
        assertThat(u.path("PushUrl").asText()).contains("/live/cam1?auth_key=");

        assertThat(cli("domain", "stop", "play.cli.example.com").exit()).isZero();
        assertThat(node.server.catalog().get("play.cli.example.com").online()).isFalse();
        assertThat(cli("domain", "start", "play.cli.example.com").exit()).isZero();
        assertThat(cli("domain", "unmap", "push.cli.example.com", "play.cli.example.com").exit()).isZero();
        assertThat(cli("domain", "rm", "play.cli.example.com").exit()).isZero();
        assertThat(node.server.catalog().view().domain("play.cli.example.com")).isNull();
    }

    @Test
    void authSetAndShowMaskedOrRevealed() throws Exception {
        assertThat(cli("domain", "add", "auth.cli.example.com", "--type", "play", "--region", "cn-shanghai").exit()).isZero();
        Run set = cli("auth", "set", "auth.cli.example.com", "--key", "mysecretkey123", "--backup-key", "backupkey456",
                "--validity", "900");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("on (type A)").contains("900 s").doesNotContain("mysecretkey123");
        var auth = node.server.catalog().get("auth.cli.example.com").auth();
        assertThat(auth.primaryKey()).isEqualTo("mysecretkey123");
        assertThat(auth.backupKey()).isEqualTo("backupkey456");
        assertThat(auth.validitySeconds()).isEqualTo(900);

        Run masked = cli("auth", "show", "auth.cli.example.com");
        assertThat(masked.out()).contains("my********23").doesNotContain("mysecretkey123").doesNotContain("backupkey456");
        assertThat(cli("auth", "show", "auth.cli.example.com", "--reveal").out()).contains("mysecretkey123").contains("backupkey456");

        assertThat(cli("auth", "set", "auth.cli.example.com", "--off").exit()).isZero();
        assertThat(node.server.catalog().get("auth.cli.example.com").auth().enabled()).isFalse();
        assertThat(node.server.catalog().get("auth.cli.example.com").auth().primaryKey()).isEqualTo("mysecretkey123");
        assertThat(cli("auth", "show", "auth.cli.example.com").out()).contains("URL auth").contains("off");
        JsonNode json = cli("auth", "show", "auth.cli.example.com", "--json").json();
        assertThat(json.path("DomainConfigs").path("DomainConfig").get(0).path("FunctionName").asText()).isEqualTo("aliauth");
        assertThat(cli("auth", "set", "auth.cli.example.com", "--on").exit()).isZero();
        assertThat(node.server.catalog().get("auth.cli.example.com").auth().enabled()).isTrue();
        Run oldRule = cli("auth", "set", "auth.cli.example.com", "--timestamp-rule", "is_expiry");
        assertThat(oldRule.exit()).as(oldRule.err()).isZero();
        assertThat(oldRule.out()).contains("is the expiry (older rule)");
        assertThat(node.server.catalog().get("auth.cli.example.com").auth().timestampIsExpiry()).isTrue();
        Run badRule = cli("auth", "set", "auth.cli.example.com", "--timestamp-rule", "never");
        assertThat(badRule.exit()).isNotZero();
        assertThat(badRule.err()).contains("timestamp_rule must be plus_delta");
    }

    @Test
    void errorsAreOneLineWithTheApisCodeAndExitOne() throws Exception {
        Run wildcard = cli("domain", "add", "*.bad.example", "--type", "push", "--region", "cn-shanghai");
        assertThat(wildcard.exit()).isEqualTo(1);
        assertThat(wildcard.err().strip()).startsWith("livecloud: InvalidDomainName.Malformed: ").doesNotContain("\n");
        assertThat(wildcard.out()).isEmpty();

        Run unknown = cli("domain", "show", "nope.cli.example.com");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("InvalidDomain.NotFound");
        Run unknownJson = cli("domain", "show", "nope.cli.example.com", "--json");
        assertThat(unknownJson.exit()).isEqualTo(1);
        assertThat(unknownJson.json().path("Code").asText()).isEqualTo("InvalidDomain.NotFound");

        Run badKey = cli("auth", "set", node.server.catalog().settings().defaultPlayDomain(), "--key", "x!");
        assertThat(badKey.exit()).isEqualTo(1);
        assertThat(badKey.err()).contains("InvalidAuthKey.Malformed");

        // usage errors: exit 2, nothing sent
        assertThat(cli("domain").exit()).isEqualTo(2);
        assertThat(cli("domain", "add", "x.example.com").exit()).isEqualTo(2);
        assertThat(cli("domain", "add", "x.example.com", "--type", "sideways", "--region", "cn-shanghai").exit()).isEqualTo(2);
        assertThat(cli("domain", "list", "--bogus", "1").exit()).isEqualTo(2);
        assertThat(cli("auth", "set", "x.example.com").exit()).isEqualTo(2);
        assertThat(cli("urls", "--play-domain", "x.example.com").exit()).isEqualTo(2);

        // no node there: one line, exit 1
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new String[]{"domain", "list", "--api", "http://127.0.0.1:1", "--data-dir", dir.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach the API at http://127.0.0.1:1/");

        // no credentials
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        int exit2 = Main.run(new String[]{"domain", "list", "--api", "http://127.0.0.1:" + node.server.apiPort(), "--data-dir",
                dir.resolve("nowhere").toString()}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err2, true, StandardCharsets.UTF_8));
        assertThat(exit2).isEqualTo(2);
        assertThat(err2.toString(StandardCharsets.UTF_8)).contains("no AccessKey").contains("access-key.properties");
    }

    @Test
    void helpListsTheCommands() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Main.run(new String[]{"help"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("domain add NAME").contains("auth set DOMAIN").contains("urls --play-domain");
    }
}
