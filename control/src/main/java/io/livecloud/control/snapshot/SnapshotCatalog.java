package io.livecloud.control.snapshot;

import io.livecloud.control.ControlException;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainNames;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.store.ControlStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The snapshot configurations (SPEC §5) and the index of the snapshots taken, built like the transcoding catalog:
 * changes are serialised, written to the store first, then published as a new immutable list behind a volatile
 * field, so the planner reads it without a lock or I/O.
 *
 * <p>Configurations belong to the push domain the streams live under; a play domain given in the API stands for the
 * push domain it plays. An app's own configuration wins over the {@code *} one.
 *
 * <p>The index keeps, per stream, the newest {@link #DEFAULT_KEEP_PER_STREAM} rows and nothing older than
 * {@link #DEFAULT_RETENTION}: the objects themselves stay in their store (they are the user's), only the rows that
 * list them go.
 */
public final class SnapshotCatalog {
    /** What one domain may carry at most, so a typo loop cannot add thousands of configurations. */
    static final int MAX_CONFIGS_PER_DOMAIN = 100;
    public static final int DEFAULT_KEEP_PER_STREAM = 2000;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /** Index rows of a stream between two trims: a trim is a query, a shot comes every few seconds. */
    private static final int TRIM_EVERY = 50;

    /** Says whether a node can write to {@code (endpoint, bucket)}; throws IllegalArgumentException saying why not. */
    @FunctionalInterface
    public interface StorageCheck {
        void check(String endpoint, String bucket);
    }

    private final ControlStore store;
    private final DomainCatalog domains;
    private final Clock clock;
    private final StorageCheck storage;
    private final int keepPerStream;
    private final Duration retention;
    private volatile List<SnapshotConfig> configs;
    private final Map<String, AtomicLong> savedSinceTrim = new ConcurrentHashMap<>();
    private final AtomicLong savedSincePrune = new AtomicLong();

    public SnapshotCatalog(ControlStore store, DomainCatalog domains, Clock clock, StorageCheck storage) {
        this(store, domains, clock, storage, DEFAULT_KEEP_PER_STREAM, DEFAULT_RETENTION);
    }

    public SnapshotCatalog(ControlStore store, DomainCatalog domains, Clock clock, StorageCheck storage,
                           int keepPerStream, Duration retention) {
        this.store = store;
        this.domains = domains;
        this.clock = clock;
        this.storage = storage;
        this.keepPerStream = keepPerStream;
        this.retention = retention;
        this.configs = List.copyOf(store.snapshotConfigs());
    }

    /** AddLiveAppSnapshotConfig. */
    public synchronized SnapshotConfig add(String domain, String app, int intervalSeconds, String ossEndpoint,
                                           String ossBucket, String overwriteObject, String sequenceObject) {
        String push = pushDomainOf(domain);
        String a = checkApp(app);
        List<SnapshotConfig> current = valid();
        if (current.stream().anyMatch(c -> c.domain().equals(push) && c.app().equals(a))) {
            throw ControlException.badRequest("ConfigAlreadyExists", "app " + a + " of " + push + " already has a "
                    + "snapshot configuration; change it with UpdateLiveAppSnapshotConfig");
        }
        if (current.stream().filter(c -> c.domain().equals(push)).count() >= MAX_CONFIGS_PER_DOMAIN) {
            throw ControlException.badRequest("QuotaExceeded.Snapshot", push + " already has " + MAX_CONFIGS_PER_DOMAIN
                    + " snapshot configurations, the most a domain may have");
        }
        Instant now = Instant.ofEpochMilli(clock.millis()); // the store keeps milliseconds
        SnapshotConfig c = checked(new SnapshotConfig(push, a, intervalSeconds, blankToEmpty(ossEndpoint),
                blankToEmpty(ossBucket), SnapshotNaming.check("OverwriteOssObject", overwriteObject, false),
                SnapshotNaming.check("SequenceOssObject", sequenceObject, true), now, now));
        store.saveSnapshotConfig(c);
        publish(current, null, c);
        return c;
    }

    /**
     * UpdateLiveAppSnapshotConfig: a null value keeps what is set. Names and storage apply from the next shot; a new
     * interval from the next run of the stream's snapshot job (its next push).
     */
    public synchronized SnapshotConfig update(String domain, String app, Integer intervalSeconds, String ossEndpoint,
                                              String ossBucket, String overwriteObject, String sequenceObject) {
        String push = pushDomainOf(domain);
        String a = checkApp(app);
        List<SnapshotConfig> current = valid();
        SnapshotConfig old = find(current, push, a);
        SnapshotConfig c = checked(new SnapshotConfig(push, a,
                intervalSeconds == null ? old.intervalSeconds() : intervalSeconds,
                ossEndpoint == null ? old.ossEndpoint() : blankToEmpty(ossEndpoint),
                ossBucket == null ? old.ossBucket() : blankToEmpty(ossBucket),
                overwriteObject == null ? old.overwriteObject()
                        : SnapshotNaming.check("OverwriteOssObject", overwriteObject, false),
                sequenceObject == null ? old.sequenceObject()
                        : SnapshotNaming.check("SequenceOssObject", sequenceObject, true),
                old.created(), Instant.ofEpochMilli(clock.millis())));
        store.saveSnapshotConfig(c);
        publish(current, old, c);
        return c;
    }

    /** DeleteLiveAppSnapshotConfig: running snapshot jobs of the app stop. */
    public synchronized void delete(String domain, String app) {
        String push = pushDomainOf(domain);
        String a = checkApp(app);
        List<SnapshotConfig> current = valid();
        SnapshotConfig old = find(current, push, a);
        store.deleteSnapshotConfig(push, a);
        publish(current, old, null);
    }

    /** DescribeLiveSnapshotConfig: the configurations of a domain (of one app when {@code app} is not null), by app. */
    public List<SnapshotConfig> list(String domain, String app) {
        String push = pushDomainOf(domain);
        return valid().stream().filter(c -> c.domain().equals(push) && (app == null || c.app().equals(app)))
                .sorted(Comparator.comparing(SnapshotConfig::app)).toList();
    }

    /** The configuration a stream pushed under {@code app} of {@code pushDomain} gets, if any. Memory only. */
    public Optional<SnapshotConfig> configFor(String pushDomain, String app) {
        List<SnapshotConfig> all = valid();
        Optional<SnapshotConfig> own = all.stream().filter(c -> c.domain().equals(pushDomain) && c.app().equals(app))
                .findFirst();
        return own.isPresent() ? own : all.stream().filter(c -> c.domain().equals(pushDomain)
                && c.app().equals(SnapshotConfig.ANY_APP)).findFirst();
    }

    /** Indexes a stored snapshot, and trims the stream's rows now and then. */
    public void record(SnapshotShot shot) {
        store.saveSnapshot(shot);
        String stream = shot.domain() + "/" + shot.app() + "/" + shot.stream();
        if (savedSinceTrim.computeIfAbsent(stream, k -> new AtomicLong()).incrementAndGet() >= TRIM_EVERY) {
            savedSinceTrim.get(stream).set(0);
            store.trimSnapshots(shot.domain(), shot.app(), shot.stream(), keepPerStream);
        }
        if (savedSincePrune.incrementAndGet() >= TRIM_EVERY) {
            savedSincePrune.set(0);
            store.deleteSnapshotsBefore(clock.instant().minus(retention));
        }
    }

    /** One page of DescribeLiveStreamSnapshotInfo: the snapshots of a stream taken in {@code [from, to)}. */
    public List<SnapshotShot> shots(String domain, String app, String stream, Instant from, Instant to, int limit,
                                    boolean newestFirst) {
        return store.snapshots(pushDomainOf(domain), DomainNames.checkAppName(app), DomainNames.checkStreamName(stream),
                from, to, limit, newestFirst);
    }

    /** The push domain a domain name stands for: itself, or the push domain a play domain plays. */
    public String pushDomainOf(String name) {
        if (name == null || name.isBlank()) {
            throw ControlException.badRequest("MissingParameter", "DomainName is required");
        }
        return domains.streamsDomainOf(name).orElseThrow(() -> ControlException.badRequest(
                "InvalidDomain.NotMapped", domains.get(name).name() + " is a play domain without a push domain "
                        + "(AddLiveDomainMapping): snapshots are taken of the streams pushed to a push domain"));
    }

    private SnapshotConfig checked(SnapshotConfig c) {
        if (c.intervalSeconds() < SnapshotConfig.MIN_INTERVAL_SECONDS
                || c.intervalSeconds() > SnapshotConfig.MAX_INTERVAL_SECONDS) {
            throw ControlException.badRequest("InvalidTimeInterval.Malformed", "Specified parameter TimeInterval is "
                    + "not valid: seconds from " + SnapshotConfig.MIN_INTERVAL_SECONDS + " to "
                    + SnapshotConfig.MAX_INTERVAL_SECONDS + ", got: " + c.intervalSeconds());
        }
        if (!c.overwrites() && !c.sequences()) {
            throw ControlException.badRequest("MissingParameter", "OverwriteOssObject or SequenceOssObject is "
                    + "required: the overwritten object, the sequence of objects, or both");
        }
        if (c.ossBucket().length() > 255 || c.ossEndpoint().length() > 255) {
            throw ControlException.badRequest("InvalidOssBucket.Malformed", "OssEndpoint and OssBucket are at most "
                    + "255 characters");
        }
        try {
            storage.check(c.ossEndpoint(), c.ossBucket());
        } catch (IllegalArgumentException e) {
            throw ControlException.badRequest("InvalidOssBucket.Unavailable", "Specified parameter OssBucket is not "
                    + "valid: " + e.getMessage());
        }
        return c;
    }

    private static SnapshotConfig find(List<SnapshotConfig> current, String push, String app) {
        return current.stream().filter(c -> c.domain().equals(push) && c.app().equals(app)).findFirst()
                .orElseThrow(() -> ControlException.notFound("InvalidConfig.NotFound", "app " + app + " of " + push
                        + " has no snapshot configuration"));
    }

    private void publish(List<SnapshotConfig> current, SnapshotConfig removed, SnapshotConfig added) {
        List<SnapshotConfig> next = new ArrayList<>(current);
        if (removed != null) {
            next.remove(removed);
        }
        if (added != null) {
            next.add(added);
        }
        configs = List.copyOf(next);
    }

    private static String checkApp(String app) {
        return SnapshotConfig.ANY_APP.equals(app) ? app : DomainNames.checkStreamPart("AppName", app);
    }

    private static String blankToEmpty(String s) {
        return s == null || s.isBlank() ? "" : s.trim();
    }

    /**
     * The configurations whose domain still exists as the one they were made for: the store deletes a domain's
     * configurations with it, and a domain deleted and added again in the same run starts with none.
     */
    private List<SnapshotConfig> valid() {
        DomainCatalog.View view = domains.view();
        List<SnapshotConfig> out = new ArrayList<>();
        for (SnapshotConfig c : configs) {
            Domain d = view.domain(c.domain());
            if (d != null && d.type() == DomainType.PUSH
                    && !c.created().isBefore(Instant.ofEpochMilli(d.created().toEpochMilli()))) {
                out.add(c);
            }
        }
        return out;
    }
}
