package io.livecloud.bench;

import io.livecloud.media.rtmp.RtmpChunkDecoder;
import io.livecloud.media.rtmp.RtmpChunkEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Load for any RTMP / HTTP-FLV server: N players of one URL on one event-loop thread, then a measured window.
 * Reports delivered throughput, per-player bitrate, startup (connect → first keyframe), and the CPU seconds and
 * RSS of the server processes named with --pid (read from /proc), plus the tool's own CPU.
 *
 * <pre>
 * java -cp … io.livecloud.bench.LoadTool --url rtmp://127.0.0.1:1935/live/bench --players 100 \
 *      --warmup 5 --seconds 20 --pid 1234 [--label livecloud] [--json out.json] \
 *      [--publish file.flv --publish-url rtmp://127.0.0.1:1935/live/bench] [--probes 5]
 * </pre>
 * With {@code --publish} the tool pushes the file itself (real time, looped) from its own thread, and the first
 * {@code --probes} RTMP players measure end-to-end latency: publish write → arrival of the same video frame.
 */
public final class LoadTool {
    private LoadTool() {
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        int players = 10;
        int warmup = 5;
        int seconds = 20;
        String label = "server";
        List<Integer> pids = new ArrayList<>();
        Path json = null;
        Path publishFile = null;
        String publishUrl = null;
        int probes = 5;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--url" -> url = v;
                case "--players" -> players = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--label" -> label = v;
                case "--pid" -> Arrays.stream(v.split(",")).map(Integer::parseInt).forEach(pids::add);
                case "--json" -> json = Path.of(v);
                case "--publish" -> publishFile = Path.of(v);
                case "--publish-url" -> publishUrl = v;
                case "--probes" -> probes = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        FlvPacedPublisher publisher = null;
        EventLoopGroup publisherLoop = null;
        if (publishFile != null) {
            URI pu = URI.create(publishUrl != null ? publishUrl : url);
            int slash = pu.getPath().lastIndexOf('/');
            String pApp = pu.getPath().substring(1, slash);
            int pPort = pu.getPort() > 0 ? pu.getPort() : 1935;
            publisher = new FlvPacedPublisher(pApp, "rtmp://" + pu.getHost() + ":" + pPort + "/" + pApp,
                    pu.getPath().substring(slash + 1), Files.readAllBytes(publishFile));
            publisherLoop = new MultiThreadIoEventLoopGroup(1, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
            FlvPacedPublisher handler = publisher;
            new Bootstrap().group(publisherLoop).channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ClientHandshake(), new RtmpChunkDecoder(), new RtmpChunkEncoder(), handler);
                        }
                    }).connect(pu.getHost(), pPort).sync();
            Thread.sleep(3_000); // a full GOP in the server before players come
        }
        Result r;
        try {
            r = run(URI.create(url), players, warmup, seconds, pids, label, publisher, probes);
        } finally {
            if (publisherLoop != null) {
                publisherLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
        System.out.println(r.table());
        if (json != null) {
            Files.writeString(json, r.json() + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    record Result(String label, String protocol, int requested, int connected, int failed, double totalMbps,
                  double minMbps, double medianMbps, long startupP50, long startupP95, double serverCpuSeconds,
                  double cpuPerGbit, long serverRssMb, double toolCpuSeconds, int seconds, String firstFailure,
                  long latencyP50, long latencyP95, long latencyMax) {
        String table() {
            return String.format(Locale.ROOT,
                    "%-10s %-8s players %5d ok %5d failed %4d | %8.1f Mbps total, per player min %.2f median %.2f | "
                            + "startup p50 %4d ms p95 %4d ms | server CPU %.2f s = %.3f CPU-s/Gbit, RSS %d MB | tool CPU %.2f s"
                            + "%s%s",
                    label, protocol, requested, connected, failed, totalMbps, minMbps, medianMbps, startupP50, startupP95,
                    serverCpuSeconds, cpuPerGbit, serverRssMb, toolCpuSeconds,
                    latencyP50 < 0 ? "" : String.format(Locale.ROOT, " | latency p50 %d p95 %d max %d ms", latencyP50, latencyP95, latencyMax),
                    firstFailure == null ? "" : " | first failure: " + firstFailure);
        }

        String json() {
            return String.format(Locale.ROOT, "{\"label\":\"%s\",\"protocol\":\"%s\",\"players\":%d,\"connected\":%d,\"failed\":%d,"
                            + "\"totalMbps\":%.2f,\"minMbps\":%.3f,\"medianMbps\":%.3f,\"startupP50Ms\":%d,\"startupP95Ms\":%d,"
                            + "\"serverCpuSeconds\":%.3f,\"cpuSecondsPerGbit\":%.4f,\"serverRssMb\":%d,\"toolCpuSeconds\":%.3f,\"seconds\":%d,"
                            + "\"latencyP50Ms\":%d,\"latencyP95Ms\":%d,\"latencyMaxMs\":%d}",
                    label, protocol, requested, connected, failed, totalMbps, minMbps, medianMbps, startupP50, startupP95,
                    serverCpuSeconds, cpuPerGbit, serverRssMb, toolCpuSeconds, seconds, latencyP50, latencyP95, latencyMax);
        }
    }

    static Result run(URI url, int players, int warmup, int seconds, List<Integer> pids, String label,
                      FlvPacedPublisher clock, int probes) throws Exception {
        boolean rtmp = url.getScheme().equals("rtmp");
        int port = url.getPort() > 0 ? url.getPort() : rtmp ? 1935 : 80;
        String path = url.getRawPath() + (url.getRawQuery() != null ? "?" + url.getRawQuery() : "");
        int slash = url.getPath().lastIndexOf('/');
        String app = url.getPath().substring(1, slash);
        String stream = url.getPath().substring(slash + 1) + (url.getRawQuery() != null ? "?" + url.getRawQuery() : "");
        String tcUrl = "rtmp://" + url.getHost() + ":" + port + "/" + app;

        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        List<PlayerStats> stats = new ArrayList<>();
        try {
            Bootstrap b = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true);
            // One throw-away player first, so class loading and JIT in this tool don't count as server startup time.
            PlayerStats warm = new PlayerStats();
            Channel warmChannel = connect(b, rtmp, app, tcUrl, stream, url, port, path, warm, null).channel();
            for (int waited = 0; warm.firstKeyframeNanos == 0 && warm.failure == null && waited < 5000; waited += 50) {
                Thread.sleep(50);
            }
            warmChannel.close().syncUninterruptibly();
            for (int i = 0; i < players; i++) {
                PlayerStats s = new PlayerStats();
                stats.add(s);
                s.connectStartNanos = System.nanoTime();
                connect(b, rtmp, app, tcUrl, stream, url, port, path, s, i < probes ? clock : null);
                if (i % 50 == 49) {
                    Thread.sleep(20); // don't SYN-flood the accept queue
                }
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
            for (PlayerStats s : stats) {
                s.bytesAtWindowStart = s.bytes;
                s.measuring = true;
            }
            double[] cpuStart = cpu(pids);
            double toolStart = ProcStat.cpuSeconds("self");
            long t0 = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            double elapsed = (System.nanoTime() - t0) / 1e9;
            double[] cpuEnd = cpu(pids);
            double toolCpu = ProcStat.cpuSeconds("self") - toolStart;
            long rss = pids.stream().mapToLong(ProcStat::rssKb).sum() / 1024;

            double[] mbps = stats.stream().mapToDouble(s -> (s.bytes - s.bytesAtWindowStart) * 8 / elapsed / 1e6).sorted().toArray();
            double total = Arrays.stream(mbps).sum();
            long[] startups = stats.stream().mapToLong(PlayerStats::startupMillis).filter(v -> v >= 0).sorted().toArray();
            int failed = (int) stats.stream().filter(s -> s.failure != null).count();
            int connected = (int) stats.stream().filter(s -> s.connected).count();
            double serverCpu = 0;
            for (int i = 0; i < pids.size(); i++) {
                serverCpu += cpuEnd[i] - cpuStart[i];
            }
            double gbit = total * elapsed / 1000;
            String firstFailure = stats.stream().map(s -> s.failure).filter(f -> f != null).findFirst().orElse(null);
            if (firstFailure == null && clock != null && clock.failure != null) {
                firstFailure = "publisher: " + clock.failure;
            }
            long[] latencies = stats.stream().flatMap(s -> List.copyOf(s.latencies).stream()).mapToLong(Long::longValue).sorted().toArray();
            return new Result(label, rtmp ? "rtmp" : "http-flv", players, connected, failed, total,
                    mbps.length > 0 ? mbps[0] : 0, mbps.length > 0 ? mbps[mbps.length / 2] : 0,
                    percentile(startups, 50), percentile(startups, 95), serverCpu, gbit > 0 ? serverCpu / gbit : 0, rss,
                    toolCpu, seconds, firstFailure, percentile(latencies, 50), percentile(latencies, 95),
                    latencies.length == 0 ? -1 : latencies[latencies.length - 1]);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static io.netty.channel.ChannelFuture connect(Bootstrap b, boolean rtmp, String app, String tcUrl, String stream,
                                                          URI url, int port, String path, PlayerStats s,
                                                          FlvPacedPublisher clock) {
        b.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (rtmp) {
                    ch.pipeline().addLast(new ByteCounter(s), new ClientHandshake(), new RtmpChunkDecoder(),
                            new RtmpChunkEncoder(), new RtmpPlayerHandler(app, tcUrl, stream, s, clock));
                } else {
                    ch.pipeline().addLast(new FlvPlayerHandler(url.getHost() + ":" + port, path, s));
                }
            }
        });
        return b.connect(url.getHost(), port).addListener(f -> {
            if (!f.isSuccess()) {
                s.failure = String.valueOf(f.cause());
            }
        });
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double[] cpu(List<Integer> pids) throws IOException {
        double[] out = new double[pids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ProcStat.cpuSeconds(String.valueOf(pids.get(i)));
        }
        return out;
    }

    /** Counts received bytes below the RTMP decoder. */
    private static final class ByteCounter extends ChannelInboundHandlerAdapter {
        private final PlayerStats stats;

        ByteCounter(PlayerStats stats) {
            this.stats = stats;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            stats.bytes += ((ByteBuf) msg).readableBytes();
            ctx.fireChannelRead(msg);
        }
    }
}
