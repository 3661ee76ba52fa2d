package io.livecloud.processing.storage;

/**
 * The node's {@link StorageResolver}: a blank OssBucket is the local directory ({@code <data-dir>/storage}); a bucket
 * is that bucket of the node's S3-compatible storage ({@code storage.s3.*}). An OssEndpoint given with it must be the
 * configured one (or blank): the node holds credentials for one endpoint only, and silently writing elsewhere than
 * asked would lose recordings.
 */
public final class ObjectStores implements StorageResolver, AutoCloseable {
    private final LocalObjectStore local;
    private final S3Storage s3; // null: no object storage configured

    public ObjectStores(LocalObjectStore local, S3Storage s3) {
        this.local = local;
        this.s3 = s3;
    }

    public LocalObjectStore local() {
        return local;
    }

    /** Whether a bucket can be used at all (storage.s3.* configured). */
    public boolean hasObjectStorage() {
        return s3 != null;
    }

    @Override
    public ObjectStore resolve(String endpoint, String bucket) {
        if (bucket == null || bucket.isBlank()) {
            return local;
        }
        if (s3 == null) {
            return StorageResolver.localOnly(local).resolve(endpoint, bucket); // refuses, saying what to configure
        }
        if (!s3.isEndpoint(endpoint)) {
            throw new IllegalArgumentException("OssEndpoint " + endpoint + " is not this node's object storage ("
                    + s3.settings().endpoint() + ", storage.s3.endpoint): leave it empty or give that one");
        }
        return s3.bucket(bucket);
    }

    /**
     * For a configuration being added: resolves the store and, for a bucket, asks the server that it exists and the
     * node's key may use it, so a typo is refused at once instead of failing every recording later.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public void check(String endpoint, String bucket) {
        ObjectStore store = resolve(endpoint, bucket);
        if (store instanceof S3ObjectStore s3Store) {
            try {
                s3Store.checkReachable();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        if (s3 != null) {
            s3.close();
        }
    }
}
