package io.livecloud.bench;

import io.livecloud.media.rtmp.RtmpChunkDecoder;
import io.livecloud.media.rtmp.RtmpChunkEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
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
import io.netty.util.ReferenceCountUtil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The hostile-client run of issue 5 against ANY RTMP server: one real-time publisher and a few latency probes
 * measure the stream's end-to-end latency, first alone (baseline), then while hostile clients join: players that
 * never read, players that read about 1 KB/s, TCP connections that never send a byte, connections that stop after
 * C0+C1, and a second publisher flooding its own stream at a chosen bitrate. It reports the probes' latency in both
 * phases and how many of each hostile kind the server closed, and when.
 *
 * <pre>
 * java -cp bench.jar io.livecloud.bench.HostileClients --url rtmp://127.0.0.1:1935/live/s --file in.flv \
 *     [--idle 10000] [--never-reading 50] [--slow 50] [--stalled 200] [--flood-mbps 50] [--seconds 30]
 * </pre>
 */
public final class HostileClients {

    /**
     * @param floodMbps 0 = no flooding publisher; else it pushes the same file, sped up to about this bitrate, to
     *                  {@code stream + "_flood"}
     */
    public record Settings(String host, int port, String app, String stream, byte[] flv, int probes, int baselineSeconds,
                           int hostileSeconds, int neverReading, int slowReaders, int idleConnections,
                           int stalledHandshakes, double floodMbps) {
    }

    /** Latency of the probes' video frames in one phase (publisher write → probe read), ms. */
    public record Latency(int samples, long p50, long p95, long max) {
        static Latency of(List<Long> values) {
            long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Latency(v.length, pct(v, 50), pct(v, 95), v.length == 0 ? -1 : v[v.length - 1]);
        }

        private static long pct(long[] sorted, int p) {
            return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
        }
    }

    /** How one kind of hostile client fared: how many the server closed by the end, and the median time to it. */
    public record Kind(String name, int started, int closedByServer, long medianSecondsToClose) {
    }

