package io.livecloud.control.stream;

import java.time.Instant;
import java.util.Objects;

/**
 * One publish session in the history (DescribeLiveStreamsPublishList).
 *
 * @param id         unique across node runs
 * @param protocol   the wire protocol's label ({@code rtmp})
 * @param publishUrl the URL the publisher used, without {@code auth_key}
 * @param stop       null while the session is live
 * @param stopReason why it ended, in an operator's words; null while live
 * @param bytes      media bytes received (0 until it ended)
 */
public record PublishRecord(String id, String domain, String app, String stream, String protocol, String clientAddr,
                            String nodeAddr, String publishUrl, Instant start, Instant stop, String stopReason,
                            long bytes) {
    public PublishRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(clientAddr, "clientAddr");
        Objects.requireNonNull(nodeAddr, "nodeAddr");
        Objects.requireNonNull(publishUrl, "publishUrl");
        Objects.requireNonNull(start, "start");
    }

    public PublishRecord ended(Instant at, String reason, long bytesIn) {
        return new PublishRecord(id, domain, app, stream, protocol, clientAddr, nodeAddr, publishUrl, start, at, reason,
                bytesIn);
    }
}
