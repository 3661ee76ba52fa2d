package io.livecloud.media.hub;

import io.livecloud.media.StreamKey;
import io.netty.channel.EventLoop;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * All live streams of this node, by {@link StreamKey}. A stream exists while it has a publisher, players, or a
 * publisher grace period running; the last one to leave retires it.
 */
public final class StreamHub {
    private final ConcurrentHashMap<StreamKey, LiveStream> streams = new ConcurrentHashMap<>();
    private final HubSettings settings;
    private final MediaMetrics metrics = new MediaMetrics();
    private final List<PublishTap> taps = new CopyOnWriteArrayList<>();
    private volatile OnDemand onDemand = OnDemand.NONE;

    public StreamHub(HubSettings settings) {
        this.settings = settings;
    }

    public HubSettings settings() {
        return settings;
    }

    public MediaMetrics metrics() {
        return metrics;
    }

    /**
     * Makes {@code publisher} the source of the stream {@code key}.
     *
     * @return the stream to feed with {@link LiveStream#publish}, or null when the stream has a publisher already
     */
    public LiveStream startPublishing(StreamKey key, Publisher publisher) {
        while (true) {
            LiveStream s = streams.computeIfAbsent(key, k -> new LiveStream(k, this, settings));
            if (s.attachPublisher(publisher)) {
                for (PublishTap tap : taps) {
                    tap.publishing(s, publisher);
                }
                return s;
            }
            if (!s.isRemoved()) {
                return null;
            }
        }
    }

    /**
     * Something the node does with every live stream on its own (HLS packaging, recording): told on the publisher's
     * event loop each time a publisher attaches, including one that comes back within the grace period.
     */
    public interface PublishTap {
        void publishing(LiveStream stream, Publisher publisher);
    }

    public void addTap(PublishTap tap) {
        taps.add(tap);
    }

    /**
     * Streams the node can start when a player asks for them (a lazily started transcoded rendition). Called on the
     * player's event loop when the stream it asks for has no publisher: the implementation only looks in memory and
     * hands the start off.
     */
    @FunctionalInterface
    public interface OnDemand {
        /** @return how long the player should wait for the stream, 0 when nothing will start it */
        long demand(StreamKey key);

        OnDemand NONE = key -> 0;
    }

    public void setOnDemand(OnDemand value) {
        onDemand = value == null ? OnDemand.NONE : value;
    }

    /**
     * A player's request for a stream that is not live: starts it if the node can, and says how long to wait for it
     * (for HTTP responders that hold a request themselves).
     */
    public long demand(StreamKey key) {
        LiveStream s = streams.get(key);
        return s != null && s.publisher() != null ? 0 : onDemand.demand(key);
    }

    /** The publisher's session ended; {@code timerLoop} runs the grace period. */
    public void stopPublishing(LiveStream stream, Publisher publisher, EventLoop timerLoop) {
        stream.detachPublisher(publisher, timerLoop);
    }

    /**
     * Attaches a player. Call on the subscriber's event loop. On JOINED the player has been started and fed the
     * start-up frames; on WAITING it will be started (or ended with NOT_FOUND) later; on NOT_FOUND nothing was kept.
     */
    public Joined join(StreamKey key, Subscriber subscriber) {
        long waitMillis = settings.playWaitMillis();
        LiveStream existing = streams.get(key);
        if (existing == null || existing.publisher() == null) { // a stream started on demand may be worth waiting for
            waitMillis = Math.max(waitMillis, onDemand.demand(key));
        }
        while (true) {
            LiveStream s = streams.get(key);
            if (s == null) {
                if (waitMillis <= 0) {
                    return new Joined(null, LiveStream.JoinResult.NOT_FOUND);
                }
                s = streams.computeIfAbsent(key, k -> new LiveStream(k, this, settings));
            }
            LiveStream.JoinResult result = s.join(subscriber, waitMillis);
            if (result != null) {
                return new Joined(result == LiveStream.JoinResult.NOT_FOUND ? null : s, result);
            }
        }
    }

    /** A join's outcome; {@code stream} is what to {@link LiveStream#leave} later (null when not found). */
    public record Joined(LiveStream stream, LiveStream.JoinResult result) {
    }

    public LiveStream find(StreamKey key) {
        return streams.get(key);
    }

    public Collection<LiveStream> streams() {
        return List.copyOf(streams.values());
    }

    void retire(LiveStream stream) {
        streams.remove(stream.key(), stream);
    }
}
