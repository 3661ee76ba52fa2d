package io.livecloud.control.record;

import java.time.Instant;

/**
 * A finished recording file as stored and indexed (DescribeLiveStreamRecordIndexFiles): a flv or mp4 file, or an
 * m3u8 playlist (its segments are stored beside it and not indexed one by one).
 *
 * @param domain    the push domain
 * @param recordUrl where the object is: the S3 URL of the object, or a {@code file:} URL for local storage
 * @param duration  seconds of media in it
 */
public record RecordFile(String recordId, String domain, String app, String stream, String format,
                         String ossEndpoint, String ossBucket, String ossObject, String recordUrl, double duration,
                         int width, int height, Instant start, Instant end, Instant created) {
}
