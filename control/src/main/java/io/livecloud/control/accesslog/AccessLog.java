package io.livecloud.control.accesslog;

import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Access logs (SPEC §6): one line per finished play or push session, in a file per domain and UTC day,
 * {@code <dir>/<domain>/<domain>_<yyyy-MM-dd>.log}. Lines are queued (bounded) from the event loops and written by a
 * thread of its own, which also deletes the files older than the retention. A line:
 * <pre>[2026-12-03T10:15:30.123Z] play.example.com live/cam1 http-flv play 203.0.113.7 "VLC/3.0.18" 200 5242880 61234 "http-flv://play.example.com/live/cam1.flv?room=1" "client closed"</pre>
 * time the session ended, domain the client addressed (host), app/stream, protocol, role, client address, user agent,
 * status (200: a session that ran; refusals are in the server log), bytes, duration in ms, the URL without its
 * {@code auth_key}, why it ended.
 */
public final class AccessLog implements StreamEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;
    private static final Pattern FILE = Pattern.compile("(.+)_(\\d{4}-\\d{2}-\\d{2})\\.log");
    private static final long SWEEP_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private record Line(String domain, Instant at, String text) {
    }

    private final Path dir;
    private final Clock clock;
    private final int retentionDays;
    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(10_000);
    private final Thread writer;
    private volatile boolean closed;
    private long lastSweep;
    public final LongAdder dropped = new LongAdder();
    public final LongAdder written = new LongAdder();

    public AccessLog(Path dir, int retentionDays, Clock clock) {
        this.dir = dir;
        this.clock = clock;
        this.retentionDays = retentionDays;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the access log directory " + dir, e);
        }
        this.writer = new Thread(this::run, "access-log");
        writer.setDaemon(true);
        writer.start();
    }

    public Path directory() {
        return dir;
    }

    /** The file of {@code domain} for {@code day}. */
    public Path file(String domain, LocalDate day) {
        return dir.resolve(domain).resolve(domain + "_" + DAY.format(day) + ".log");
    }

    /** The existing day files of {@code domain} from {@code from} to {@code to} (UTC days), oldest first. */
    public java.util.List<Path> files(String domain, LocalDate from, LocalDate to) {
        java.util.List<Path> out = new java.util.ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            Path f = file(safeName(domain), d);
            if (Files.isRegularFile(f)) {
                out.add(f);
            }
        }
        return out;
    }

    @Override
    public void sessionStarted(SessionInfo session) {
    }

    @Override
    public void sessionEnded(SessionInfo s, long bytes, String reason) {
        if (s.request().isInternal() && s.role() == Role.PLAY) {
            return; // the node's own transcode/record/snapshot readers: not a user's session
        }
        Instant now = clock.instant();
        String host = addressedByName(s.request().host()) ? s.request().host() : s.key().domain();
        String text = "[" + now + "] " + host + " " + s.key().app() + "/" + s.key().stream() + " "
                + s.protocol().label() + " " + s.role().name().toLowerCase() + " " + s.request().clientAddress() + " "
                + quoted(s.request().userAgent()) + " 200 " + bytes + " "
                + Duration.between(s.startedAt(), now).toMillis() + " " + quoted(s.request().urlWithoutSecrets()) + " "
                + quoted(reason) + "\n";
        if (!queue.offer(new Line(safeName(host), now, text))) {
            dropped.increment();
        }
    }

    /** A host name, not an address or {@code localhost} (those go to the stream's domain). */
    private static boolean addressedByName(String host) {
        return !host.isEmpty() && !host.equals("localhost") && !host.contains(":") && !IPV4.matcher(host).matches();
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
    }

    /** A host as a directory name: what a domain can contain, nothing that walks the tree. */
    private static String safeName(String host) {
        String name = host.toLowerCase().replaceAll("[^a-z0-9.\\-]", "_");
        return name.isEmpty() || name.startsWith(".") ? "_" + name : name;
    }

    private void run() {
        while (!closed) {
            try {
                Line line = queue.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    write(line);
                }
                if (clock.millis() - lastSweep > SWEEP_MILLIS) {
                    lastSweep = clock.millis();
                    sweep();
                }
            } catch (InterruptedException e) {
                break;
            } catch (IOException | RuntimeException e) {
                log.warn("access log: {}", e.toString());
            }
        }
        Line rest;
        while ((rest = queue.poll()) != null) { // what was queued before close still goes out
            try {
                write(rest);
            } catch (IOException e) {
                log.warn("access log: {}", e.toString());
            }
        }
    }

    private void write(Line line) throws IOException {
        Path file = file(line.domain(), LocalDate.ofInstant(line.at(), ZoneOffset.UTC));
        Files.createDirectories(file.getParent());
        Files.writeString(file, line.text(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        written.increment();
    }

    /** Deletes the day files older than the retention. */
    void sweep() throws IOException {
        LocalDate oldest = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(retentionDays);
        try (DirectoryStream<Path> domains = Files.newDirectoryStream(dir)) {
            for (Path domain : domains) {
                if (!Files.isDirectory(domain)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(domain, "*.log")) {
                    for (Path f : files) {
                        Matcher m = FILE.matcher(f.getFileName().toString());
                        if (m.matches() && LocalDate.parse(m.group(2)).isBefore(oldest)) {
                            Files.deleteIfExists(f);
                            log.info("access log {} deleted (older than {} days)", f, retentionDays);
                        }
                    }
                }
            }
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
