package io.livecloud.api;

import java.time.Instant;
import java.util.List;

/** The transcoding jobs of this node, as the server's job runner knows them (for DescribeLiveStreamTranscodeJobs). */
public interface TranscodeJobs {

    /**
     * One rendition's ffmpeg job.
     *
     * @param outTimeMillis media time written so far in this run; with {@code progressAt} two readings give the speed
     * @param speed         ffmpeg's own figure since the run started (1.0 = real time)
     */
    record Job(String domain, String app, String sourceStream, String template, String state, long pid, int restarts,
               Instant startedAt, long frames, double fps, double speed, double bitrateKbps, long outTimeMillis, Instant progressAt,
               String lastError) {
    }

    /** A rendition that could not start (the node's job limit, no ffmpeg). */
    record Failure(String domain, String app, String sourceStream, String template, String reason, Instant at) {
    }

    List<Job> running();

    List<Failure> recentFailures();
}
