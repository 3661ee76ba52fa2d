package io.livecloud.processing.transcode;

import io.livecloud.control.transcode.TranscodeBinding;
import io.livecloud.control.transcode.TranscodeCatalog;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.StreamHub;
import io.livecloud.processing.LocalEndpoints;
import io.livecloud.processing.StreamJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Transcoding (SPEC §5) on the processing foundation. When a stream goes live, every template bound to it (through
 * the play domains of its push domain, {@link TranscodeCatalog#renditionsOf}) that is not lazy gets a job publishing
 * {@code {stream}_{template}} back into the hub. A lazy one starts when a viewer asks for the rendition
 * ({@link StreamHub.OnDemand}: the viewer waits for it) and is stopped after {@code idleStop} without viewers. A
 * rendition whose template is unbound stops within a second.
 *
 * <p>Renditions are internal publishes, so they are never transcoded again; nor is a client push named like a
 * rendition of a bound template. A client that pushes a stream named like a rendition keeps it: the rendition is not
 * started while that name is taken (and a client push of a name a running rendition holds is refused, as any second
 * publisher is).
 */
public final class TranscodePlanner implements StreamJobs.Planner, StreamHub.OnDemand, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TranscodePlanner.class);
    public static final String KIND = "transcode";
    /** How long the first viewer of a lazy rendition waits for it: ffmpeg start, connect and the first keyframe. */
    static final long LAZY_WAIT_MILLIS = 10_000;

    private final TranscodeCatalog catalog;
    private final StreamJobs jobs;
    private final LocalEndpoints endpoints;
    private final Predicate<StreamKey> live;
    private final Predicate<StreamKey> pushedByClient;
    private final ToIntFunction<StreamKey> viewers;
    /** A lazy rendition without viewers this long is stopped. */
    public static final Duration DEFAULT_IDLE_STOP = Duration.ofSeconds(60);

    private volatile Duration idleStop;
    private final ScheduledExecutorService thread;
    /** Lazy renditions running, by rendition key, with when they last had a viewer (ms). */
    private final Map<StreamKey, Long> lastWatched = new ConcurrentHashMap<>();

    /**
     * @param live           whether a stream is live (or in its publisher grace period)
     * @param pushedByClient whether a stream has a publisher that is not one of this node's jobs
     * @param viewers        the viewers of a stream right now, every protocol
     * @param idleStop       a lazy rendition without viewers this long is stopped
     */
    public TranscodePlanner(TranscodeCatalog catalog, StreamJobs jobs, LocalEndpoints endpoints,
                            Predicate<StreamKey> live, Predicate<StreamKey> pushedByClient,
                            ToIntFunction<StreamKey> viewers, Duration idleStop) {
        this.catalog = catalog;
        this.jobs = jobs;
        this.endpoints = endpoints;
        this.live = live;
        this.pushedByClient = pushedByClient;
        this.viewers = viewers;
        this.idleStop = idleStop;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "transcode");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::stopIdle, 1000, 1000, TimeUnit.MILLISECONDS);
    }

    /** Changes how long a lazy rendition may go without viewers (tests shorten it). */
    public void setIdleStop(Duration value) {
        idleStop = value;
    }

    /** The job id of a template's rendition among its source's jobs. */
    public static String jobId(String template) {
        return KIND + ":" + template;
    }

    /** The rendition stream of a source for a template: {@code {stream}_{template}}. */
    public static StreamKey renditionKey(StreamKey source, String template) {
        return new StreamKey(source.domain(), source.app(), source.stream() + "_" + template);
    }

    @Override
    public List<StreamJobs.Plan> plan(StreamKey source, SessionInfo publish) {
        if (publish.request().isInternal()) {
            return List.of(); // a rendition (or another job's output) is never transcoded again
        }
        if (catalog.renditionNamed(source.domain(), source.app(), source.stream()).isPresent()) {
            return List.of(); // a client push named like a rendition ({stream}_{template}) is not transcoded either
        }
        List<StreamJobs.Plan> plans = new ArrayList<>();
        for (TranscodeBinding b : catalog.renditionsOf(source.domain(), source.app())) {
            if (!b.lazy()) {
                planFor(source, b).ifPresent(plans::add);
            }
        }
        return plans;
    }

    /** A viewer asks for a stream nobody publishes: if it is a lazy rendition of a live source, start it. */
    @Override
    public long demand(StreamKey key) {
        Optional<TranscodeCatalog.Rendition> r = catalog.renditionNamed(key.domain(), key.app(), key.stream());
        if (r.isEmpty()) {
            return 0;
        }
        StreamKey source = new StreamKey(key.domain(), key.app(), r.get().sourceStream());
        if (!live.test(source)) {
            return 0;
        }
        try {
            thread.execute(() -> planFor(source, r.get().binding()).ifPresent(jobs::ensure));
        } catch (RejectedExecutionException closed) {
            return 0;
        }
        return LAZY_WAIT_MILLIS;
    }

    private Optional<StreamJobs.Plan> planFor(StreamKey source, TranscodeBinding b) {
        StreamKey rendition = renditionKey(source, b.templateName());
        if (pushedByClient.test(rendition)) {
            log.warn("transcode {}/{}/{} {} not started: a client pushes {} itself", source.domain(), source.app(),
                    source.stream(), b.templateName(), rendition.stream());
            return Optional.empty();
        }
        if (b.lazy()) {
            lastWatched.put(rendition, System.currentTimeMillis());
        }
        return Optional.of(new StreamJobs.Plan(source, jobId(b.templateName()), KIND,
                () -> TranscodeArguments.of(b.template(), endpoints.readUrl(source),
                        endpoints.publishUrl(source.domain(), source.app(), rendition.stream()))));
    }

    /** Stops the lazy renditions nobody watched for {@code idleStop}, and those whose template was unbound. */
    private void stopIdle() {
        try {
            long now = System.currentTimeMillis();
            for (StreamJobs.StreamJob j : jobs.jobs()) {
                if (!j.kind().equals(KIND)) {
                    continue;
                }
                String template = j.id().substring(KIND.length() + 1);
                StreamKey rendition = renditionKey(j.source(), template);
                if (catalog.renditionsOf(j.source().domain(), j.source().app()).stream()
                        .noneMatch(b -> b.templateName().equals(template))) {
                    log.info("transcode {}/{}/{}: template unbound (DeleteLiveStreamTranscode), stopped",
                            rendition.domain(), rendition.app(), rendition.stream());
                    lastWatched.remove(rendition);
                    jobs.stop(j.source(), j.id());
                    continue;
                }
                Long since = lastWatched.get(rendition);
                if (since == null) {
                    continue; // not lazy
                }
                if (viewers.applyAsInt(rendition) > 0) {
                    lastWatched.put(rendition, now);
                } else if (now - since >= idleStop.toMillis()) {
                    log.info("transcode {}/{}/{}: no viewer for {} s, stopped", rendition.domain(), rendition.app(),
                            rendition.stream(), idleStop.toSeconds());
                    lastWatched.remove(rendition);
                    jobs.stop(j.source(), j.id());
                }
            }
            lastWatched.keySet().removeIf(k -> !live.test(new StreamKey(k.domain(), k.app(),
                    k.stream().substring(0, k.stream().lastIndexOf('_')))));
        } catch (RuntimeException e) {
            log.warn("checking lazy renditions for viewers failed", e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
