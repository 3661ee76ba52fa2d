package io.livecloud.processing.storage;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An {@link ObjectStore} in one bucket of an S3-compatible server (AWS S3, MinIO, Ceph RGW, OSS's S3 endpoint),
 * addressed path-style ({@code http://host:port/bucket/key}). A PUT is atomic on the server's side: readers see the
 * old object or the new one. The client ({@link S3Storage}) is shared by the stores of one endpoint; closing a store
 * leaves it open.
 *
 * <p>Failures come back as {@link IOException}s that name the bucket, the endpoint and what the server said (a missing
 * bucket, refused credentials, nobody listening), so a recording's log line says what to fix.
 */
public final class S3ObjectStore implements ObjectStore {
    private final S3Client client;
    private final String endpoint;
    private final String bucket;

    S3ObjectStore(S3Client client, String endpoint, String bucket) {
        this.client = client;
        this.endpoint = endpoint;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public void put(String key, Path file, String contentType) throws IOException {
        ObjectStore.checkKey(key);
        call("put " + key, () -> client.putObject(b -> b.bucket(bucket).key(key).contentType(contentType),
                RequestBody.fromFile(file)));
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        ObjectStore.checkKey(key);
        try {
            HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new StoredObject(key, head.contentLength(), head.lastModified()));
        } catch (AwsServiceException e) {
            if (e instanceof NoSuchKeyException || e.statusCode() == 404) {
                // HEAD has no body: a missing key and a missing bucket both answer a bare 404 (NoSuchKey to the SDK)
                bucketMustExist();
                return Optional.empty();
            }
            throw failed("stat " + key, e);
        } catch (SdkException e) {
            throw failed("stat " + key, e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        List<StoredObject> found = new ArrayList<>();
        call("list " + prefix, () -> {
            ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
            for (S3Object o : client.listObjectsV2Paginator(request).contents()) {
                found.add(new StoredObject(o.key(), o.size(), o.lastModified()));
            }
            return null;
        });
        found.sort(Comparator.comparing(StoredObject::key));
        return found;
    }

    @Override
    public String locationOf(String key) {
        StringBuilder url = new StringBuilder(endpoint).append('/').append(bucket);
        for (String part : ObjectStore.checkKey(key).split("/")) {
            url.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return url.toString();
    }

    @Override
    public String describe() {
        return "S3 bucket " + bucket + " at " + endpoint;
    }

    /** Whether the bucket exists and the node's key may use it (a HEAD of the bucket). */
    public void checkReachable() throws IOException {
        bucketMustExist();
    }

    private void bucketMustExist() throws IOException {
        call("find the bucket", () -> client.headBucket(b -> b.bucket(bucket)));
    }

    private interface Call {
        Object run();
    }

    private void call(String what, Call call) throws IOException {
        try {
            call.run();
        } catch (SdkException e) {
            throw failed(what, e);
        }
    }

    private IOException failed(String what, SdkException e) {
        String why;
        if (e instanceof NoSuchBucketException
                || (e instanceof AwsServiceException a && a.statusCode() == 404 && what.equals("find the bucket"))) {
            why = "the bucket does not exist (create it first)";
        } else if (e instanceof AwsServiceException a) {
            String code = a.awsErrorDetails() == null ? null : a.awsErrorDetails().errorCode();
            why = "the server answered " + a.statusCode() + (code == null ? "" : " " + code)
                    + (a.awsErrorDetails() == null || a.awsErrorDetails().errorMessage() == null ? ""
                    : ": " + a.awsErrorDetails().errorMessage());
        } else {
            why = String.valueOf(e.getMessage());
        }
        return new IOException("S3 " + what + " in bucket " + bucket + " at " + endpoint + " failed: " + why, e);
    }
}
