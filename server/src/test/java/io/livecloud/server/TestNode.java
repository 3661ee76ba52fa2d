package io.livecloud.server;

import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hub.LiveStream;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A whole LiveCloud node on loopback with ephemeral ports, and the URLs and waits tests need around it. */
final class TestNode implements AutoCloseable {
    final LiveCloudServer server;

    TestNode(Path dataDir, HubSettings hub) {
        server = LiveCloudServer.start(ServerConfig.defaults().withBindAddress("127.0.0.1").withPorts(0, 0, 0)
                .withDataDir(dataDir).withHub(hub));
    }

    String rtmp(String stream) {
        return "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + stream;
    }

    String flv(String stream) {
        return "http://127.0.0.1:" + server.httpPort() + "/live/" + stream + ".flv";
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
