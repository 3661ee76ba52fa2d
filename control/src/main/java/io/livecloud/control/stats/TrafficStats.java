package io.livecloud.control.stats;

import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.domain.DomainNames;
import io.livecloud.control.gate.DomainGate;
import io.livecloud.control.store.ControlStore;
import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Statistics (SPEC §6): the bytes each session moves and the players live at once, per domain, app, stream and
 * protocol, added up in 1-minute and 5-minute buckets in the {@link ControlStore}.
 *
 * <p>A {@link StreamEvents} listener: on the event loops it only queues the start or end of a session (bounded; a
 * full queue drops the event and counts it). Everything else happens on one {@code stats} thread: every
 * {@link #SAMPLE_MILLIS} (aligned to the clock, so a sample falls on every minute boundary) it reads the running
 * byte count of each live session ({@link SessionInfo#bytesSoFar}, a plain counter the media plane bumps per write)
 * and puts the bytes moved since the last reading into the minute they moved in (shared out by time when the
 * interval spans minutes); a session's last bytes come with its end. Bytes count for the domain the session came in on: a publish for its push domain
 * ({@code bytes_in}), a play for the play domain it addressed ({@code bytes_out}), the one the gate picked
 * ({@link DomainGate#addressedDomain}). Peak players are the most play sessions live at once at any start, end or
 * sample in the bucket.
 *
 * <p>What was counted is added to the stored buckets after each sample (the rows only grow, so a restart within a
 * bucket keeps the earlier part); a write that fails is kept and added with the next one. {@link #flush} does a
 * sample and the write at once, so a reader sees the bucket still open, up to now. Retention: 1-minute buckets
 * {@link #MINUTE_RETENTION}, 5-minute buckets {@link #FIVE_MINUTE_RETENTION}, pruned at start and hourly.
 */
public final class TrafficStats implements StreamEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrafficStats.class);
    public static final int MINUTE = 60;
    public static final int FIVE_MINUTES = 300;
    public static final Duration MINUTE_RETENTION = Duration.ofDays(7);
    public static final Duration FIVE_MINUTE_RETENTION = Duration.ofDays(90);
    static final long SAMPLE_MILLIS = 5_000;
    static final int QUEUE_CAPACITY = 100_000;
    private static final long PRUNE_EVERY_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final int[] BUCKETS = {MINUTE, FIVE_MINUTES};
    private static final long MINUTE_MILLIS = MINUTE * 1000L;

    /** What a bucket row is kept per. */
    private record Series(String domain, String app, String stream, String protocol) {
    }

    private record BucketKey(int seconds, long startMs, Series series) {
    }

    /** One bucket's counts not yet added to the store. */
    private static final class Pending {
        long bytesIn;
        long bytesOut;
        int peakPlayers;
    }

    /** A live session and how much of it is counted. */
    private static final class Live {
        final SessionInfo session;
        final Series series;
        long counted;
        long countedAtMs;

        Live(SessionInfo session, Series series, long countedAtMs) {
            this.session = session;
            this.series = series;
            this.countedAtMs = countedAtMs;
        }
    }

    private final ControlStore store;
    private final Clock clock;
    private final Supplier<ControlSettings> settings;
    private final BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread worker;
    private volatile boolean closed;
    public final LongAdder droppedEvents = new LongAdder();
    public final LongAdder failedWrites = new LongAdder();
    // the stats thread's own state
    private final Map<Long, Live> live = new HashMap<>();
    private final Map<Series, Integer> playersNow = new HashMap<>();
    private final Map<BucketKey, Pending> pending = new HashMap<>();
    private long nextSampleMs;
    private long lastPruneMs;

    /** @param settings where IP and {@code localhost} sessions go (the default domains) */
    public TrafficStats(ControlStore store, Clock clock, Supplier<ControlSettings> settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.worker = new Thread(this::run, "stats");
        worker.setDaemon(true);
        worker.start();
    }

    // ---- event loops: queue only ----------------------------------------------------------------------------

    @Override
    public void sessionStarted(SessionInfo session) {
        long at = clock.millis();
        enqueue(() -> started(session, at));
    }

    @Override
    public void sessionEnded(SessionInfo session, long bytes, String reason) {
        long at = clock.millis();
        enqueue(() -> ended(session, bytes, at));
    }

    private void enqueue(Runnable event) {
        if (!queue.offer(event)) {
            droppedEvents.increment();
            if (droppedEvents.sum() % 1000 == 1) {
                log.warn("statistics: the stats thread is behind, {} session event(s) dropped so far", droppedEvents.sum());
            }
        }
    }

    // ---- readers (API threads) ------------------------------------------------------------------------------

    /**
     * The buckets of {@code bucketSeconds} of {@code domain} starting in {@code [from, to)}, the open ones included
     * up to now. Blocks (call it off the event loops).
     */
    public List<StatsBucket> buckets(int bucketSeconds, String domain, Instant from, Instant to) {
        flush();
        return store.statsBuckets(bucketSeconds, domain, from, to);
    }

    /** Play sessions live now on {@code domain}: app/stream → protocol label → players, sorted. */
    public Map<String, Map<String, Integer>> playersNow(String domain) {
        return onWorker(() -> {
            Map<String, Map<String, Integer>> out = new TreeMap<>();
            playersNow.forEach((s, n) -> {
                if (s.domain().equals(domain) && n > 0) {
                    out.computeIfAbsent(s.app() + "/" + s.stream(), k -> new TreeMap<>()).put(s.protocol(), n);
                }
            });
            return out;
        }, Map.of());
    }

    /** Samples every live session now and adds everything counted to the store; waits a few seconds at most. */
    public void flush() {
        onWorker(() -> {
            sampleAndWrite(clock.millis());
            return null;
        }, null);
    }

    private <T> T onWorker(Callable<T> work, T ifNotDone) {
        FutureTask<T> task = new FutureTask<>(work);
        try {
            if (!queue.offer(task, 5, TimeUnit.SECONDS)) {
                return ifNotDone;
            }
            return task.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ifNotDone;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("statistics: {}", e.toString());
            return ifNotDone;
        }
    }

    // ---- the stats thread -----------------------------------------------------------------------------------

    private void run() {
        nextSampleMs = nextBoundary(clock.millis());
        prune(clock.millis());
        while (!closed) {
            try {
                Runnable r = queue.poll(Math.max(1, nextSampleMs - clock.millis()), TimeUnit.MILLISECONDS);
                if (r != null) {
                    r.run();
                }
                long now = clock.millis();
                if (now >= nextSampleMs) {
                    nextSampleMs = nextBoundary(now);
                    sampleAndWrite(now);
                    if (now - lastPruneMs >= PRUNE_EVERY_MILLIS) {
                        prune(now);
                    }
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                log.warn("statistics: {}", e.toString(), e);
            }
        }
        Runnable rest;
        while ((rest = queue.poll()) != null) { // sessions the stopping loops ended still count
            rest.run();
        }
        sampleAndWrite(clock.millis());
    }

    private static long nextBoundary(long now) {
        return (now / SAMPLE_MILLIS + 1) * SAMPLE_MILLIS;
    }

    private void started(SessionInfo s, long at) {
        Live l = new Live(s, series(s), at);
        live.put(s.id(), l);
        if (s.role() == Role.PLAY) {
            playersNow.merge(l.series, 1, Integer::sum);
        }
        add(l.series, at, 0, s.role());
    }

    private void ended(SessionInfo s, long bytes, long at) {
        Live l = live.remove(s.id());
        if (l == null) { // its start was dropped: the bytes still count, all at the end
            l = new Live(s, series(s), at);
        }
        count(l, bytes, at);
        if (s.role() == Role.PLAY) {
            playersNow.computeIfPresent(l.series, (k, n) -> n > 1 ? n - 1 : null);
        }
    }

    private void sampleAndWrite(long now) {
        for (Live l : live.values()) {
            count(l, l.session.bytesSoFar().getAsLong(), now);
        }
        write();
    }

    /**
     * Counts the bytes of {@code l} up to {@code total}, moved since its last count. When that time spans minute
     * boundaries (a late sample; samples normally fall on them) the bytes are shared out in proportion to the time in
     * each minute, and the session counts as live in each.
     */
    private void count(Live l, long total, long now) {
        long delta = Math.max(0, total - l.counted);
        long from = l.countedAtMs;
        if (now <= from) {
            add(l.series, now, delta, l.session.role());
        } else {
            long left = delta;
            for (long t = from; t < now; ) {
                long end = Math.min(now, (Math.floorDiv(t, MINUTE_MILLIS) + 1) * MINUTE_MILLIS);
                long part = end == now ? left : delta * (end - t) / (now - from);
                add(l.series, t, part, l.session.role());
                left -= part;
                t = end;
            }
        }
        l.counted = Math.max(l.counted, total);
        l.countedAtMs = now;
    }

    private void add(Series series, long atMs, long bytes, Role role) {
        int players = playersNow.getOrDefault(series, 0);
        for (int seconds : BUCKETS) {
            long size = seconds * 1000L;
            Pending p = pending.computeIfAbsent(new BucketKey(seconds, Math.floorDiv(atMs, size) * size, series),
                    k -> new Pending());
            if (role == Role.PUBLISH) {
                p.bytesIn += bytes;
            } else {
                p.bytesOut += bytes;
            }
            p.peakPlayers = Math.max(p.peakPlayers, players);
        }
    }

    private void write() {
        if (pending.isEmpty()) {
            return;
        }
        List<StatsBucket> rows = new ArrayList<>(pending.size());
        pending.forEach((k, p) -> rows.add(new StatsBucket(k.seconds(), Instant.ofEpochMilli(k.startMs()),
                k.series().domain(), k.series().app(), k.series().stream(), k.series().protocol(), p.bytesIn,
                p.bytesOut, p.peakPlayers)));
        try {
            store.addStatsBuckets(rows);
            pending.clear();
        } catch (RuntimeException e) {
            // kept: added with the next write (the rows only add up, so nothing counts twice)
            failedWrites.increment();
            log.warn("statistics: cannot write {} bucket(s), will retry: {}", rows.size(), e.getMessage());
        }
    }

    private void prune(long now) {
        lastPruneMs = now;
        try {
            Instant at = Instant.ofEpochMilli(now);
            int n = store.deleteStatsBucketsBefore(MINUTE, at.minus(MINUTE_RETENTION))
                    + store.deleteStatsBucketsBefore(FIVE_MINUTES, at.minus(FIVE_MINUTE_RETENTION));
            if (n > 0) {
                log.info("statistics: deleted {} bucket(s) past their retention", n);
            }
        } catch (RuntimeException e) {
            log.warn("statistics: cannot prune: {}", e.getMessage());
        }
    }

    private Series series(SessionInfo s) {
        String domain = s.role() == Role.PUBLISH ? s.key().domain()
                : DomainNames.canonical(DomainGate.addressedDomain(s.request().host(), false, settings.get()));
        return new Series(domain, s.key().app(), s.key().stream(), s.protocol().label());
    }

    /** Counts what is queued, writes it, then stops. */
    @Override
    public void close() {
        closed = true;
        queue.offer(() -> { }); // wakes the thread; not an interrupt, which would close H2's file under a write
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
