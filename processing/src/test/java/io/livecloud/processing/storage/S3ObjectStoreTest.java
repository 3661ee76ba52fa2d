package io.livecloud.processing.storage;

import io.livecloud.testkit.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** S3ObjectStore and ObjectStores against a real S3 server (s3proxy, filesystem backend). */
class S3ObjectStoreTest {
    @TempDir
    static Path dir;
    private static S3ProxyServer s3;
    private static S3Storage storage;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyServer.start(dir.resolve("s3"));
        s3.createBucket("recordings");
        storage = new S3Storage(new S3Storage.Settings(s3.endpoint(), null, S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY));
    }

    @AfterAll
    static void stop() throws Exception {
        storage.close();
        s3.close();
    }

    private static Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void putStatListAndOverwrite() throws Exception {
        S3ObjectStore store = storage.bucket("recordings");
        assertThat(store.stat("record/live/cam/a.flv")).isEmpty();
        store.put("record/live/cam/a.flv", file("a", "first"), "video/x-flv");
        store.put("record/live/cam/b.mp4", file("b", "second!"), "video/mp4");
        store.put("record/live/other/c.m3u8", file("c", "#EXTM3U"), "application/vnd.apple.mpegurl");

        assertThat(store.stat("record/live/cam/a.flv")).hasValueSatisfying(o -> assertThat(o.size()).isEqualTo(5));
        assertThat(store.list("record/live/cam/")).extracting(StoredObject::key)
                .containsExactly("record/live/cam/a.flv", "record/live/cam/b.mp4");
        assertThat(store.list("record/")).hasSize(3);

        store.put("record/live/cam/a.flv", file("a2", "overwritten"), "video/x-flv");
        assertThat(store.stat("record/live/cam/a.flv")).hasValueSatisfying(o -> assertThat(o.size()).isEqualTo(11));
        assertThat(store.list("record/live/cam/")).hasSize(2);
        assertThat(Files.readString(download(store.locationOf("record/live/cam/a.flv")))).isEqualTo("overwritten");
        assertThat(store.describe()).contains("recordings").contains(s3.endpoint());
    }

    /** The SDK's signed GET of an object, as a reader with the key would fetch it. */
    private static Path download(String location) throws IOException {
        String key = location.substring((s3.endpoint() + "/recordings/").length());
        Path out = dir.resolve("download-" + System.nanoTime());
        try (var client = software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint())).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            client.getObject(b -> b.bucket("recordings").key(key), out);
        }
        return out;
    }

    @Test
    void aMissingBucketIsAClearErrorOnEveryCall() throws Exception {
        S3ObjectStore store = storage.bucket("no-such-bucket");
        Path f = file("x", "x");
        assertThatThrownBy(() -> store.put("k/x.flv", f, "video/x-flv")).isInstanceOf(IOException.class)
                .hasMessageContaining("no-such-bucket").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> store.stat("k/x.flv")).isInstanceOf(IOException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> store.list("k/")).isInstanceOf(IOException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void wrongCredentialsAndADeadServerAreClearErrors() throws Exception {
        Path f = file("y", "y");
        try (S3Storage wrong = new S3Storage(new S3Storage.Settings(s3.endpoint(), "us-east-1", "someone", "wrong"))) {
            assertThatThrownBy(() -> wrong.bucket("recordings").put("k/y.flv", f, "video/x-flv"))
                    .isInstanceOf(IOException.class).hasMessageContaining("403");
        }
        try (S3Storage dead = new S3Storage(new S3Storage.Settings("http://127.0.0.1:1", "us-east-1", "a", "b"))) {
            assertThatThrownBy(() -> dead.bucket("recordings").put("k/y.flv", f, "video/x-flv"))
                    .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:1");
        }
    }

    @Test
    void theResolverMapsBlankBucketsToLocalAndRefusesOtherEndpoints() {
        LocalObjectStore local = new LocalObjectStore(dir.resolve("local"));
        ObjectStores stores = new ObjectStores(local, storage);
        assertThat(stores.resolve(null, "")).isSameAs(local);
        assertThat(stores.resolve("anything", " ")).isSameAs(local);
        assertThat(stores.resolve(null, "recordings")).isInstanceOf(S3ObjectStore.class);
        assertThat(stores.resolve(s3.endpoint() + "/", "recordings")).isSameAs(stores.resolve("", "recordings"));
        assertThat(stores.resolve("127.0.0.1:" + s3.port(), "recordings")).isSameAs(stores.resolve("", "recordings"));
        assertThatThrownBy(() -> stores.resolve("oss-cn-shanghai.aliyuncs.com", "recordings"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage.s3.endpoint");
        assertThatThrownBy(() -> stores.resolve(null, "Bad_Bucket")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bucket name");

        stores.check(null, "recordings");
        assertThatThrownBy(() -> stores.check(null, "no-such-bucket")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist");

        ObjectStores localOnly = new ObjectStores(local, null);
        assertThat(localOnly.resolve(null, null)).isSameAs(local);
        assertThatThrownBy(() -> localOnly.resolve(null, "recordings")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage.s3");
    }

    @Test
    void settingsNeedAnEndpointAndKeysAndNeverPrintTheSecret() {
        assertThatThrownBy(() -> new S3Storage.Settings("", null, "a", "b")).hasMessageContaining("storage.s3.endpoint");
        assertThatThrownBy(() -> new S3Storage.Settings("ftp://x", null, "a", "b")).hasMessageContaining("endpoint URL");
        assertThatThrownBy(() -> new S3Storage.Settings("http://x", null, "a", ""))
                .hasMessageContaining("LIVECLOUD_S3_SECRET_ACCESS_KEY");
        assertThat(new S3Storage.Settings("http://x:9000", null, "a", "sekrit").toString()).doesNotContain("sekrit")
                .contains("us-east-1");
    }
}
