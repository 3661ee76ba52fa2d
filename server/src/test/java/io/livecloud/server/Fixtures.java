package io.livecloud.server;

import io.livecloud.processing.FfmpegBinaries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test media made by ffmpeg on first use and kept under {@code target/fixtures}: synthetic pictures (testsrc2) and a
 * sine tone, 25 fps, a keyframe every second, AAC 44.1 kHz stereo.
 */
final class Fixtures {
    static final int FPS = 25;
    static final double AAC_FRAMES_PER_SECOND = 44100 / 1024.0;
    private static final Path DIR = Path.of("target", "fixtures");

    private Fixtures() {
    }

    static Path h264Aac(int seconds) {
        return make("h264-aac-" + seconds + "s.flv", seconds, true, true,
                List.of("-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-pix_fmt", "yuv420p"));
    }

    /** 426x240 H.264 at about 200 kbit/s and 64 kbit/s AAC: many streams and players on a small machine (the soak). */
    static Path h264Light(int seconds) {
        return make("h264-aac-240p-" + seconds + "s.flv", seconds, true, true,
                List.of("-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-pix_fmt", "yuv420p", "-s", "426x240",
                        "-b:v", "200k", "-maxrate", "200k", "-bufsize", "400k"), List.of("-c:a", "aac", "-b:a", "64k", "-ac", "2"));
    }

    /** 1280x720 H.264 (high profile, 2 Mbit/s) and AAC: a transcoding source. */
    static Path h264Aac720p(int seconds) {
        return make("h264-aac-720p-" + seconds + "s.flv", seconds, true, true,
                List.of("-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p", "-s", "1280x720"));
    }

    /** About 8 Mbit/s of H.264 (noise does not compress), for tests that need to fill buffers. */
    static Path h264Heavy(int seconds) {
        return make("h264-noise-8mbps-" + seconds + "s.flv", seconds, true, true, List.of("-c:v", "libx264", "-preset",
                "ultrafast", "-pix_fmt", "yuv420p", "-b:v", "8M", "-maxrate", "8M", "-bufsize", "4M"));
    }

    static Path hevcAac(int seconds) {
        return make("hevc-aac-" + seconds + "s.flv", seconds, true, true,
                List.of("-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x265-params", "log-level=error"));
    }

    /** AV1 and Opus, both only possible over enhanced RTMP (FourCC {@code av01}, {@code Opus}). */
    static Path av1Opus(int seconds) {
        return make("av1-opus-" + seconds + "s.flv", seconds, true, true,
                List.of("-c:v", "libsvtav1", "-preset", "12", "-pix_fmt", "yuv420p", "-svtav1-params", "lp=2"),
                List.of("-c:a", "libopus", "-b:a", "64k", "-ar", "48000"));
    }

    static Path videoOnly(int seconds) {
        return make("h264-only-" + seconds + "s.flv", seconds, true, false,
                List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
    }

    static Path audioOnly(int seconds) {
        return make("aac-only-" + seconds + "s.flv", seconds, false, true, List.of());
    }

    private static Path make(String name, int seconds, boolean video, boolean audio, List<String> videoCodec) {
        return make(name, seconds, video, audio, videoCodec, List.of("-c:a", "aac", "-b:a", "96k", "-ac", "2"));
    }

    private static synchronized Path make(String name, int seconds, boolean video, boolean audio, List<String> videoCodec,
                                          List<String> audioCodec) {
        Path target = DIR.resolve(name);
        if (Files.exists(target)) {
            return target;
        }
        try {
            Files.createDirectories(DIR);
            Path tmp = DIR.resolve(name + ".tmp.flv");
            List<String> args = new ArrayList<>(List.of("-hide_banner", "-v", "error", "-y"));
            if (video) {
                String noise = name.contains("noise") ? ",noise=alls=60:allf=t" : "";
                String size = name.contains("720p") ? "1280x720" : "640x360";
                args.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + FPS + noise));
            }
            if (audio) {
                args.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"));
            }
            args.addAll(List.of("-t", String.valueOf(seconds)));
            if (video) {
                args.addAll(videoCodec);
                args.addAll(List.of("-g", String.valueOf(FPS), "-keyint_min", String.valueOf(FPS), "-sc_threshold", "0",
                        "-b:v", name.contains("8mbps") ? "8M" : name.contains("720p") ? "2M" : "800k"));
            }
            if (audio) {
                args.addAll(audioCodec);
            }
            args.addAll(List.of("-f", "flv", tmp.toString()));
            Process p = FfmpegBinaries.bundled().command("ffmpeg", args).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("ffmpeg could not make fixture " + name + ": " + out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
