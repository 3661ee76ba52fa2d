package io.livecloud.server;

import io.livecloud.api.OpenApi;
import io.livecloud.media.Transport;
import io.livecloud.control.notify.CallbackNotifier;
import io.livecloud.media.hub.StreamHub;
import io.livecloud.processing.storage.StorageResolver;

import java.util.function.IntSupplier;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The operator's port: the OpenAPI at {@code /} (GET with the parameters in the query, or POST with them in the query
 * and/or an {@code application/x-www-form-urlencoded} body — the SDK posts to {@code /}), health at {@code /health}
 * and Prometheus metrics at {@code /metrics}. Kept apart from the media HTTP port so media load cannot starve the
 * operator.
 *
 * <p>The API port's event loops are the media plane's, and the OpenAPI blocks (JDBC): it runs on a small executor of
 * its own ({@value #API_THREADS} threads, {@value #API_QUEUE} waiting requests; beyond that the answer is
 * 503 {@code Throttling}), and its response is written back on the connection's event loop. A connection's requests
 * are answered one at a time, in order (HTTP pipelining stays correct).
 */
final class ApiHttpServer implements AutoCloseable {
    static final int API_THREADS = 4;
    static final int API_QUEUE = 256;
    private static final int MAX_PIPELINED = 16;

    private final Channel channel;
    private final ThreadPoolExecutor executor;
    private final NodeMetrics metrics;

    ApiHttpServer(Transport transport, InetSocketAddress bind, StreamHub hub, IntSupplier hlsViewers,
                  CallbackNotifier notifier, LogDownloads logs, OpenApi openApi) {
        this(transport, bind, hub, hlsViewers, notifier, logs, openApi, API_THREADS, API_QUEUE);
    }

    /**
     * With the web console at {@code /} and {@code /console/…}, signed in through {@code consoleSessions}, showing
     * the snapshot pictures of {@code storage}'s local store.
     */
    ApiHttpServer(Transport transport, InetSocketAddress bind, StreamHub hub, IntSupplier hlsViewers,
                  CallbackNotifier notifier, LogDownloads logs, OpenApi openApi, ConsoleSessions consoleSessions,
                  StorageResolver storage) {
        this(transport, bind, hub, hlsViewers, notifier, logs, openApi, API_THREADS, API_QUEUE,
                new ConsoleHttp(openApi, consoleSessions, storage));
    }

    /** @param notifier publish callbacks, for their counters; null on a node without them */
    ApiHttpServer(Transport transport, InetSocketAddress bind, StreamHub hub, IntSupplier hlsViewers,
                  CallbackNotifier notifier, LogDownloads logs, OpenApi openApi, int threadCount, int queue) {
        this(transport, bind, hub, hlsViewers, notifier, logs, openApi, threadCount, queue, null);
    }

    /** @param console the web console, or null on a port without it */
    ApiHttpServer(Transport transport, InetSocketAddress bind, StreamHub hub, IntSupplier hlsViewers,
                  CallbackNotifier notifier, LogDownloads logs, OpenApi openApi, int threadCount, int queue,
                  ConsoleHttp console) {
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threadCount, threadCount, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "livecloud-api-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.metrics = new NodeMetrics(hub, hlsViewers, notifier, transport.workers());
        try {
            this.channel = transport.listen(bind, ch -> ch.pipeline().addLast(
                    new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Handler(hub, metrics, logs, openApi, console, executor)));
        } catch (RuntimeException e) {
            executor.shutdownNow();
            metrics.close();
            throw e;
        }
    }

    /** The node's meters, served at {@code /metrics}. */
    NodeMetrics metrics() {
        return metrics;
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        metrics.close();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** What to send back; {@code headers} are extra response headers (the console's cookie, CSP, caching). */
    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        Reply(int status, String contentType, String body) {
            this(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    /** One request, already read out of Netty's buffers; {@code blocking} work goes to the executor. */
    private record Pending(boolean keepAlive, boolean blocking, Supplier<Reply> work, Reply ifThrottled) {
    }

    /** One per connection; all its state is touched on the connection's event loop only. */
    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final StreamHub hub;
        private final NodeMetrics metrics;
        private final LogDownloads logs;
        private final OpenApi openApi;
        private final ConsoleHttp console;
        private final ThreadPoolExecutor executor;
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private boolean busy;

        Handler(StreamHub hub, NodeMetrics metrics, LogDownloads logs, OpenApi openApi, ConsoleHttp console,
                ThreadPoolExecutor executor) {
            this.hub = hub;
            this.metrics = metrics;
            this.logs = logs;
            this.openApi = openApi;
            this.console = console;
            this.executor = executor;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            Pending p;
            if (request.decoderResult().isFailure()) {
                p = local(false, new Reply(400, "text/plain", "bad request\n"));
            } else {
                try {
                    p = pending(ctx, request, keepAlive);
                } catch (IllegalArgumentException e) { // a malformed %-escape in the query or form body
                    p = local(keepAlive, new Reply(400, "text/plain", "bad request: " + e.getMessage() + "\n"));
                }
            }
            if (busy) {
                if (waiting.size() >= MAX_PIPELINED) {
                    ctx.close();
                    return;
                }
                waiting.add(p);
            } else {
                start(ctx, p);
            }
        }

        private Pending pending(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
            QueryStringDecoder query = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8);
            return switch (query.path()) {
                case "/health" -> local(keepAlive, new Reply(200, "application/json",
                        "{\"status\":\"UP\",\"streams\":" + hub.streams().size() + "}"));
                // a scrape walks every meter (JVM ones included): done on the API threads, not the event loop
                case "/metrics" -> new Pending(keepAlive, true,
                        () -> new Reply(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()),
                        new Reply(503, "text/plain", "busy\n"));
                case "/" -> {
                    Map<String, String> params = params(query, request);
                    String method = request.method().name();
                    if (console != null && method.equals("GET") && !params.containsKey("Action")) {
                        yield console(ctx, request, query, keepAlive); // the console's page; with Action: the OpenAPI
                    }
                    String ip = clientIp(ctx.channel().remoteAddress());
                    OpenApi.Response throttled = openApi.throttled();
                    yield new Pending(keepAlive, true, () -> {
                        OpenApi.Response r = openApi.handle(method, params, ip);
                        return new Reply(r.status(), r.contentType(), r.body());
                    }, new Reply(throttled.status(), throttled.contentType(), throttled.body()));
                }
                default -> {
                    if (console != null && ConsoleHttp.owns(query.path())) {
                        yield console(ctx, request, query, keepAlive);
                    }
                    if (logs != null && query.path().startsWith(LogDownloads.PREFIX)) {
                        yield logDownload(query, keepAlive);
                    }
                    yield local(keepAlive, new Reply(404, "text/plain", "not found\n"));
                }
            };
        }

        /** An access log file behind a signed link; read on the API threads (file I/O). */
        private Pending logDownload(QueryStringDecoder query, boolean keepAlive) {
            String expires = query.parameters().containsKey("Expires") ? query.parameters().get("Expires").get(0) : null;
            String signature = query.parameters().containsKey("Signature") ? query.parameters().get("Signature").get(0) : null;
            return new Pending(keepAlive, true, () -> logs.resolve(query.path(), expires, signature).map(f -> {
                try {
                    return new Reply(200, "text/plain; charset=utf-8", java.nio.file.Files.readString(f));
                } catch (java.io.IOException e) {
                    return new Reply(500, "text/plain", "cannot read the log file: " + e.getMessage() + "\n");
                }
            }).orElse(new Reply(403, "text/plain", "invalid or expired log link\n")), new Reply(503, "text/plain", "busy\n"));
        }

        /** The console's files and sign-in on the event loop (memory only); its API calls on the API threads. */
        private Pending console(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query,
                                boolean keepAlive) {
            ConsoleHttp.Request r = new ConsoleHttp.Request(query.path(), request.method().name(), request.headers().copy(),
                    params(query, request), clientIp(ctx.channel().remoteAddress()));
            Reply local = console.answerLocally(r);
            if (local != null) {
                return local(keepAlive, local);
            }
            OpenApi.Response throttled = openApi.throttled();
            return new Pending(keepAlive, true, () -> console.callApi(r),
                    new Reply(throttled.status(), throttled.contentType(), throttled.body()));
        }

        private static Pending local(boolean keepAlive, Reply reply) {
            return new Pending(keepAlive, false, () -> reply, null);
        }

        /** Query parameters, then those of a form body (a name given in both keeps the query's value). */
        private static Map<String, String> params(QueryStringDecoder query, FullHttpRequest request) {
            Map<String, String> params = new LinkedHashMap<>();
            query.parameters().forEach((k, v) -> params.put(k, v.get(0)));
            String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (request.content().isReadable() && type != null
                    && type.toLowerCase().startsWith(HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString())) {
                String body = request.content().toString(StandardCharsets.UTF_8);
                Map<String, List<String>> form = new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters();
                form.forEach((k, v) -> params.putIfAbsent(k, v.get(0)));
            }
            return params;
        }

        private void start(ChannelHandlerContext ctx, Pending p) {
            busy = true;
            if (!p.blocking()) {
                finish(ctx, p, p.work().get());
                return;
            }
            try {
                executor.execute(() -> {
                    Reply r;
                    try {
                        r = p.work().get();
                    } catch (RuntimeException e) { // OpenApi answers its own failures; this is a last resort
                        r = new Reply(500, "text/plain", "internal error\n");
                    }
                    Reply reply = r;
                    ctx.executor().execute(() -> finish(ctx, p, reply));
                });
            } catch (RejectedExecutionException e) {
                finish(ctx, p, p.ifThrottled());
            }
        }

        private void finish(ChannelHandlerContext ctx, Pending p, Reply reply) {
            busy = false;
            if (!ctx.channel().isActive()) {
                waiting.clear();
                return;
            }
            respond(ctx, p.keepAlive(), reply);
            if (!p.keepAlive()) {
                waiting.clear();
                return;
            }
            Pending next = waiting.poll();
            if (next != null) {
                start(ctx, next);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            waiting.clear();
            super.channelInactive(ctx);
        }

        private static String clientIp(SocketAddress a) {
            return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : String.valueOf(a);
        }

        private static void respond(ChannelHandlerContext ctx, boolean keepAlive, Reply reply) {
            byte[] bytes = reply.body();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            reply.headers().forEach((name, value) -> response.headers().set(name, value));
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            HttpUtil.setKeepAlive(response, keepAlive);
            var f = ctx.writeAndFlush(response);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
