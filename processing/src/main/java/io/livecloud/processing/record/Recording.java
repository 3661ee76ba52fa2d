package io.livecloud.processing.record;

import io.livecloud.control.record.RecordConfig;
import io.livecloud.control.record.RecordFormat;
import io.livecloud.media.StreamKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One recording of one stream in one format: the state the recorder keeps across the ffmpeg runs of its job (a run
 * per start; a crashed child's next run continues the recording). The recorder's thread and the job's own thread (a
 * run that ended) work on it under its lock.
 *
 * <p>Stream seconds in the segment list become wall-clock times through the run's start: the first listed segment
 * begins when the run started (the job reads the live stream, so its first packet is about "now"; the GOP cache may
 * hand it up to one GOP older).
 */
final class Recording {
    /** A finished piece: its work file and its place in wall-clock time. */
    record Piece(Path file, Instant start, Instant end, double seconds, boolean discontinuity) {
    }

    final StreamKey source;
    final RecordConfig config;
    final RecordFormat format;
    final Path dir;
    final io.livecloud.processing.storage.ObjectStore store;
    private final Clock clock;
    private int runs;
    private Path runDir;
    private Instant runStart;
    private double runFirstSecond = Double.NaN;
    private final Set<String> seen = new HashSet<>();
    private boolean runIsNew;
    private Instant lastEnd;
    // m3u8: the cycle being filled
    Instant cycleStart;
    final List<Piece> cycle = new ArrayList<>();
    long sequence;
    /** Its job was asked to stop (DelayTime passed). */
    volatile boolean ending;
    /** The stream's picture as last seen while live (the index wants it after the stream has gone). */
    volatile RecordPlanner.Picture picture = new RecordPlanner.Picture(0, 0);
    /** Puts queued or being retried: the work directory goes only when none is left. */
    final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();

    Recording(StreamKey source, RecordConfig config, RecordFormat format, Path dir,
              io.livecloud.processing.storage.ObjectStore store, Clock clock) {
        this.store = store;
        this.source = source;
        this.config = config;
        this.format = format;
        this.dir = dir;
        this.clock = clock;
    }

    /** A new ffmpeg run begins: its own directory, so a killed run's files are never mixed with the next one's. */
    synchronized Path newRun() {
        runs++;
        runDir = dir.resolve("run-" + runs);
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the recording work directory " + runDir, e);
        }
        runStart = clock.instant();
        runFirstSecond = Double.NaN;
        lastEnd = null;
        seen.clear();
        runIsNew = true;
        return runDir;
    }

    synchronized int runs() {
        return runs;
    }

    /**
     * The segments the current run finished since the last call, in order: the lines of its segment list
     * ({@code name,start,end}) not seen before; a line still being written (no newline yet) waits.
     */
    synchronized List<Piece> newlyFinished() {
        if (runDir == null) {
            return List.of();
        }
        Path list = runDir.resolve(RecordArguments.LIST);
        String text;
        try {
            text = Files.exists(list) ? Files.readString(list, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return List.of(); // read again on the next tick
        }
        List<Piece> out = new ArrayList<>();
        int from = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; from = nl + 1, nl = text.indexOf('\n', from)) {
            String line = text.substring(from, nl).trim();
            int c2 = line.lastIndexOf(',');
            int c1 = c2 <= 0 ? -1 : line.lastIndexOf(',', c2 - 1);
            if (c1 <= 0) {
                continue;
            }
            String name = Path.of(line.substring(0, c1)).getFileName().toString();
            if (!seen.add(name)) {
                continue;
            }
            double start;
            double end;
            try {
                start = Double.parseDouble(line.substring(c1 + 1, c2));
                end = Double.parseDouble(line.substring(c2 + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (Double.isNaN(runFirstSecond)) {
                runFirstSecond = start;
            }
            Instant s = runStart.plus(seconds(start - runFirstSecond));
            Instant e = runStart.plus(seconds(end - runFirstSecond));
            out.add(new Piece(runDir.resolve(name), s, e, Math.max(0, end - start), runIsNew && runs > 1));
            lastEnd = e;
            runIsNew = false;
        }
        return out;
    }

    /**
     * After a run was killed: its files the segment list never named (the one being written), each starting where
     * the last listed one ended (or at the run's start) and lasting what {@code probe} measures in it (when it
     * cannot, until now: the job reads in real time). A fragmented mp4, an flv or a TS file cut short plays up to its
     * last complete fragment or packet.
     */
    synchronized List<Piece> unlisted(java.util.function.ToDoubleFunction<Path> probe) {
        if (runDir == null) {
            return List.of();
        }
        List<Piece> out = new ArrayList<>();
        String ext = "." + RecordArguments.extension(format);
        try (java.util.stream.Stream<Path> files = Files.list(runDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(ext)).sorted().toList()) {
                if (seen.add(f.getFileName().toString()) && Files.size(f) > 0) {
                    Instant s = lastEnd == null ? runStart : lastEnd;
                    double measured = probe.applyAsDouble(f);
                    Instant e = Double.isNaN(measured) ? clock.instant() : s.plus(seconds(measured));
                    out.add(new Piece(f, s, e, Math.max(0, Duration.between(s, e).toMillis() / 1000.0),
                            runIsNew && runs > 1));
                    runIsNew = false;
                    lastEnd = e;
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    String describe() {
        return source.domain() + "/" + source.app() + "/" + source.stream() + " " + format.format();
    }
}
