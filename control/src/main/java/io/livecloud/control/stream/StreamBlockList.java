package io.livecloud.control.stream;

import io.livecloud.control.ControlException;
import io.livecloud.control.store.ControlStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The streams that may not be published (ForbidLiveStream / ResumeLiveStream), persisted through the
 * {@link ControlStore}. As the domain catalog does, changes are serialised, written to the store first and then
 * published as a new immutable {@link View}: the gate reads the view on the event loop (a volatile read, no lock, no
 * database). An entry whose resume time has passed no longer counts; it is deleted from the store at the next change
 * or listing.
 */
public final class StreamBlockList {
    private static final Logger log = LoggerFactory.getLogger(StreamBlockList.class);
    /** As the cloud: at most this many streams on the block list. */
    public static final int MAX_ENTRIES = 10_000;

    private final ControlStore store;
    private final Clock clock;
    private volatile View view;

    /** The block list at one moment; never changes once published. */
    public static final class View {
        public static final View EMPTY = new View(List.of());

        private final Map<String, BlockedStream> byKey = new HashMap<>();
        /** domain + stream name → the entries of that name under any app (for domains with app isolation off). */
        private final Map<String, List<BlockedStream>> byName = new HashMap<>();
        private final List<BlockedStream> entries;

        View(List<BlockedStream> entries) {
            this.entries = List.copyOf(entries);
            for (BlockedStream b : this.entries) {
                byKey.put(key(b.domain(), b.app(), b.stream()), b);
                byName.computeIfAbsent(b.domain() + "\n" + b.stream(), k -> new ArrayList<>()).add(b);
            }
        }

        /**
         * The entry in force that refuses a push of {@code domain/app/stream} at {@code nowMillis}, or null. With
         * {@code anyApp} (app isolation off: a stream name is unique within the domain) an entry for the same stream
         * name under another app refuses it too.
         */
        public BlockedStream refusing(String domain, String app, String stream, boolean anyApp, long nowMillis) {
            BlockedStream exact = byKey.get(key(domain, app, stream));
            if (exact != null && exact.inForce(nowMillis)) {
                return exact;
            }
            if (anyApp) {
                for (BlockedStream b : byName.getOrDefault(domain + "\n" + stream, List.of())) {
                    if (b.inForce(nowMillis)) {
                        return b;
                    }
                }
            }
            return null;
        }

        /** Every entry, in domain/app/stream order, expired ones included. */
        public List<BlockedStream> entries() {
            return entries;
        }

        private static String key(String domain, String app, String stream) {
            return domain + "\n" + app + "\n" + stream;
        }
    }

    public StreamBlockList(ControlStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.view = new View(store.blockedStreams());
    }

    public View view() {
        return view;
    }

    /** Adds (or replaces) the entry; {@code resumeAt} null means until {@link #resume}. */
    public synchronized BlockedStream forbid(String domain, String app, String stream, Instant resumeAt) {
        pruneExpired();
        BlockedStream existing = view.byKey.get(View.key(domain, app, stream));
        if (existing == null && view.entries.size() >= MAX_ENTRIES) {
            throw new ControlException(400, "QuotaExceeded.BlockList", "at most " + MAX_ENTRIES
                    + " streams can be forbidden at once; resume some first (DescribeLiveStreamsBlockList lists them)");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        BlockedStream b = new BlockedStream(domain, app, stream,
                resumeAt == null ? null : resumeAt.truncatedTo(ChronoUnit.MILLIS), now);
        store.saveBlockedStream(b);
        List<BlockedStream> next = new ArrayList<>(view.entries);
        next.removeIf(e -> e.domain().equals(domain) && e.app().equals(app) && e.stream().equals(stream));
        next.add(b);
        publish(next);
        log.info("stream forbidden: {} until {}", b.streamUrl(), resumeAt == null ? "resumed" : resumeAt);
        return b;
    }

    /** Removes the entry; false when there was none in force. */
    public synchronized boolean resume(String domain, String app, String stream) {
        pruneExpired();
        BlockedStream existing = view.byKey.get(View.key(domain, app, stream));
        if (existing == null) {
            return false;
        }
        store.deleteBlockedStream(domain, app, stream);
        List<BlockedStream> next = new ArrayList<>(view.entries);
        next.remove(existing);
        publish(next);
        log.info("stream resumed: {}", existing.streamUrl());
        return true;
    }

    /** The entries in force for {@code domain}, in app/stream order. */
    public synchronized List<BlockedStream> list(String domain) {
        pruneExpired();
        return view.entries.stream().filter(b -> b.domain().equals(domain)).toList();
    }

    /** Deletes the entries whose resume time has passed. */
    private void pruneExpired() {
        long now = clock.millis();
        List<BlockedStream> expired = view.entries.stream().filter(b -> !b.inForce(now)).toList();
        if (expired.isEmpty()) {
            return;
        }
        for (BlockedStream b : expired) {
            store.deleteBlockedStream(b.domain(), b.app(), b.stream());
            log.info("stream resumed (resume time reached): {}", b.streamUrl());
        }
        List<BlockedStream> next = new ArrayList<>(view.entries);
        next.removeAll(expired);
        publish(next);
    }

    private void publish(List<BlockedStream> entries) {
        entries.sort(Comparator.comparing(BlockedStream::domain).thenComparing(BlockedStream::app)
                .thenComparing(BlockedStream::stream));
        view = new View(entries);
    }
}
