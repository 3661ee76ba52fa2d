package io.livecloud.server;

import io.livecloud.control.auth.UrlAuthTypeA;
import io.livecloud.control.domain.AuthConfig;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainType;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole node stopped and started again keeps every domain, mapping, key and setting and its admin AccessKey, on
 * the embedded H2 file and on a real PostgreSQL server (`--db`), and the media plane enforces the stored keys at
 * once: a push signed with the key set before the restart is let in after it, one signed with the old key is not.
 */
class NodeRestartTest {
    @TempDir
    static Path dir;
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws IOException {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        pg.close();
    }

    private static ServerConfig config(String store) {
        ServerConfig c = TestNode.config(dir.resolve(store));
        return store.equals("postgresql") ? c.withDatabase(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres") : c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void everythingSurvivesARestart(String store) throws Exception {
        String push;
        String oldKey;
        String accessKeyId;
        try (TestNode first = new TestNode(config(store), true)) {
            var catalog = first.server.catalog();
            assertThat(first.server.firstStart()).isTrue();
            push = catalog.settings().defaultPushDomain();
            oldKey = catalog.get(push).auth().primaryKey();
            catalog.add("push.restart.example.com", DomainType.PUSH, catalog.settings().liveCenters().get(0), "domestic");
            catalog.add("play.restart.example.com", DomainType.PLAY, catalog.settings().liveCenters().get(0), "domestic");
            catalog.map("push.restart.example.com", "play.restart.example.com");
            catalog.setAppIsolation("push.restart.example.com", true);
            catalog.stop("play.restart.example.com");
            catalog.setAuth(push, new AuthConfig(true, "restartkey123", "backupkey456", 600, false));
            accessKeyId = first.server.accessKey().id();
        }
        try (TestNode again = new TestNode(config(store), true); Ffmpeg ffmpeg = new Ffmpeg()) {
            var catalog = again.server.catalog();
            assertThat(again.server.firstStart()).as("no second demo pair").isFalse();
            assertThat(again.server.accessKey().id()).isEqualTo(accessKeyId);
            assertThat(catalog.list()).extracting(Domain::name).contains("push.restart.example.com", "play.restart.example.com",
                    push, catalog.settings().defaultPlayDomain());
            assertThat(catalog.pushDomainOf("play.restart.example.com")).hasValue("push.restart.example.com");
            assertThat(catalog.get("push.restart.example.com").appIsolation()).isTrue();
            assertThat(catalog.get("play.restart.example.com").online()).isFalse();
            AuthConfig auth = catalog.get(push).auth();
            assertThat(List.of(auth.primaryKey(), auth.backupKey(), auth.validitySeconds()))
                    .containsExactly("restartkey123", "backupkey456", 600L);

            long now = System.currentTimeMillis() / 1000;
            String base = "rtmp://127.0.0.1:" + again.server.rtmpPort() + "/live/";
            Ffmpeg.Proc stale = ffmpeg.publish(Fixtures.h264Aac(2), base + "old?auth_key=" + UrlAuthTypeA.sign("/live/old", now, "0", "0", oldKey));
            assertThat(stale.waitFor(20)).as("the key replaced before the restart is refused").isNotZero();
            Ffmpeg.Proc fresh = ffmpeg.publish(Fixtures.h264Aac(2), base + "new?auth_key="
                    + UrlAuthTypeA.sign("/live/new", now, "0", "0", "backupkey456"));
            again.awaitPublisher("new");
            assertThat(fresh.waitFor(20)).as(fresh.stderr()).isZero();
        }
    }
}
