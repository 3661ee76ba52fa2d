package io.livecloud.control.stream;

import java.time.Instant;
import java.util.Objects;

/**
 * A stream of a push domain that may not be published (ForbidLiveStream).
 *
 * @param resumeAt when pushes are allowed again by themselves; null: only ResumeLiveStream lifts it
 * @param since    when it was forbidden
 */
public record BlockedStream(String domain, String app, String stream, Instant resumeAt, Instant since) {
    public BlockedStream {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(since, "since");
    }

    /** Still in force at {@code nowMillis}. */
    public boolean inForce(long nowMillis) {
        return resumeAt == null || resumeAt.toEpochMilli() > nowMillis;
    }

    /** {@code domain/app/stream}, as DescribeLiveStreamsBlockList lists it. */
    public String streamUrl() {
        return domain + "/" + app + "/" + stream;
    }
}
