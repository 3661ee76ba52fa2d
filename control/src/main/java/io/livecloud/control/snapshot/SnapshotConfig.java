package io.livecloud.control.snapshot;

import java.time.Instant;

/**
 * A snapshot configuration (AddLiveAppSnapshotConfig): every stream pushed under {@code app} of the push domain
 * {@code domain} gets a JPEG every {@code intervalSeconds} of stream time, stored under the overwrite name (one object
 * replaced at every shot), the sequence name (a new object per shot), or both.
 *
 * @param domain          the push domain the streams live under (a play domain given in the API is mapped to it)
 * @param app             an AppName, or {@code *} for every app without a configuration of its own
 * @param ossEndpoint     "" when not given
 * @param ossBucket       "" for the node's local storage directory
 * @param overwriteObject a naming template ({@link SnapshotNaming}), "" for none
 * @param sequenceObject  a naming template, "" for none; at least one of the two is set
 */
public record SnapshotConfig(String domain, String app, int intervalSeconds, String ossEndpoint, String ossBucket,
                             String overwriteObject, String sequenceObject, Instant created, Instant modified) {
    public static final String ANY_APP = "*";
    public static final int MIN_INTERVAL_SECONDS = 5;
    public static final int MAX_INTERVAL_SECONDS = 3600;

    public boolean overwrites() {
        return !overwriteObject.isEmpty();
    }

    public boolean sequences() {
        return !sequenceObject.isEmpty();
    }
}
