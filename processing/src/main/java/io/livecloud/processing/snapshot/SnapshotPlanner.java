package io.livecloud.processing.snapshot;

import io.livecloud.control.snapshot.SnapshotCatalog;
import io.livecloud.control.snapshot.SnapshotConfig;
import io.livecloud.control.snapshot.SnapshotNaming;
import io.livecloud.control.snapshot.SnapshotShot;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamKey;
import io.livecloud.processing.LocalEndpoints;
import io.livecloud.processing.StreamJobs;
import io.livecloud.processing.storage.ObjectStore;
import io.livecloud.processing.storage.StorageResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshots (SPEC §5) on the processing foundation. When a client publish starts and its app has a snapshot
 * configuration ({@link SnapshotCatalog#configFor}), one ffmpeg job ({@link SnapshotArguments}) writes a JPEG of the
 * stream into the stream's work directory at once and then every {@code TimeInterval} seconds of stream time; it
 * lives and ends with the stream like every job of {@link StreamJobs}.
 *
 * <p>The collector, this class's own thread, picks the finished JPEGs up twice a second, puts each into the store of
 * the configuration (as it is now: names and storage changes apply from the next shot) under the overwrite name
 * and/or the sequence name, indexes each object in the control store and deletes the work file. A put or index that
 * fails (a dead store, a full disk, a bucket the node cannot reach) is counted, logged once per burst of failures
 * (and once when the stream's shots are stored again), and the shot is dropped: the stream, its job and other
 * streams go on. A configuration deleted while its streams are live stops their jobs within a second.
 */
public final class SnapshotPlanner implements StreamJobs.Planner, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotPlanner.class);
    public static final String KIND = "snapshot";
    public static final String JOB_ID = "snapshot";
    private static final Pattern SHOT_FILE = Pattern.compile("run(\\d+)-(\\d+)\\.jpg");
    private static final long COLLECT_EVERY_MILLIS = 500;
    /** A stream's collector state outlives its job this long (covers the moment between plan and start). */
    private static final long LINGER_MILLIS = 3_000;
    /** A JPEG still incomplete after this long (which atomic writing should rule out) is dropped. */
    private static final long INCOMPLETE_DROP_MILLIS = 10_000;

    private final SnapshotCatalog catalog;
    private final StreamJobs jobs;
    private final LocalEndpoints endpoints;
    private final StorageResolver storage;
    private final Path workRoot;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final Map<StreamKey, Shooter> shooters = new ConcurrentHashMap<>();
    private final AtomicLong storedTotal = new AtomicLong();
    private final AtomicLong failedTotal = new AtomicLong();

    /** One stream's snapshot job as the collector sees it. */
    private static final class Shooter {
        final StreamKey source;
        final Path dir;
        final AtomicInteger runs = new AtomicInteger();
        volatile long touchedMillis;
        /** Failures since the last stored shot; the first of a burst is logged. */
        long failuresInBurst;

        Shooter(StreamKey source, Path dir, long now) {
            this.source = source;
            this.dir = dir;
            this.touchedMillis = now;
        }
    }

    /**
     * @param workRoot where the jobs write their JPEGs before they are stored ({@code <data-dir>/work/snapshot});
     *                 emptied now: what a previous run left there belongs to jobs that no longer exist
     */
    public SnapshotPlanner(SnapshotCatalog catalog, StreamJobs jobs, LocalEndpoints endpoints, StorageResolver storage,
                           Path workRoot, Clock clock) {
        this.catalog = catalog;
        this.jobs = jobs;
        this.endpoints = endpoints;
        this.storage = storage;
        this.workRoot = workRoot.toAbsolutePath().normalize();
        this.clock = clock;
        int left = deleteTree(this.workRoot);
        if (left > 0) {
            log.info("snapshots: removed {} file(s) a previous run left in {}", left, this.workRoot);
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "snapshots");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::collect, COLLECT_EVERY_MILLIS, COLLECT_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The work directory of a stream's job. Domain, app and stream names are safe path parts (checked on publish). */
    public Path workDirOf(StreamKey key) {
        return workRoot.resolve(key.domain()).resolve(key.app()).resolve(key.stream());
    }

    /** Snapshot objects put into a store since start (an overwrite and a sequence object of one shot count two). */
    public long storedTotal() {
        return storedTotal.get();
    }

    /** Puts or index writes that failed since start (each dropped). */
    public long failedTotal() {
        return failedTotal.get();
    }

    @Override
    public List<StreamJobs.Plan> plan(StreamKey source, SessionInfo publish) {
        if (publish.request().isInternal()) {
            return List.of(); // a rendition: its source is the stream users configured snapshots for
        }
        Optional<SnapshotConfig> config = catalog.configFor(source.domain(), source.app());
        if (config.isEmpty()) {
            return List.of();
        }
        int interval = config.get().intervalSeconds();
        Shooter shooter = shooters.compute(source, (k, s) -> {
            Shooter kept = s != null ? s : new Shooter(k, workDirOf(k), clock.millis());
            kept.touchedMillis = clock.millis();
            return kept;
        });
        return List.of(new StreamJobs.Plan(source, JOB_ID, KIND, () -> {
            try {
                Files.createDirectories(shooter.dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the snapshot work directory " + shooter.dir, e);
            }
            return SnapshotArguments.of(endpoints.readUrl(source), interval,
                    shooter.dir.resolve("run" + shooter.runs.incrementAndGet() + "-%d.jpg"));
        }));
    }

    /** One pass of the collector: store what the jobs wrote, stop jobs whose configuration went, forget ended ones. */
    private void collect() {
        for (Shooter s : List.copyOf(shooters.values())) {
            try {
                boolean running = jobs.jobsOf(s.source).stream().anyMatch(j -> j.id().equals(JOB_ID));
                if (running) {
                    s.touchedMillis = clock.millis();
                }
                Optional<SnapshotConfig> config = catalog.configFor(s.source.domain(), s.source.app());
                List<Path> files = finishedShots(s.dir);
                for (Path f : files) {
                    store(s, config, f);
                }
                if (config.isEmpty() && running) {
                    log.info("snapshot {}/{}/{}: configuration deleted (DeleteLiveAppSnapshotConfig), stopped",
                            s.source.domain(), s.source.app(), s.source.stream());
                    jobs.stop(s.source, JOB_ID);
                }
                if (!running) {
                    shooters.computeIfPresent(s.source, (k, v) -> {
                        if (v != s || clock.millis() - s.touchedMillis < LINGER_MILLIS || !finishedShots(s.dir).isEmpty()) {
                            return v;
                        }
                        deleteTree(s.dir);
                        return null;
                    });
                }
            } catch (RuntimeException e) {
                log.warn("snapshot {}/{}/{}: collecting failed", s.source.domain(), s.source.app(), s.source.stream(), e);
            }
        }
    }

    /** The complete JPEGs of a work directory in the order they were taken (run, then timestamp). */
    private List<Path> finishedShots(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> SHOT_FILE.matcher(p.getFileName().toString()).matches()).forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparingLong((Path p) -> number(p, 1)).thenComparingLong(p -> number(p, 2)));
        return found;
    }

    private static long number(Path p, int group) {
        Matcher m = SHOT_FILE.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(group)) : 0;
    }

    private void store(Shooter s, Optional<SnapshotConfig> config, Path file) {
        StreamKey k = s.source;
        boolean keep = false;
        try {
            if (config.isEmpty()) {
                return; // the configuration is gone: nothing says where this shot goes
            }
            Instant taken = Files.getLastModifiedTime(file).toInstant();
            byte[] bytes = Files.readAllBytes(file);
            Optional<JpegSize.Size> size = JpegSize.of(bytes);
            if (size.isEmpty()) {
                if (clock.millis() - taken.toEpochMilli() < INCOMPLETE_DROP_MILLIS) {
                    keep = true; // not complete yet: look again on the next pass
                    return;
                }
                throw new IOException("not a complete JPEG: " + file.getFileName());
            }
            SnapshotConfig c = config.get();
            ObjectStore store = storage.resolve(c.ossEndpoint(), c.ossBucket());
            taken = Instant.ofEpochMilli(taken.toEpochMilli()); // the index keeps milliseconds
            long streamMillis = number(file, 2);
            if (c.overwrites()) {
                put(s, c, store, file, SnapshotNaming.expand(c.overwriteObject(), k.app(), k.stream(), taken), true,
                        size.get(), streamMillis, taken);
            }
            if (c.sequences()) {
                put(s, c, store, file, SnapshotNaming.expand(c.sequenceObject(), k.app(), k.stream(), taken), false,
                        size.get(), streamMillis, taken);
            }
            if (s.failuresInBurst > 0) {
                log.info("snapshot {}/{}/{}: stored again after {} failure(s)", k.domain(), k.app(), k.stream(),
                        s.failuresInBurst);
                s.failuresInBurst = 0;
            }
        } catch (IOException | RuntimeException e) {
            failedTotal.incrementAndGet();
            if (s.failuresInBurst++ == 0) {
                log.warn("snapshot {}/{}/{}: cannot store {} (dropped; further failures are counted, not logged, "
                        + "until one succeeds): {}", k.domain(), k.app(), k.stream(), file.getFileName(), e.toString());
            }
        } finally {
            if (!keep) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    log.warn("snapshot {}/{}/{}: cannot delete {}: {}", k.domain(), k.app(), k.stream(), file, e.toString());
                }
            }
        }
    }

    private void put(Shooter s, SnapshotConfig c, ObjectStore store, Path file, String key, boolean overwrite,
                     JpegSize.Size size, long streamMillis, Instant taken) throws IOException {
        store.put(key, file, "image/jpeg");
        storedTotal.incrementAndGet();
        catalog.record(new SnapshotShot(s.source.domain(), s.source.app(), s.source.stream(), c.ossEndpoint(),
                c.ossBucket(), key, overwrite, size.width(), size.height(), store.locationOf(key), streamMillis, taken));
    }

    /** Deletes a directory tree (a missing one is fine); returns how many files were in it. */
    private static int deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        int[] files = {0};
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    if (Files.isRegularFile(p)) {
                        files[0]++;
                    }
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException gone) {
                    // deleted meanwhile
                } catch (IOException e) {
                    log.warn("snapshots: cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("snapshots: cannot clean {}: {}", dir, e.toString());
        }
        return files[0];
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
