package io.livecloud.media;

/**
 * Input that breaks a media protocol (RTMP chunking, AMF, FLV, codec headers). Thrown by the byte-level
 * parsers; the connection that sent it is closed and nothing else is affected.
 */
public class MediaProtocolException extends RuntimeException {
    public MediaProtocolException(String message) {
        super(message);
    }

    public MediaProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
