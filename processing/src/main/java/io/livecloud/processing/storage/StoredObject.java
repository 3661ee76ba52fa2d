package io.livecloud.processing.storage;

import java.time.Instant;

/** An object of an {@link ObjectStore}: its key, size in bytes and last modification. */
public record StoredObject(String key, long size, Instant modified) {
}
