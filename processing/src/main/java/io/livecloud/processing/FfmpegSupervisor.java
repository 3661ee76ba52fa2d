package io.livecloud.processing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns every ffmpeg child of the node (transcodes, recordings, snapshots): at most {@link Settings#maxJobs()} at once
 * (a start past that is refused with {@link JobLimitException}), restarted with backoff when they crash
 * ({@link FfmpegJob}), stopped on {@link #close()}, and killed by a JVM shutdown hook if the node never got to close
 * (so no ffmpeg outlives its server; one whose server was killed outright ends itself when its RTMP connection to the
 * server drops).
 */
public final class FfmpegSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FfmpegSupervisor.class);

    /**
     * @param maxJobs     children at once on this node
     * @param minBackoff  first wait before restarting a crashed child
     * @param maxBackoff  the wait doubles per crash up to this
     * @param stableAfter a run at least this long resets the wait to {@code minBackoff}
     * @param stopGrace   how long a child may take to finish its outputs after SIGTERM before it is killed
     */
    public record Settings(int maxJobs, Duration minBackoff, Duration maxBackoff, Duration stableAfter,
                           Duration stopGrace) {
        public Settings {
            if (maxJobs < 1) {
                throw new IllegalArgumentException("processing.maxJobs must be at least 1, got " + maxJobs);
            }
        }

        public static Settings defaults() {
            return new Settings(32, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30),
                    Duration.ofSeconds(5));
        }

        public Settings withMaxJobs(int value) {
            return new Settings(value, minBackoff, maxBackoff, stableAfter, stopGrace);
        }
    }

    /** A start refused because the node already runs {@link Settings#maxJobs()} children. */
    public static final class JobLimitException extends RuntimeException {
        public JobLimitException(String message) {
            super(message);
        }
    }

    private final FfmpegBinaries binaries;
    private final Settings settings;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Map<FfmpegJob, Boolean> jobs = new ConcurrentHashMap<>();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong crashes = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Thread shutdownHook;
    private volatile boolean closed;

    public FfmpegSupervisor(FfmpegBinaries binaries, Settings settings, Clock clock) {
        this.binaries = binaries;
        this.settings = settings;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ffmpeg-supervisor");
            t.setDaemon(true);
            return t;
        });
        this.shutdownHook = new Thread(() -> jobs.keySet().forEach(FfmpegJob::kill), "ffmpeg-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Starts a job.
     *
     * @throws JobLimitException when {@link Settings#maxJobs()} run already (nothing is started)
     * @throws IllegalStateException after {@link #close()}
     */
    public FfmpegJob start(FfmpegJob.Spec spec) {
        FfmpegJob job;
        synchronized (this) { // the count and the insert together, so two starts cannot both take the last slot
            if (closed) {
                throw new IllegalStateException("the ffmpeg supervisor is closed");
            }
            if (jobs.size() >= settings.maxJobs()) {
                refused.incrementAndGet();
                throw new JobLimitException("this node already runs " + jobs.size() + " ffmpeg jobs, the limit "
                        + "(processing.maxJobs); " + spec.name() + " was not started");
            }
            job = new FfmpegJob(countingCrashes(spec), this, binaries, timer, settings, clock);
            jobs.put(job, Boolean.TRUE);
        }
        started.incrementAndGet();
        job.launch();
        return job;
    }

    private FfmpegJob.Spec countingCrashes(FfmpegJob.Spec spec) {
        return new FfmpegJob.Spec(spec.name(), spec.arguments(), spec.wanted(), exit -> {
            if (exit.restarting()) {
                crashes.incrementAndGet();
            }
            spec.onExit().accept(exit);
        });
    }

    void ended(FfmpegJob job) {
        jobs.remove(job);
    }

    /** The jobs not yet over. */
    public List<FfmpegJob> jobs() {
        return new ArrayList<>(jobs.keySet());
    }

    /** Jobs not yet over (running or waiting to restart). */
    public int active() {
        return jobs.size();
    }

    public long startedTotal() {
        return started.get();
    }

    /** Runs that ended on their own while still wanted (and were restarted). */
    public long restartsTotal() {
        return crashes.get();
    }

    /** Starts refused by the job limit. */
    public long refusedTotal() {
        return refused.get();
    }

    /** Stops every job (SIGTERM, then kill after the stop grace) and waits for them. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<FfmpegJob> all = jobs();
        all.forEach(FfmpegJob::stop);
        CompletableFuture<?>[] ends = all.stream().map(FfmpegJob::ended).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(ends).get(settings.stopGrace().toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("{} ffmpeg jobs still running after the stop grace: killed", jobs.size());
            jobs.keySet().forEach(FfmpegJob::kill);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            jobs.keySet().forEach(FfmpegJob::kill);
        }
        timer.shutdownNow();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
    }
}
