package io.livecloud.server;

import io.livecloud.api.AdminAccessKey;
import io.livecloud.api.OpenApi;
import io.livecloud.control.address.AddressGenerator;
import io.livecloud.control.cname.CnameChecker;
import io.livecloud.control.cname.CnamePoller;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.gate.DomainGate;
import io.livecloud.control.store.ControlStore;
import io.livecloud.control.store.JdbcControlStore;
import io.livecloud.control.stream.PublishHistory;
import io.livecloud.control.stream.StreamBlockList;
import io.livecloud.control.accesslog.AccessLog;
import io.livecloud.control.notify.CallbackNotifier;
import io.livecloud.control.stream.StreamManager;
import io.livecloud.control.stats.TrafficStats;
import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamEvents;
import io.livecloud.media.Transport;
import io.livecloud.media.hls.HlsService;
import io.livecloud.media.http.MediaHttpServer;
import io.livecloud.media.hub.StreamHub;
import io.livecloud.media.rtmp.RtmpServer;
import io.livecloud.control.gate.InternalAccess;
import io.livecloud.media.hub.LiveStream;
import io.livecloud.processing.FfmpegBinaries;
import io.livecloud.processing.FfmpegSupervisor;
import io.livecloud.processing.FfmpegUnavailableException;
import io.livecloud.processing.LocalEndpoints;
import io.livecloud.processing.StreamJobs;
import io.livecloud.processing.snapshot.SnapshotPlanner;
import io.livecloud.processing.storage.LocalObjectStore;
import io.livecloud.processing.storage.ObjectStores;
import io.livecloud.processing.storage.S3Storage;
import io.livecloud.processing.record.RecordPlanner;
import io.livecloud.control.record.RecordCatalog;
import io.livecloud.control.record.RecordNotifier;
import io.livecloud.media.hub.StreamStats;
import io.livecloud.processing.storage.StorageResolver;
import io.livecloud.processing.transcode.TranscodePlanner;
import io.livecloud.control.snapshot.SnapshotCatalog;
import io.livecloud.control.transcode.TranscodeCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;

