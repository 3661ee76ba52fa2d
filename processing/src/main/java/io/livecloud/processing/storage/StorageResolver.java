package io.livecloud.processing.storage;

import java.nio.file.Path;

/**
 * The store a recording or snapshot configuration writes to. The cloud's configurations name an OSS endpoint and
 * bucket ({@code OssEndpoint}, {@code OssBucket}); here a blank bucket means the node's local directory, and a bucket
 * means an S3-compatible store at that endpoint, with the credentials of the node's configuration (an API request
 * never carries them).
 */
public interface StorageResolver {

    /**
     * The store for a configuration.
     *
     * @throws IllegalArgumentException when the configuration names object storage this node cannot reach (none
     *                                  configured, an unknown endpoint); the message says which
     */
    ObjectStore resolve(String endpoint, String bucket);

    /** A node without object storage: everything goes to {@code local}. */
    static StorageResolver localOnly(LocalObjectStore local) {
        return (endpoint, bucket) -> {
            if (bucket != null && !bucket.isBlank()) {
                throw new IllegalArgumentException("no object storage is configured on this node (storage.s3.*), "
                        + "so OssBucket must be empty: got " + bucket);
            }
            return local;
        };
    }

    /** The default local directory of a node: {@code <data-dir>/storage}. */
    static Path defaultLocalRoot(Path dataDir) {
        return dataDir.resolve("storage");
    }
}
