package io.livecloud.control.stream;

import io.livecloud.control.store.ControlStore;
import io.livecloud.media.SessionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The history of publish sessions (DescribeLiveStreamsPublishList), kept in the {@link ControlStore} for a bounded
 * time. Sessions are reported on event loops; each start and end becomes one store write on a single writer thread
 * behind a bounded queue, so the media plane never waits for the database: when the queue is full the write is
 * dropped and counted. The writer also deletes sessions older than the retention period, at start and at most once
 * an hour after. A node that stopped without ending its sessions has them ended at its next start.
 */
public final class PublishHistory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PublishHistory.class);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    static final int QUEUE_CAPACITY = 10_000;
    private static final long PRUNE_EVERY_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final int MAX_NAME = 256;
    private static final int MAX_URL = 4096;
    private static final int MAX_REASON = 512;

    private final ControlStore store;
    private final Clock clock;
    private final Duration retention;
    private final String node;
    /** Session numbers restart with the process: the run id makes ids unique across runs. */
    private final String runId;
    private final ThreadPoolExecutor writer;
    private final Map<Long, PublishRecord> live = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private long lastPrune; // writer thread only

    /**
     * @param node the address of this node, reported as {@code EdgeNodeAddr}
     */
    public PublishHistory(ControlStore store, Clock clock, Duration retention, String node) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
        this.node = node;
        this.runId = Long.toString(clock.millis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                r -> {
                    Thread t = new Thread(r, "publish-history");
                    t.setDaemon(true);
                    return t;
                }, (r, e) -> {
                    if (!e.isShutdown() && dropped.incrementAndGet() % 1000 == 1) {
                        log.warn("publish history: the store is behind, {} write(s) dropped so far", dropped.get());
                    }
                });
        writer.execute(() -> {
            int ended = store.endOpenPublishSessions(node, clock.instant(), "node stopped (stop time is its next start)");
            if (ended > 0) {
                log.info("publish history: ended {} session(s) left open by the last run", ended);
            }
            prune();
        });
    }

    /** A publish session began (an event loop calls this: it only queues). */
    public void started(SessionInfo s, String publishUrl) {
        PublishRecord r = new PublishRecord(runId + "-" + s.id(), s.key().domain(), cut(s.key().app(), MAX_NAME),
                cut(s.key().stream(), MAX_NAME), s.protocol().label(), cut(s.request().clientAddress(), 64), node,
                cut(publishUrl, MAX_URL), s.startedAt().truncatedTo(ChronoUnit.MILLIS), null, null, 0);
        live.put(s.id(), r);
        write(r);
    }

    /** The session ended (an event loop calls this: it only queues). */
    public void ended(SessionInfo s, long bytes, String reason) {
        PublishRecord r = live.remove(s.id());
        if (r != null) {
            write(r.ended(clock.instant().truncatedTo(ChronoUnit.MILLIS), cut(reason, MAX_REASON), bytes));
        }
    }

    /**
     * The sessions of push domain {@code domain} live at some time in {@code [from, to]}, every write queued before
     * this call included. Unordered. Blocks (call it off the event loops).
     */
    public List<PublishRecord> sessions(String domain, Instant from, Instant to) {
        flush();
        return store.publishSessions(domain, from, to);
    }

    /** Waits (a few seconds at most) until every write queued so far is done. */
    void flush() {
        try {
            writer.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            log.debug("publish history: flush did not complete: {}", e.toString());
        }
    }

    /** Writes queued but dropped because the queue was full. */
    public long droppedWrites() {
        return dropped.get();
    }

    /** Writes the store refused or failed. */
    public long failedWrites() {
        return failed.get();
    }

    private void write(PublishRecord r) {
        writer.execute(() -> {
            try {
                store.savePublishSession(r);
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                log.warn("publish history: cannot save session {} of {}/{}/{}: {}", r.id(), r.domain(), r.app(),
                        r.stream(), e.getMessage());
            }
            if (clock.millis() - lastPrune >= PRUNE_EVERY_MILLIS) {
                prune();
            }
        });
    }

    private void prune() {
        lastPrune = clock.millis();
        try {
            int n = store.deletePublishSessionsBefore(clock.instant().minus(retention));
            if (n > 0) {
                log.info("publish history: deleted {} session(s) older than {} days", n, retention.toDays());
            }
        } catch (RuntimeException e) {
            log.warn("publish history: cannot prune: {}", e.getMessage());
        }
    }

    private static String cut(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** Finishes the queued writes (a few seconds at most), then stops the writer. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("publish history: {} write(s) still queued at shutdown were not saved", writer.getQueue().size());
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
    }
}
