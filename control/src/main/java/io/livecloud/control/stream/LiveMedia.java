package io.livecloud.control.stream;

import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.StreamStats;

/**
 * What stream management asks of this node's media plane, answered from memory. The server implements it over the
 * stream hub; the control plane knows no hub.
 */
public interface LiveMedia {

    /** The measured figures of the live stream {@code key}; {@link StreamStats.Snapshot#EMPTY} when it is not live. */
    StreamStats.Snapshot stats(StreamKey key);

    /**
     * Ends the publish session of {@code key} at once (the client is told {@code reason}); any thread.
     *
     * @return false when the stream had no publisher
     */
    boolean cutPublisher(StreamKey key, String reason);

    LiveMedia NONE = new LiveMedia() {
        @Override
        public StreamStats.Snapshot stats(StreamKey key) {
            return StreamStats.Snapshot.EMPTY;
        }

        @Override
        public boolean cutPublisher(StreamKey key, String reason) {
            return false;
        }
    };
}
