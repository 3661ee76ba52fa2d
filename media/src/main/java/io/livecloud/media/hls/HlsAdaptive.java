package io.livecloud.media.hls;

import io.livecloud.media.StreamKey;

import java.util.List;

/**
 * The adaptive (master) playlists the node serves, a port the server implements from what it knows (the transcoding
 * templates bound to a stream): a playlist request for a stream that is not live asks it whether the name is a master
 * playlist and which streams it lists. Called on an event loop: answer from memory.
 */
@FunctionalInterface
public interface HlsAdaptive {

    /**
     * One variant stream.
     *
     * @param declaredBitsPerSecond what its encoder is told to make (video + audio), 0 when unknown (a source as
     *                              pushed): then the master states what the hub measures
     */
    record Variant(StreamKey stream, long declaredBitsPerSecond) {
    }

    /** The variants of the master playlist {@code key} names, best first or in any order; empty when it names none. */
    List<Variant> variantsOf(StreamKey key);

    HlsAdaptive NONE = key -> List.of();
}
