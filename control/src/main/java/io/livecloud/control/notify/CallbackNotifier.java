package io.livecloud.control.notify;

import io.livecloud.control.store.ControlStore;
import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publish callbacks (SPEC §6): an HTTP GET to the push domain's notify URL when a stream starts
 * ({@code action=publish}) and stops ({@code action=publish_done}). Events are queued (bounded) from the event loops
 * and delivered in order by one thread of their own, so a slow or dead receiver never delays a publish; a failed
 * delivery (no answer, or not 2xx) is retried with doubling delays until it succeeds or is too old, and later events
 * wait behind it, so the receiver sees them in order. A full queue drops the new event and counts it.
 */
public final class CallbackNotifier implements StreamEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallbackNotifier.class);
    private static final String SETTING = "notify.";

    /** Delivery tunables. */
    public record Settings(int queueCapacity, Duration firstRetry, Duration maxRetry, Duration giveUpAfter,
                           Duration requestTimeout) {
        public static Settings defaults() {
            return new Settings(10_000, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(10),
                    Duration.ofSeconds(5));
        }
    }

    private record Event(String action, String domain, String app, String stream, String ip, long time,
                         String userArgs, long queuedAt) {
    }

    private final ControlStore store;
    private final String node;
    private final Clock clock;
    private final Settings settings;
    private final BlockingQueue<Event> queue;
    private final Map<String, Optional<NotifyConfig>> configs = new ConcurrentHashMap<>();
    private final HttpClient http;
    private final Thread worker;
    private volatile boolean closed;

    public final LongAdder delivered = new LongAdder();
    public final LongAdder retries = new LongAdder();
    public final LongAdder failed = new LongAdder();
    public final LongAdder dropped = new LongAdder();

    public CallbackNotifier(ControlStore store, String node, Clock clock, Settings settings) {
        this.store = store;
        this.node = node;
        this.clock = clock;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.http = HttpClient.newBuilder().connectTimeout(settings.requestTimeout()).build();
        this.worker = new Thread(this::run, "notify");
        worker.setDaemon(true);
        worker.start();
    }

    // ---- configuration (called from the API threads) ------------------------------------------------------

    public synchronized void setConfig(String domain, NotifyConfig config) {
        store.saveSetting(SETTING + domain, config.encode());
        configs.put(domain, Optional.of(config));
    }

    public synchronized void deleteConfig(String domain) {
        store.saveSetting(SETTING + domain, "");
        configs.put(domain, Optional.empty());
    }

    public Optional<NotifyConfig> config(String domain) {
        return configs.computeIfAbsent(domain, d -> store.setting(SETTING + d).filter(s -> !s.isEmpty())
                .map(NotifyConfig::decode));
    }

    public int queueDepth() {
        return queue.size();
    }

    // ---- events (called on event loops: enqueue only) ---------------------------------------------------------

    @Override
    public void sessionStarted(SessionInfo s) {
        if (s.role() == Role.PUBLISH) {
            enqueue("publish", s);
        }
    }

    @Override
    public void sessionEnded(SessionInfo s, long bytes, String reason) {
        if (s.role() == Role.PUBLISH) {
            enqueue("publish_done", s);
        }
    }

    private void enqueue(String action, SessionInfo s) {
        StringJoiner args = new StringJoiner("&");
        s.request().query().forEach((k, v) -> {
            if (!k.equals("auth_key")) { // never hand the signature on
                args.add(k + "=" + v);
            }
        });
        long now = clock.millis();
        Event e = new Event(action, s.key().domain(), s.key().app(), s.key().stream(), s.request().clientAddress(),
                now / 1000, args.toString(), now);
        if (!queue.offer(e)) {
            dropped.increment();
            log.warn("callback queue full ({}): {} of {}/{}/{} dropped", settings.queueCapacity(), action, e.domain(),
                    e.app(), e.stream());
        }
    }

    // ---- delivery (the notify thread) --------------------------------------------------------------------------

    private void run() {
        while (!closed) {
            Event e;
            try {
                e = queue.take();
            } catch (InterruptedException interrupted) {
                return;
            }
            try {
                deliver(e);
            } catch (InterruptedException interrupted) {
                return;
            } catch (RuntimeException bug) {
                failed.increment();
                log.error("callback {} for {}/{}/{} failed", e.action(), e.domain(), e.app(), e.stream(), bug);
            }
        }
    }

    private void deliver(Event e) throws InterruptedException {
        Optional<NotifyConfig> config = config(e.domain());
        if (config.isEmpty()) {
            return;
        }
        NotifyConfig c = config.get();
        URI uri = URI.create(c.url() + (c.url().contains("?") ? "&" : "?") + query(e));
        long delay = settings.firstRetry().toMillis();
        while (!closed) {
            String outcome = attempt(uri, c);
            if (outcome == null) {
                delivered.increment();
                return;
            }
            if (clock.millis() - e.queuedAt() > settings.giveUpAfter().toMillis()) {
                failed.increment();
                log.warn("callback {} for {}/{}/{} to {} given up after {}: {}", e.action(), e.domain(), e.app(),
                        e.stream(), uri.getHost(), settings.giveUpAfter(), outcome);
                return;
            }
            retries.increment();
            log.info("callback {} for {}/{}/{} to {} failed ({}), retrying in {} ms", e.action(), e.domain(), e.app(),
                    e.stream(), uri.getHost(), outcome, delay);
            TimeUnit.MILLISECONDS.sleep(delay);
            delay = Math.min(delay * 2, settings.maxRetry().toMillis());
        }
    }

    /** @return null when delivered, else what went wrong */
    private String attempt(URI uri, NotifyConfig c) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(settings.requestTimeout()).GET();
        if (c.reqAuth()) {
            long timestamp = clock.millis() / 1000;
            request.header("ALI-LIVE-TIMESTAMP", Long.toString(timestamp));
            request.header("ALI-LIVE-SIGNATURE", signature(uri.getHost(), timestamp, c.authKey()));
        }
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
        } catch (java.io.IOException ex) {
            return ex.toString();
        }
    }

    private String query(Event e) {
        return "action=" + enc(e.action()) + "&app=" + enc(e.domain()) + "&appname=" + enc(e.app()) + "&id="
                + enc(e.stream()) + "&ip=" + enc(e.ip()) + "&node=" + enc(node) + "&time=" + e.time() + "&usrargs="
                + enc(e.userArgs());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code ALI-LIVE-SIGNATURE}: lower-case hex MD5 of {@code "{host}|{timestamp}|{key}"} (SPEC §6). */
    public static String signature(String host, long timestamp, String key) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest((host + "|" + timestamp + "|" + key)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }
}
