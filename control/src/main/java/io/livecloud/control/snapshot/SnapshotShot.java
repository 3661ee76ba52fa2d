package io.livecloud.control.snapshot;

import java.time.Instant;

/**
 * One stored snapshot object, as DescribeLiveStreamSnapshotInfo lists it. The overwrite object of a stream has one
 * row, updated at every shot; each sequence object has its own.
 *
 * @param overwrite    true for the overwrite object ({@code IsOverlay} in the cloud's answer)
 * @param url          where the object is ({@code file:} URI of the local store, or the object's URL)
 * @param streamMillis the picture's timestamp in the stream (ms, as the hub delivers it)
 * @param created      when it was taken (wall clock)
 */
public record SnapshotShot(String domain, String app, String stream, String ossEndpoint, String ossBucket,
                           String ossObject, boolean overwrite, int width, int height, String url, long streamMillis,
                           Instant created) {
}
