package io.livecloud.server;

import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamEvents;
import io.livecloud.media.StreamGate;
import io.livecloud.media.Transport;
import io.livecloud.media.http.MediaHttpServer;
import io.livecloud.media.hub.StreamHub;
import io.livecloud.media.rtmp.RtmpServer;
import io.livecloud.processing.FfmpegBinaries;
import io.livecloud.processing.FfmpegUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;

/** One LiveCloud node in one process: the media plane and the operator's API, wired from a {@link ServerConfig}. */
public final class LiveCloudServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveCloudServer.class);

    private final ServerConfig config;
    private final Transport transport;
    private final StreamHub hub;
    private final RtmpServer rtmp;
    private final MediaHttpServer http;
    private final ApiHttpServer api;

    private LiveCloudServer(ServerConfig config, Transport transport, StreamHub hub, RtmpServer rtmp,
                            MediaHttpServer http, ApiHttpServer api) {
        this.config = config;
        this.transport = transport;
        this.hub = hub;
        this.rtmp = rtmp;
        this.http = http;
        this.api = api;
    }

    /** Binds every port or fails with nothing left open. */
    public static LiveCloudServer start(ServerConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
        }
        Transport transport = new Transport(config.workerThreads());
        StreamHub hub = new StreamHub(config.hub());
        SessionLog sessions = new SessionLog(StreamEvents.NONE);
        StreamGate gate = StreamGate.OPEN;
        RtmpServer rtmp = null;
        MediaHttpServer http = null;
        try {
            rtmp = new RtmpServer(transport, address(config, config.rtmpPort()), hub, gate, sessions);
            http = new MediaHttpServer(transport, address(config, config.httpPort()), hub, gate, sessions);
            ApiHttpServer api = new ApiHttpServer(transport, address(config, config.apiPort()), hub);
            LiveCloudServer server = new LiveCloudServer(config, transport, hub, rtmp, http, api);
            log.info("LiveCloud listening ({}): rtmp {}  media-http {}  api {}  data {}", transport.name(),
                    rtmp.localAddress().getPort(), http.localAddress().getPort(), api.localAddress().getPort(),
                    config.dataDir().toAbsolutePath());
            checkFfmpegInBackground(config);
            return server;
        } catch (Exception e) { // Netty rethrows a failed bind's checked BindException as is
            if (http != null) {
                http.close();
            }
            if (rtmp != null) {
                rtmp.close();
            }
            transport.close();
            throw new IllegalStateException("cannot listen on the configured ports: " + e, e);
        }
    }

    /**
     * Streaming does not need ffmpeg, processing (transcode, record, snapshot) does: say at start-up whether it runs,
     * and what to install if not, without delaying the listeners.
     */
    private static void checkFfmpegInBackground(ServerConfig config) {
        Thread t = new Thread(() -> {
            try {
                log.info("ffmpeg ready: {}", FfmpegBinaries.configured(config.ffmpegPath()).checkRuns());
            } catch (FfmpegUnavailableException e) {
                log.warn("ffmpeg unavailable, stream processing will not work: {}", e.getMessage());
            }
        }, "ffmpeg-check");
        t.setDaemon(true);
        t.start();
    }

    private static InetSocketAddress address(ServerConfig config, int port) {
        return new InetSocketAddress(config.bindAddress(), port);
    }

    public ServerConfig config() {
        return config;
    }

    public StreamHub hub() {
        return hub;
    }

    public int rtmpPort() {
        return rtmp.localAddress().getPort();
    }

    public int httpPort() {
        return http.localAddress().getPort();
    }

    public int apiPort() {
        return api.localAddress().getPort();
    }

    @Override
    public void close() {
        api.close();
        http.close();
        rtmp.close();
        transport.close();
        log.info("LiveCloud stopped");
    }
}
