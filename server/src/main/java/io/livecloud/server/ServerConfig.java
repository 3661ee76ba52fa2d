package io.livecloud.server;

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
                           int workerThreads, HubSettings hub, String ffmpegPath) {

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 1935, 8080, 8090, Path.of("data"), 0, HubSettings.defaults(), null);
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
                media.longValue("stuckPlayerMillis", h.stuckPlayerMillis()));
        return new ServerConfig(
                r.string("bind", bindAddress),
                (int) r.section("rtmp").longValue("port", rtmpPort),
                (int) r.section("http").longValue("port", httpPort),
                (int) r.section("api").longValue("port", apiPort),
                Path.of(r.string("dataDir", dataDir.toString())),
                (int) media.longValue("workerThreads", workerThreads),
                h,
                r.section("ffmpeg").string("path", ffmpegPath));
    }

    public ServerConfig withYamlFile(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            return withYaml(r);
        }
    }

    public ServerConfig withPorts(int rtmp, int http, int api) {
        return new ServerConfig(bindAddress, rtmp, http, api, dataDir, workerThreads, hub, ffmpegPath);
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(bindAddress, rtmpPort, httpPort, apiPort, dir, workerThreads, hub, ffmpegPath);
    }

    public ServerConfig withBindAddress(String address) {
        return new ServerConfig(address, rtmpPort, httpPort, apiPort, dataDir, workerThreads, hub, ffmpegPath);
    }

    public ServerConfig withHub(HubSettings settings) {
        return new ServerConfig(bindAddress, rtmpPort, httpPort, apiPort, dataDir, workerThreads, settings, ffmpegPath);
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

        String string(String key, String fallback) {
            Object v = map.get(key);
            return v == null ? fallback : v.toString();
        }
    }
}
