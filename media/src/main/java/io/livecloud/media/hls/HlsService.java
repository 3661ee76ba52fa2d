package io.livecloud.media.hls;

import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.LiveStream;
import io.livecloud.media.hub.MediaMetrics;
import io.livecloud.media.hub.Publisher;
import io.livecloud.media.hub.StreamHub;
import io.livecloud.media.hub.Subscriber;
import io.netty.buffer.ByteBufAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * HLS for every live stream of the hub: when a publisher attaches, a packager joins the stream on the publisher's
 * event loop and writes the stream's {@link HlsStream}; HTTP requests find it here. A finished stream's playlist
 * stays (ended) for the retention time, then its memory is freed. Taking over a stream and retiring it both happen
 * inside the map's per-key compute, so a stream coming back never writes into one being freed.
 */
public final class HlsService implements StreamHub.PublishTap, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HlsService.class);

    private final StreamHub hub;
    private volatile HlsAdaptive adaptive = HlsAdaptive.NONE;
    private final HlsSettings settings;
    private final ConcurrentHashMap<StreamKey, HlsStream> streams = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public HlsService(StreamHub hub, HlsSettings settings) {
        this.hub = hub;
        this.settings = settings;
        if (settings.enabled()) {
            hub.addTap(this);
        }
    }

    public MediaMetrics metrics() {
        return hub.metrics();
    }

    public HlsSettings settings() {
        return settings;
    }

    /** A viewer asks for a stream that is not live: see {@link StreamHub#demand}. */
    public long demand(StreamKey key) {
        return hub.demand(key);
    }

    /** Whether the stream has a publisher now (not only a grace period running). */
    public boolean published(StreamKey key) {
        LiveStream s = hub.find(key);
        return s != null && s.publisher() != null;
    }

    /** The adaptive (master) playlists this node serves. */
    public void setAdaptive(HlsAdaptive value) {
        adaptive = value == null ? HlsAdaptive.NONE : value;
    }

    public HlsAdaptive adaptive() {
        return adaptive;
    }

    /** What the hub measures of a live stream (bitrates for a master playlist), EMPTY when it is not live. */
    public io.livecloud.media.hub.StreamStats.Snapshot stats(StreamKey key) {
        LiveStream s = hub.find(key);
        return s == null ? io.livecloud.media.hub.StreamStats.Snapshot.EMPTY : s.stats().snapshot();
    }

    /** The stream's HLS state, or null when it is not live (and did not end within the retention time). */
    public HlsStream find(StreamKey key) {
        return streams.get(key);
    }

    public int streamCount() {
        return streams.size();
    }

    @Override
    public void publishing(LiveStream stream, Publisher publisher) {
        if (closed) {
            return;
        }
        HlsPackager[] created = new HlsPackager[1];
        streams.compute(stream.key(), (key, hls) -> {
            if (hls == null) {
                hls = new HlsStream(key, settings, hub.metrics());
            }
            if (hls.writer() == null || hls.writer().source() != stream) {
                // a new stream (or a new LiveStream under a key whose playlist is still kept): a new packager
                created[0] = new HlsPackager(hls, stream, publisher.eventLoop(), settings, hub.metrics(),
                        ByteBufAllocator.DEFAULT, this::retireLater);
            } // else the publisher came back within the grace period: the packager carries on
            return hls;
        });
        HlsPackager packager = created[0];
        if (packager != null && hub.join(stream.key(), packager).result() != LiveStream.JoinResult.JOINED) {
            packager.onEnd(Subscriber.EndReason.UNPUBLISHED); // the publisher left already
        }
    }

    /**
     * Shutdown: every packager stops on its own loop (dropping what it was writing), then all segment memory is
     * freed. Call before the event loops stop.
     */
    @Override
    public void close() {
        closed = true;
        for (HlsStream hls : List.copyOf(streams.values())) {
            HlsPackager packager = hls.writer();
            if (packager != null && packager.eventLoop() != null && !packager.eventLoop().isShuttingDown()) {
                packager.eventLoop().submit(packager::shutdown).awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            streams.remove(hls.key(), hls);
            hls.release();
        }
    }

    private void retireLater(HlsPackager packager) {
        HlsStream hls = packager.target();
        packager.eventLoop().schedule(() -> retireIfExpired(hls), settings.endedRetentionMillis() + 50, TimeUnit.MILLISECONDS);
    }

    private void retireIfExpired(HlsStream hls) {
        boolean[] retired = new boolean[1];
        streams.computeIfPresent(hls.key(), (key, current) -> {
            if (current == hls && hls.expired(System.currentTimeMillis(), settings.endedRetentionMillis())) {
                retired[0] = true;
                return null;
            }
            return current;
        });
        if (retired[0]) {
            hls.release();
            log.debug("{}: HLS playlist retired", hls.key());
        }
    }
}
