package io.livecloud.media.hub;

/**
 * Tunables of the stream hub.
 *
 * @param publisherGraceMillis how long players stay attached after their publisher drops, waiting for it to
 *                             come back and continue the same stream; 0 ends the stream at once
 * @param playWaitMillis       how long a player of a stream that is not live waits for a publisher before it
 *                             is told the stream is not found; 0 answers at once
 * @param gopCacheMaxBytes     the most a stream keeps of its latest GOP for fast start; a longer GOP is not cached
 * @param subscriberBudgetBytes what a player may have queued unsent before it skips to the next keyframe
 * @param stuckPlayerMillis    a player whose connection stays unwritable this long is disconnected
 * @param maxPublisherKbps     a publisher sending more than this on average over a 5-second window is cut (one
 *                             runaway encoder must not eat the node's links and CPU); 0 = no limit
 */
public record HubSettings(long publisherGraceMillis, long playWaitMillis, int gopCacheMaxBytes,
                          int subscriberBudgetBytes, long stuckPlayerMillis, long maxPublisherKbps) {

    /** 40 Mbit/s: above any sane live ingest (4K HEVC is 15–30), well below what hurts a 10 GbE node. */
    public static final long DEFAULT_MAX_PUBLISHER_KBPS = 40_000;

    public HubSettings {
        if (maxPublisherKbps < 0) {
            throw new IllegalArgumentException("media.maxPublisherKbps must be 0 (no limit) or positive, got " + maxPublisherKbps);
        }
    }

    public HubSettings(long publisherGraceMillis, long playWaitMillis, int gopCacheMaxBytes, int subscriberBudgetBytes,
                       long stuckPlayerMillis) {
        this(publisherGraceMillis, playWaitMillis, gopCacheMaxBytes, subscriberBudgetBytes, stuckPlayerMillis,
                DEFAULT_MAX_PUBLISHER_KBPS);
    }

    public static HubSettings defaults() {
        return new HubSettings(5_000, 0, 32 << 20, 4 << 20, 15_000, DEFAULT_MAX_PUBLISHER_KBPS);
    }

    public HubSettings withMaxPublisherKbps(long value) {
        return new HubSettings(publisherGraceMillis, playWaitMillis, gopCacheMaxBytes, subscriberBudgetBytes,
                stuckPlayerMillis, value);
    }

    public HubSettings withPublisherGraceMillis(long value) {
        return new HubSettings(value, playWaitMillis, gopCacheMaxBytes, subscriberBudgetBytes, stuckPlayerMillis, maxPublisherKbps);
    }

    public HubSettings withPlayWaitMillis(long value) {
        return new HubSettings(publisherGraceMillis, value, gopCacheMaxBytes, subscriberBudgetBytes, stuckPlayerMillis, maxPublisherKbps);
    }

    public HubSettings withSubscriberBudgetBytes(int value) {
        return new HubSettings(publisherGraceMillis, playWaitMillis, gopCacheMaxBytes, value, stuckPlayerMillis, maxPublisherKbps);
    }

    public HubSettings withStuckPlayerMillis(long value) {
        return new HubSettings(publisherGraceMillis, playWaitMillis, gopCacheMaxBytes, subscriberBudgetBytes, value, maxPublisherKbps);
    }
}
