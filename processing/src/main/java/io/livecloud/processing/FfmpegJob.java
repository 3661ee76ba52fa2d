package io.livecloud.processing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One supervised ffmpeg child: started by {@link FfmpegSupervisor#start}, restarted with backoff when it exits while
 * still {@linkplain Spec#wanted() wanted}, and stopped (SIGTERM, so muxers write their trailers; killed after a grace
 * period) by {@link #stop}. One thread per run reads the child's merged output: {@code -progress} blocks become
 * {@link #progress()}, every other line is a log line, kept in a short ring for {@link #lastErrors()} and logged at
 * most a few times per run, so a chatty ffmpeg never floods the server log.
 */
public final class FfmpegJob {
    private static final Logger log = LoggerFactory.getLogger(FfmpegJob.class);
    private static final int ERROR_RING = 20;
    private static final int LOGGED_LINES_PER_RUN = 5;

    /**
     * What to run.
     *
     * @param name      what logs and the API call the job, e.g. {@code transcode push.example.com/live/cam_lld}
     * @param arguments ffmpeg's arguments after the executable, asked anew for every (re)start (so a URL may carry a
     *                  fresh token); the supervisor puts {@code -nostdin -hide_banner -loglevel warning -nostats -progress pipe:1}
     *                  before them
     * @param wanted    asked when the child exits: false ends the job (the stream ended), true restarts it
     * @param onExit    told after every run ends (exit code, and whether the job goes on), on the job's own thread
     */
    public record Spec(String name, Supplier<List<String>> arguments, BooleanSupplier wanted, Consumer<Exit> onExit) {
        public Spec(String name, Supplier<List<String>> arguments, BooleanSupplier wanted) {
            this(name, arguments, wanted, exit -> { });
        }
    }

    /** How one run ended. */
    public record Exit(int code, boolean restarting, Duration ran, String lastError) {
    }

    public enum State { RUNNING, BACKOFF, STOPPED, FAILED }

    private final Spec spec;
    private final FfmpegSupervisor supervisor;
    private final FfmpegBinaries binaries;
    private final ScheduledExecutorService timer;
    private final FfmpegSupervisor.Settings settings;
    private final Clock clock;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final ArrayDeque<String> errors = new ArrayDeque<>();
    private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

    private volatile FfmpegProgress progress = FfmpegProgress.NONE;
    private volatile State state = State.RUNNING;
    private volatile Instant startedAt;
    private volatile int restarts;
    private volatile Process process;
    private boolean stopRequested; // guarded by this
    private Duration backoff;

    FfmpegJob(Spec spec, FfmpegSupervisor supervisor, FfmpegBinaries binaries, ScheduledExecutorService timer,
              FfmpegSupervisor.Settings settings, Clock clock) {
        this.spec = spec;
        this.supervisor = supervisor;
        this.binaries = binaries;
        this.timer = timer;
        this.settings = settings;
        this.clock = clock;
        this.backoff = settings.minBackoff();
    }

    public String name() {
        return spec.name();
    }

    public State state() {
        return state;
    }

    /** The latest progress block of the current run ({@link FfmpegProgress#NONE} before the first). */
    public FfmpegProgress progress() {
        return progress;
    }

    /** How many times the child was started again after exiting on its own. */
    public int restarts() {
        return restarts;
    }

    /** When the current (or last) run started. */
    public Instant startedAt() {
        return startedAt;
    }

    /** The child's process id while one runs. */
    public Optional<Long> pid() {
        Process p = process;
        return p != null && p.isAlive() ? Optional.of(p.pid()) : Optional.empty();
    }

    /** The newest log lines ffmpeg wrote (warnings and errors), oldest first. */
    public List<String> lastErrors() {
        synchronized (errors) {
            return new ArrayList<>(errors);
        }
    }

    /** Completes when the job is over for good: stopped, or its stream no longer wants it. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /**
     * Ends the job: the running child gets SIGTERM (ffmpeg then finishes its outputs) and is killed if still alive
     * after the supervisor's stop grace. Returns at once; {@link #ended()} completes when the child is gone.
     */
    public void stop() {
        Process p;
        synchronized (this) {
            if (stopRequested) {
                return;
            }
            stopRequested = true;
            p = process;
            if (p == null || !p.isAlive()) {
                if (state == State.BACKOFF) { // no child: the pending restart sees stopRequested and ends the job
                    finish(State.STOPPED);
                }
                return;
            }
        }
        p.destroy();
        timer.schedule(() -> {
            if (p.isAlive()) {
                log.warn("ffmpeg job {} did not stop within {} ms of SIGTERM: killed", name(),
                        settings.stopGrace().toMillis());
                p.destroyForcibly();
            }
        }, settings.stopGrace().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Kills the child at once (JVM shutdown: there is no time for trailers). */
    void kill() {
        synchronized (this) {
            stopRequested = true;
        }
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    synchronized boolean stopRequested() {
        return stopRequested;
    }

    /** Starts a run; a child that cannot even be started counts as a run that failed at once. */
    void launch() {
        List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-loglevel", "warning", "-nostats",
                "-progress", "pipe:1"));
        Process p;
        try {
            args.addAll(spec.arguments().get());
            synchronized (this) {
                if (stopRequested) {
                    finish(State.STOPPED);
                    return;
                }
                startedAt = clock.instant();
                progress = FfmpegProgress.NONE;
                p = binaries.command("ffmpeg", args).redirectErrorStream(true).start();
                process = p;
                state = State.RUNNING;
            }
        } catch (IOException | RuntimeException e) {
            remember("cannot start ffmpeg: " + e.getMessage());
            log.warn("ffmpeg job {} cannot start: {}", name(), e.toString());
            exited(-1, Duration.ZERO);
            return;
        }
        log.info("ffmpeg job {} started (pid {}{})", name(), p.pid(), restarts == 0 ? "" : ", restart " + restarts);
        Thread reader = new Thread(() -> readUntilExit(p), "ffmpeg-" + p.pid());
        reader.setDaemon(true);
        reader.start();
    }

    private void readUntilExit(Process p) {
        Instant began = startedAt;
        int logged = 0;
        Map<String, String> block = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int eq = line.indexOf('=');
                String key = eq > 0 ? line.substring(0, eq) : "";
                if (eq > 0 && FfmpegProgress.isProgressKey(key)) {
                    block.put(key, line.substring(eq + 1));
                    if (key.equals("progress")) {
                        progress = FfmpegProgress.of(block, clock.instant());
                        block.clear();
                    }
                } else if (!line.isBlank()) {
                    remember(line);
                    if (logged++ < LOGGED_LINES_PER_RUN) {
                        log.warn("ffmpeg job {}: {}", name(), line.strip());
                    }
                }
            }
        } catch (IOException e) {
            remember("reading ffmpeg output: " + e.getMessage());
        }
        int code;
        try {
            code = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            code = -1;
        }
        exited(code, Duration.between(began, clock.instant()));
    }

    /** A run ended: restart after a backoff while wanted and not stopped, else the job is over. */
    private void exited(int code, Duration ran) {
        boolean again;
        synchronized (this) {
            process = null;
            again = !stopRequested && wantedSafely();
            if (again) {
                backoff = ran.compareTo(settings.stableAfter()) >= 0 ? settings.minBackoff() : backoff;
                state = State.BACKOFF;
            }
        }
        String last = lastErrors().stream().reduce((a, b) -> b).orElse("");
        Exit exit = new Exit(code, again, ran, last);
        try {
            spec.onExit().accept(exit);
        } catch (RuntimeException e) {
            log.warn("ffmpeg job {}: exit listener failed", name(), e);
        }
        if (!again) {
            log.info("ffmpeg job {} ended (exit {}, ran {} s)", name(), code, ran.toSeconds());
            finish(stopRequested() || code == 0 || code == 255 ? State.STOPPED : State.FAILED);
            return;
        }
        Duration wait = backoff;
        backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
        log.warn("ffmpeg job {} exited with {} after {} s{}; restarting in {} ms", name(), code, ran.toSeconds(),
                last.isEmpty() ? "" : " (" + last.strip() + ")", wait.toMillis());
        timer.schedule(() -> {
            synchronized (this) {
                if (stopRequested || !wantedSafely()) {
                    finish(State.STOPPED);
                    return;
                }
                restarts++;
            }
            launch();
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean wantedSafely() {
        try {
            return spec.wanted().getAsBoolean();
        } catch (RuntimeException e) {
            log.warn("ffmpeg job {}: cannot tell whether it is still wanted; ending it", name(), e);
            return false;
        }
    }

    private void finish(State end) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        state = end;
        supervisor.ended(this);
        ended.complete(null);
    }

    private void remember(String line) {
        synchronized (errors) {
            if (errors.size() == ERROR_RING) {
                errors.removeFirst();
            }
            errors.addLast(line.strip());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
