package io.livecloud.bench;

import io.livecloud.processing.FfmpegBinaries;

/** Prints the bundled ffmpeg's path and library folder, for the shell scripts: {@code <ffmpeg> <LD_LIBRARY_PATH>}. */
public final class FfmpegPath {
    private FfmpegPath() {
    }

    public static void main(String[] args) {
        FfmpegBinaries b = FfmpegBinaries.bundled();
        System.out.println(b.ffmpeg() + " " + b.environment().getOrDefault("LD_LIBRARY_PATH", ""));
    }
}
