package io.livecloud.media;

import java.time.Instant;

/** Who did what: one publish or play session, as reported through {@link StreamEvents}. */
public record SessionInfo(long id, Role role, Protocol protocol, StreamKey key, StreamRequest request,
                          Instant startedAt) {
}
