package io.livecloud.processing;

import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamEvents;
import io.livecloud.media.StreamKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The ffmpeg jobs that follow live streams. When a stream goes live (a publish session starts) every registered
 * {@link Planner} says which jobs it wants for it (a transcode per bound template, a recording, a snapshot loop);
 * each is started once per stream and id, reads the stream from the local RTMP port ({@link LocalEndpoints}), and
 * lives while the stream is live: a publisher that reconnects within the grace period keeps the same jobs (their RTMP
 * reads just pause), a crashed child is restarted by the {@link FfmpegSupervisor}, and when the stream ends for good
 * the children reach the end of their input and are not restarted.
 *
 * <p>The media plane reports sessions on its event loops; planning (which reads control-plane configuration) and
 * starting children happen on this class's own thread, behind a bounded queue.
 */
public final class StreamJobs implements StreamEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamJobs.class);

    /** Decides the jobs of a stream. Called on the jobs thread, never on an event loop. */
    public interface Planner {
        /** The jobs wanted for a stream that just went live ({@code publish} is its publish session). */
        List<Plan> plan(StreamKey source, SessionInfo publish);

        /**
         * Jobs a play session asks for (a lazily started transcode: a viewer of a rendition that is not running).
         * {@link Plan#source()} of each names the live stream the job reads.
         */
        default List<Plan> planOnPlay(SessionInfo play) {
            return List.of();
        }
    }

    /**
     * One job for one stream.
     *
     * @param source    the live stream the job reads; the job lives while it is live
     * @param id        unique among the jobs of that stream, e.g. {@code transcode:lld}, {@code record:mp4}
     * @param kind      for metrics and the API: {@code transcode}, {@code record}, {@code snapshot}
     * @param arguments ffmpeg arguments (see {@link FfmpegJob.Spec#arguments()})
     * @param onExit    told after each run (see {@link FfmpegJob.Spec#onExit()})
     */
    public record Plan(StreamKey source, String id, String kind, Supplier<List<String>> arguments,
                       Consumer<FfmpegJob.Exit> onExit) {
        public Plan(StreamKey source, String id, String kind, Supplier<List<String>> arguments) {
            this(source, id, kind, arguments, exit -> { });
        }
    }

    /** A job of a stream, as the API lists it. */
    public record StreamJob(StreamKey source, String id, String kind, FfmpegJob job) {
    }

    /** A job that could not start (the job limit, no ffmpeg), kept for the API and the log. */
    public record StartFailure(StreamKey source, String id, String kind, String reason, java.time.Instant at) {
    }

    private static final int RECENT_FAILURES = 100;

    private final Supplier<FfmpegSupervisor> supervisor;
    private final Predicate<StreamKey> live;
    private final List<Planner> planners = new CopyOnWriteArrayList<>();
    private final Map<StreamKey, Map<String, StreamJob>> running = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor thread;
    private final List<StartFailure> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong failedStarts = new AtomicLong();
    private final AtomicLong droppedEvents = new AtomicLong();
    private final java.time.Clock clock;
    private volatile boolean closed;

    /**
     * @param supervisor asked on the first start (so a node without processing never extracts ffmpeg); may throw
     *                   {@link FfmpegUnavailableException}
     * @param live       whether a stream is live or in its publisher grace period (the hub's {@code isLive})
     */
    public StreamJobs(Supplier<FfmpegSupervisor> supervisor, Predicate<StreamKey> live, java.time.Clock clock) {
        this.supervisor = supervisor;
        this.live = live;
        this.clock = clock;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "stream-jobs");
            t.setDaemon(true);
            return t;
        });
    }

    public void register(Planner planner) {
        planners.add(planner);
    }

    @Override
    public void sessionStarted(SessionInfo session) {
        if (closed) {
            return;
        }
        submit(session.role() == Role.PUBLISH ? () -> planLive(session) : () -> planPlay(session));
    }

    @Override
    public void sessionEnded(SessionInfo session, long bytes, String reason) {
        // Nothing to do: the jobs end with their input (after the grace period), see the class comment.
    }

    /** Starts {@code plan} unless the same job already runs for its stream (from any thread but an event loop). */
    public Optional<StreamJob> ensure(Plan plan) {
        if (closed || !live.test(plan.source())) {
            return Optional.empty();
        }
        String name = plan.kind() + " " + plan.source().domain() + "/" + plan.source().app() + "/"
                + plan.source().stream() + " " + plan.id();
        StreamJob[] found = new StreamJob[1];
        boolean[] startedNow = new boolean[1];
        RuntimeException[] refused = new RuntimeException[1];
        // compute() makes "is it running? then start it" atomic per stream; the end hook is added outside it, since
        // a job that ends at once would otherwise update the map from inside its own compute
        running.compute(plan.source(), (k, jobs) -> {
            Map<String, StreamJob> m = jobs == null ? new ConcurrentHashMap<>() : jobs;
            StreamJob existing = m.get(plan.id());
            if (existing != null && !existing.job().ended().isDone()) {
                found[0] = existing;
                return m;
            }
            try {
                FfmpegJob job = supervisor.get().start(new FfmpegJob.Spec(name, plan.arguments(),
                        () -> !closed && live.test(plan.source()), plan.onExit()));
                found[0] = new StreamJob(plan.source(), plan.id(), plan.kind(), job);
                startedNow[0] = true;
                m.put(plan.id(), found[0]);
            } catch (FfmpegSupervisor.JobLimitException | FfmpegUnavailableException | IllegalStateException e) {
                refused[0] = e;
                m.remove(plan.id());
            }
            return m.isEmpty() ? null : m;
        });
        if (refused[0] != null) {
            failedStarts.incrementAndGet();
            remember(new StartFailure(plan.source(), plan.id(), plan.kind(), refused[0].getMessage(), clock.instant()));
            log.warn("{} not started: {}", name, refused[0].getMessage());
            return Optional.empty();
        }
        if (startedNow[0]) {
            StreamJob entry = found[0];
            entry.job().ended().thenRun(() -> forget(entry));
        }
        return Optional.ofNullable(found[0]);
    }

    /** Stops one job of a stream (a lazily started transcode nobody watches any more). */
    public boolean stop(StreamKey source, String id) {
        Map<String, StreamJob> jobs = running.get(source);
        StreamJob j = jobs == null ? null : jobs.get(id);
        if (j == null) {
            return false;
        }
        j.job().stop();
        return true;
    }

    /** The jobs of one stream not yet over. */
    public List<StreamJob> jobsOf(StreamKey source) {
        Map<String, StreamJob> jobs = running.get(source);
        return jobs == null ? List.of() : List.copyOf(jobs.values());
    }

    /** Every job not yet over. */
    public List<StreamJob> jobs() {
        List<StreamJob> all = new ArrayList<>();
        running.values().forEach(m -> all.addAll(m.values()));
        return all;
    }

    /** The newest start failures, oldest first. */
    public List<StartFailure> recentFailures() {
        return List.copyOf(failures);
    }

    public long failedStartsTotal() {
        return failedStarts.get();
    }

    /** Session events dropped because the jobs thread was this far behind (10,000 queued). */
    public long droppedEventsTotal() {
        return droppedEvents.get();
    }

    private void planLive(SessionInfo publish) {
        for (Planner p : planners) {
            for (Plan plan : plansOf(p, () -> p.plan(publish.key(), publish))) {
                ensure(plan);
            }
        }
    }

    private void planPlay(SessionInfo play) {
        for (Planner p : planners) {
            for (Plan plan : plansOf(p, () -> p.planOnPlay(play))) {
                ensure(plan);
            }
        }
    }

    private static List<Plan> plansOf(Planner p, Supplier<List<Plan>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            log.warn("planning jobs with {} failed", p.getClass().getSimpleName(), e);
            return List.of();
        }
    }

    private void submit(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            droppedEvents.incrementAndGet();
        }
    }

    private void forget(StreamJob entry) {
        running.computeIfPresent(entry.source(), (k, jobs) -> {
            jobs.remove(entry.id(), entry);
            return jobs.isEmpty() ? null : jobs;
        });
    }

    private void remember(StartFailure f) {
        failures.add(f);
        while (failures.size() > RECENT_FAILURES) {
            failures.remove(0);
        }
    }

    /** Stops planning; the children are stopped by closing the supervisor. */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
    }
}
