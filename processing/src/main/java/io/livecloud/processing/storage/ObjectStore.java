package io.livecloud.processing.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where recordings and snapshots go: a local directory ({@link LocalObjectStore}) or an S3-compatible bucket. Keys
 * are object names as the naming templates make them ({@code record/live/cam/2024-05-06-07-08-09_....mp4}): relative,
 * '/'-separated, no empty, "." or ".." parts ({@link #checkKey}).
 *
 * <p>Callers hand over finished local files; a store makes each object visible whole or not at all (readers never
 * see a half-written recording or snapshot). Implementations are thread-safe; calls block, so they run on the
 * processing threads, never on an event loop.
 */
public interface ObjectStore extends AutoCloseable {

    /** Stores {@code file} under {@code key}, replacing what was there (an overwritten snapshot). */
    void put(String key, Path file, String contentType) throws IOException;

    /** The object under {@code key}, if there is one. */
    Optional<StoredObject> stat(String key) throws IOException;

    /** The objects whose key starts with {@code prefix} (any depth), in key order. */
    List<StoredObject> list(String prefix) throws IOException;

    /** Where an object is, for the API and logs: a {@code file:} path or the object's http(s) URL. */
    String locationOf(String key);

    /** One line for the operator's log: the kind and the place (never a secret). */
    String describe();

    @Override
    default void close() throws IOException {
    }

    /** Refuses keys that could escape the store or name a directory. */
    static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 1024 || key.startsWith("/") || key.endsWith("/")
                || key.contains("\\") || key.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("not a valid object name: " + key);
        }
        for (String part : key.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("not a valid object name: " + key);
            }
        }
        return key;
    }
}