    public record Report(Latency baseline, Latency hostile, int probesAlive, long probeBytesInHostilePhase,
                         double probeMbpsInHostilePhase, double publishedMbpsInHostilePhase, List<Kind> kinds, boolean floodCut, double floodMbpsSent,
                         String publisherFailure) {
        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "probe latency ms   baseline p50 %d p95 %d max %d (%d samples)%n",
                    baseline.p50(), baseline.p95(), baseline.max(), baseline.samples()));
            b.append(String.format(Locale.ROOT, "                   hostile  p50 %d p95 %d max %d (%d samples)%n",
                    hostile.p50(), hostile.p95(), hostile.max(), hostile.samples()));
            b.append(String.format(Locale.ROOT, "probes alive %d, %.3f Mbit/s each in the hostile phase (published %.3f)%n",
                    probesAlive, probeMbpsInHostilePhase, publishedMbpsInHostilePhase));
            for (Kind k : kinds) {
                b.append(String.format(Locale.ROOT, "%-18s started %5d  closed by server %5d  median %d s%n", k.name(),
                        k.started(), k.closedByServer(), k.medianSecondsToClose()));
            }
            b.append(String.format(Locale.ROOT, "flood publisher    %.1f Mbit/s sent, cut: %s%n", floodMbpsSent, floodCut));
            return b.toString();
        }
    }

    private HostileClients() {
    }

    /** The channels of the run in progress (one run at a time per JVM). */
    private static volatile io.netty.channel.group.ChannelGroup channels;

    public static void main(String[] args) throws Exception {
        String url = null;
        Path file = null;
        int idle = 1000;
        int never = 20;
        int slow = 20;
        int stalled = 100;
        double flood = 50;
        int seconds = 30;
        int baseline = 10;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--url" -> url = v;
                case "--file" -> file = Path.of(v);
                case "--idle" -> idle = Integer.parseInt(v);
                case "--never-reading" -> never = Integer.parseInt(v);
                case "--slow" -> slow = Integer.parseInt(v);
                case "--stalled" -> stalled = Integer.parseInt(v);
                case "--flood-mbps" -> flood = Double.parseDouble(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--baseline" -> baseline = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null || file == null) {
            throw new IllegalArgumentException("--url rtmp://host:port/app/stream and --file in.flv are required");
        }
        java.net.URI u = java.net.URI.create(url);
        int slash = u.getPath().lastIndexOf('/');
        Report r = run(new Settings(u.getHost(), u.getPort() > 0 ? u.getPort() : 1935, u.getPath().substring(1, slash),
                u.getPath().substring(slash + 1), Files.readAllBytes(file), 3, baseline, seconds, never, slow, idle,
                stalled, flood));
        System.out.print(r.table());
        System.exit(0);
    }

    public static Report run(Settings s) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup publisherLoop = group(1, epoll);
        EventLoopGroup probeLoop = group(1, epoll);
        EventLoopGroup hostileLoop = group(1, epoll);
        EventLoopGroup floodLoop = group(1, epoll);
        // every connection of the run, closed before the loops stop (a loop that stops with open channels would leave
        // their decoders' buffers unreleased)
        io.netty.channel.group.ChannelGroup all = new io.netty.channel.group.DefaultChannelGroup(
                io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
        Class<? extends Channel> channel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        String tcUrl = "rtmp://" + s.host() + ":" + s.port() + "/" + s.app();
        channels = all;
        try {
            FlvPacedPublisher publisher = new FlvPacedPublisher(s.app(), tcUrl, s.stream(), s.flv());
            CountingPublisher published = new CountingPublisher(publisher);
            rtmp(new Bootstrap().group(publisherLoop).channel(channel), s, published, null).sync();
            Thread.sleep(3000); // a GOP in the server before anyone plays

            List<PlayerStats> probes = new ArrayList<>();
            for (int i = 0; i < s.probes(); i++) {
                PlayerStats st = new PlayerStats();
                probes.add(st);
                rtmp(new Bootstrap().group(probeLoop).channel(channel), s,
                        new RtmpPlayerHandler(s.app(), tcUrl, s.stream(), st, publisher), st);
            }
            Thread.sleep(2000);
            probes.forEach(p -> p.measuring = true);
            Thread.sleep(TimeUnit.SECONDS.toMillis(s.baselineSeconds()));
            List<Long> baseline = drain(probes);

            long hostileStart = System.nanoTime();
            long publishedAtStart = published.bytes.get();
            Bootstrap hostile = new Bootstrap().group(hostileLoop).channel(channel);
            List<Tracked> never = new ArrayList<>();
            List<Tracked> slow = new ArrayList<>();
            for (int i = 0; i < s.neverReading(); i++) {
                never.add(player(hostile, s, tcUrl, hostileStart, 0));
            }
            for (int i = 0; i < s.slowReaders(); i++) {
                slow.add(player(hostile, s, tcUrl, hostileStart, 1));
            }
            List<Tracked> idle = new ArrayList<>();
            for (int i = 0; i < s.idleConnections(); i++) {
                idle.add(raw(hostile, s, hostileStart, false));
                if (i % 200 == 199) {
                    Thread.sleep(10); // don't overflow the accept queue
                }
            }
            List<Tracked> stalled = new ArrayList<>();
            for (int i = 0; i < s.stalledHandshakes(); i++) {
                stalled.add(raw(hostile, s, hostileStart, true));
            }
            FlvPacedPublisher flood = null;
            CountingPublisher floodCounter = null;
            long floodStart = System.nanoTime();
            if (s.floodMbps() > 0) {
                FlvPacedPublisher probe = new FlvPacedPublisher(s.app(), tcUrl, s.stream() + "_flood", s.flv());
                double speed = Math.max(1, s.floodMbps() * 1000 / Math.max(1, probe.fileKbps()));
                flood = new FlvPacedPublisher(s.app(), tcUrl, s.stream() + "_flood", s.flv(), speed);
                floodCounter = new CountingPublisher(flood);
                rtmp(new Bootstrap().group(floodLoop).channel(channel), s, floodCounter, null);
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(s.hostileSeconds()));
            // A player that does not read cannot see the server's FIN behind the data it left in its socket: read
            // everything now, so the ones the server cut (and only those) end.
            for (Tracked t : concat(never, slow)) {
                Channel ch = t.channel;
                if (ch != null) {
                    ch.eventLoop().execute(() -> {
                        ch.config().setOption(ChannelOption.SO_RCVBUF, 1 << 20); // a 1 KB window would take a minute
                        ch.config().setAutoRead(true);
                    });
                }
            }
            Thread.sleep(3000);
            long probeBytes = probes.stream().mapToLong(p -> p.bytes).sum();
            long publishedInPhase = published.bytes.get() - publishedAtStart;
            List<Long> underAttack = drain(probes);
            double seconds = (System.nanoTime() - hostileStart) / 1e9;
            int alive = (int) probes.stream().filter(p -> p.failure == null).count();
            List<Kind> kinds = List.of(kind("never reading", never), kind("slow reader", slow), kind("idle tcp", idle),
                    kind("stalled handshake", stalled));
            double floodSent = flood == null ? 0 : floodCounter.bytes.get() * 8 / ((System.nanoTime() - floodStart) / 1e9) / 1e6;
            boolean floodCut = flood != null && !flood.isActive();
            return new Report(Latency.of(baseline), Latency.of(underAttack), alive, probeBytes,
                    alive == 0 ? 0 : probeBytes * 8 / seconds / 1e6 / alive, publishedInPhase * 8 / seconds / 1e6, kinds,
                    floodCut, floodSent, publisher.failure);
        } finally {
            all.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
            floodLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            hostileLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            probeLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            publisherLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static EventLoopGroup group(int threads, boolean epoll) {
        return new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private static List<Long> drain(List<PlayerStats> probes) {
        List<Long> all = new ArrayList<>();
        for (PlayerStats p : probes) {
            synchronized (p.latencies) {
                all.addAll(p.latencies);
                p.latencies.clear();
            }
            p.bytes = 0;
        }
        return all;
    }

    /** An RTMP client connection; {@code countInto} (when given) counts the bytes it receives. */
    private static ChannelFuture rtmp(Bootstrap b, Settings s, ChannelHandler session, PlayerStats countInto) {
        return b.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                if (countInto != null) {
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            if (msg instanceof ByteBuf buf) {
                                countInto.bytes += buf.readableBytes();
                            }
                            ctx.fireChannelRead(msg);
                        }
                    });
                }
                ch.pipeline().addLast(new ClientHandshake(), new RtmpChunkDecoder(), new RtmpChunkEncoder(), session);
            }
        }).option(ChannelOption.TCP_NODELAY, true).connect(s.host(), s.port());
    }

    /** A hostile connection and when the server closed it (0 = still open). */
    private static final class Tracked {
        final long startNanos;
        volatile Channel channel;
        volatile long closedNanos;
        volatile boolean closedByUs;

        Tracked(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    /**
     * A player that plays, then stops reading ({@code readsPerSecond} 0) or reads one small socket buffer per second
     * (about 1 KB/s) — the server's send buffer fills and stays full.
     */
    private static Tracked player(Bootstrap b, Settings s, String tcUrl, long start, int readsPerSecond) {
        Tracked t = new Tracked(start);
        PlayerStats st = new PlayerStats();
        Bootstrap mine = b.clone().option(ChannelOption.SO_RCVBUF, 1024).option(ChannelOption.AUTO_READ, true);
        mine.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                t.channel = ch;
                ch.pipeline().addLast(new ClosedWatch(t, true), new ClientHandshake(), new RtmpChunkDecoder(),
                        new RtmpChunkEncoder(), new RtmpPlayerHandler(s.app(), tcUrl, s.stream(), st, null));
                ch.eventLoop().schedule(() -> {
                    ch.config().setAutoRead(false); // playing by now: from here on the server's data piles up
                    if (readsPerSecond > 0) {
                        ch.eventLoop().scheduleAtFixedRate(() -> {
                            if (ch.isActive()) {
                                ch.read();
                            }
                        }, 1, 1, TimeUnit.SECONDS);
                    }
                }, 2, TimeUnit.SECONDS);
            }
        });
        mine.connect(s.host(), s.port());
        return t;
    }

    /** A TCP connection that sends nothing, or just C0+C1 of the handshake, and reads what comes. */
    private static Tracked raw(Bootstrap b, Settings s, long start, boolean sendC0C1) {
        Tracked t = new Tracked(start);
        b.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        if (sendC0C1) {
                            ByteBuf c0c1 = ctx.alloc().buffer(1537);
                            c0c1.writeByte(3).writeZero(1536);
                            ctx.writeAndFlush(c0c1);
                        }
                        ctx.fireChannelActive();
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                }, new ClosedWatch(t, false));
            }
        }).connect(s.host(), s.port());
        return t;
    }

    /** Notes when the connection closed; first in a pipeline it passes everything on, last it drops what it reads. */
    private static final class ClosedWatch extends ChannelInboundHandlerAdapter {
        private final Tracked t;
        private final boolean passOn;

        ClosedWatch(Tracked t, boolean passOn) {
            this.t = t;
            this.passOn = passOn;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (passOn) {
                ctx.fireChannelRead(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            t.closedNanos = System.nanoTime();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Counts what the flooding publisher writes, below its session. */
    private static final class CountingPublisher extends io.netty.channel.ChannelDuplexHandler {
        final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        private final FlvPacedPublisher inner;

        CountingPublisher(FlvPacedPublisher inner) {
            this.inner = inner;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.pipeline().addAfter(ctx.name(), null, inner);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
            if (msg instanceof io.livecloud.media.rtmp.RtmpMessage m) {
                bytes.addAndGet(m.payload().readableBytes());
            }
            ctx.write(msg, promise);
        }
    }

    private static List<Tracked> concat(List<Tracked> a, List<Tracked> b) {
        List<Tracked> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** For players that stopped reading, the time to close is when the end of the run drained their sockets. */
    private static Kind kind(String name, List<Tracked> all) {
        List<Long> secs = new ArrayList<>();
        for (Tracked t : all) {
            if (t.closedNanos > 0) {
                secs.add((t.closedNanos - t.startNanos) / 1_000_000_000L);
            }
        }
        secs.sort(null);
        return new Kind(name, all.size(), secs.size(), secs.isEmpty() ? -1 : secs.get(secs.size() / 2));
    }

}
