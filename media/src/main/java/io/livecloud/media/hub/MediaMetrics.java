package io.livecloud.media.hub;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the media plane, read by the metrics endpoint. Cheap to bump from any event loop. */
public final class MediaMetrics {
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    public final LongAdder framesIn = new LongAdder();
    /** Frames a slow player did not get because it skipped to the next keyframe. */
    public final LongAdder framesSkipped = new LongAdder();
    /** Players cut because their connection stayed unwritable. */
    public final LongAdder playersStuck = new LongAdder();
    /** Publishers cut for sending more than {@code media.maxPublisherKbps}. */
    public final LongAdder publishersOverBudget = new LongAdder();
    /** Connections closed because they sent nothing for the idle time (never a request, a stalled handshake). */
    public final LongAdder idleConnectionsClosed = new LongAdder();
    /** Connections closed for breaking a protocol. */
    public final LongAdder protocolErrors = new LongAdder();
    /** Failures that are bugs, not bad input (logged once per stream with the stack trace). */
    public final LongAdder internalErrors = new LongAdder();
    /** Memory held by HLS segments of all streams. */
    public final LongAdder hlsSegmentBytes = new LongAdder();
}
