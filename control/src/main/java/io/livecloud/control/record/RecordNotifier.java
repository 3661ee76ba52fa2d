package io.livecloud.control.record;

import io.livecloud.control.ControlException;
import io.livecloud.control.store.ControlStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Recording callbacks (AddLiveRecordNotifyConfig): for every recording file stored and indexed, a POST of JSON to the
 * push domain's {@code NotifyUrl}, as the cloud sends them:
 * {@code {"domain":…,"app":…,"stream":…,"uri":"record/live/cam/….mp4","duration":69.403,"start_time":…,"stop_time":…}}
 * ({@code domain} is the push domain; times in Unix seconds). One thread delivers them in order from a bounded queue
 * (full: dropped and counted, the recorder never waits), retrying a failed delivery (no answer, not 2xx) after 1 s,
 * doubling up to 30 s, and giving up after 10 minutes. The configuration is kept in the store's settings.
 */
public final class RecordNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordNotifier.class);
    private static final String SETTING = "record.notify.";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration GIVE_UP = Duration.ofMinutes(10);

    private final ControlStore store;
    private final Clock clock;
    private final Map<String, Optional<String>> urls = new ConcurrentHashMap<>();
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(1000);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final Thread worker;
    private volatile boolean closed;
    public final LongAdder delivered = new LongAdder();
    public final LongAdder retries = new LongAdder();
    public final LongAdder failed = new LongAdder();
    public final LongAdder dropped = new LongAdder();

    private record Pending(String url, String body, String what, long queuedAt) {
    }

    public RecordNotifier(ControlStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.worker = new Thread(this::run, "record-notify");
        worker.setDaemon(true);
        worker.start();
    }

    /** AddLiveRecordNotifyConfig / UpdateLiveRecordNotifyConfig for a push domain. */
    public synchronized void setUrl(String pushDomain, String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw ControlException.badRequest("InvalidNotifyUrl.Malformed", "NotifyUrl is not a URL: " + url);
        }
        if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || url.length() > 1024) {
            throw ControlException.badRequest("InvalidNotifyUrl.Malformed",
                    "NotifyUrl must be an http:// or https:// URL with a host (at most 1024 characters), got: " + url);
        }
        store.saveSetting(SETTING + pushDomain, url);
        urls.put(pushDomain, Optional.of(url));
    }

    /** DeleteLiveRecordNotifyConfig. */
    public synchronized void delete(String pushDomain) {
        if (url(pushDomain).isEmpty()) {
            throw ControlException.notFound("InvalidConfig.NotFound", "no recording callback is configured for "
                    + pushDomain);
        }
        store.saveSetting(SETTING + pushDomain, "");
        urls.put(pushDomain, Optional.empty());
    }

    public Optional<String> url(String pushDomain) {
        return urls.computeIfAbsent(pushDomain, d -> store.setting(SETTING + d).filter(s -> !s.isEmpty()));
    }

    /** A file was stored and indexed: queue its callback if its domain has one. Never blocks. */
    public void fileStored(RecordFile f) {
        Optional<String> url = url(f.domain());
        if (url.isEmpty() || closed) {
            return;
        }
        String body = "{\"domain\":" + json(f.domain()) + ",\"app\":" + json(f.app()) + ",\"stream\":"
                + json(f.stream()) + ",\"uri\":" + json(f.ossObject()) + ",\"duration\":"
                + String.format(java.util.Locale.ROOT, "%.3f", f.duration()) + ",\"start_time\":"
                + f.start().getEpochSecond() + ",\"stop_time\":" + f.end().getEpochSecond() + "}";
        if (!queue.offer(new Pending(url.get(), body, f.domain() + "/" + f.app() + "/" + f.stream() + " "
                + f.ossObject(), clock.millis()))) {
            dropped.increment();
        }
    }

    public int queueDepth() {
        return queue.size();
    }

    private void run() {
        while (!closed) {
            Pending p;
            try {
                p = queue.poll(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (p != null) {
                try {
                    deliver(p);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void deliver(Pending p) throws InterruptedException {
        long delay = 1000;
        while (!closed) {
            String outcome;
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(p.url())).timeout(TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(p.body())).build(), HttpResponse.BodyHandlers.discarding());
                outcome = r.statusCode() / 100 == 2 ? null : "HTTP " + r.statusCode();
            } catch (IOException e) {
                outcome = e.toString();
            }
            if (outcome == null) {
                delivered.increment();
                return;
            }
            if (clock.millis() - p.queuedAt() > GIVE_UP.toMillis()) {
                failed.increment();
                log.warn("record callback for {} given up after {}: {}", p.what(), GIVE_UP, outcome);
                return;
            }
            retries.increment();
            log.info("record callback for {} failed ({}), retrying in {} ms", p.what(), outcome, delay);
            TimeUnit.MILLISECONDS.sleep(delay);
            delay = Math.min(delay * 2, 30_000);
        }
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Callbacks still queued are not delivered: the node is going away. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }
}
