package io.livecloud.processing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The supervisor with the real bundled ffmpeg: progress, crash restart with backoff, stop, the job limit, close. */
class FfmpegSupervisorTest {
    private static final FfmpegSupervisor.Settings FAST = new FfmpegSupervisor.Settings(4, Duration.ofMillis(200),
            Duration.ofMillis(800), Duration.ofSeconds(30), Duration.ofSeconds(3));

    private final FfmpegSupervisor supervisor = new FfmpegSupervisor(FfmpegBinaries.bundled(), FAST, Clock.systemUTC());

    @AfterEach
    void closeSupervisor() {
        supervisor.close();
        assertThat(supervisor.active()).isZero();
    }

    /** A real-time test source encoded to nothing: runs until stopped. */
    private static List<String> endlessSource() {
        return List.of("-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-c:v", "mpeg4", "-f", "null", "-");
    }

    @Test
    void progressIsReadFromTheRunningChild() throws Exception {
        FfmpegJob job = supervisor.start(new FfmpegJob.Spec("progress", FfmpegSupervisorTest::endlessSource, () -> true));
        waitFor(() -> job.progress().frames() >= 25, 10_000);
        FfmpegProgress p = job.progress();
        assertThat(p.outTimeMicros()).isGreaterThan(500_000);
        assertThat(job.pid()).isPresent();
        assertThat(job.state()).isEqualTo(FfmpegJob.State.RUNNING);
        assertThat(supervisor.active()).isEqualTo(1);
    }

    @Test
    void aKilledChildIsRestartedAndAStoppedOneIsGone() throws Exception {
        List<FfmpegJob.Exit> exits = new CopyOnWriteArrayList<>();
        FfmpegJob job = supervisor.start(new FfmpegJob.Spec("restart", FfmpegSupervisorTest::endlessSource,
                () -> true, exits::add));
        waitFor(() -> job.progress().frames() > 0, 10_000);
        long firstPid = job.pid().orElseThrow();
        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();

        waitFor(() -> job.pid().isPresent() && job.pid().get() != firstPid, 10_000);
        assertThat(job.restarts()).isEqualTo(1);
        assertThat(exits).hasSize(1);
        assertThat(exits.get(0).restarting()).isTrue();
        assertThat(supervisor.restartsTotal()).isEqualTo(1);
        assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        long secondPid = job.pid().orElseThrow();
        job.stop();
        job.ended().get(10, TimeUnit.SECONDS);
        assertThat(job.state()).isEqualTo(FfmpegJob.State.STOPPED);
        assertThat(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(exits).hasSize(2);
        assertThat(exits.get(1).restarting()).isFalse();
        assertThat(supervisor.active()).isZero();
    }

    @Test
    void aJobNoLongerWantedEndsWhenItsChildExits() throws Exception {
        AtomicBoolean wanted = new AtomicBoolean(true);
        FfmpegJob job = supervisor.start(new FfmpegJob.Spec("finite", () -> List.of("-f", "lavfi", "-i",
                "testsrc2=size=160x120:rate=25:duration=1", "-f", "null", "-"), wanted::get));
        wanted.set(false); // as when the source stream ended: ffmpeg reaches the end of its input
        job.ended().get(15, TimeUnit.SECONDS);
        assertThat(job.state()).isEqualTo(FfmpegJob.State.STOPPED);
        assertThat(job.restarts()).isZero();
    }

    @Test
    void aChildThatFailsAtOnceIsRetriedWithGrowingBackoffAndSaysWhy() throws Exception {
        List<Long> exitTimes = new CopyOnWriteArrayList<>();
        FfmpegJob job = supervisor.start(new FfmpegJob.Spec("broken", () -> List.of("-i", "/nonexistent/input.flv",
                "-f", "null", "-"), () -> true, exit -> exitTimes.add(System.nanoTime())));
        waitFor(() -> exitTimes.size() >= 4, 15_000);
        job.stop();
        job.ended().get(5, TimeUnit.SECONDS);
        assertThat(job.lastErrors()).anyMatch(l -> l.contains("No such file or directory"));
        long firstGap = exitTimes.get(1) - exitTimes.get(0);
        long thirdGap = exitTimes.get(3) - exitTimes.get(2);
        assertThat(firstGap).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(thirdGap).isGreaterThan(firstGap); // 200 → 400 → 800 ms (capped)
        assertThat(job.state()).isEqualTo(FfmpegJob.State.STOPPED);
    }

    @Test
    void theJobLimitRefusesWithAClearMessage() {
        try (FfmpegSupervisor one = new FfmpegSupervisor(FfmpegBinaries.bundled(), FAST.withMaxJobs(1), Clock.systemUTC())) {
            one.start(new FfmpegJob.Spec("first", FfmpegSupervisorTest::endlessSource, () -> true));
            assertThatThrownBy(() -> one.start(new FfmpegJob.Spec("second", FfmpegSupervisorTest::endlessSource, () -> true)))
                    .isInstanceOf(FfmpegSupervisor.JobLimitException.class)
                    .hasMessageContaining("already runs 1 ffmpeg jobs")
                    .hasMessageContaining("processing.maxJobs")
                    .hasMessageContaining("second");
            assertThat(one.refusedTotal()).isEqualTo(1);
            assertThat(one.active()).isEqualTo(1);
        }
    }

    @Test
    void closeStopsEveryChild() throws Exception {
        FfmpegJob a = supervisor.start(new FfmpegJob.Spec("a", FfmpegSupervisorTest::endlessSource, () -> true));
        FfmpegJob b = supervisor.start(new FfmpegJob.Spec("b", FfmpegSupervisorTest::endlessSource, () -> true));
        waitFor(() -> a.pid().isPresent() && b.pid().isPresent(), 10_000);
        List<Long> pids = List.of(a.pid().get(), b.pid().get());
        supervisor.close();
        assertThat(a.ended()).isDone();
        assertThat(b.ended()).isDone();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
        assertThatThrownBy(() -> supervisor.start(new FfmpegJob.Spec("late", FfmpegSupervisorTest::endlessSource, () -> true)))
                .isInstanceOf(IllegalStateException.class);
    }

    static void waitFor(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within " + millis + " ms");
            }
            Thread.sleep(20);
        }
    }
}
