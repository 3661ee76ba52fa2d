package io.livecloud.server;

import io.livecloud.control.domain.ControlSettings;
import io.livecloud.media.hls.HlsSettings;
import io.livecloud.media.hub.HubSettings;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a node is started with. Every value has a default, so no file is needed; a YAML file
 * ({@code --config}) and then command-line flags override them. The keys are listed in the README.
 */
public record ServerConfig(String bindAddress, int rtmpPort, int httpPort, int apiPort, Path dataDir,
                           int workerThreads, HubSettings hub, HlsSettings hls, Processing processing,
                           ControlSettings control, Database db, Cname cname, int accessLogRetentionDays,
                           Storage storage) {

    /**
     * The control plane's store: {@code url} null means the embedded H2 file under the data directory; otherwise
     * a JDBC URL ({@code jdbc:postgresql://host:5432/livecloud}).
     */
    public record Database(String url, String user, String password) {
        static final Database EMBEDDED = new Database(null, null, null);
    }

    /**
     * Stream processing (transcode, record, snapshot) with ffmpeg.
     *
     * @param ffmpegPath an operator's ffmpeg (ffprobe beside it); null = the one bundled in the jar
     * @param maxJobs    ffmpeg children this node runs at once; a start past it is refused with a clear error
     */
    public record Processing(String ffmpegPath, int maxJobs) {
        public Processing {
            if (maxJobs < 1 || maxJobs > 10_000) {
                throw new IllegalArgumentException("ffmpeg.maxJobs must be 1-10000, got " + maxJobs);
            }
        }

        static Processing defaults() {
            return new Processing(null, 32);
        }
    }

    /**
     * Object storage for recordings and snapshots ({@code storage.s3.*}): an S3-compatible endpoint
     * ({@code http(s)://host[:port]}, path-style) and its credentials; {@code endpoint} null = none, everything goes
     * to {@code <data-dir>/storage}. The keys may instead come from the environment
     * ({@code LIVECLOUD_S3_ACCESS_KEY_ID}, {@code LIVECLOUD_S3_SECRET_ACCESS_KEY}), which keeps them out of the file.
     */
    public record Storage(String s3Endpoint, String s3Region, String s3AccessKeyId, String s3SecretAccessKey) {
        static final Storage NONE = new Storage(null, "us-east-1", null, null);

        private Storage withYaml(YamlSection s3) {
            return new Storage(s3.string("endpoint", s3Endpoint), s3.string("region", s3Region),
                    s3.string("accessKeyId", s3AccessKeyId), s3.string("secretAccessKey", s3SecretAccessKey));
        }

        /** The configured keys, else the environment's. */
        public Storage withEnvironment(Map<String, String> env) {
            return new Storage(s3Endpoint, s3Region,
                    blank(s3AccessKeyId) ? env.get("LIVECLOUD_S3_ACCESS_KEY_ID") : s3AccessKeyId,
                    blank(s3SecretAccessKey) ? env.get("LIVECLOUD_S3_SECRET_ACCESS_KEY") : s3SecretAccessKey);
        }

        public boolean configured() {
            return !blank(s3Endpoint);
        }

        private static boolean blank(String v) {
            return v == null || v.isBlank();
        }

        @Override
        public String toString() { // never the secret
            return "Storage[s3Endpoint=" + s3Endpoint + ", s3Region=" + s3Region + ", s3AccessKeyId=" + s3AccessKeyId + "]";
        }
    }

    /**
     * @param resolver      DNS server ({@code host} or {@code host:port}) the CNAME check asks; null = the system's
     * @param checkSeconds  how often every domain's CNAME is checked
     */
    public record Cname(String resolver, long checkSeconds) {
    }

    public ServerConfig {
        if (accessLogRetentionDays < 1 || accessLogRetentionDays > 3650) {
            throw new IllegalArgumentException("accessLog.retentionDays must be 1-3650, got " + accessLogRetentionDays);
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 1935, 8080, 8090, Path.of("data"), 0, HubSettings.defaults(),
                HlsSettings.defaults(), Processing.defaults(),
                ControlSettings.defaults(), Database.EMBEDDED, new Cname(null, 300), 30, Storage.NONE);
    }

    /** Applies a YAML document (see README, "Configuration") on top of this config. */
    public ServerConfig withYaml(Reader yaml) {
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        if (loaded == null) {
            return this;
        }
        if (!(loaded instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException("the config file must be a YAML mapping");
        }
        YamlSection r = new YamlSection("", root);
        HubSettings h = hub;
        YamlSection media = r.section("media");
        h = new HubSettings(
                media.longValue("publisherGraceMillis", h.publisherGraceMillis()),
                media.longValue("playWaitMillis", h.playWaitMillis()),
                (int) media.longValue("gopCacheMaxBytes", h.gopCacheMaxBytes()),
                (int) media.longValue("subscriberBudgetBytes", h.subscriberBudgetBytes()),
                media.longValue("stuckPlayerMillis", h.stuckPlayerMillis()),
                media.longValue("maxPublisherKbps", h.maxPublisherKbps()));
        YamlSection domains = r.section("domains");
        YamlSection cnameSection = r.section("cname");
        ControlSettings c = new ControlSettings(
                (int) domains.longValue("quota", control.domainQuota()),
                cnameSection.string("zone", control.cnameZone()),
                domains.stringList("liveCenters", control.liveCenters()),
                (int) domains.longValue("maxPublishersPerPushDomain", control.maxPublishersPerPushDomain()),
                domains.string("defaultPushDomain", control.defaultPushDomain()),
                domains.string("defaultPlayDomain", control.defaultPlayDomain()));
        YamlSection dbSection = r.section("db");
        YamlSection hlsSection = r.section("hls");
        return new ServerConfig(
                r.string("bind", bindAddress),
                (int) r.section("rtmp").longValue("port", rtmpPort),
                (int) r.section("http").longValue("port", httpPort),
                (int) r.section("api").longValue("port", apiPort),
                Path.of(r.string("dataDir", dataDir.toString())),
                (int) media.longValue("workerThreads", workerThreads),
                h,
                new HlsSettings(
                        hlsSection.bool("enabled", hls.enabled()),
                        hlsSection.longValue("segmentMillis", hls.targetSegmentMillis()),
                        (int) hlsSection.longValue("windowSegments", hls.windowSegments()),
                        hlsSection.longValue("endedRetentionMillis", hls.endedRetentionMillis()),
                        hlsSection.longValue("maxBytesPerStream", hls.maxBytesPerStream()),
                        hlsSection.longValue("partMillis", hls.partTargetMillis())),
                new Processing(r.section("ffmpeg").string("path", processing.ffmpegPath()),
                        (int) r.section("ffmpeg").longValue("maxJobs", processing.maxJobs())),
                c,
                new Database(dbSection.string("url", db.url()), dbSection.string("user", db.user()),
                        dbSection.string("password", db.password())),
                new Cname(cnameSection.string("resolver", cname.resolver()),
                        cnameSection.longValue("checkSeconds", cname.checkSeconds())),
                (int) r.section("accessLog").longValue("retentionDays", accessLogRetentionDays),
                storage.withYaml(r.section("storage").section("s3")));
    }

    public ServerConfig withYamlFile(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            return withYaml(r);
        }
    }

    public ServerConfig withPorts(int rtmp, int http, int api) {
        return new ServerConfig(bindAddress, rtmp, http, api, dataDir, workerThreads, hub, hls, processing, control, db, cname, accessLogRetentionDays, storage);
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(bindAddress, rtmpPort, httpPort, apiPort, dir, workerThreads, hub, hls, processing, control, db, cname, accessLogRetentionDays, storage);
    }

    public ServerConfig withBindAddress(String address) {
        return new ServerConfig(address, rtmpPort, httpPort, apiPort, dataDir, workerThreads, hub, hls, processing, control, db, cname, accessLogRetentionDays, storage);
    }

    public ServerConfig withHub(HubSettings settings) {
        return new ServerConfig(bindAddress, rtmpPort, httpPort, apiPort, dataDir, workerThreads, settings, hls, processing, control, db, cname, accessLogRetentionDays, storage);
    }

    public ServerConfig withHls(HlsSettings settings) {
        return new ServerConfig(bindAddress, rtmpPort, httpPort, apiPort, dataDir, workerThreads, hub, settings, processing, control, db, cname, accessLogRetentionDays, storage);
    }

    public ServerConfig withControl(ControlSettings settings) {
        return new ServerConfig(bindAddress, rtmpPort, httpPort, apiPort, dataDir, workerThreads, hub, hls, processing, settings, db, cname, accessLogRetentionDays, storage);
    }

    public ServerConfig withProcessing(Processing settings) {
        return new ServerConfig(bindAddress, rtmpPort, httpPort, apiPort, dataDir, workerThreads, hub, hls, settings, control, db, cname, accessLogRetentionDays, storage);
    }

    /** {@code url} null = the embedded H2 file. */
    public ServerConfig withDatabase(String url, String user, String password) {
        return new ServerConfig(bindAddress, rtmpPort, httpPort, apiPort, dataDir, workerThreads, hub, hls, processing, control,
                new Database(url, user, password), cname, accessLogRetentionDays, storage);
    }

    public ServerConfig withCname(String resolver, long checkSeconds) {
        return new ServerConfig(bindAddress, rtmpPort, httpPort, apiPort, dataDir, workerThreads, hub, hls, processing, control, db,
                new Cname(resolver, checkSeconds), accessLogRetentionDays, storage);
    }

    public ServerConfig withStorage(Storage settings) {
        return new ServerConfig(bindAddress, rtmpPort, httpPort, apiPort, dataDir, workerThreads, hub, hls, processing, control, db,
                cname, accessLogRetentionDays, settings);
    }

    /** A typed view of one YAML mapping, naming the full key in errors. */
    private record YamlSection(String path, Map<?, ?> map) {
        YamlSection section(String key) {
            Object v = map.get(key);
            if (v == null) {
                return new YamlSection(path + key + ".", Map.of());
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("config key " + path + key + " must be a mapping");
            }
            return new YamlSection(path + key + ".", m);
        }

        long longValue(String key, long fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException("config key " + path + key + " must be a number, got: " + v);
            }
            return n.longValue();
        }

        java.util.List<String> stringList(String key, java.util.List<String> fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof java.util.List<?> list)) {
                throw new IllegalArgumentException("config key " + path + key + " must be a list");
            }
            return list.stream().map(Object::toString).toList();
        }

        boolean bool(String key, boolean fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Boolean b)) {
                throw new IllegalArgumentException("config key " + path + key + " must be true or false, got: " + v);
            }
            return b;
        }

        String string(String key, String fallback) {
            Object v = map.get(key);
            return v == null ? fallback : v.toString();
        }
    }
}
