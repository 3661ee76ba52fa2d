package io.livecloud.media.hub;

import io.netty.channel.EventLoop;

/**
 * A player attached to a {@link LiveStream}. Every callback runs on {@link #eventLoop()}, in stream order:
 * {@link #onStart()} once, then frames (configuration first, then the cached GOP, then live), then at most one
 * {@link #onEnd}. Frames are lent: a subscriber that keeps one beyond the call retains it.
 */
public interface Subscriber {

    EventLoop eventLoop();

    /**
     * The stream is live; frames follow. The track flags say what the stream carried when the player joined
     * (both true when it joins before the first frame, as nothing is known yet).
     */
    void onStart(boolean hasAudio, boolean hasVideo);

    void onFrame(MediaFrame frame);

    /** The stream is over for this subscriber; it should finish its response / notify its client and close. */
    void onEnd(EndReason reason);

    /** False for the node's own consumers (the HLS packager, recorders): they are not counted as players. */
    default boolean isViewer() {
        return true;
    }

    enum EndReason {
        /** Nothing was published under this key within the wait time. */
        NOT_FOUND,
        /** The publisher left and did not come back within the grace period. */
        UNPUBLISHED
    }
}
