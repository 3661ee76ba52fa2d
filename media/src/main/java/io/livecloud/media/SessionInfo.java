package io.livecloud.media;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Who did what: one publish or play session, as reported through {@link StreamEvents}.
 *
 * @param bytesSoFar the media bytes the session has moved until now (received for a publish, sent for a play),
 *                   readable from any thread while it runs, so statistics can count live sessions minute by minute
 */
public record SessionInfo(long id, Role role, Protocol protocol, StreamKey key, StreamRequest request,
                          Instant startedAt, LongSupplier bytesSoFar) {

    /** A session whose running byte count nobody reads (tests of listeners that only look at the end). */
    public SessionInfo(long id, Role role, Protocol protocol, StreamKey key, StreamRequest request, Instant startedAt) {
        this(id, role, protocol, key, request, startedAt, () -> 0);
    }
}
