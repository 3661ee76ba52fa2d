package io.livecloud.media;

/** What a session does with a stream. */
public enum Role {
    PUBLISH,
    PLAY
}
