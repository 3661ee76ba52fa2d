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
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak run of issue 5 against ANY RTMP / HTTP-FLV server: publishers that push in real time and reconnect at
 * random (some dropping their connection with a TCP reset instead of a close), players that join random streams over
 * RTMP and HTTP-FLV and leave at random (some with a reset), and slow players that stop reading until the server cuts
 * them. Each client slot starts again after it ends, so the load stays level for the whole run; at the end every
 * client is gone and the server should be back where it started. {@link #main} samples the server's process
 * ({@code /proc/<pid>}: RSS, threads, open files) and, when given, its Prometheus endpoint (direct buffers) at the
 * start, every minute, and after the clients left.
 *
 * <pre>
 * java -cp bench.jar io.livecloud.bench.Soak --rtmp rtmp://127.0.0.1:1935/live --flv http://127.0.0.1:8080/live \
 *     --file in.flv [--publishers 50] [--players 500] [--slow 20] [--minutes 30] [--pid 1234] \
 *     [--metrics http://127.0.0.1:8090/metrics]
 * </pre>
 */
public final class Soak {

    /**
     * @param flvPort 0: no HTTP-FLV players (all play over RTMP)
     */
    public record Settings(String host, int rtmpPort, int flvPort, String app, byte[] flv, int publishers, int players,
                           int slowPlayers, Duration duration) {
    }

    /** What the clients did and saw. Failures are sessions that ended before the client ended them itself. */
    public record Report(long publishes, long publishesCutByServer, long publishesRefused, long publishesReset, long plays,
                         long playsWithMedia, long playsReset, long slowPlays, long slowPlaysCutByServer,
                         long bytesPlayed, java.util.Map<String, Long> playOutcomes, double seconds) {
        public String table() {
            return String.format(Locale.ROOT, """
                            publishes %d (%d cut by the server, %d refused as already publishing, %d ended with a reset by the client)
                            plays     %d (%d got media, %d ended with a reset by the client), %.1f MB played
                            plays without media or ended by the server: %s
                            slow      %d (%d cut by the server)
                            over %.0f s%n""", publishes, publishesCutByServer, publishesRefused, publishesReset, plays, playsWithMedia,
                    playsReset, bytesPlayed / 1e6, new java.util.TreeMap<>(playOutcomes), slowPlays,
                    slowPlaysCutByServer, seconds);
        }
    }

    private final Settings s;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Class<? extends Channel> channelType;
    private final EventLoopGroup loop;
    private final String tcUrl;
    private volatile long deadline;
    private final AtomicLong publishes = new AtomicLong();
    private final AtomicLong publishesCut = new AtomicLong();
    private final AtomicLong publishesRefused = new AtomicLong();
    private final AtomicLong publishesReset = new AtomicLong();
    private final AtomicLong plays = new AtomicLong();
    private final AtomicLong playsWithMedia = new AtomicLong();
    private final AtomicLong playsReset = new AtomicLong();
    private final AtomicLong slowPlays = new AtomicLong();
    private final AtomicLong slowCut = new AtomicLong();
    private final AtomicLong bytesPlayed = new AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<String, Long> playEnds = new java.util.concurrent.ConcurrentHashMap<>();

    private Soak(Settings s) {
        this.s = s;
        boolean epoll = Epoll.isAvailable();
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.loop = new MultiThreadIoEventLoopGroup(2, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.tcUrl = "rtmp://" + s.host() + ":" + s.rtmpPort() + "/" + s.app();
    }

    /** Runs the whole soak; returns when every client is gone. */
    public static Report run(Settings s) throws InterruptedException {
        Soak soak = new Soak(s);
        long start = System.nanoTime();
        soak.deadline = start + s.duration().toNanos();
        try {
            for (int i = 0; i < s.publishers(); i++) {
                int slot = i;
                soak.later(rnd(0, 2000), () -> soak.publish(slot));
            }
            Thread.sleep(2000); // most streams live before the players come
            for (int i = 0; i < s.players(); i++) {
                soak.later(rnd(0, 3000), soak::play);
            }
            for (int i = 0; i < s.slowPlayers(); i++) {
                soak.later(rnd(0, 5000), soak::playSlowly);
            }
            long left = soak.deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        } finally {
            soak.channels.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
            soak.loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        return new Report(soak.publishes.get(), soak.publishesCut.get(), soak.publishesRefused.get(), soak.publishesReset.get(), soak.plays.get(),
                soak.playsWithMedia.get(), soak.playsReset.get(), soak.slowPlays.get(), soak.slowCut.get(),
                soak.bytesPlayed.get(), java.util.Map.copyOf(soak.playEnds), (System.nanoTime() - start) / 1e9);
    }

    private boolean over() {
        return System.nanoTime() >= deadline;
    }

    private void later(long millis, Runnable r) {
        if (!over() && !loop.isShuttingDown()) {
            loop.schedule(r, millis, TimeUnit.MILLISECONDS);
        }
    }

    private static long rnd(long from, long to) {
        return ThreadLocalRandom.current().nextLong(from, to + 1);
    }

    private static String streamName(int slot) {
        return "soak" + slot;
    }

    /** One publish of a slot: real time for 5–30 s, then a close (or, one time in three, a reset); again soon after. */
    private void publish(int slot) {
        if (over()) {
            return;
        }
        publishes.incrementAndGet();
        FlvPacedPublisher publisher = new FlvPacedPublisher(s.app(), tcUrl, streamName(slot), s.flv());
        boolean reset = ThreadLocalRandom.current().nextInt(3) == 0;
        long lifetime = rnd(5_000, 30_000);
        Ended ended = new Ended();
        connect(s.rtmpPort(), reset, 0, new ClientHandshake(), new RtmpChunkDecoder(), new RtmpChunkEncoder(), publisher)
                .addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        later(1000, () -> publish(slot));
                        return;
                    }
                    Channel ch = f.channel();
                    ch.eventLoop().schedule(() -> {
                        ended.byUs = true;
                        ch.close();
                    }, lifetime, TimeUnit.MILLISECONDS);
                    ch.closeFuture().addListener(c -> {
                        if (publisher.failure != null && publisher.failure.startsWith("NetStream.Publish.")) {
                            // refused: the server had not yet seen the previous connection of this slot close
                            publishesRefused.incrementAndGet();
                        } else if (!ended.byUs && !over()) {
                            publishesCut.incrementAndGet();
                        } else if (reset) {
                            publishesReset.incrementAndGet();
                        }
                        later(rnd(200, 3_000), () -> publish(slot));
                    });
                });
    }

    /** One viewer: a random stream, RTMP or HTTP-FLV, for 2–15 s, then a close (one time in four a reset); a new one joins. */
    private void play() {
        if (over()) {
            return;
        }
        plays.incrementAndGet();
        String stream = streamName(ThreadLocalRandom.current().nextInt(s.publishers()));
        boolean reset = ThreadLocalRandom.current().nextInt(4) == 0;
        PlayerStats st = new PlayerStats();
        Ended ended = new Ended();
        boolean flv = s.flvPort() > 0 && ThreadLocalRandom.current().nextBoolean();
        ChannelHandler[] handlers = flv
                ? new ChannelHandler[] {counter(st), new FlvPlayerHandler(s.host() + ":" + s.flvPort(), "/" + s.app() + "/" + stream + ".flv", st)}
                : new ChannelHandler[] {counter(st), new ClientHandshake(), new RtmpChunkDecoder(), new RtmpChunkEncoder(),
                        new RtmpPlayerHandler(s.app(), tcUrl, stream, st, null)};
        long lifetime = rnd(2_000, 15_000);
        connect(flv ? s.flvPort() : s.rtmpPort(), reset, 0, handlers).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                later(500, this::play);
                return;
            }
            Channel ch = f.channel();
            ch.eventLoop().schedule(() -> {
                ended.byUs = true;
                ch.close();
            }, lifetime, TimeUnit.MILLISECONDS);
            ch.closeFuture().addListener(c -> {
                bytesPlayed.addAndGet(st.bytes);
                if (st.bytes > 4096) {
                    playsWithMedia.incrementAndGet();
                }
                if (ended.byUs && reset) {
                    playsReset.incrementAndGet();
                }
                String protocol = flv ? "http-flv" : "rtmp";
                if (!ended.byUs && !over()) {
                    playEnds.merge(protocol + " ended by the server: " + (flv ? st.bytes > 4096 ? "after media" : "before media"
                            : st.failure), 1L, Long::sum);
                } else if (ended.byUs && st.bytes <= 4096) {
                    playEnds.merge(protocol + " left before media: " + (st.bytes == 0 ? "nothing received"
                            : st.bytes + " bytes received"), 1L, Long::sum);
                }
                later(rnd(0, 1_000), this::play);
            });
        });
    }

    /**
     * A viewer that (almost) stops reading after a second and waits for the server to cut it (or 3 minutes: at a low bitrate the
     * kernel's buffers take a while to fill before the node sees the player stuck); then another.
     */
    private void playSlowly() {
        if (over()) {
            return;
        }
        slowPlays.incrementAndGet();
        String stream = streamName(ThreadLocalRandom.current().nextInt(s.publishers()));
        PlayerStats st = new PlayerStats();
        Ended ended = new Ended();
        // a small receive window, so the server's side fills in seconds rather than minutes
        connect(s.rtmpPort(), false, 4096, counter(st), new ClientHandshake(), new RtmpChunkDecoder(), new RtmpChunkEncoder(),
                new RtmpPlayerHandler(s.app(), tcUrl, stream, st, null)).addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        later(1000, this::playSlowly);
                        return;
                    }
                    Channel ch = f.channel();
                    // once media flows (the play started), stop reading but for one read of a 4 KB window every 5 s:
                    // far too slow for any stream, and how a player that does not read still notices the server's
                    // close (with reading off, the FIN is never seen). Stopping before the play started would leave
                    // a connection that never plays, which the node closes as idle instead.
                    ch.eventLoop().scheduleAtFixedRate(() -> {
                        if (!ch.isActive()) {
                            return;
                        }
                        if (ch.config().isAutoRead()) {
                            if (st.bytes > 16 << 10) {
                                ch.config().setAutoRead(false);
                            }
                        } else if (++st.slowReads % 10 == 0) {
                            ch.read();
                            // an acknowledgement now and then: once the node has closed, its kernel answers with a
                            // reset and this player learns of the close without reading the data queued before it
                            ByteBuf ack = ch.alloc().buffer(4).writeInt(st.slowReads);
                            ch.writeAndFlush(new io.livecloud.media.rtmp.RtmpMessage(2,
                                    io.livecloud.media.rtmp.RtmpMessage.ACKNOWLEDGEMENT, 0, 0, ack));
                        }
                    }, 500, 500, TimeUnit.MILLISECONDS);
                    ch.eventLoop().schedule(() -> {
                        ended.byUs = true;
                        ch.close();
                    }, 180, TimeUnit.SECONDS);
                    ch.closeFuture().addListener(c -> {
                        if (!ended.byUs && !over()) {
                            slowCut.incrementAndGet();
                        }
                        later(rnd(0, 2_000), this::playSlowly);
                    });
                });
    }

    /** Whether the client ended the connection itself (else the server or the network did). */
    private static final class Ended {
        volatile boolean byUs;
    }

    /** @param receiveBuffer 0: the system's default */
    private ChannelFuture connect(int port, boolean resetOnClose, int receiveBuffer, ChannelHandler... handlers) {
        Bootstrap b = new Bootstrap().group(loop).channel(channelType).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast(handlers);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // a reset by the server, a refused play: the slot starts again
                            }
                        });
                    }
                });
        if (receiveBuffer > 0) {
            b.option(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        if (resetOnClose) {
            b.option(ChannelOption.SO_LINGER, 0); // close() then sends RST: a client killed without FIN
        }
        return b.connect(s.host(), port);
    }

    private static ChannelHandler counter(PlayerStats st) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf buf) {
                    st.bytes += buf.readableBytes();
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    /** A server process's footprint, from {@code /proc/<pid>} and optionally its Prometheus endpoint. */
    public record Footprint(long rssKb, int threads, int openFiles, double directBufferBytes, double heapBytes) {
        static Footprint of(long pid, String metricsUrl) throws IOException, InterruptedException {
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            int fds;
            try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                fds = (int) list.count();
            }
            double direct = -1;
            double heap = -1;
            if (metricsUrl != null) {
                String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = Pattern.compile("(?m)^jvm_buffer_memory_used_bytes\\{id=\"direct\"} (\\S+)$").matcher(text);
                direct = m.find() ? Double.parseDouble(m.group(1)) : -1;
                Matcher h = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"} (\\S+)$").matcher(text);
                while (h.find()) {
                    heap = Math.max(0, heap) + Double.parseDouble(h.group(1));
                }
            }
            return new Footprint(field(status, "VmRSS"), (int) field(status, "Threads"), fds, direct, heap);
        }

        private static long field(String status, String name) {
            Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+)").matcher(status);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }

        public String line(String when) {
            return String.format(Locale.ROOT, "%-12s RSS %7.1f MB  threads %4d  open files %5d  direct buffers %s  heap used %s",
                    when, rssKb / 1024.0, threads, openFiles, mb(directBufferBytes), mb(heapBytes));
        }

        private static String mb(double bytes) {
            return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
    }

    public static void main(String[] args) throws Exception {
        URI rtmp = null;
        URI flv = null;
        Path file = null;
        int publishers = 50;
        int players = 500;
        int slow = 20;
        double minutes = 30;
        long pid = -1;
        String metrics = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--rtmp" -> rtmp = URI.create(v);
                case "--flv" -> flv = URI.create(v);
                case "--file" -> file = Path.of(v);
                case "--publishers" -> publishers = Integer.parseInt(v);
                case "--players" -> players = Integer.parseInt(v);
                case "--slow" -> slow = Integer.parseInt(v);
                case "--minutes" -> minutes = Double.parseDouble(v);
                case "--pid" -> pid = Long.parseLong(v);
                case "--metrics" -> metrics = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (rtmp == null || file == null) {
            throw new IllegalArgumentException("--rtmp rtmp://host:port/app and --file in.flv are required");
        }
        Settings settings = new Settings(rtmp.getHost(), rtmp.getPort() > 0 ? rtmp.getPort() : 1935,
                flv == null ? 0 : flv.getPort() > 0 ? flv.getPort() : 80, rtmp.getPath().substring(1), Files.readAllBytes(file),
                publishers, players, slow, Duration.ofMillis((long) (minutes * 60_000)));
        List<String> samples = new ArrayList<>();
        final long serverPid = pid;
        final String metricsUrl = metrics;
        Thread sampler = null;
        if (serverPid > 0) {
            samples.add(Footprint.of(serverPid, metricsUrl).line("before"));
            sampler = new Thread(() -> {
                try {
                    for (int minute = 1; ; minute++) {
                        Thread.sleep(60_000);
                        String line = Footprint.of(serverPid, metricsUrl).line("minute " + minute);
                        samples.add(line);
                        System.out.println(line);
                    }
                } catch (InterruptedException | IOException e) {
                    // the run is over
                }
            }, "soak-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }
        Report r = run(settings);
        if (sampler != null) {
            sampler.interrupt();
            Thread.sleep(45_000); // the server notices the last closes; ended streams' HLS is kept 30 s
            samples.add(Footprint.of(serverPid, metricsUrl).line("after"));
        }
        System.out.print(r.table());
        samples.forEach(System.out::println);
        System.exit(0);
    }
}
