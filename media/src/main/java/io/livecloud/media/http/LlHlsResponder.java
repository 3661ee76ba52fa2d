package io.livecloud.media.http;

import io.livecloud.media.StreamGate;
import io.livecloud.media.StreamRequest;
import io.livecloud.media.hls.HlsService;
import io.livecloud.media.hls.HlsViewers;
import io.livecloud.media.hls.LlHlsStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Low-latency HLS requests: the playlist with blocking reload ({@code _HLS_msn}, {@code _HLS_part}: held until the
 * playlist holds that part, RFC 8216bis §6.2.5.2), init segments, parts and whole CMAF segments. A request for the
 * part the playlist's preload hint names (or the one after it) is held until the part is written; everything else
 * that is not there is 404. Held requests give up after three target durations (503).
 */
final class LlHlsResponder {
    static final String MP4_TYPE = "video/mp4";
    /** How far ahead of the playlist a blocking reload may ask (the spec's limit: two segments, three parts). */
    private static final int MSN_AHEAD_LIMIT = 2;

    private final HlsService hls;

    LlHlsResponder(HlsService hls) {
        this.hls = hls;
    }

    void respond(ChannelHandlerContext ctx, LlHlsStream ll, MediaPath path, StreamRequest request,
                 StreamGate.UriSigner signer, boolean head, boolean keepAlive, HlsViewers.Viewer viewer) {
        if (!path.isResource()) {
            playlist(ctx, ll, path, request, signer, head, keepAlive, viewer);
            return;
        }
        MediaPath.Resource r = path.resource();
        if (r.kind() == MediaPath.Kind.INIT) {
            ByteBuf init = ll.init((int) r.number());
            if (init == null) {
                HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND, "no init segment " + r.number() + ": "
                        + request.describe(), keepAlive);
                return;
            }
            HlsResponder.sendBody(ctx, init, MP4_TYPE, HlsResponder.SEGMENT_CACHE, head, keepAlive, hls, viewer);
            return;
        }
        long msn = r.number();
        int part = r.part();
        Runnable send = () -> {
            ByteBuf media = ll.media(msn, part);
            if (media == null) {
                HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND, "not available (any more): " + request.describe(), keepAlive);
            } else {
                HlsResponder.sendBody(ctx, media, MP4_TYPE, HlsResponder.SEGMENT_CACHE, head, keepAlive, hls, viewer);
            }
        };
        boolean upcoming = part >= 0 && !ll.isEnded()
                && ((msn == ll.lastMsn() && part >= ll.lastPartCount() && part <= ll.lastPartCount() + 1)
                || (msn == ll.lastMsn() + 1 && part == 0));
        if (!upcoming) {
            send.run();
            return;
        }
        hold(ctx, ll, () -> ll.holds(msn, part), send, keepAlive, request);
    }

    private void playlist(ChannelHandlerContext ctx, LlHlsStream ll, MediaPath path, StreamRequest request,
                          StreamGate.UriSigner signer, boolean head, boolean keepAlive, HlsViewers.Viewer viewer) {
        String prefix = "/" + path.app() + "/" + path.stream() + "/";
        Runnable send = () -> {
            if (!ll.hasParts()) {
                HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND, "stream has no HLS part yet: " + request.describe(), keepAlive);
                return;
            }
            byte[] text = ll.render(prefix, signer).getBytes(StandardCharsets.UTF_8);
            HlsResponder.sendBody(ctx, Unpooled.wrappedBuffer(text), HlsResponder.PLAYLIST_TYPE,
                    HlsResponder.PLAYLIST_CACHE, head, keepAlive, hls, viewer);
        };
        String msnArg = request.query().get("_HLS_msn");
        String partArg = request.query().get("_HLS_part");
        if (msnArg == null) {
            if (partArg != null) {
                HttpResponses.sendError(ctx, HttpResponseStatus.BAD_REQUEST, "_HLS_part needs _HLS_msn", keepAlive);
                return;
            }
            hold(ctx, ll, ll::hasParts, send, keepAlive, request); // the first part may still be being cut
            return;
        }
        long msn;
        int part;
        try {
            msn = Long.parseLong(msnArg);
            part = partArg == null ? -1 : Integer.parseInt(partArg);
        } catch (NumberFormatException e) {
            HttpResponses.sendError(ctx, HttpResponseStatus.BAD_REQUEST, "_HLS_msn and _HLS_part are decimal integers", keepAlive);
            return;
        }
        if (msn < 0 || part < -1 || msn > ll.lastMsn() + MSN_AHEAD_LIMIT) {
            HttpResponses.sendError(ctx, HttpResponseStatus.BAD_REQUEST, "_HLS_msn=" + msnArg
                    + " is too far ahead of the playlist (last media sequence " + ll.lastMsn() + ")", keepAlive);
            return;
        }
        hold(ctx, ll, () -> ll.holds(msn, part), send, keepAlive, request);
    }

    /**
     * Answers with {@code send} once {@code ready} holds (or the stream ended), checked on every change of the
     * stream, on the channel's loop; after three target durations, 503.
     */
    private void hold(ChannelHandlerContext ctx, LlHlsStream ll, BooleanSupplier ready, Runnable send, boolean keepAlive,
                      StreamRequest request) {
        if (ready.getAsBoolean() || ll.isEnded()) {
            send.run();
            return;
        }
        Held held = new Held(ctx, ll, ready, send);
        ll.addWaiter(held);
        long limit = 3 * hls.settings().targetSegmentMillis();
        held.timeout = ctx.executor().schedule(() -> {
            if (held.finish()) {
                HttpResponses.sendError(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "nothing new within "
                        + limit + " ms: " + request.describe(), keepAlive);
            }
        }, limit, TimeUnit.MILLISECONDS);
        held.check(); // it may have become ready between the first check and registering
    }

    /** A held request; answered exactly once, on the channel's loop. */
    private static final class Held implements LlHlsStream.Waiter {
        private final ChannelHandlerContext ctx;
        private final LlHlsStream ll;
        private final BooleanSupplier ready;
        private final Runnable send;
        private boolean done;
        ScheduledFuture<?> timeout;

        Held(ChannelHandlerContext ctx, LlHlsStream ll, BooleanSupplier ready, Runnable send) {
            this.ctx = ctx;
            this.ll = ll;
            this.ready = ready;
            this.send = send;
        }

        @Override
        public void changed() {
            ctx.executor().execute(this::check);
        }

        void check() {
            if (!done && (ready.getAsBoolean() || ll.isEnded()) && finish()) {
                send.run();
            }
        }

        /** @return true for the one caller that gets to answer */
        boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            ll.removeWaiter(this);
            if (timeout != null) {
                timeout.cancel(false);
            }
            return true;
        }
    }
}