/** One LiveCloud node in one process: the media plane and the operator's API, wired from a {@link ServerConfig}. */
public final class LiveCloudServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveCloudServer.class);

    private final ServerConfig config;
    private final Transport transport;
    private final StreamHub hub;
    private final RtmpServer rtmp;
    private final MediaHttpServer http;
    private final HlsService hls;
    private final ApiHttpServer api;
    private final ControlStore store;
    private final DomainCatalog catalog;
    private final AddressGenerator addresses;
    private final boolean firstStart;
    private volatile CnamePoller cnamePoller;
    private volatile AdminAccessKey accessKey;
    private volatile PublishHistory history;
    private volatile StreamManager streams;
    private volatile CallbackNotifier notifier;
    private volatile AccessLog accessLog;
    private volatile StreamJobs streamJobs;
    private volatile LocalEndpoints localEndpoints;
    private volatile TranscodeCatalog transcodes;
    private volatile TranscodePlanner transcoding;
    private FfmpegSupervisor supervisor; // guarded by this; made on the first job, so a node without processing never extracts ffmpeg
    private volatile TrafficStats stats;
    private volatile ObjectStores storage;
    private volatile RecordCatalog records;
    private volatile RecordPlanner recording;
    private volatile RecordNotifier recordNotifier;
    private volatile SnapshotCatalog snapshots;
    private volatile SnapshotPlanner snapshotting;

    private LiveCloudServer(ServerConfig config, Transport transport, StreamHub hub, RtmpServer rtmp,
                            MediaHttpServer http, HlsService hls, ApiHttpServer api, ControlStore store, DomainCatalog catalog,
                            AddressGenerator addresses, boolean firstStart) {
        this.config = config;
        this.transport = transport;
        this.hub = hub;
        this.rtmp = rtmp;
        this.http = http;
        this.hls = hls;
        this.api = api;
        this.store = store;
        this.catalog = catalog;
        this.addresses = addresses;
        this.firstStart = firstStart;
    }

    /** Binds every port or fails with nothing left open. */
    public static LiveCloudServer start(ServerConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
        }
        CnameChecker cnameChecker = new CnameChecker(config.cname().resolver(), null); // refuses a bad resolver address
        ObjectStores storage = storageResolver(config); // refuses storage.s3.* without keys before anything opens
        ControlStore store = openStore(config);
        Clock clock = Clock.systemUTC();
        DomainCatalog catalog;
        boolean firstStart;
        AdminAccessKey accessKey;
        StreamBlockList blocks;
        TranscodeCatalog transcodes;
        SnapshotCatalog snapshots;
        RecordCatalog records;
        try {
            catalog = new DomainCatalog(store, config.control(), clock);
            blocks = new StreamBlockList(store, clock);
            transcodes = new TranscodeCatalog(store, catalog, clock);
            snapshots = new SnapshotCatalog(store, catalog, clock, storage::resolve);
            records = new RecordCatalog(store, catalog, clock, storage::check);
            firstStart = catalog.createDemoDomainsIfEmpty();
            accessKey = AdminAccessKey.load(store, config.dataDir(), System.getenv());
        } catch (RuntimeException e) {
            store.close();
            storage.close();
            throw e;
        }
        InternalAccess internal = new InternalAccess();
        DomainGate gate = new DomainGate(catalog, blocks, clock).withInternalAccess(internal);
        Transport transport = new Transport(config.workerThreads());
        StreamHub hub = new StreamHub(config.hub());
        PublishHistory history = new PublishHistory(store, clock, PublishHistory.DEFAULT_RETENTION, nodeAddress(config));
        StreamManager streams = new StreamManager(catalog, blocks, history, new HubLiveMedia(hub), clock);
        CallbackNotifier notifier = new CallbackNotifier(store, nodeAddress(config), clock, CallbackNotifier.Settings.defaults());
        AccessLog accessLog = new AccessLog(config.dataDir().resolve("logs"), config.accessLogRetentionDays(), clock);
        LiveCloudServer[] self = new LiveCloudServer[1]; // the jobs reach the supervisor through the server (made lazily)
        StreamJobs streamJobs = new StreamJobs(() -> self[0].supervisor(), key -> {
            LiveStream s = hub.find(key);
            return s != null && s.isLive();
        }, clock);
        TrafficStats stats = new TrafficStats(store, clock, catalog::settings);
        SessionLog sessions = new SessionLog(StreamEvents.all(gate, streams, notifier, accessLog, stats, streamJobs));
        RtmpServer rtmp = null;
        MediaHttpServer http = null;
        try {
            rtmp = new RtmpServer(transport, address(config, config.rtmpPort()), hub, gate, sessions);
            HlsService hls = new HlsService(hub, config.hls());
            http = new MediaHttpServer(transport, address(config, config.httpPort()), hub, hls, gate, sessions);
            AddressGenerator addresses = new AddressGenerator(catalog, clock, rtmp.localAddress().getPort(),
                    http.localAddress().getPort());
            LogDownloads logDownloads = new LogDownloads(accessLog, accessKey.secret(), clock);
            // the CNAME poller is created below, once the API listens: CheckLiveDomainCname reaches it through this
            java.util.concurrent.atomic.AtomicReference<CnamePoller> poller = new java.util.concurrent.atomic.AtomicReference<>();
            OpenApi openApi = new OpenApi(catalog, addresses, streams, notifier, logDownloads,
                    d -> poller.get() == null ? java.util.concurrent.CompletableFuture.failedFuture(
                            new IllegalStateException("the CNAME check is not running yet")) : poller.get().checkNow(d),
                    accessKey::secretOf, clock, "livecloud");
            openApi.withStatistics(stats);
            openApi.withTranscoding(transcodes, new TranscodeJobsView(streamJobs));
            openApi.withSnapshots(snapshots);
            RecordNotifier recordNotifier = new RecordNotifier(store, clock);
            openApi.withRecording(records, recordNotifier);
            ApiHttpServer api = new ApiHttpServer(transport, address(config, config.apiPort()), hub, http::hlsViewers,
                    notifier, logDownloads, openApi, new ConsoleSessions(accessKey::secretOf, clock), storage);
            logDownloads.advertise(advertisedApi(config, api.localAddress().getPort()));
            api.metrics().bind(streams, stats);
            api.metrics().bindProcessing(streamJobs, () -> self[0] == null ? Optional.empty() : self[0].supervisorIfMade());
            LiveCloudServer server = new LiveCloudServer(config, transport, hub, rtmp, http, hls, api, store, catalog,
                    addresses, firstStart);
            server.accessKey = accessKey;
            server.history = history;
            server.streams = streams;
            server.notifier = notifier;
            server.accessLog = accessLog;
            server.streamJobs = streamJobs;
            server.localEndpoints = new LocalEndpoints(internal, LocalEndpoints.localHostFor(config.bindAddress()),
                    rtmp.localAddress().getPort());
            server.transcodes = transcodes;
            server.transcoding = new TranscodePlanner(transcodes, streamJobs, server.localEndpoints, key -> {
                LiveStream s = hub.find(key);
                return s != null && s.isLive();
            }, key -> streams.online(key.domain()).stream().anyMatch(o -> o.session().key().equals(key)
                    && !o.session().request().isInternal()), key -> streams.viewers(key.domain()).stream()
                    .filter(v -> v.key().equals(key)).mapToInt(StreamManager.Viewers::total).sum(),
                    TranscodePlanner.DEFAULT_IDLE_STOP);
            streamJobs.register(server.transcoding);
            hub.setOnDemand(server.transcoding);
            hls.setAdaptive(new io.livecloud.processing.transcode.TranscodeVariants(transcodes));
            server.storage = storage;
            server.snapshots = snapshots;
            server.snapshotting = new SnapshotPlanner(snapshots, streamJobs, server.localEndpoints, storage,
                    config.dataDir().resolve("work").resolve("snapshot"), clock);
            streamJobs.register(server.snapshotting);
            server.registerSnapshotMeters();
            self[0] = server;
            server.stats = stats;
            server.records = records;
            server.recordNotifier = recordNotifier;
            server.recording = new RecordPlanner(records, streamJobs, server.localEndpoints, storage,
                    file -> {
                        store.saveRecordFile(file);
                        recordNotifier.fileStored(file);
                    }, key -> {
                LiveStream s = hub.find(key);
                return s != null && s.publisher() != null;
            }, key -> {
                LiveStream s = hub.find(key);
                StreamStats.Snapshot v = s == null ? StreamStats.Snapshot.EMPTY : s.stats().snapshot();
                return new RecordPlanner.Picture(v.width(), v.height());
            }, file -> RecordPlanner.probeSeconds(FfmpegBinaries.configured(config.processing().ffmpegPath()), file),
                    config.dataDir().resolve("recording"), clock);
            streamJobs.register(server.recording);
            recordingMeters(server.meterRegistry(), server.recording, recordNotifier);
            log.info("LiveCloud listening ({}): rtmp {}  media-http {}  api {}  data {}", transport.name(),
                    rtmp.localAddress().getPort(), http.localAddress().getPort(), api.localAddress().getPort(),
                    config.dataDir().toAbsolutePath());
            checkFfmpegInBackground(config);
            server.cnamePoller = new CnamePoller(cnameChecker,
                    () -> catalog.view().domains().values(), catalog::setCnameStatus,
                    java.time.Duration.ofSeconds(Math.max(5, config.cname().checkSeconds())));
            poller.set(server.cnamePoller);
            return server;
        } catch (Exception e) { // Netty rethrows a failed bind's checked BindException as is
            if (http != null) {
                http.close();
            }
            if (rtmp != null) {
                rtmp.close();
            }
            transport.close();
            streamJobs.close();
            history.close();
            notifier.close();
            accessLog.close();
            stats.close();
            store.close();
            storage.close();
            throw new IllegalStateException("cannot listen on the configured ports: " + e, e);
        }
    }

    /** What the publish history calls this node ({@code EdgeNodeAddr}): the bind address, or the host name. */
    private static String nodeAddress(ServerConfig config) {
        String bind = config.bindAddress();
        if (bind != null && !bind.isBlank() && !bind.equals("0.0.0.0") && !bind.equals("::")) {
            return bind;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return "localhost";
        }
    }

    /**
     * Where recordings and snapshots go: {@code <data-dir>/storage}, and with {@code storage.s3.endpoint} set, the
     * buckets of that S3-compatible storage (keys from the config or {@code LIVECLOUD_S3_*}).
     */
    private static ObjectStores storageResolver(ServerConfig config) {
        LocalObjectStore local = new LocalObjectStore(StorageResolver.defaultLocalRoot(config.dataDir()));
        ServerConfig.Storage s = config.storage().withEnvironment(System.getenv());
        if (!s.configured()) {
            log.info("object storage: {} (no storage.s3.endpoint: configurations with an OssBucket are refused)",
                    local.describe());
            return new ObjectStores(local, null);
        }
        S3Storage.Settings settings = new S3Storage.Settings(s.s3Endpoint(), s.s3Region(), s.s3AccessKeyId(),
                s.s3SecretAccessKey());
        log.info("object storage: {} and {}", local.describe(), settings);
        return new ObjectStores(local, new S3Storage(settings));
    }

    /** The recording configurations and the index of recorded files. */
    public RecordCatalog records() {
        return records;
    }

    /** The recorder: one ffmpeg remux per format of a stream's recording configuration. */
    public RecordPlanner recording() {
        return recording;
    }

    /** The recorder's health on /metrics: recordings running, files stored, puts retried and given up. */
    private static void recordingMeters(io.micrometer.core.instrument.MeterRegistry registry, RecordPlanner r,
                                        RecordNotifier n) {
        io.micrometer.core.instrument.FunctionCounter.builder("livecloud.record.callbacks.delivered", n.delivered,
                java.util.concurrent.atomic.LongAdder::sum).description("Recording callbacks delivered").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("livecloud.record.callbacks.failed", n.failed,
                java.util.concurrent.atomic.LongAdder::sum).description("Recording callbacks given up").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("livecloud.record.callbacks.dropped", n.dropped,
                java.util.concurrent.atomic.LongAdder::sum).description("Recording callbacks dropped on a full queue")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("livecloud.recordings.active", r, RecordPlanner::active)
                .description("Recordings running (one per stream and format)").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("livecloud.record.files.stored", r,
                RecordPlanner::storedTotal).description("Recording files, slices and playlists stored").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("livecloud.record.put.retries", r,
                RecordPlanner::putRetriesTotal).description("Recording puts that failed and were tried again")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("livecloud.record.put.failures", r,
                RecordPlanner::putFailuresTotal).description("Recording files not stored after every attempt (kept "
                        + "under <data-dir>/recording/failed)").register(registry);
    }

    /** Snapshot counters on {@code /metrics}: objects stored, and puts or index writes that failed. */
    private void registerSnapshotMeters() {
        SnapshotPlanner planner = snapshotting;
        io.micrometer.core.instrument.FunctionCounter.builder("livecloud.snapshots.stored", planner,
                SnapshotPlanner::storedTotal).description("snapshot objects put into their store").register(meterRegistry());
        io.micrometer.core.instrument.FunctionCounter.builder("livecloud.snapshots.failed", planner,
                SnapshotPlanner::failedTotal).description("snapshots dropped: the put or the index write failed")
                .register(meterRegistry());
    }

    /** The embedded H2 file under the data directory unless {@code db.url} names another database. */
    private static ControlStore openStore(ServerConfig config) {
        ServerConfig.Database db = config.db();
        if (db.url() == null || db.url().isBlank()) {
            return JdbcControlStore.embedded(config.dataDir());
        }
        return JdbcControlStore.open(db.url(), db.user(), db.password());
    }

    /**
     * Streaming does not need ffmpeg, processing (transcode, record, snapshot) does: say at start-up whether it runs,
     * and what to install if not, without delaying the listeners.
     */
    private static void checkFfmpegInBackground(ServerConfig config) {
        Thread t = new Thread(() -> {
            try {
                log.info("ffmpeg ready: {}", FfmpegBinaries.configured(config.processing().ffmpegPath()).checkRuns());
            } catch (FfmpegUnavailableException e) {
                log.warn("ffmpeg unavailable, stream processing will not work: {}", e.getMessage());
            }
        }, "ffmpeg-check");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Where clients reach the API, for links it hands out: the bind address, or this host's name when bound to every
     * address.
     */
    private static String advertisedApi(ServerConfig config, int port) {
        String host = config.bindAddress();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "127.0.0.1";
            }
        }
        return "http://" + host + ":" + port;
    }

    private static InetSocketAddress address(ServerConfig config, int port) {
        return new InetSocketAddress(config.bindAddress(), port);
    }

    /** The ffmpeg supervisor if a job has made it (metrics read it without starting ffmpeg). */
    synchronized Optional<FfmpegSupervisor> supervisorIfMade() {
        return Optional.ofNullable(supervisor);
    }

    /** The ffmpeg supervisor, made (and ffmpeg located) on first use. */
    public synchronized FfmpegSupervisor supervisor() {
        if (closed) {
            throw new IllegalStateException("the node is stopping");
        }
        if (supervisor == null) {
            supervisor = new FfmpegSupervisor(FfmpegBinaries.configured(config.processing().ffmpegPath()),
                    FfmpegSupervisor.Settings.defaults().withMaxJobs(config.processing().maxJobs()), Clock.systemUTC());
        }
        return supervisor;
    }

    /** The ffmpeg jobs that follow live streams (transcodes, recordings, snapshots register their planners here). */
    public StreamJobs streamJobs() {
        return streamJobs;
    }

    /** The transcoding templates bound to play domains and apps. */
    public TranscodeCatalog transcodes() {
        return transcodes;
    }

    /** The transcode planner: renditions started with their source or on their first viewer. */
    public TranscodePlanner transcoding() {
        return transcoding;
    }

    /** Where recordings and snapshots are stored (OssEndpoint/OssBucket of a configuration to a store). */
    public StorageResolver storage() {
        return storage;
    }

    /** The snapshot configurations and the index of the snapshots taken. */
    public SnapshotCatalog snapshots() {
        return snapshots;
    }

    /** The snapshot planner: a JPEG job per live stream with a configuration, and the collector storing the shots. */
    public SnapshotPlanner snapshotting() {
        return snapshotting;
    }

    /** Where this node's ffmpeg jobs read and publish streams (the local RTMP port, with internal tokens). */
    public LocalEndpoints localEndpoints() {
        return localEndpoints;
    }

    public ServerConfig config() {
        return config;
    }

    public StreamHub hub() {
        return hub;
    }

    public DomainCatalog catalog() {
        return catalog;
    }

    public AddressGenerator addresses() {
        return addresses;
    }

    /** The CNAME check: periodic, and {@code checkNow} for one domain. */
    public CnamePoller cname() {
        return cnamePoller;
    }

    /** The admin AccessKey the OpenAPI accepts (and the local CLI signs with). */
    public AdminAccessKey accessKey() {
        return accessKey;
    }

    /** Stream management: live streams, viewers, forbid/resume, the publish history. */
    /** The access log files (one line per finished session, a file per domain and day). */
    public AccessLog accessLog() {
        return accessLog;
    }

    /** Publish callbacks: their configuration and delivery counters. */
    public CallbackNotifier notifier() {
        return notifier;
    }

    /** Statistics: bytes and viewers per domain, stream and protocol in 1- and 5-minute buckets. */
    public TrafficStats stats() {
        return stats;
    }

    /**
     * The registry behind {@code /metrics}: a part of the node that has something to count registers its meters here
     * (e.g. a gauge of running ffmpeg jobs), and they are scraped with the rest.
     */
    public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
        return api.metrics().registry();
    }

    public StreamManager streams() {
        return streams;
    }

    public ControlStore store() {
        return store;
    }

    /** True when this start found an empty store and created the demo push/play domains. */
    public boolean firstStart() {
        return firstStart;
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

    private boolean closed; // guarded by this

    @Override
    public void close() {
        FfmpegSupervisor children;
        synchronized (this) {
            closed = true;
            children = supervisor;
        }
        streamJobs.close();
        if (transcoding != null) {
            transcoding.close();
        }
        if (snapshotting != null) {
            snapshotting.close(); // shots still in the work directory are dropped (the next start empties it)
        }
        if (children != null) {
            children.close(); // SIGTERM first, while the media ports still run: recordings get their trailers
        }
        if (recording != null) {
            recording.close(); // after the children: their last files are stored and indexed before the store closes
        }
        if (recordNotifier != null) {
            recordNotifier.close(); // callbacks still queued are not delivered: the node is going away
        }
        if (cnamePoller != null) {
            cnamePoller.close();
        }
        api.close();
        http.close();
        rtmp.close();
        hls.close(); // before the loops stop: its packagers free what they hold on their own loops
        transport.close();
        history.close(); // after the loops: the sessions they ended are written before the store closes
        notifier.close(); // callbacks still queued are not delivered: the node is going away
        accessLog.close(); // after the loops: the sessions they ended are in the files
        stats.close(); // after the loops: the bytes of the sessions they ended are counted
        if (storage != null) {
            storage.close();
        }
        store.close();
        log.info("LiveCloud stopped");
    }
}
