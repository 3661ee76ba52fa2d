package io.livecloud.processing.storage;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's S3-compatible object storage ({@code storage.s3.*}): one client for the configured endpoint, and an
 * {@link S3ObjectStore} per bucket. Path-style addressing (MinIO, Ceph and s3proxy need it; AWS accepts it), the JDK's
 * HttpURLConnection underneath, and checksums only where the operation requires them, since S3-compatible servers
 * differ in the newer checksum headers.
 */
public final class S3Storage implements AutoCloseable {
    /** How the node's object storage is reached; {@code endpoint} is {@code http(s)://host[:port]}. */
    public record Settings(String endpoint, String region, String accessKeyId, String secretAccessKey) {
        public Settings {
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalArgumentException("storage.s3.endpoint is required for S3 storage");
            }
            endpoint = normalise(endpoint);
            region = region == null || region.isBlank() ? "us-east-1" : region;
            if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
                throw new IllegalArgumentException("S3 storage at " + endpoint + " needs storage.s3.accessKeyId and "
                        + "storage.s3.secretAccessKey (or LIVECLOUD_S3_ACCESS_KEY_ID / LIVECLOUD_S3_SECRET_ACCESS_KEY)");
            }
        }

        @Override
        public String toString() { // never the secret
            return "S3 " + endpoint + " (" + region + ", key " + accessKeyId + ")";
        }
    }

    private final Settings settings;
    private final S3Client client;
    private final Map<String, S3ObjectStore> buckets = new ConcurrentHashMap<>();

    public S3Storage(Settings settings) {
        this.settings = settings;
        this.client = S3Client.builder()
                .endpointOverride(URI.create(settings.endpoint()))
                .region(Region.of(settings.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .build();
    }

    public Settings settings() {
        return settings;
    }

    /** The store of one bucket (not checked here: a missing bucket fails the first call, naming it). */
    public S3ObjectStore bucket(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("not a valid bucket name (3-63 lower-case letters, digits, '.', '-'): "
                    + name);
        }
        return buckets.computeIfAbsent(name, b -> new S3ObjectStore(client, settings.endpoint(), b));
    }

    /** Whether an OssEndpoint given in the API names this storage: blank, or the same host (and port). */
    public boolean isEndpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            return true;
        }
        String given = endpoint.contains("://") ? normalise(endpoint) : normalise(schemeOf(settings.endpoint()) + "://"
                + endpoint);
        return hostPort(given).equals(hostPort(settings.endpoint()));
    }

    private static String schemeOf(String url) {
        return url.substring(0, url.indexOf("://"));
    }

    private static String hostPort(String url) {
        URI u = URI.create(url);
        int port = u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
        return String.valueOf(u.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String normalise(String endpoint) {
        String e = endpoint.trim();
        while (e.endsWith("/")) {
            e = e.substring(0, e.length() - 1);
        }
        URI u;
        try {
            u = URI.create(e);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("not an endpoint URL (http(s)://host[:port]): " + endpoint);
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                || u.getHost() == null) {
            throw new IllegalArgumentException("not an endpoint URL (http(s)://host[:port]): " + endpoint);
        }
        return e;
    }

    @Override
    public void close() {
        client.close();
    }
}
