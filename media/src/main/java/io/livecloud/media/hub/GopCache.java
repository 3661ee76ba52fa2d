package io.livecloud.media.hub;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The frames since the latest random-access point, so a player that joins mid-stream starts at once with a
 * decodable picture. Bounded in bytes: a GOP longer than the bound is dropped whole (joiners then wait for the next
 * keyframe) rather than grown without limit. Not thread-safe: its {@link LiveStream} guards it.
 */
final class GopCache {
    private final ArrayDeque<MediaFrame> frames = new ArrayDeque<>();
    private final int maxBytes;
    private long bytes;
    private boolean overflowed;

    GopCache(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    void add(MediaFrame frame) {
        if (frame.isRandomAccess()) {
            clear();
        } else if (frames.isEmpty() || overflowed) {
            return; // nothing decodable to attach it to
        }
        frames.add(frame.retain());
        bytes += frame.size();
        if (bytes > maxBytes) {
            clear();
            overflowed = true;
        }
    }

    void forEach(Consumer<MediaFrame> action) {
        frames.forEach(action);
    }

    int frameCount() {
        return frames.size();
    }

    void clear() {
        MediaFrame f;
        while ((f = frames.poll()) != null) {
            f.release();
        }
        bytes = 0;
        overflowed = false;
    }
}
