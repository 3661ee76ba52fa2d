package io.livecloud.server;

import io.livecloud.control.stream.LiveMedia;
import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.LiveStream;
import io.livecloud.media.hub.Publisher;
import io.livecloud.media.hub.StreamHub;
import io.livecloud.media.hub.StreamStats;

/** Stream management's view of the media plane: the hub's streams, their measured figures, their publishers. */
final class HubLiveMedia implements LiveMedia {
    private final StreamHub hub;

    HubLiveMedia(StreamHub hub) {
        this.hub = hub;
    }

    @Override
    public StreamStats.Snapshot stats(StreamKey key) {
        LiveStream s = hub.find(key);
        return s == null ? StreamStats.Snapshot.EMPTY : s.stats().snapshot();
    }

    @Override
    public boolean cutPublisher(StreamKey key, String reason) {
        LiveStream s = hub.find(key);
        Publisher p = s == null ? null : s.publisher();
        if (p == null) {
            return false;
        }
        p.kick(reason);
        return true;
    }
}
