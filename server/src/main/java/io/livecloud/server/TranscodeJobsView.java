package io.livecloud.server;

import io.livecloud.api.TranscodeJobs;
import io.livecloud.processing.FfmpegJob;
import io.livecloud.processing.FfmpegProgress;
import io.livecloud.processing.StreamJobs;
import io.livecloud.processing.transcode.TranscodePlanner;

import java.util.List;

/** The API's view of the transcode jobs among the node's stream jobs. */
final class TranscodeJobsView implements TranscodeJobs {
    private final StreamJobs jobs;

    TranscodeJobsView(StreamJobs jobs) {
        this.jobs = jobs;
    }

    private static String template(String jobId) {
        return jobId.substring(jobId.indexOf(':') + 1);
    }

    @Override
    public List<Job> running() {
        return jobs.jobs().stream().filter(j -> j.kind().equals(TranscodePlanner.KIND)).map(j -> {
            FfmpegJob f = j.job();
            FfmpegProgress p = f.progress();
            List<String> errors = f.lastErrors();
            return new Job(j.source().domain(), j.source().app(), j.source().stream(), template(j.id()),
                    f.state().name().toLowerCase(java.util.Locale.ROOT), f.pid().orElse(0L), f.restarts(), f.startedAt(),
                    p.frames(), p.fps(), p.speed(), p.bitrateKbps(), p.outTimeMicros() / 1000,
                    p == FfmpegProgress.NONE ? null : p.at(), errors.isEmpty() ? "" : errors.get(errors.size() - 1));
        }).sorted(java.util.Comparator.comparing(Job::domain).thenComparing(Job::app).thenComparing(Job::sourceStream)
                .thenComparing(Job::template)).toList();
    }

    @Override
    public List<Failure> recentFailures() {
        return jobs.recentFailures().stream().filter(f -> f.kind().equals(TranscodePlanner.KIND))
                .map(f -> new Failure(f.source().domain(), f.source().app(), f.source().stream(), template(f.id()),
                        f.reason(), f.at())).toList();
    }
}
