package io.livecloud.control.stats;

import java.time.Instant;

/**
 * What one (domain, app, stream, protocol) did in one bucket of time: the unit the statistics are stored in.
 *
 * @param bucketSeconds 60 or 300
 * @param start         the bucket's start, a multiple of {@code bucketSeconds} since the epoch
 * @param protocol      {@code Protocol.label()}: rtmp, http-flv, hls, ll-hls
 * @param bytesIn       bytes the stream's publishers sent (push domain rows)
 * @param bytesOut      bytes its players were sent (play domain rows)
 * @param peakPlayers   the most play sessions live at once in the bucket
 */
public record StatsBucket(int bucketSeconds, Instant start, String domain, String app, String stream, String protocol,
                          long bytesIn, long bytesOut, int peakPlayers) {
}
