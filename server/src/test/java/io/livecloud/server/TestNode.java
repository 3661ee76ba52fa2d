package io.livecloud.server;

import io.livecloud.control.domain.AuthConfig;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hub.LiveStream;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A whole LiveCloud node on loopback with ephemeral ports, and the URLs and waits tests need around it. */
final class TestNode implements AutoCloseable {
    final LiveCloudServer server;

    /**
     * A node whose demo push/play domains (where 127.0.0.1 connections go) have URL auth turned off, as an operator
     * can do through the API: the media tests push and play plain URLs.
     */
    TestNode(Path dataDir, HubSettings hub) {
        this(config(dataDir).withHub(hub), false);
    }

    /** A node as a user gets it: the demo domains keep URL auth on, with their random keys. */
    static TestNode withAuth(Path dataDir) {
        return new TestNode(config(dataDir), true);
    }

    TestNode(ServerConfig config, boolean keepAuth) {
        server = LiveCloudServer.start(config);
        if (!keepAuth) {
            DomainCatalog catalog = server.catalog();
            for (String name : List.of(catalog.settings().defaultPushDomain(), catalog.settings().defaultPlayDomain())) {
                AuthConfig auth = catalog.get(name).auth();
                catalog.setAuth(name, new AuthConfig(false, auth.primaryKey(), auth.backupKey(), auth.validitySeconds(),
                        auth.timestampIsExpiry()));
            }
        }
    }

    static ServerConfig config(Path dataDir) {
        return ServerConfig.defaults().withBindAddress("127.0.0.1").withPorts(0, 0, 0).withDataDir(dataDir);
    }

    String rtmp(String stream) {
        return "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + stream;
    }

    String flv(String stream) {
        return "http://127.0.0.1:" + server.httpPort() + "/live/" + stream + ".flv";
    }

    String hls(String stream) {
        return "http://127.0.0.1:" + server.httpPort() + "/live/" + stream + ".m3u8";
    }

    String api(String path) {
        return "http://127.0.0.1:" + server.apiPort() + path;
    }

    /** Waits until {@code n} players (waiting or playing) are attached to the stream. */
    void awaitPlayers(String stream, int n) {
        await().atMost(20, TimeUnit.SECONDS).until(() -> find(stream) != null && find(stream).subscriberCount() >= n);
    }

    /** Waits until the stream has a publisher. */
    void awaitPublisher(String stream) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> find(stream) != null && find(stream).publisher() != null);
    }

    private LiveStream find(String stream) {
        return server.hub().streams().stream().filter(s -> s.key().stream().equals(stream)).findFirst().orElse(null);
    }

    @Override
    public void close() {
        server.close();
    }
}
