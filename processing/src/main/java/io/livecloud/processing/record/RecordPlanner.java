package io.livecloud.processing.record;

import io.livecloud.control.record.RecordCatalog;
import io.livecloud.control.record.RecordConfig;
import io.livecloud.control.record.RecordFile;
import io.livecloud.control.record.RecordFormat;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamKey;
import io.livecloud.processing.FfmpegJob;
import io.livecloud.processing.LocalEndpoints;
import io.livecloud.processing.StreamJobs;
import io.livecloud.processing.storage.ObjectStore;
import io.livecloud.processing.storage.StorageResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Recording (SPEC §5, 录制) on the processing foundation. When a client's push goes live and a configuration covers
 * it ({@link RecordCatalog#configFor}: the stream's own, else its app's; with {@code OnDemand=1} only pushes whose URL
 * says {@code record=1}), one job per format remuxes the stream ({@code -c copy}, {@link RecordArguments}) into a work
 * directory under the data directory. Every finished file — a cycle of flv or mp4, a slice of m3u8 and, at the end of
 * each m3u8 cycle, its playlist — is named by the format's template (its start and end are known then), put into the
 * configuration's store, indexed, and removed from the work directory.
 *
 * <p>A publisher that comes back while the stream is still live (the hub's grace, {@code media.publisherGraceMillis})
 * and within the configuration's {@code DelayTime} continues the same files: the job's RTMP read only pauses and the
 * hub keeps the stream's clock going. When the grace ends first (the default: 5 s against DelayTime's 15 s at
 * least) ffmpeg's input ends and it finishes its files. When DelayTime ends first (a grace set longer), the job is
 * stopped; ffmpeg blocked in a silent read does not act on SIGTERM, so it is killed after the supervisor's stop
 * grace, and its files keep what was written (fragmented mp4: up to the last 1 s fragment; flv without its
 * duration header; TS whole), measured by ffprobe for the index.
 *
 * <p>A put that fails (a dead store, a full disk) is retried {@link #PUT_ATTEMPTS} times with growing pauses, on the
 * recorder's own upload thread; after that it is logged and counted and the file is kept under
 * {@code <work>/failed/} — never stopping the stream or another recording.
 */
public final class RecordPlanner implements StreamJobs.Planner, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordPlanner.class);
    public static final String KIND = "record";
    static final int PUT_ATTEMPTS = 4;
    private static final long FIRST_RETRY_MILLIS = 1000;
    private static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** The size of a stream's picture now (0 × 0 for audio only). */
    public record Picture(int width, int height) {
    }

    private final RecordCatalog catalog;
    private final StreamJobs jobs;
    private final LocalEndpoints endpoints;
    private final StorageResolver storage;
    private final Consumer<RecordFile> index;
    private final Predicate<StreamKey> publisherAttached;
    private final Function<StreamKey, Picture> picture;
    private final java.util.function.ToDoubleFunction<Path> mediaSeconds;
    private final Path work;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final ScheduledExecutorService uploads;
    /** Recordings by stream and job id, while their job runs (and until their last files are handed over). */
    private final Map<String, Recording> recordings = new ConcurrentHashMap<>();
    /** When each recorded stream lost its publisher (absent: it has one). */
    private final Map<StreamKey, Instant> publisherGone = new ConcurrentHashMap<>();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong putRetries = new AtomicLong();
    private final AtomicLong putFailures = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param index             indexes a stored file (the control store); a failure is logged, the file stays stored
     * @param publisherAttached whether a stream has a publisher right now (not only in its grace period)
     * @param mediaSeconds      the seconds of media in a file (ffprobe), NaN when unknown: for the file a killed
     *                          recorder left behind, which its segment list does not describe
     * @param work              the work directory (under the data directory), e.g. {@code <data>/recording}
     */
    public RecordPlanner(RecordCatalog catalog, StreamJobs jobs, LocalEndpoints endpoints, StorageResolver storage,
                         Consumer<RecordFile> index, Predicate<StreamKey> publisherAttached,
                         Function<StreamKey, Picture> picture, java.util.function.ToDoubleFunction<Path> mediaSeconds,
                         Path work, Clock clock) {
        this.mediaSeconds = mediaSeconds;
        this.catalog = catalog;
        this.jobs = jobs;
        this.endpoints = endpoints;
        this.storage = storage;
        this.index = index;
        this.publisherAttached = publisherAttached;
        this.picture = picture;
        this.work = work.toAbsolutePath().normalize();
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "record"));
        this.uploads = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "record-upload"));
        setAsideInterrupted(); // before any recording of this run can begin
        thread.scheduleWithFixedDelay(this::tick, 500, 500, TimeUnit.MILLISECONDS);
    }

    /**
     * Files a previous run of the node left in the work directory (it stopped without finishing them: killed, a
     * power cut) are not stored automatically — their times are unknown; they are moved to
     * {@code <work>/failed/interrupted/} for the operator, with one log line.
     */
    private void setAsideInterrupted() {
        if (!Files.isDirectory(work)) {
            return;
        }
        Path failed = work.resolve("failed");
        List<Path> left;
        try (Stream<Path> files = Files.walk(work)) {
            left = files.filter(Files::isRegularFile).filter(f -> !f.startsWith(failed)).toList();
        } catch (IOException e) {
            log.warn("cannot look for interrupted recordings in {}: {}", work, e.toString());
            return;
        }
        int moved = 0;
        for (Path f : left) {
            try {
                Path target = failed.resolve("interrupted").resolve(work.relativize(f));
                Files.createDirectories(target.getParent());
                Files.move(f, target, StandardCopyOption.REPLACE_EXISTING);
                moved++;
            } catch (IOException e) {
                log.warn("cannot set aside the interrupted recording file {}: {}", f, e.toString());
            }
        }
        if (moved > 0) {
            log.warn("{} file(s) of recordings interrupted by the node's last stop moved to {}", moved,
                    failed.resolve("interrupted"));
        }
        List<Path> dirs;
        try (Stream<Path> all = Files.walk(work)) {
            dirs = all.filter(Files::isDirectory).filter(d -> !d.startsWith(failed) && !d.equals(work))
                    .sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            return;
        }
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException notEmpty) {
                // a file could not be moved: leave its directory
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * The container duration of a media file by {@code ffprobe} ({@code ffprobe} beside the node's ffmpeg), NaN when
     * it cannot tell within 10 s.
     */
    public static double probeSeconds(io.livecloud.processing.FfmpegBinaries binaries, Path file) {
        try {
            Process p = binaries.command("ffprobe", List.of("-v", "error", "-show_entries", "format=duration", "-of",
                    "default=noprint_wrappers=1:nokey=1", file.toString())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Double.NaN;
            }
            return p.exitValue() == 0 ? Double.parseDouble(out) : Double.NaN;
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** The job id of a format among its stream's jobs. */
    public static String jobId(String format) {
        return KIND + ":" + format;
    }

    @Override
    public List<StreamJobs.Plan> plan(StreamKey source, SessionInfo publish) {
        if (publish.request().isInternal()) {
            return List.of(); // renditions and other jobs' outputs are not recorded
        }
        Optional<RecordConfig> found = catalog.configFor(source.domain(), source.app(), source.stream());
        if (found.isEmpty() || !found.get().wants(publish.request().query())) {
            return List.of();
        }
        RecordConfig config = found.get();
        publisherGone.remove(source);
        ObjectStore store;
        try {
            store = storage.resolve(config.ossEndpoint(), config.ossBucket());
        } catch (IllegalArgumentException e) {
            log.warn("record {}/{}/{} not started: {}", source.domain(), source.app(), source.stream(), e.getMessage());
            return List.of();
        }
        List<StreamJobs.Plan> plans = new ArrayList<>();
        for (RecordFormat f : config.formats()) {
            String id = jobId(f.format());
            String key = key(source, id);
            plans.add(new StreamJobs.Plan(source, id, KIND, () -> {
                Recording r = recordings.computeIfAbsent(key, k -> new Recording(source, config, f,
                        work.resolve(source.domain()).resolve(source.app()).resolve(source.stream())
                                .resolve(f.format() + "-" + RUN_NAME.format(clock.instant())), store, clock));
                Path runDir = r.newRun();
                if (r.runs() == 1) {
                    log.info("record {} started: to {}", r.describe(), store.describe());
                }
                return RecordArguments.of(f, endpoints.readUrl(source), runDir);
            }, exit -> exited(key, exit)));
        }
        return plans;
    }

    private static String key(StreamKey source, String id) {
        return source.domain() + "/" + source.app() + "/" + source.stream() + "#" + id;
    }

    /** A run ended (on the job's thread): hand its last files over; when the job is over, close the recording. */
    private void exited(String key, FfmpegJob.Exit exit) {
        Recording r = recordings.get(key);
        if (r == null) {
            return;
        }
        // here, before a restart can begin the next run: the ended run's last files must be taken first
        synchronized (r) {
            collect(r, r.newlyFinished());
            if (exit.code() != 0) {
                collect(r, r.unlisted(mediaSeconds)); // a killed run's file being written is kept too
            }
            if (!exit.restarting()) {
                recordings.remove(key);
                finishCycle(r);
                upload(() -> cleanUp(r));
                log.info("record {} stopped after {} run(s){}", r.describe(), r.runs(),
                        exit.code() == 0 ? "" : " (ffmpeg exit " + exit.code() + ": " + exit.lastError() + ")");
            }
        }
    }

    /** Every half second: hand over finished files; end recordings whose publisher is gone past DelayTime. */
    private void tick() {
        try {
            for (Map.Entry<String, Recording> e : recordings.entrySet()) {
                Recording r = e.getValue();
                pictureOf(r);
                synchronized (r) { // against the job's own thread handing over a run that just ended
                    collect(r, r.newlyFinished());
                }
                endAfterDelay(r);
            }
            publisherGone.keySet().removeIf(k -> recordings.values().stream().noneMatch(r -> r.source.equals(k)));
        } catch (RuntimeException e) {
            log.warn("recording check failed", e);
        }
    }

    private Picture pictureOf(Recording r) {
        Picture now = picture.apply(r.source);
        if (now.width() > 0) {
            r.picture = now;
        }
        return r.picture;
    }

    /**
     * A publisher gone for DelayTime (shorter than the hub's grace, or the stream would have ended already) ends the
     * recording: its job is stopped.
     */
    private void endAfterDelay(Recording r) {
        if (publisherAttached.test(r.source)) {
            publisherGone.remove(r.source);
            return;
        }
        Instant gone = publisherGone.computeIfAbsent(r.source, k -> clock.instant());
        if (!r.ending && !clock.instant().isBefore(gone.plusSeconds(r.config.delayTime()))
                && jobs.stop(r.source, jobId(r.format.format()))) {
            r.ending = true;
            log.info("record {}: no publisher for DelayTime {} s, recording ended", r.describe(), r.config.delayTime());
        }
    }

    /** The recording's newly finished pieces: flv/mp4 files go out at once, m3u8 slices join the current cycle. */
    private void collect(Recording r, List<Recording.Piece> finished) {
        ObjectStore store = r.store;
        for (Recording.Piece p : finished) {
            if (!Files.exists(p.file())) {
                continue;
            }
            if (!r.format.format().equals("m3u8")) {
                String name = r.format.objectName(r.source.app(), r.source.stream(), p.start(), p.end());
                storeAndIndex(r, store, p.file(), name, p.start(), p.end(), p.seconds(), true);
                continue;
            }
            if (r.cycleStart == null) {
                r.cycleStart = p.start();
            }
            r.sequence++;
            String slice = r.format.sliceName(r.source.app(), r.source.stream(), r.cycleStart, r.sequence);
            r.cycle.add(new Recording.Piece(Path.of(slice), p.start(), p.end(), p.seconds(), p.discontinuity()));
            storeAndIndex(r, store, p.file(), slice, p.start(), p.end(), p.seconds(), false);
            double filled = r.cycle.stream().mapToDouble(Recording.Piece::seconds).sum();
            if (filled >= r.format.cycleDuration() - 0.5) {
                finishCycle(r);
            }
        }
    }

    /** m3u8: writes the cycle's playlist (its slices by relative name), stores and indexes it; starts a new cycle. */
    private void finishCycle(Recording r) {
        ObjectStore store = r.store;
        if (!r.format.format().equals("m3u8") || r.cycle.isEmpty()) {
            return;
        }
        List<Recording.Piece> slices = List.copyOf(r.cycle);
        Instant start = r.cycleStart;
        Instant end = slices.get(slices.size() - 1).end();
        r.cycle.clear();
        r.cycleStart = null;
        String name = r.format.objectName(r.source.app(), r.source.stream(), start, end);
        double seconds = slices.stream().mapToDouble(Recording.Piece::seconds).sum();
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n");
        long target = Math.max(1, Math.round(Math.ceil(slices.stream().mapToDouble(Recording.Piece::seconds).max()
                .orElse(1))));
        m3u8.append("#EXT-X-TARGETDURATION:").append(target).append('\n');
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(r.sequence - slices.size() + 1).append('\n');
        m3u8.append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        for (Recording.Piece s : slices) {
            if (s.discontinuity()) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            m3u8.append(String.format(Locale.ROOT, "#EXTINF:%.3f,%n", s.seconds()));
            m3u8.append(relative(name, s.file().toString())).append('\n');
        }
        m3u8.append("#EXT-X-ENDLIST\n");
        try {
            Path file = Files.createTempFile(r.dir, "playlist-", ".m3u8");
            Files.writeString(file, m3u8, StandardCharsets.UTF_8);
            storeAndIndex(r, store, file, name, start, end, seconds, true);
        } catch (IOException e) {
            putFailures.incrementAndGet();
            log.error("record {}: cannot write the playlist {}", r.describe(), name, e);
        }
    }

    /** The object name {@code to} as a URI reference from the object {@code from} (both '/'-separated keys). */
    static String relative(String from, String to) {
        String[] a = from.split("/");
        String[] b = to.split("/");
        int common = 0;
        while (common < a.length - 1 && common < b.length - 1 && a[common].equals(b[common])) {
            common++;
        }
        StringBuilder out = new StringBuilder();
        for (int i = common; i < a.length - 1; i++) {
            out.append("../");
        }
        for (int i = common; i < b.length; i++) {
            out.append(b[i]).append(i < b.length - 1 ? "/" : "");
        }
        return out.toString();
    }

    /** Queues a put (with retries) of a finished work file; indexed when {@code indexed}; the work file then goes. */
    private void storeAndIndex(Recording r, ObjectStore store, Path file, String name, Instant start, Instant end,
                               double seconds, boolean indexed) {
        Picture pic = pictureOf(r);
        r.pending.incrementAndGet();
        upload(() -> put(r, store, file, name, start, end, seconds, indexed, pic, 1));
    }

    private void put(Recording r, ObjectStore store, Path file, String name, Instant start, Instant end,
                     double seconds, boolean indexed, Picture pic, int attempt) {
        try {
            store.put(name, file, contentType(name));
        } catch (IOException | RuntimeException e) {
            if (attempt < PUT_ATTEMPTS && !closed) {
                putRetries.incrementAndGet();
                long wait = FIRST_RETRY_MILLIS << (attempt - 1);
                log.warn("record {}: storing {} failed (attempt {} of {}, again in {} ms): {}", r.describe(), name,
                        attempt, PUT_ATTEMPTS, wait, e.toString());
                try {
                    uploads.schedule(() -> put(r, store, file, name, start, end, seconds, indexed, pic, attempt + 1),
                            wait, TimeUnit.MILLISECONDS);
                    return;
                } catch (RejectedExecutionException closing) {
                    // fall through: kept as failed
                }
            }
            putFailures.incrementAndGet();
            r.pending.decrementAndGet();
            Path kept = keep(file, name);
            log.error("record {}: {} not stored in {} after {} attempt(s), kept at {}", r.describe(), name,
                    store.describe(), attempt, kept, e);
            return;
        }
        stored.incrementAndGet();
        r.pending.decrementAndGet();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("record {}: cannot remove the work file {}: {}", r.describe(), file, e.toString());
        }
        if (!indexed) {
            return;
        }
        try {
            index.accept(new RecordFile(UUID.randomUUID().toString(), r.source.domain(), r.source.app(),
                    r.source.stream(), r.format.format(), r.config.ossEndpoint(), r.config.ossBucket(), name,
                    store.locationOf(name), seconds, pic.width(), pic.height(), start, end, clock.instant()));
            log.info("record {}: stored {} ({} s) in {}", r.describe(), name,
                    String.format(Locale.ROOT, "%.1f", seconds), store.describe());
        } catch (RuntimeException e) {
            log.error("record {}: {} stored but not indexed", r.describe(), name, e);
        }
    }

    /** Moves a file that could not be stored to {@code <work>/failed/<object name>}, for the operator. */
    private Path keep(Path file, String name) {
        try {
            Path target = work.resolve("failed").resolve(ObjectStore.checkKey(name)).normalize();
            Files.createDirectories(target.getParent());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException | RuntimeException e) {
            return file;
        }
    }

    /** Removes a recording's work directory once everything in it is handed over (what failed was moved out). */
    private void cleanUp(Recording r) {
        if (r.pending.get() > 0 && !closed) {
            try {
                uploads.schedule(() -> cleanUp(r), 1, TimeUnit.SECONDS); // a put is being retried
            } catch (RejectedExecutionException closing) {
                // the work directory stays
            }
            return;
        }
        List<Path> all;
        try (Stream<Path> files = Files.walk(r.dir)) {
            all = files.sorted(Comparator.reverseOrder()).toList(); // files before their directories
        } catch (IOException e) {
            return;
        }
        for (Path p : all) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.debug("record {}: {} not removed: {}", r.describe(), p, e.toString());
            }
        }
    }

    private static String contentType(String name) {
        return name.endsWith(".mp4") ? "video/mp4" : name.endsWith(".flv") ? "video/x-flv"
                : name.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : name.endsWith(".ts") ? "video/mp2t"
                : "application/octet-stream";
    }

    private void upload(Runnable task) {
        try {
            uploads.execute(task);
        } catch (RejectedExecutionException e) {
            // closing: the work files stay on disk
        }
    }

    /** Files stored (slices and playlists included). */
    public long storedTotal() {
        return stored.get();
    }

    /** Puts that failed and were tried again. */
    public long putRetriesTotal() {
        return putRetries.get();
    }

    /** Files that could not be stored after every attempt (kept under the work directory's failed/). */
    public long putFailuresTotal() {
        return putFailures.get();
    }

    /** Recordings running now. */
    public int active() {
        return recordings.size();
    }

    /**
     * Stops checking. Call after the ffmpeg children are stopped: their last files are handed over first (the
     * uploads still queued get a few seconds).
     */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        uploads.shutdown();
        try {
            if (!uploads.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("recording uploads still queued at shutdown are left in {}", work);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        uploads.shutdownNow();
    }
}
