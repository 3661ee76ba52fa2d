package io.livecloud.server;

import io.livecloud.processing.FfmpegBinaries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Real ffmpeg/ffprobe processes as test clients. Every process started here is destroyed by {@link #close}. */
final class Ffmpeg implements AutoCloseable {
    private static final Path LOGS = Path.of("target", "ffmpeg-logs");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final FfmpegBinaries binaries = FfmpegBinaries.bundled();
    private final List<Proc> started = Collections.synchronizedList(new ArrayList<>());

    /** Pushes a file in real time ({@code -re}), stream copy, as FLV over RTMP. */
    Proc publish(Path file, String rtmpUrl) {
        return publish(file, rtmpUrl, List.of());
    }

    /** As {@link #publish(Path, String)}, with extra output options (e.g. {@code -rtmp_app}). */
    Proc publish(Path file, String rtmpUrl, List<String> outputOptions) {
        List<String> args = new ArrayList<>(List.of("-hide_banner", "-v", "error", "-re", "-i", file.toString(), "-c", "copy"));
        args.addAll(outputOptions);
        args.addAll(List.of("-f", "flv", rtmpUrl));
        return start("ffmpeg", args);
    }

    /**
     * Plays a URL, decoding every frame, and writes one line per decoded frame ({@code -f framecrc}); {@link
     * FrameCrc#parse} reads the result. Log lines carry their level ({@code [error]} …), see {@link Proc#errors}.
     */
    Proc decode(String url, int maxSeconds) {
        return start("ffmpeg", List.of("-hide_banner", "-loglevel", "level+info", "-nostats", "-rw_timeout", "15000000", "-i", url,
                "-t", String.valueOf(maxSeconds), "-map", "0", "-f", "framecrc", "-"));
    }

    Proc start(String tool, List<String> args) {
        try {
            Files.createDirectories(LOGS);
            int n = COUNTER.incrementAndGet();
            Path out = LOGS.resolve(n + "-" + tool + ".out");
            Path err = LOGS.resolve(n + "-" + tool + ".err");
            ProcessBuilder pb = binaries.command(tool, args)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Proc p = new Proc(pb.start(), out, err, tool + " " + String.join(" ", args));
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        synchronized (started) {
            for (Proc p : started) {
                p.process.destroyForcibly();
            }
        }
    }

    /** One started process, its output files and its command line for messages. */
    static final class Proc {
        final Process process;
        final Path stdout;
        final Path stderr;
        final String commandLine;

        Proc(Process process, Path stdout, Path stderr, String commandLine) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
            this.commandLine = commandLine;
        }

        /** Waits for the exit and returns the exit code; fails the test when it does not come in time. */
        int waitFor(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("did not finish in " + seconds + " s: " + commandLine + "\nstderr: " + stderr());
            }
            return process.exitValue();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        void kill() {
            process.destroyForcibly();
        }

        String stderr() {
            return read(stderr);
        }

        /** Log lines at error level or worse (needs {@code -loglevel level+…}). */
        List<String> errors() {
            return stderr().lines().filter(l -> l.contains("[error]") || l.contains("[fatal]") || l.contains("[panic]")).toList();
        }

        /** The input codec of a media type as ffmpeg reported it ({@code Stream #0:0: Video: hevc (Main) …}). */
        String inputCodec(String mediaType) {
            var m = java.util.regex.Pattern.compile("Stream #0:\\d+.*?: " + mediaType + ": (\\w+)").matcher(stderr());
            return m.find() ? m.group(1) : null;
        }

        String stdout() {
            return read(stdout);
        }

        private static String read(Path p) {
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }
}
