package io.livecloud.control.cname;

import io.livecloud.control.domain.CnameStatus;
import io.livecloud.control.domain.Domain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Runs the CNAME check of every domain periodically, on its own single daemon thread {@code cname-check}, so the
 * blocking DNS lookups never run on an event loop. The schedule starts when the poller is constructed: the first
 * round after {@link #DEFAULT_INITIAL_DELAY} (or the given delay), then one round {@code interval} after the end of
 * the previous one (rounds never overlap).
 *
 * <p>Each round checks the domains the supplier returns at that moment and calls the callback with (domain name,
 * new status) only for a domain whose status differs from its {@link Domain#cnameStatus()}; the supplier is
 * expected to return the stored values, which the callback updates, so a change is reported once. A failing
 * supplier, check or callback is logged and the schedule goes on (a callback that failed is called again on the
 * next round, since the stored status did not change).
 *
 * <p>{@link #checkNow} (the API's "check now") runs one check on the same thread, queued behind a round in
 * progress.
 */
public final class CnamePoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CnamePoller.class);

    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
    public static final String THREAD_NAME = "cname-check";

    private final CnameChecker checker;
    private final Supplier<? extends Collection<Domain>> domains;
    private final BiConsumer<String, CnameStatus> onChange;
    private final ScheduledExecutorService executor;
    private final Set<CompletableFuture<CnameStatus>> pending = ConcurrentHashMap.newKeySet();
    /** A configured domain becomes pending on a DNS failure only after this many rounds in a row fail. */
    static final int FAILURES_BEFORE_PENDING = 3;
    private final Map<String, Integer> dnsFailures = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public CnamePoller(CnameChecker checker, Supplier<? extends Collection<Domain>> domains,
                       BiConsumer<String, CnameStatus> onChange, Duration interval) {
        this(checker, domains, onChange, interval, DEFAULT_INITIAL_DELAY);
    }

    /**
     * @param interval     the pause between the end of one round and the start of the next
     * @param initialDelay until the first round
     */
    public CnamePoller(CnameChecker checker, Supplier<? extends Collection<Domain>> domains,
                       BiConsumer<String, CnameStatus> onChange, Duration interval, Duration initialDelay) {
        this.checker = Objects.requireNonNull(checker, "checker");
        this.domains = Objects.requireNonNull(domains, "domains");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(initialDelay, "initialDelay");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("CNAME check interval must be positive: " + interval);
        }
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException("CNAME check initial delay must not be negative: " + initialDelay);
        }
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ex.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        this.executor = ex;
        executor.scheduleWithFixedDelay(this::safeRound, initialDelay.toNanos(), interval.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /**
     * Checks one domain now, on the poller's thread, and calls the callback if its status changed. The future
     * completes with the status found; exceptionally if the callback failed (the status was not saved) or with a
     * {@link CancellationException} if the poller is closed first.
     */
    public CompletableFuture<CnameStatus> checkNow(Domain d) {
        Objects.requireNonNull(d, "domain");
        CompletableFuture<CnameStatus> f = new CompletableFuture<>();
        if (closed) {
            f.cancel(false);
            return f;
        }
        pending.add(f);
        f.whenComplete((s, e) -> pending.remove(f));
        try {
            executor.execute(() -> {
                if (f.isDone()) {
                    return;
                }
                try {
                    f.complete(checkOne(d, true));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.cancel(false);
        }
        return f;
    }

    /** Runs one round on the calling thread; for tests and tools. Never throws for a single domain's failure. */
    void runRound() {
        Collection<Domain> all;
        try {
            all = domains.get();
        } catch (RuntimeException e) {
            log.warn("CNAME check: could not list domains: {}", e.toString(), e);
            return;
        }
        if (all == null) {
            return;
        }
        for (Domain d : List.copyOf(all)) {
            if (closed || Thread.currentThread().isInterrupted()) {
                return;
            }
            if (d == null) {
                continue;
            }
            try {
                checkOne(d, false);
            } catch (CancellationException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("CNAME check of {} failed or its new status was not saved: {}", d.name(), e.toString(), e);
            }
        }
    }

    private void safeRound() {
        try {
            runRound();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) { // a periodic task that throws is never run again
            log.warn("CNAME check round failed: {}", t.toString(), t);
        }
    }

    private CnameStatus checkOne(Domain d, boolean explicit) {
        if (d.cname() == null || d.cname().isBlank()) {
            log.debug("CNAME check of {} skipped: no assigned CNAME", d.name());
            return d.cnameStatus() == null ? CnameStatus.PENDING : d.cnameStatus();
        }
        CnameChecker.Result r = checker.checkDetailed(d.name(), d.cname());
        if (closed || Thread.currentThread().isInterrupted()) {
            // close() interrupted the lookup: its "pending" says nothing about the user's DNS
            throw new CancellationException("CNAME poller closed");
        }
        if (r.dnsFailure() && d.cnameStatus() == CnameStatus.CONFIGURED && !explicit) {
            // one lost UDP answer or a resolver hiccup must not flip a working domain: only a run of failures does
            int failures = dnsFailures.merge(d.name(), 1, Integer::sum);
            if (failures < FAILURES_BEFORE_PENDING) {
                log.debug("CNAME check of {}: {} ({} in a row), status kept", d.name(), r.detail(), failures);
                return d.cnameStatus();
            }
        }
        dnsFailures.remove(d.name());
        if (r.status() != d.cnameStatus()) {
            log.info("domain {} CNAME {}: {} -> {} ({}{})", d.name(), d.cname(),
                    d.cnameStatus() == null ? "none" : d.cnameStatus().apiName(), r.status().apiName(), r.detail(),
                    explicit ? ", check now" : "");
            onChange.accept(d.name(), r.status()); // may throw: logged by the round, reported by checkNow
        }
        return r.status();
    }

    /** Stops the thread: a check in progress is interrupted, queued {@link #checkNow} futures are cancelled. */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        for (CompletableFuture<CnameStatus> f : List.copyOf(pending)) {
            f.cancel(false);
        }
        try {
            if (!executor.awaitTermination(checker.timeout().toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                log.warn("CNAME check thread did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
