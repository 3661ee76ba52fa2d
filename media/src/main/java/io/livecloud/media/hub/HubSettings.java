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
 */
public record HubSettings(long publisherGraceMillis, long playWaitMillis, int gopCacheMaxBytes,
                          int subscriberBudgetBytes, long stuckPlayerMillis) {

    public static HubSettings defaults() {
        return new HubSettings(5_000, 0, 32 << 20, 4 << 20, 15_000);
    }

    public HubSettings withPublisherGraceMillis(long value) {
        return new HubSettings(value, playWaitMillis, gopCacheMaxBytes, subscriberBudgetBytes, stuckPlayerMillis);
    }

    public HubSettings withPlayWaitMillis(long value) {
        return new HubSettings(publisherGraceMillis, value, gopCacheMaxBytes, subscriberBudgetBytes, stuckPlayerMillis);
    }

    public HubSettings withSubscriberBudgetBytes(int value) {
        return new HubSettings(publisherGraceMillis, playWaitMillis, gopCacheMaxBytes, value, stuckPlayerMillis);
    }

    public HubSettings withStuckPlayerMillis(long value) {
        return new HubSettings(publisherGraceMillis, playWaitMillis, gopCacheMaxBytes, subscriberBudgetBytes, value);
    }
}
