package io.livecloud.processing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FfmpegBinariesTest {

    @Test
    void theBundledFfmpegIsExtractedAndRuns() {
        FfmpegBinaries ffmpeg = FfmpegBinaries.bundled();
        assertThat(Files.isExecutable(ffmpeg.ffmpeg())).isTrue();
        assertThat(Files.isExecutable(ffmpeg.ffprobe())).isTrue();
        assertThat(ffmpeg.checkRuns()).startsWith("ffmpeg version 8.");
        assertThat(FfmpegBinaries.bundled()).isSameAs(ffmpeg);
    }

    @Test
    void aMissingExplicitPathIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> FfmpegBinaries.at(dir.resolve("nope")))
                .isInstanceOf(FfmpegUnavailableException.class)
                .hasMessageContaining("not found or not executable");
    }

    @Test
    void aMissingSharedLibraryNamesTheFix(@TempDir Path dir) throws Exception {
        // an ffmpeg stand-in that fails the way the real one does without libpulse0
        Path fake = dir.resolve("ffmpeg");
        Files.writeString(fake, "#!/bin/sh\necho 'ffmpeg: error while loading shared libraries: libpulse.so.0: "
                + "cannot open shared object file: No such file or directory' >&2\nexit 127\n");
        fake.toFile().setExecutable(true);
        assertThatThrownBy(() -> FfmpegBinaries.at(fake).checkRuns())
                .isInstanceOf(FfmpegUnavailableException.class)
                .hasMessageContaining("libpulse.so.0")
                .hasMessageContaining("apt-get install libpulse0");
    }
}
