package io.livecloud.media.hls;

import io.netty.buffer.ByteBuf;

/**
 * One finished segment held in memory.
 *
 * @param sequence       media sequence number
 * @param durationMillis from its first frame to the next segment's first frame
 * @param discontinuity  its timestamps or encoding do not continue the previous segment (publisher reconnect)
 * @param startedAtMillis wall-clock time its first frame arrived, for {@code EXT-X-PROGRAM-DATE-TIME}
 * @param data           the transport stream, owned by the {@link HlsStream} holding the segment
 */
record HlsSegment(long sequence, long durationMillis, boolean discontinuity, long startedAtMillis, ByteBuf data) {
}
