package io.livecloud.processing;

import io.livecloud.control.gate.InternalAccess;
import io.livecloud.media.Role;
import io.livecloud.media.StreamKey;

/**
 * Where an ffmpeg job of this node reads a live stream and publishes its output: the node's own RTMP port on a local
 * address, with the node's internal token ({@link InternalAccess}) instead of an auth_key, so a job keeps working when
 * an operator changes or turns on URL auth.
 *
 * @param host     an address the RTMP port listens on (127.0.0.1 when it listens on every address)
 * @param rtmpPort the node's RTMP port
 */
public record LocalEndpoints(InternalAccess access, String host, int rtmpPort) {

    /** The URL reading {@code key} (a push domain's stream) as a player. */
    public String readUrl(StreamKey key) {
        return access.rtmpUrl(Role.PLAY, host, rtmpPort, key.domain(), key.app(), key.stream());
    }

    /** The URL publishing a new stream {@code stream} under {@code app} of the push domain {@code pushDomain}. */
    public String publishUrl(String pushDomain, String app, String stream) {
        return access.rtmpUrl(Role.PUBLISH, host, rtmpPort, pushDomain, app, stream);
    }

    /** The address a listener bound to {@code bind} is reached at from this machine. */
    public static String localHostFor(String bind) {
        return bind == null || bind.isBlank() || bind.equals("0.0.0.0") ? "127.0.0.1" : bind.equals("::") ? "[::1]"
                : bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }
}
