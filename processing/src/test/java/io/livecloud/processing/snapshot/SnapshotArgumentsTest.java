package io.livecloud.processing.snapshot;

import io.livecloud.processing.FfmpegBinaries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The snapshot job's ffmpeg arguments with the real bundled ffmpeg, on a file instead of the live RTMP read. */
class SnapshotArgumentsTest {

    private static String run(List<String> args) throws Exception {
        Process p = FfmpegBinaries.bundled().command("ffmpeg", args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void shotsComeAtOnceThenOnePerIntervalOfStreamTimeOnKeyframesAtTheSourceSize(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("gop2s.flv");
        // 17 s of 480x270 at 25 fps, a keyframe every 2 s: keyframes at 0, 2, 4, ... 16 s
        run(List.of("-hide_banner", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=480x270:rate=25", "-t", "17",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
                "-pix_fmt", "yuv420p", "-f", "flv", source.toString()));
        Path work = Files.createDirectories(dir.resolve("work"));
        run(SnapshotArguments.of(source.toString(), 5, work.resolve("run1-%d.jpg")));

        List<Long> millis = new ArrayList<>();
        try (Stream<Path> files = Files.list(work)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                assertThat(name).as("only finished JPEGs, named after their timestamp").matches("run1-\\d+\\.jpg");
                millis.add(Long.parseLong(name.substring(5, name.length() - 4)));
                assertThat(JpegSize.of(Files.readAllBytes(f))).contains(new JpegSize.Size(480, 270));
            }
        }
        millis.sort(null);
        // targets 0, 5, 10, 15 s from the first shot: the first keyframe at or after each, 0 / 6 / 10 / 16 s
        assertThat(millis).hasSize(4);
        long[] expected = {0, 6000, 10000, 16000};
        for (int i = 0; i < 4; i++) {
            assertThat(millis.get(i)).as("shot %d", i).isBetween(expected[i], expected[i] + 100);
        }
    }

    @Test
    void aJpegSizeIsReadOnlyFromAWholeJpeg(@TempDir Path dir) throws Exception {
        Path jpg = dir.resolve("one.jpg");
        run(List.of("-hide_banner", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720", "-frames:v", "1",
                "-q:v", "3", jpg.toString()));
        byte[] whole = Files.readAllBytes(jpg);
        assertThat(JpegSize.of(whole)).contains(new JpegSize.Size(1280, 720));
        assertThat(JpegSize.of(Arrays.copyOf(whole, whole.length / 2))).as("half written").isEmpty();
        assertThat(JpegSize.of(new byte[]{1, 2, 3, 4, 5})).isEmpty();
    }
}
