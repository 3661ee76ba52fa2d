package io.livecloud.bench;

/** What one simulated player saw. Written by its event loop, read by the reporter after the run. */
final class PlayerStats {
    volatile long connectStartNanos;
    volatile long firstKeyframeNanos;
    volatile long bytes;
    volatile long bytesAtWindowStart;
    volatile String failure;
    volatile boolean connected;

    long startupMillis() {
        return firstKeyframeNanos == 0 ? -1 : (firstKeyframeNanos - connectStartNanos) / 1_000_000;
    }
}
