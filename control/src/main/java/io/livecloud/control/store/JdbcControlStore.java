package io.livecloud.control.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.livecloud.control.domain.AuthConfig;
import io.livecloud.control.domain.CnameStatus;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainMapping;
import io.livecloud.control.domain.DomainStatus;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.snapshot.SnapshotConfig;
import io.livecloud.control.snapshot.SnapshotShot;
import io.livecloud.control.stream.BlockedStream;
import io.livecloud.control.stats.StatsBucket;
import io.livecloud.control.stream.PublishRecord;
import io.livecloud.control.transcode.TranscodeBinding;
import io.livecloud.control.transcode.TranscodeTemplate;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The control store on a relational database: an H2 file under the data directory by default, so a single node
 * needs nothing installed, or PostgreSQL when the operator runs one. Both get the same Flyway schema and the same
 * SQL (no vendor dialect), so what the tests prove on one holds on the other.
 *
 * <p>Instants are kept as epoch milliseconds, so {@code created} and {@code modified} load truncated to the
 * millisecond; the catalog only makes such instants, for which the round trip is exact.
 *
 * <p>A write the data refuses throws {@link IllegalArgumentException}: a mapping whose play domain already has
 * another push domain (saving the very same mapping again changes nothing), a mapping naming a domain that is not
 * stored, a value the schema cannot hold. A database that fails throws {@link IllegalStateException}.
 */
