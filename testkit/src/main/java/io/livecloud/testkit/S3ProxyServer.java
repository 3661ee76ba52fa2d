package io.livecloud.testkit;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real S3 server for tests: s3proxy in this JVM on a free loopback port, keeping objects in a directory (its
 * filesystem backend), checking AWS signatures (v2 or v4) against one access key. A bucket is a sub-directory of
 * {@code dir}; {@link #createBucket} makes one.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-0123456789";

    private final S3Proxy proxy;
    private final Path dir;

    private S3ProxyServer(S3Proxy proxy, Path dir) {
        this.proxy = proxy;
        this.dir = dir;
    }

    public static S3ProxyServer start(Path dir) throws Exception {
        Files.createDirectories(dir);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toAbsolutePath().toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long until = System.nanoTime() + 20_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > until) {
                proxy.stop();
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3ProxyServer(proxy, dir);
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public int port() {
        return proxy.getPort();
    }

    /** Creates an empty bucket (a directory of the filesystem backend). */
    public void createBucket(String name) throws IOException {
        Files.createDirectories(dir.resolve(name));
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
