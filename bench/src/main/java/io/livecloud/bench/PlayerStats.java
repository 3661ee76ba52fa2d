package io.livecloud.bench;

/** What one simulated player saw. Written by its event loop, read by the reporter after the run. */
final class PlayerStats {
    volatile long connectStartNanos;
    volatile long firstKeyframeNanos;
    volatile long bytes;
    volatile long bytesAtWindowStart;
    volatile String failure;
    volatile boolean connected;
    /** Ticks of a slow player's read schedule (Soak). */
    int slowReads;

    /** End-to-end latency samples in ms (probe players only), taken while {@link #measuring}. */
    final java.util.List<Long> latencies = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    volatile boolean measuring;

    void latency(long nanos) {
        if (measuring) {
            latencies.add(nanos / 1_000_000);
        }
    }

    long startupMillis() {
        return firstKeyframeNanos == 0 ? -1 : (firstKeyframeNanos - connectStartNanos) / 1_000_000;
    }
}