public final class JdbcControlStore implements ControlStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcControlStore.class);
    private static final int POOL_SIZE = 4;
    /** An upsert that loses a race to a concurrent insert of the same key succeeds on its next try. */
    private static final int MAX_ATTEMPTS = 3;
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");

    private static final String DOMAIN_COLUMNS = "domain_type, region, scope, status, cname, cname_status, "
            + "app_isolation, auth_enabled, auth_primary_key, auth_backup_key, auth_validity_seconds, "
            + "auth_timestamp_is_expiry, created_ms, modified_ms, name";
    private static final String SELECT_DOMAINS = "SELECT " + DOMAIN_COLUMNS + " FROM domains";
    private static final String INSERT_DOMAIN = "INSERT INTO domains (" + DOMAIN_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_DOMAIN = "UPDATE domains SET domain_type = ?, region = ?, scope = ?, "
            + "status = ?, cname = ?, cname_status = ?, app_isolation = ?, auth_enabled = ?, auth_primary_key = ?, "
            + "auth_backup_key = ?, auth_validity_seconds = ?, auth_timestamp_is_expiry = ?, created_ms = ?, "
            + "modified_ms = ? WHERE name = ?";

    private static final String PUBLISH_COLUMNS = "push_domain, app_name, stream_name, protocol, client_addr, "
            + "node_addr, publish_url, start_ms, stop_ms, stop_reason, bytes_in, session_id";

    private static final Comparator<Domain> DOMAIN_ORDER =
            Comparator.comparing(Domain::created).thenComparing(Domain::name);
    private static final Comparator<DomainMapping> MAPPING_ORDER =
            Comparator.comparing(DomainMapping::pushDomain).thenComparing(DomainMapping::playDomain);

    private final HikariDataSource pool;
    private final String description;

    private JdbcControlStore(HikariDataSource pool, String description) {
        this.pool = pool;
        this.description = description;
    }

    /** The default: an H2 file {@code dataDir/livecloud}, created with the directory when absent. */
    public static JdbcControlStore embedded(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("control store: cannot create the data directory " + dir + ": " + e, e);
        }
        Path file = dir.resolve("livecloud");
        // The store closes the database itself: H2's own shutdown hook could close it under a request still running.
        return open("jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", "H2 file " + file);
    }

    /**
     * Any database with a driver on the class path: {@code jdbc:postgresql://…} in production, {@code jdbc:h2:…} in
     * tests. An in-memory H2 database needs {@code DB_CLOSE_DELAY=-1}, or it vanishes with its last connection.
     */
    public static JdbcControlStore open(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new IllegalArgumentException("control store: a JDBC URL is required");
        }
        return open(jdbcUrl.trim(), user, password, describe(jdbcUrl.trim()));
    }

    private static JdbcControlStore open(String url, String user, String password, String description) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("control-store");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        if (url.startsWith("jdbc:h2:")) {
            // Nothing ages in an embedded connection, and retiring the last one would drop an in-memory database.
            config.setMaxLifetime(0);
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw cannotOpen(url, e);
        }
        try {
            Flyway.configure(JdbcControlStore.class.getClassLoader())
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw cannotOpen(url, e);
        }
        log.info("control store: {}", description);
        return new JdbcControlStore(pool, description);
    }

    @Override
    public List<Domain> domains() {
        List<Domain> out = inTransaction("read the domains", c -> {
            List<Domain> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SELECT_DOMAINS); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    list.add(domain(r));
                }
            }
            return list;
        });
        // Sorted here, not in SQL: PostgreSQL's collation may order "a-b" and "ab" unlike H2 and Java do.
        out.sort(DOMAIN_ORDER);
        return List.copyOf(out);
    }

    @Override
    public List<DomainMapping> mappings() {
        List<DomainMapping> out = inTransaction("read the domain mappings", c -> {
            List<DomainMapping> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT push_domain, play_domain FROM domain_mappings");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    list.add(new DomainMapping(r.getString(1), r.getString(2)));
                }
            }
            return list;
        });
        out.sort(MAPPING_ORDER);
        return List.copyOf(out);
    }

    @Override
    public void saveDomain(Domain domain) {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(domain.name(), "domain name");
        inTransaction("save domain " + domain.name(), c -> {
            try (PreparedStatement update = c.prepareStatement(UPDATE_DOMAIN)) {
                bind(update, domain);
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement insert = c.prepareStatement(INSERT_DOMAIN)) {
                bind(insert, domain);
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void deleteDomain(String name) {
        Objects.requireNonNull(name, "name");
        inTransaction("delete domain " + name, c -> {
            update(c, "DELETE FROM domain_mappings WHERE push_domain = ? OR play_domain = ?", name, name);
            update(c, "DELETE FROM transcode_bindings WHERE play_domain = ?", name);
            update(c, "DELETE FROM snapshot_configs WHERE push_domain = ?", name);
            update(c, "DELETE FROM record_formats WHERE domain_name = ?", name);
            update(c, "DELETE FROM record_configs WHERE domain_name = ?", name);
            update(c, "DELETE FROM domains WHERE name = ?", name);
            return null;
        });
    }

    @Override
    public void saveMapping(DomainMapping mapping) {
        String push = Objects.requireNonNull(mapping.pushDomain(), "push domain");
        String play = Objects.requireNonNull(mapping.playDomain(), "play domain");
        inTransaction("save domain mapping " + push + " -> " + play, c -> {
            String current = null;
            try (PreparedStatement s = c.prepareStatement("SELECT push_domain FROM domain_mappings WHERE play_domain = ?")) {
                s.setString(1, play);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        current = r.getString(1);
                    }
                }
            }
            if (push.equals(current)) {
                return null;
            }
            if (current != null) {
                throw new IllegalArgumentException("control store: play domain " + play
                        + " is already mapped to push domain " + current + "; delete that mapping first");
            }
            Set<String> stored = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT name FROM domains WHERE name IN (?, ?)")) {
                s.setString(1, push);
                s.setString(2, play);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        stored.add(r.getString(1));
                    }
                }
            }
            for (String name : List.of(push, play)) {
                if (!stored.contains(name)) {
                    throw new IllegalArgumentException("control store: cannot map " + push + " -> " + play
                            + ": no such domain " + name);
                }
            }
            update(c, "INSERT INTO domain_mappings (push_domain, play_domain) VALUES (?, ?)", push, play);
            return null;
        });
    }

    @Override
    public void deleteMapping(DomainMapping mapping) {
        String push = Objects.requireNonNull(mapping.pushDomain(), "push domain");
        String play = Objects.requireNonNull(mapping.playDomain(), "play domain");
        inTransaction("delete domain mapping " + push + " -> " + play, c -> {
            update(c, "DELETE FROM domain_mappings WHERE push_domain = ? AND play_domain = ?", push, play);
            return null;
        });
    }

    @Override
    public Optional<String> setting(String key) {
        Objects.requireNonNull(key, "key");
        return inTransaction("read setting " + key, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT setting_value FROM settings WHERE setting_key = ?")) {
                s.setString(1, key);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveSetting(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        inTransaction("save setting " + key, c -> {
            if (update(c, "UPDATE settings SET setting_value = ? WHERE setting_key = ?", value, key) == 0) {
                update(c, "INSERT INTO settings (setting_key, setting_value) VALUES (?, ?)", key, value);
            }
            return null;
        });
    }

    @Override
    public List<BlockedStream> blockedStreams() {
        List<BlockedStream> out = inTransaction("read the block list", c -> {
            List<BlockedStream> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT push_domain, app_name, stream_name, resume_ms, created_ms FROM blocked_streams");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long resume = r.getLong(4);
                    Instant resumeAt = r.wasNull() ? null : Instant.ofEpochMilli(resume);
                    list.add(new BlockedStream(r.getString(1), r.getString(2), r.getString(3), resumeAt,
                            Instant.ofEpochMilli(r.getLong(5))));
                }
            }
            return list;
        });
        out.sort(Comparator.comparing(BlockedStream::domain).thenComparing(BlockedStream::app)
                .thenComparing(BlockedStream::stream));
        return List.copyOf(out);
    }

    @Override
    public void saveBlockedStream(BlockedStream b) {
        Objects.requireNonNull(b, "blocked stream");
        inTransaction("save blocked stream " + b.streamUrl(), c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE blocked_streams SET resume_ms = ?, created_ms = ? "
                    + "WHERE push_domain = ? AND app_name = ? AND stream_name = ?")) {
                bindBlocked(update, b);
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO blocked_streams "
                    + "(resume_ms, created_ms, push_domain, app_name, stream_name) VALUES (?, ?, ?, ?, ?)")) {
                bindBlocked(insert, b);
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void deleteBlockedStream(String domain, String app, String stream) {
        inTransaction("delete blocked stream " + domain + "/" + app + "/" + stream, c -> {
            update(c, "DELETE FROM blocked_streams WHERE push_domain = ? AND app_name = ? AND stream_name = ?",
                    Objects.requireNonNull(domain), Objects.requireNonNull(app), Objects.requireNonNull(stream));
            return null;
        });
    }

    @Override
    public void savePublishSession(PublishRecord p) {
        Objects.requireNonNull(p, "publish session");
        inTransaction("save publish session " + p.id(), c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE publish_sessions SET push_domain = ?, "
                    + "app_name = ?, stream_name = ?, protocol = ?, client_addr = ?, node_addr = ?, publish_url = ?, "
                    + "start_ms = ?, stop_ms = ?, stop_reason = ?, bytes_in = ? WHERE session_id = ?")) {
                bindPublish(update, p);
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO publish_sessions (" + PUBLISH_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindPublish(insert, p);
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<PublishRecord> publishSessions(String domain, Instant from, Instant to) {
        Objects.requireNonNull(domain, "domain");
        return inTransaction("read the publish sessions of " + domain, c -> {
            List<PublishRecord> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + PUBLISH_COLUMNS + " FROM publish_sessions "
                    + "WHERE push_domain = ? AND start_ms <= ? AND (stop_ms IS NULL OR stop_ms >= ?)")) {
                s.setString(1, domain);
                s.setLong(2, to.toEpochMilli());
                s.setLong(3, from.toEpochMilli());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        long stop = r.getLong(9);
                        Instant stopAt = r.wasNull() ? null : Instant.ofEpochMilli(stop);
                        list.add(new PublishRecord(r.getString(12), r.getString(1), r.getString(2), r.getString(3),
                                r.getString(4), r.getString(5), r.getString(6), r.getString(7),
                                Instant.ofEpochMilli(r.getLong(8)), stopAt, r.getString(10), r.getLong(11)));
                    }
                }
            }
            return List.copyOf(list);
        });
    }

    @Override
    public int deletePublishSessionsBefore(Instant cutoff) {
        return inTransaction("prune the publish history", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM publish_sessions WHERE start_ms < ?")) {
                s.setLong(1, cutoff.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public int endOpenPublishSessions(String node, Instant at, String reason) {
        return inTransaction("end the open publish sessions", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE publish_sessions SET stop_ms = ?, stop_reason = ? WHERE stop_ms IS NULL AND node_addr = ?")) {
                s.setLong(1, at.toEpochMilli());
                s.setString(2, reason);
                s.setString(3, Objects.requireNonNull(node, "node"));
                return s.executeUpdate();
            }
        });
    }

    private static final String TRANSCODE_COLUMNS = "play_domain, app_name, template, lazy_start, custom, width, "
            + "height, fps, video_kbps, gop_frames, video_profile, audio_codec, audio_kbps, audio_rate, audio_channels, "
            + "created_ms";

    @Override
    public List<TranscodeBinding> transcodeBindings() {
        return inTransaction("read the transcoding templates", c -> {
            List<TranscodeBinding> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + TRANSCODE_COLUMNS + " FROM transcode_bindings");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String name = r.getString(3);
                    TranscodeTemplate t = r.getBoolean(5)
                            ? new TranscodeTemplate(name, true, r.getInt(6), r.getInt(7), r.getInt(8), r.getInt(9),
                            r.getInt(10), r.getString(11), r.getString(12), r.getInt(13), r.getInt(14), r.getInt(15))
                            : TranscodeTemplate.standard(name).orElseThrow(() -> new IllegalStateException(
                            "control store: unknown standard transcoding template " + name));
                    list.add(new TranscodeBinding(r.getString(1), r.getString(2), t, r.getBoolean(4),
                            Instant.ofEpochMilli(r.getLong(16))));
                }
            }
            return List.copyOf(list);
        });
    }

    @Override
    public void saveTranscodeBinding(TranscodeBinding b) {
        Objects.requireNonNull(b, "transcode binding");
        TranscodeTemplate t = b.template();
        inTransaction("save transcoding template " + b.playDomain() + "/" + b.app() + "/" + t.name(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO transcode_bindings (" + TRANSCODE_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, b.playDomain());
                s.setString(2, b.app());
                s.setString(3, t.name());
                s.setBoolean(4, b.lazy());
                s.setBoolean(5, t.custom());
                s.setInt(6, t.width());
                s.setInt(7, t.height());
                s.setInt(8, t.fps());
                s.setInt(9, t.videoKbps());
                s.setInt(10, t.gopFrames());
                s.setString(11, t.videoProfile());
                s.setString(12, t.audioCodec());
                s.setInt(13, t.audioKbps());
                s.setInt(14, t.audioRate());
                s.setInt(15, t.audioChannels());
                s.setLong(16, b.created().toEpochMilli());
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void deleteTranscodeBinding(String playDomain, String app, String template) {
        inTransaction("delete transcoding template " + playDomain + "/" + app + "/" + template, c -> {
            update(c, "DELETE FROM transcode_bindings WHERE play_domain = ? AND app_name = ? AND template = ?",
                    Objects.requireNonNull(playDomain), Objects.requireNonNull(app), Objects.requireNonNull(template));
            return null;
        });
    }

    @Override
    public void addStatsBuckets(List<StatsBucket> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        inTransaction("add " + deltas.size() + " statistics bucket(s)", c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE stats_buckets SET bytes_in = bytes_in + ?, "
                    + "bytes_out = bytes_out + ?, peak_players = GREATEST(peak_players, ?) WHERE bucket_seconds = ? "
                    + "AND domain_name = ? AND start_ms = ? AND app_name = ? AND stream_name = ? AND protocol = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO stats_buckets (bytes_in, bytes_out, "
                         + "peak_players, bucket_seconds, domain_name, start_ms, app_name, stream_name, protocol) "
                         + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (StatsBucket b : deltas) {
                    bindStats(update, b);
                    if (update.executeUpdate() == 0) {
                        bindStats(insert, b);
                        insert.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    @Override
    public List<StatsBucket> statsBuckets(int bucketSeconds, String domain, Instant from, Instant to) {
        Objects.requireNonNull(domain, "domain");
        return inTransaction("read the statistics of " + domain, c -> {
            List<StatsBucket> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT start_ms, app_name, stream_name, protocol, bytes_in, "
                    + "bytes_out, peak_players FROM stats_buckets WHERE bucket_seconds = ? AND domain_name = ? "
                    + "AND start_ms >= ? AND start_ms < ?")) {
                s.setInt(1, bucketSeconds);
                s.setString(2, domain);
                s.setLong(3, from.toEpochMilli());
                s.setLong(4, to.toEpochMilli());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        list.add(new StatsBucket(bucketSeconds, Instant.ofEpochMilli(r.getLong(1)), domain,
                                r.getString(2), r.getString(3), r.getString(4), r.getLong(5), r.getLong(6), r.getInt(7)));
                    }
                }
            }
            return List.copyOf(list);
        });
    }

    @Override
    public int deleteStatsBucketsBefore(int bucketSeconds, Instant cutoff) {
        return inTransaction("prune the statistics", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM stats_buckets WHERE bucket_seconds = ? AND start_ms < ?")) {
                s.setInt(1, bucketSeconds);
                s.setLong(2, cutoff.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }

    private static void bindStats(PreparedStatement s, StatsBucket b) throws SQLException {
        s.setLong(1, b.bytesIn());
        s.setLong(2, b.bytesOut());
        s.setInt(3, b.peakPlayers());
        s.setInt(4, b.bucketSeconds());
        s.setString(5, b.domain());
        s.setLong(6, b.start().toEpochMilli());
        s.setString(7, b.app());
        s.setString(8, b.stream());
        s.setString(9, b.protocol());
    }

    private static final String SNAPSHOT_CONFIG_COLUMNS = "interval_seconds, oss_endpoint, oss_bucket, "
            + "overwrite_object, sequence_object, created_ms, modified_ms, push_domain, app_name";
    private static final String SNAPSHOT_COLUMNS = "oss_endpoint, is_overwrite, width, height, url, stream_ms, "
            + "created_ms, push_domain, app_name, stream_name, oss_bucket, oss_object";

    @Override
    public List<SnapshotConfig> snapshotConfigs() {
        return inTransaction("read the snapshot configurations", c -> {
            List<SnapshotConfig> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + SNAPSHOT_CONFIG_COLUMNS + " FROM snapshot_configs");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    list.add(new SnapshotConfig(r.getString(8), r.getString(9), r.getInt(1), r.getString(2),
                            r.getString(3), r.getString(4), r.getString(5), Instant.ofEpochMilli(r.getLong(6)),
                            Instant.ofEpochMilli(r.getLong(7))));
                }
            }
            return List.copyOf(list);
        });
    }

    @Override
    public void saveSnapshotConfig(SnapshotConfig config) {
        Objects.requireNonNull(config, "snapshot configuration");
        inTransaction("save the snapshot configuration of " + config.domain() + "/" + config.app(), c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE snapshot_configs SET interval_seconds = ?, "
                    + "oss_endpoint = ?, oss_bucket = ?, overwrite_object = ?, sequence_object = ?, created_ms = ?, "
                    + "modified_ms = ? WHERE push_domain = ? AND app_name = ?")) {
                bindSnapshotConfig(update, config);
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO snapshot_configs ("
                    + SNAPSHOT_CONFIG_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindSnapshotConfig(insert, config);
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void deleteSnapshotConfig(String domain, String app) {
        inTransaction("delete the snapshot configuration of " + domain + "/" + app, c -> {
            update(c, "DELETE FROM snapshot_configs WHERE push_domain = ? AND app_name = ?",
                    Objects.requireNonNull(domain), Objects.requireNonNull(app));
            return null;
        });
    }

    @Override
    public void saveSnapshot(SnapshotShot shot) {
        Objects.requireNonNull(shot, "snapshot");
        inTransaction("index the snapshot " + shot.ossObject(), c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE snapshot_shots SET oss_endpoint = ?, "
                    + "is_overwrite = ?, width = ?, height = ?, url = ?, stream_ms = ?, created_ms = ? WHERE "
                    + "push_domain = ? AND app_name = ? AND stream_name = ? AND oss_bucket = ? AND oss_object = ?")) {
                bindSnapshot(update, shot);
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO snapshot_shots (" + SNAPSHOT_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindSnapshot(insert, shot);
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<SnapshotShot> snapshots(String domain, String app, String stream, Instant from, Instant to, int limit,
                                        boolean newestFirst) {
        String order = newestFirst ? "DESC" : "ASC";
        return inTransaction("read the snapshots of " + domain + "/" + app + "/" + stream, c -> {
            List<SnapshotShot> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + SNAPSHOT_COLUMNS + " FROM snapshot_shots WHERE "
                    + "push_domain = ? AND app_name = ? AND stream_name = ? AND created_ms >= ? AND created_ms < ? "
                    + "ORDER BY created_ms " + order + ", oss_object " + order + " FETCH FIRST ? ROWS ONLY")) {
                s.setString(1, domain);
                s.setString(2, app);
                s.setString(3, stream);
                s.setLong(4, from.toEpochMilli());
                s.setLong(5, to.toEpochMilli());
                s.setInt(6, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        list.add(new SnapshotShot(r.getString(8), r.getString(9), r.getString(10), r.getString(1),
                                r.getString(11), r.getString(12), r.getBoolean(2), r.getInt(3), r.getInt(4),
                                r.getString(5), r.getLong(6), Instant.ofEpochMilli(r.getLong(7))));
                    }
                }
            }
            return List.copyOf(list);
        });
    }

    @Override
    public int trimSnapshots(String domain, String app, String stream, int keep) {
        return inTransaction("trim the snapshots of " + domain + "/" + app + "/" + stream, c -> {
            long cutoff;
            // the created time of the newest row past the ones kept: it and everything older go
            try (PreparedStatement s = c.prepareStatement("SELECT created_ms FROM snapshot_shots WHERE push_domain = ? "
                    + "AND app_name = ? AND stream_name = ? ORDER BY created_ms DESC OFFSET ? ROWS FETCH FIRST 1 ROWS ONLY")) {
                s.setString(1, domain);
                s.setString(2, app);
                s.setString(3, stream);
                s.setInt(4, keep);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return 0;
                    }
                    cutoff = r.getLong(1);
                }
            }
            try (PreparedStatement d = c.prepareStatement("DELETE FROM snapshot_shots WHERE push_domain = ? "
                    + "AND app_name = ? AND stream_name = ? AND created_ms <= ?")) {
                d.setString(1, domain);
                d.setString(2, app);
                d.setString(3, stream);
                d.setLong(4, cutoff);
                return d.executeUpdate();
            }
        });
    }

    @Override
    public int deleteSnapshotsBefore(Instant cutoff) {
        return inTransaction("prune the snapshot index", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM snapshot_shots WHERE created_ms < ?")) {
                s.setLong(1, cutoff.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }

    /** In {@link #SNAPSHOT_CONFIG_COLUMNS} order, the key last: the same binding serves the insert and the update. */
    private static void bindSnapshotConfig(PreparedStatement s, SnapshotConfig c) throws SQLException {
        s.setInt(1, c.intervalSeconds());
        s.setString(2, c.ossEndpoint());
        s.setString(3, c.ossBucket());
        s.setString(4, c.overwriteObject());
        s.setString(5, c.sequenceObject());
        s.setLong(6, c.created().toEpochMilli());
        s.setLong(7, c.modified().toEpochMilli());
        s.setString(8, c.domain());
        s.setString(9, c.app());
    }

    /** In {@link #SNAPSHOT_COLUMNS} order, the key last. */
    private static void bindSnapshot(PreparedStatement s, SnapshotShot h) throws SQLException {
        s.setString(1, h.ossEndpoint());
        s.setBoolean(2, h.overwrite());
        s.setInt(3, h.width());
        s.setInt(4, h.height());
        s.setString(5, h.url());
        s.setLong(6, h.streamMillis());
        s.setLong(7, h.created().toEpochMilli());
        s.setString(8, h.domain());
        s.setString(9, h.app());
        s.setString(10, h.stream());
        s.setString(11, h.ossBucket());
        s.setString(12, h.ossObject());
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "JdbcControlStore[" + description + "]";
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * One transaction, retried when it lost a race it can win next time (an upsert's insert beaten by a concurrent
     * insert of the same key, a serialisation failure): each attempt reads the state afresh.
     */
    private <T> T inTransaction(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException r) {
                        e.addSuppressed(r);
                    }
                    throw e;
                }
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && retryable(e)) {
                    continue;
                }
                throw failure(what, e);
            }
        }
    }

    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        // unique violation; serialisation failure; PostgreSQL deadlock; H2 concurrent update
        return "23505".equals(state) || "40001".equals(state) || "40P01".equals(state) || "90131".equals(state);
    }

    private static RuntimeException failure(String what, SQLException e) {
        String state = e.getSQLState();
        String message = "control store: cannot " + what + ": " + e.getMessage();
        // SQLSTATE class 22 is a value the schema cannot hold, 23 a constraint: the data is refused, not the database.
        if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
            return new IllegalArgumentException(message, e);
        }
        return new IllegalStateException(message, e);
    }

    private static int update(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }

    /** In {@link #DOMAIN_COLUMNS} order, the name last: the same binding serves the insert and the update. */
    private static void bind(PreparedStatement s, Domain d) throws SQLException {
        AuthConfig auth = Objects.requireNonNull(d.auth(), "auth");
        s.setString(1, Objects.requireNonNull(d.type(), "type").apiName());
        s.setString(2, d.region());
        s.setString(3, d.scope());
        s.setString(4, Objects.requireNonNull(d.status(), "status").apiName());
        s.setString(5, d.cname());
        s.setString(6, Objects.requireNonNull(d.cnameStatus(), "cnameStatus").apiName());
        s.setBoolean(7, d.appIsolation());
        s.setBoolean(8, auth.enabled());
        s.setString(9, auth.primaryKey());
        s.setString(10, auth.backupKey());
        s.setLong(11, auth.validitySeconds());
        s.setBoolean(12, auth.timestampIsExpiry());
        s.setLong(13, Objects.requireNonNull(d.created(), "created").toEpochMilli());
        s.setLong(14, Objects.requireNonNull(d.modified(), "modified").toEpochMilli());
        s.setString(15, d.name());
    }

    /** resume, created, then the key: the same binding serves the insert and the update. */
    private static void bindBlocked(PreparedStatement s, BlockedStream b) throws SQLException {
        if (b.resumeAt() == null) {
            s.setNull(1, Types.BIGINT);
        } else {
            s.setLong(1, b.resumeAt().toEpochMilli());
        }
        s.setLong(2, b.since().toEpochMilli());
        s.setString(3, b.domain());
        s.setString(4, b.app());
        s.setString(5, b.stream());
    }

    /** In {@link #PUBLISH_COLUMNS} order, the id last. */
    private static void bindPublish(PreparedStatement s, PublishRecord p) throws SQLException {
        s.setString(1, p.domain());
        s.setString(2, p.app());
        s.setString(3, p.stream());
        s.setString(4, p.protocol());
        s.setString(5, p.clientAddr());
        s.setString(6, p.nodeAddr());
        s.setString(7, p.publishUrl());
        s.setLong(8, p.start().toEpochMilli());
        if (p.stop() == null) {
            s.setNull(9, Types.BIGINT);
        } else {
            s.setLong(9, p.stop().toEpochMilli());
        }
        s.setString(10, p.stopReason());
        s.setLong(11, p.bytes());
        s.setString(12, p.id());
    }

    private static Domain domain(ResultSet r) throws SQLException {
        AuthConfig auth = new AuthConfig(r.getBoolean(8), r.getString(9), r.getString(10), r.getLong(11),
                r.getBoolean(12));
        return new Domain(r.getString(15), DomainType.fromApiName(r.getString(1)), r.getString(2), r.getString(3),
                DomainStatus.fromApiName(r.getString(4)), r.getString(5), CnameStatus.fromApiName(r.getString(6)),
                r.getBoolean(7), auth, Instant.ofEpochMilli(r.getLong(13)), Instant.ofEpochMilli(r.getLong(14)));
    }

    /** What the start-up line names: the database, never a password. */
    private static String describe(String url) {
        if (url.startsWith("jdbc:h2:file:")) {
            return "H2 file " + cut(url.substring("jdbc:h2:file:".length()), ';');
        }
        if (url.startsWith("jdbc:h2:")) {
            return "H2 " + cut(url, ';');
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "PostgreSQL " + cut(url, '?');
        }
        return redact(url);
    }

    private static String cut(String s, char at) {
        int i = s.indexOf(at);
        return i < 0 ? s : s.substring(0, i);
    }

    private static String redact(String s) {
        return s == null ? null : PASSWORD_IN_URL.matcher(s).replaceAll("$1***");
    }

    private static IllegalStateException cannotOpen(String url, RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = String.valueOf(e.getMessage());
        if (root != e && root.getMessage() != null && !why.contains(root.getMessage())) {
            why += " (" + root.getMessage() + ")";
        }
        return new IllegalStateException("control store: cannot open " + redact(url) + ": " + redact(why), e);
    }

    // ---- recording (V5) ----------------------------------------------------------------------------------------

    @Override
    public List<io.livecloud.control.record.RecordConfig> recordConfigs() {
        return inTransaction("read the recording configurations", c -> {
            java.util.Map<List<String>, List<io.livecloud.control.record.RecordFormat>> formats = new java.util.HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT domain_name, app_name, stream_name, format, "
                    + "object_prefix, slice_prefix, cycle_seconds, slice_seconds FROM record_formats ORDER BY position");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    formats.computeIfAbsent(List.of(r.getString(1), r.getString(2), r.getString(3)), k -> new ArrayList<>())
                            .add(new io.livecloud.control.record.RecordFormat(r.getString(4), r.getString(5),
                                    r.getString(6), r.getInt(7), r.getInt(8)));
                }
            }
            List<io.livecloud.control.record.RecordConfig> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT domain_name, app_name, stream_name, oss_endpoint, "
                    + "oss_bucket, on_demand, delay_seconds, created_ms FROM record_configs");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    List<String> key = List.of(r.getString(1), r.getString(2), r.getString(3));
                    list.add(new io.livecloud.control.record.RecordConfig(key.get(0), key.get(1), key.get(2),
                            r.getString(4), r.getString(5), formats.getOrDefault(key, List.of()), r.getInt(6),
                            r.getInt(7), Instant.ofEpochMilli(r.getLong(8))));
                }
            }
            return List.copyOf(list);
        });
    }

    @Override
    public void saveRecordConfig(io.livecloud.control.record.RecordConfig rc) {
        Objects.requireNonNull(rc, "record config");
        inTransaction("save recording configuration " + rc.domain() + "/" + rc.app() + "/" + rc.stream(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO record_configs (domain_name, app_name, "
                    + "stream_name, oss_endpoint, oss_bucket, on_demand, delay_seconds, created_ms) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, rc.domain());
                s.setString(2, rc.app());
                s.setString(3, rc.stream());
                s.setString(4, rc.ossEndpoint());
                s.setString(5, rc.ossBucket());
                s.setInt(6, rc.onDemand());
                s.setInt(7, rc.delayTime());
                s.setLong(8, rc.created().toEpochMilli());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO record_formats (domain_name, app_name, "
                    + "stream_name, position, format, object_prefix, slice_prefix, cycle_seconds, slice_seconds) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int position = 0;
                for (io.livecloud.control.record.RecordFormat f : rc.formats()) {
                    s.setString(1, rc.domain());
                    s.setString(2, rc.app());
                    s.setString(3, rc.stream());
                    s.setInt(4, position++);
                    s.setString(5, f.format());
                    s.setString(6, f.ossObjectPrefix());
                    s.setString(7, f.sliceOssObjectPrefix());
                    s.setInt(8, f.cycleDuration());
                    s.setInt(9, f.sliceDuration());
                    s.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public void deleteRecordConfig(String domain, String app, String stream) {
        inTransaction("delete recording configuration " + domain + "/" + app + "/" + stream, c -> {
            update(c, "DELETE FROM record_formats WHERE domain_name = ? AND app_name = ? AND stream_name = ?",
                    Objects.requireNonNull(domain), Objects.requireNonNull(app), Objects.requireNonNull(stream));
            update(c, "DELETE FROM record_configs WHERE domain_name = ? AND app_name = ? AND stream_name = ?",
                    domain, app, stream);
            return null;
        });
    }

    private static final String RECORD_FILE_COLUMNS = "record_id, domain_name, app_name, stream_name, format, "
            + "oss_endpoint, oss_bucket, oss_object, record_url, duration_ms, width, height, start_ms, end_ms, created_ms";

    @Override
    public void saveRecordFile(io.livecloud.control.record.RecordFile f) {
        Objects.requireNonNull(f, "record file");
        inTransaction("index recording " + f.ossObject(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO record_files (" + RECORD_FILE_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, f.recordId());
                s.setString(2, f.domain());
                s.setString(3, f.app());
                s.setString(4, f.stream());
                s.setString(5, f.format());
                s.setString(6, f.ossEndpoint());
                s.setString(7, f.ossBucket());
                s.setString(8, f.ossObject());
                s.setString(9, f.recordUrl());
                s.setLong(10, Math.round(f.duration() * 1000));
                s.setInt(11, f.width());
                s.setInt(12, f.height());
                s.setLong(13, f.start().toEpochMilli());
                s.setLong(14, f.end().toEpochMilli());
                s.setLong(15, f.created().toEpochMilli());
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<io.livecloud.control.record.RecordFile> recordFiles(String domain, String app, String stream,
                                                                    Instant from, Instant to) {
        return inTransaction("read the recordings of " + domain + "/" + app + "/" + stream, c -> {
            List<io.livecloud.control.record.RecordFile> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + RECORD_FILE_COLUMNS + " FROM record_files "
                    + "WHERE domain_name = ? AND app_name = ? AND stream_name = ? AND start_ms < ? AND end_ms > ? "
                    + "ORDER BY start_ms, record_id")) {
                s.setString(1, domain);
                s.setString(2, app);
                s.setString(3, stream);
                s.setLong(4, to.toEpochMilli());
                s.setLong(5, from.toEpochMilli());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        list.add(new io.livecloud.control.record.RecordFile(r.getString(1), r.getString(2),
                                r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getString(7),
                                r.getString(8), r.getString(9), r.getLong(10) / 1000.0, r.getInt(11), r.getInt(12),
                                Instant.ofEpochMilli(r.getLong(13)), Instant.ofEpochMilli(r.getLong(14)),
                                Instant.ofEpochMilli(r.getLong(15))));
                    }
                }
            }
            return List.copyOf(list);
        });
    }
}
