package io.livecloud.server;

import io.livecloud.control.notify.CallbackNotifier;
import io.livecloud.control.stats.TrafficStats;
import io.livecloud.control.stream.StreamManager;
import io.livecloud.media.Protocol;
import io.livecloud.media.hub.MediaMetrics;
import io.livecloud.media.hub.StreamHub;
import io.livecloud.processing.FfmpegSupervisor;
import io.livecloud.processing.StreamJobs;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus metrics ({@code /metrics} on the API port), on a Micrometer {@link PrometheusMeterRegistry}.
 * The media plane keeps its own cheap counters ({@link MediaMetrics}' adders); the registry reads them at scrape time
 * (function counters and gauges), so nothing on the media path knows about Micrometer. Names are the ones the docs
 * and dashboards use ({@code livecloud_streams_live}, {@code livecloud_media_bytes_out_total}, …): no base units are
 * given, so Micrometer adds no suffix but {@code _total} to counters.
 *
 * <p>Other parts of the node register their own meters on {@link #registry()} (e.g. the processing module's ffmpeg
 * job gauge).
 */
final class NodeMetrics implements AutoCloseable {
    /** How often each event loop is asked to run the lag probe. */
    static final long LAG_PROBE_MILLIS = 500;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final java.util.List<ScheduledFuture<?>> probes = new java.util.ArrayList<>();
    private java.util.function.Supplier<java.util.Optional<FfmpegSupervisor>> supervisor;

    /**
     * @param hlsViewers HLS and LL-HLS viewers live now
     * @param notifier   publish callbacks, for their counters; null on a node without them
     */
    NodeMetrics(StreamHub hub, IntSupplier hlsViewers, CallbackNotifier notifier, EventLoopGroup loops) {
        MediaMetrics m = hub.metrics();
        gauge("livecloud.streams.live", "Streams with a publisher",
                h -> h.streams().stream().filter(s -> s.publisher() != null).count(), hub);
        gauge("livecloud.players", "Players, all protocols (HLS viewers included)",
                h -> h.streams().stream().mapToLong(s -> s.subscriberCount()).sum() + hlsViewers.getAsInt(), hub);
        gauge("livecloud.hls.viewers", "HLS and LL-HLS viewers (requests within the idle time)",
                v -> v.getAsInt(), hlsViewers);
        counter("livecloud.media.bytes.in", "Media bytes received from publishers", m.bytesIn);
        counter("livecloud.media.bytes.out", "Media bytes sent to players", m.bytesOut);
        counter("livecloud.media.frames.in", "Frames received from publishers", m.framesIn);
        counter("livecloud.frames.skipped", "Frames slow players skipped", m.framesSkipped);
        counter("livecloud.players.stuck", "Players cut for not reading", m.playersStuck);
        counter("livecloud.publishers.over.budget", "Publishers cut for exceeding media.maxPublisherKbps",
                m.publishersOverBudget);
        counter("livecloud.idle.connections.closed", "Connections closed for sending nothing (no request, a stalled handshake)",
                m.idleConnectionsClosed);
        counter("livecloud.internal.errors", "Failures that are bugs (logged with a stack trace)", m.internalErrors);
        gauge("livecloud.hls.segment.bytes", "Memory held by HLS segments", LongAdder::sum, m.hlsSegmentBytes);
        counter("livecloud.protocol.errors", "Connections or frames refused as malformed", m.protocolErrors);
        if (notifier != null) {
            gauge("livecloud.callback.queue", "Publish callbacks waiting to be delivered", CallbackNotifier::queueDepth, notifier);
            counter("livecloud.callbacks.delivered", "Publish callbacks delivered", notifier.delivered);
            counter("livecloud.callback.retries", "Publish callback attempts that failed and were retried", notifier.retries);
            counter("livecloud.callbacks.failed", "Publish callbacks given up", notifier.failed);
            counter("livecloud.callbacks.dropped", "Publish callbacks dropped on a full queue", notifier.dropped);
        }
        if (loops != null) {
            probeEventLoops(loops);
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Where other parts of the node add their meters. */
    MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    String scrape() {
        return registry.scrape();
    }

    /** Players and publishers as the sessions report them, per protocol, and the statistics' own health. */
    void bind(StreamManager streams, TrafficStats stats) {
        for (Protocol p : Protocol.values()) {
            Gauge.builder("livecloud.players.by.protocol", streams, s -> s.players(p))
                    .description("Play sessions live now, per protocol").tag("protocol", p.label()).register(registry);
        }
        gauge("livecloud.publishers", "Publish sessions live now", StreamManager::publishers, streams);
        counter("livecloud.stats.events.dropped", "Session events the statistics dropped on a full queue", stats.droppedEvents);
        counter("livecloud.stats.writes.failed", "Statistics writes the store refused (kept and retried)", stats.failedWrites);
    }

    /**
     * The ffmpeg jobs: per kind (transcode, record, snapshot) those not yet over, and the supervisor's totals. The
     * supervisor is made on the first job, so until then its meters read 0 rather than starting it for a scrape.
     */
    void bindProcessing(StreamJobs jobs, java.util.function.Supplier<java.util.Optional<FfmpegSupervisor>> supervisor) {
        this.supervisor = supervisor; // Micrometer holds function counters' objects weakly; this keeps the lambda
        for (String kind : java.util.List.of("transcode", "record", "snapshot")) {
            Gauge.builder("livecloud.ffmpeg.jobs", jobs, j -> j.jobs().stream().filter(x -> x.kind().equals(kind)).count())
                    .description("ffmpeg jobs not yet over (running or waiting to restart), per kind").tag("kind", kind)
                    .strongReference(true).register(registry);
        }
        FunctionCounter.builder("livecloud.ffmpeg.starts", supervisor, s -> s.get().map(FfmpegSupervisor::startedTotal).orElse(0L))
                .description("ffmpeg jobs started").register(registry);
        FunctionCounter.builder("livecloud.ffmpeg.restarts", supervisor, s -> s.get().map(FfmpegSupervisor::restartsTotal).orElse(0L))
                .description("ffmpeg runs that ended while still wanted and were restarted").register(registry);
        FunctionCounter.builder("livecloud.ffmpeg.starts.refused", jobs, StreamJobs::failedStartsTotal)
                .description("ffmpeg jobs that could not start (the job limit ffmpeg.maxJobs, no ffmpeg)").register(registry);
    }

    /**
     * Event-loop lag: each loop runs a probe every {@value #LAG_PROBE_MILLIS} ms and records how late it ran. A loop
     * busy with a long task (or blocked, which is a bug) shows it here before players notice.
     */
    private void probeEventLoops(EventLoopGroup loops) {
        int i = 0;
        for (EventExecutor loop : loops) {
            AtomicLong lagNanos = new AtomicLong();
            Gauge.builder("livecloud.event.loop.lag.seconds", lagNanos, a -> a.get() / 1e9)
                    .description("How late the last lag probe ran on this event loop")
                    .tag("loop", Integer.toString(i++)).register(registry);
            long[] due = {System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LAG_PROBE_MILLIS)};
            probes.add(loop.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                lagNanos.set(Math.max(0, now - due[0]));
                due[0] = now + TimeUnit.MILLISECONDS.toNanos(LAG_PROBE_MILLIS);
            }, LAG_PROBE_MILLIS, LAG_PROBE_MILLIS, TimeUnit.MILLISECONDS));
        }
    }

    private <T> void gauge(String name, String help, ToDoubleFunction<T> value, T source) {
        Gauge.builder(name, source, value).description(help).strongReference(true).register(registry);
    }

    private void counter(String name, String help, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(help).register(registry);
    }

    @Override
    public void close() {
        probes.forEach(p -> p.cancel(false));
        gc.close();
        registry.close();
    }
}
