package io.livecloud.media.rtmp;

import io.livecloud.media.ByteCounter;
import io.livecloud.media.MediaProtocolException;
import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamGate;
import io.livecloud.media.StreamRequest;
import io.livecloud.media.amf.Amf0;
import io.livecloud.media.hub.LiveStream;
import io.livecloud.media.hub.MediaFrame;
import io.livecloud.media.hub.Publisher;
import io.livecloud.media.hub.StreamHub;
import io.livecloud.media.hub.Subscriber;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One RTMP connection's life after the handshake: the NetConnection/NetStream commands, then either publishing
 * into the hub or playing from it. Refusals are always told to the client with an error status before the
 * connection closes, never after a "Start" (OBS would take a start-then-close for a network drop and retry forever).
 */
public final class RtmpSession extends SimpleChannelInboundHandler<RtmpMessage> implements Publisher {
    private static final Logger log = LoggerFactory.getLogger(RtmpSession.class);
    /** Chunk size of everything we send; one value for the whole node so encoded frames are shared. */
    public static final int OUT_CHUNK_SIZE = 4096;
    private static final long WINDOW_ACK_SIZE = 2_500_000;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_STATUS = 5;

    private final StreamHub hub;
    private final StreamGate gate;
    private final SessionLog sessions;

    private ChannelHandlerContext ctx;
    private String connectApp;
    private String tcUrl;
    private double objectEncoding;
    private int nextStreamId = 1;

    private StreamRequest request;
    private SessionInfo session;
    private LiveStream publishing;
    private int publishStreamId;
    /** A connection publishes at most once, so one counter serves its publish session. */
    private final ByteCounter bytesIn = new ByteCounter();
    private long budgetWindowStartNanos;
    private long budgetWindowBytes;
    private RtmpPlayer player;
    private LiveStream playing;
    private boolean closing;
    /** The connection failed (logged once; every write queued behind the failure fails too). */
    private boolean failed;
    private boolean connected;
    private String flashVer = "";

    public RtmpSession(StreamHub hub, StreamGate gate, SessionLog sessions) {
        this.hub = hub;
        this.gate = gate;
        this.sessions = sessions;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage msg) {
        switch (msg.typeId()) {
            case RtmpMessage.AUDIO, RtmpMessage.VIDEO -> onMedia(msg.typeId(), msg.timestamp(), msg.payload());
            case RtmpMessage.AGGREGATE -> onAggregate(msg);
            case RtmpMessage.DATA_AMF0 -> onData(msg.timestamp(), msg.payload());
            case RtmpMessage.DATA_AMF3 -> onData(msg.timestamp(), skipAmf3Marker(msg.payload()));
            case RtmpMessage.COMMAND_AMF0 -> onCommand(msg.messageStreamId(), Amf0.decodeAll(msg.payload().duplicate()));
            case RtmpMessage.COMMAND_AMF3 ->
                    onCommand(msg.messageStreamId(), Amf0.decodeAll(skipAmf3Marker(msg.payload())));
            case RtmpMessage.USER_CONTROL -> onUserControl(msg.payload());
            default -> {
                // acknowledgements, window and bandwidth messages need no answer from a server
            }
        }
    }

    private static ByteBuf skipAmf3Marker(ByteBuf payload) {
        ByteBuf d = payload.duplicate();
        if (d.isReadable() && d.getByte(d.readerIndex()) == 0) {
            d.skipBytes(1); // AMF3 messages start with a format byte, then AMF0 values
        }
        return d;
    }

    // ---- commands -------------------------------------------------------------------------------------------

    private void onCommand(int messageStreamId, List<Object> values) {
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            throw new MediaProtocolException("command without a name");
        }
        double txn = values.size() > 1 && values.get(1) instanceof Number n ? n.doubleValue() : 0;
        switch (name) {
            case "connect" -> onConnect(txn, values.size() > 2 ? values.get(2) : null);
            case "createStream" -> sendResult(txn, null, (double) nextStreamId++);
            case "getStreamLength" -> sendResult(txn, null, 0.0); // live: no length
            case "releaseStream", "FCPublish", "FCUnpublish" -> {
                if (txn != 0) {
                    sendResult(txn, null, null);
                }
                if (name.equals("FCUnpublish")) {
                    stopPublishing("unpublished by client");
                }
            }
            case "publish" -> onPublish(messageStreamId, stringArg(values, 3));
            case "play" -> onPlay(messageStreamId, stringArg(values, 3));
            case "deleteStream", "closeStream" -> {
                stopPublishing("stream closed by client");
                stopPlaying("stream closed by client");
            }
            default -> log.debug("{}: ignored command {}", describe(), name);
        }
    }

    private static String stringArg(List<Object> values, int index) {
        return values.size() > index && values.get(index) instanceof String s ? s : "";
    }

    private void onConnect(double txn, Object commandObject) {
        if (connected) {
            rejectConnect(txn, "this connection is connected already");
            return;
        }
        if (commandObject instanceof Map<?, ?> params) {
            connectApp = params.get("app") instanceof String s ? s : "";
            tcUrl = params.get("tcUrl") instanceof String s ? s : "";
            objectEncoding = params.get("objectEncoding") instanceof Number n ? n.doubleValue() : 0;
            flashVer = params.get("flashVer") instanceof String s ? s : "";
        } else {
            connectApp = "";
            tcUrl = "";
        }
        if (!RtmpAddress.namesApp(connectApp)) {
            rejectConnect(txn, "connect names no application: use rtmp://host/app/stream");
            return;
        }
        connected = true;
        ctx.write(RtmpControl.windowAckSize(ctx.alloc(), WINDOW_ACK_SIZE));
        ctx.write(RtmpControl.setPeerBandwidth(ctx.alloc(), WINDOW_ACK_SIZE, 2));
        ctx.write(RtmpControl.setChunkSize(ctx.alloc(), OUT_CHUNK_SIZE));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("fmsVer", "FMS/3,5,7,7009");
        properties.put("capabilities", 31.0);
        properties.put("mode", 1.0);
        Map<String, Object> info = status("status", "NetConnection.Connect.Success", "Connection succeeded.");
        info.put("objectEncoding", objectEncoding);
        sendResult(txn, properties, info);
    }

    private void onPublish(int messageStreamId, String name) {
        if (session != null) {
            sendStatusAndClose(messageStreamId, "NetStream.Publish.BadName", "this connection already has a stream");
            return;
        }
        StreamRequest req;
        try {
            req = RtmpAddress.parse(Role.PUBLISH, connectApp, tcUrl, name, clientAddress()).withUserAgent(flashVer);
        } catch (IllegalArgumentException e) {
            sendStatusAndClose(messageStreamId, "NetStream.Publish.BadName", e.getMessage());
            return;
        }
        StreamGate.Decision decision = gate.authorize(req);
        if (!decision.allowed()) {
            sessions.refused(req, decision.status(), decision.reason());
            sendStatusAndClose(messageStreamId, "NetStream.Publish.BadName", decision.reason());
            return;
        }
        LiveStream stream = hub.startPublishing(decision.key(), this);
        if (stream == null) {
            sessions.refused(req, 409, "stream is already being published");
            sendStatusAndClose(messageStreamId, "NetStream.Publish.BadName", "stream " + decision.key() + " is already being published");
            return;
        }
        request = req;
        publishing = stream;
        publishStreamId = messageStreamId;
        session = sessions.started(Role.PUBLISH, decision.key(), req, bytesIn);
        ctx.write(RtmpControl.streamBegin(ctx.alloc(), messageStreamId));
        sendStatus(messageStreamId, "status", "NetStream.Publish.Start", req.describe() + " is now published.");
    }

    private void onPlay(int messageStreamId, String name) {
        if (session != null) {
            sendStatusAndClose(messageStreamId, "NetStream.Play.Failed", "this connection already has a stream");
            return;
        }
        StreamRequest req;
        try {
            req = RtmpAddress.parse(Role.PLAY, connectApp, tcUrl, name, clientAddress()).withUserAgent(flashVer);
        } catch (IllegalArgumentException e) {
            sendStatusAndClose(messageStreamId, "NetStream.Play.Failed", e.getMessage());
            return;
        }
        StreamGate.Decision decision = gate.authorize(req);
        if (!decision.allowed()) {
            sessions.refused(req, decision.status(), decision.reason());
            sendStatusAndClose(messageStreamId, decision.status() == 404 ? "NetStream.Play.StreamNotFound"
                    : "NetStream.Play.Failed", decision.reason());
            return;
        }
        request = req;
        RtmpPlayer candidate = new RtmpPlayer(ctx, this, messageStreamId, hub.settings(), hub.metrics());
        player = candidate;
        StreamHub.Joined joined = hub.join(decision.key(), candidate);
        if (joined.result() == LiveStream.JoinResult.NOT_FOUND) {
            player = null;
            request = null;
            sendStatusAndClose(messageStreamId, "NetStream.Play.StreamNotFound", "stream not found: " + req.describe());
            return;
        }
        playing = joined.stream();
        session = sessions.started(Role.PLAY, decision.key(), req, candidate.bytesSent());
    }

    /** The hub started this connection's player: tell the client, frames follow. */
    void playStarted(int messageStreamId) {
        ctx.write(RtmpControl.streamBegin(ctx.alloc(), messageStreamId));
        sendStatus(messageStreamId, "status", "NetStream.Play.Reset", "Playing and resetting " + request.describe() + ".");
        sendStatus(messageStreamId, "status", "NetStream.Play.Start", "Started playing " + request.describe() + ".");
        ByteBuf access = ctx.alloc().buffer();
        Amf0.encode(access, "|RtmpSampleAccess", true, true);
        ctx.writeAndFlush(new RtmpMessage(RtmpPlayer.CSID_DATA, RtmpMessage.DATA_AMF0, 0, messageStreamId, access));
    }

    /** The hub ended this connection's player. */
    void playEnded(int messageStreamId, Subscriber.EndReason reason) {
        if (reason == Subscriber.EndReason.NOT_FOUND) {
            sendStatusAndClose(messageStreamId, "NetStream.Play.StreamNotFound", "stream not found: " + request.describe());
            return;
        }
        ctx.write(RtmpControl.streamEof(ctx.alloc(), messageStreamId));
        sendStatus(messageStreamId, "status", "NetStream.Play.UnpublishNotify", request.describe() + " is now unpublished.");
        sendStatus(messageStreamId, "status", "NetStream.Play.Stop", "Stopped playing " + request.describe() + ".");
        endSession("stream ended");
        ctx.flush();
        ctx.close();
    }

    // ---- media ----------------------------------------------------------------------------------------------

    private void onMedia(int type, long timestamp, ByteBuf payload) {
        if (publishing == null) {
            return; // media before publish was accepted, or after unpublish: nobody to give it to
        }
        bytesIn.add(payload.readableBytes());
        if (overBitrateBudget(payload.readableBytes())) {
            return;
        }
        publishing.publish(this, type, timestamp, payload.retain());
    }

    private static final long BUDGET_WINDOW_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    /**
     * Cuts a publisher whose average over a 5-second window exceeds {@code media.maxPublisherKbps}: a runaway encoder
     * (or a hostile one) would otherwise take the node's bandwidth and CPU from every other stream.
     */
    private boolean overBitrateBudget(int bytes) {
        long limitKbps = hub.settings().maxPublisherKbps();
        if (limitKbps <= 0) {
            return false;
        }
        long now = System.nanoTime();
        if (budgetWindowStartNanos == 0) {
            budgetWindowStartNanos = now;
        }
        budgetWindowBytes += bytes;
        long elapsed = now - budgetWindowStartNanos;
        if (elapsed < BUDGET_WINDOW_NANOS) {
            return false;
        }
        long kbps = budgetWindowBytes * 8 * 1_000_000 / elapsed; // bits per ms = kbit/s
        budgetWindowStartNanos = now;
        budgetWindowBytes = 0;
        if (kbps <= limitKbps) {
            return false;
        }
        hub.metrics().publishersOverBudget.increment();
        String reason = "over the bitrate budget: " + kbps + " kbit/s > media.maxPublisherKbps " + limitKbps;
        log.warn("{}: publisher cut, {}", describe(), reason);
        sendStatus(publishStreamId, "error", "NetStream.Publish.Rejected", "publisher cut: " + reason);
        stopPublishing(reason);
        ctx.flush();
        ctx.close();
        return true;
    }

    private void onData(long timestamp, ByteBuf payload) {
        if (publishing == null) {
            return;
        }
        List<Object> values = Amf0.decodeAll(payload.duplicate());
        int first = !values.isEmpty() && "@setDataFrame".equals(values.get(0)) ? 1 : 0;
        if (values.size() <= first + 1 || !"onMetaData".equals(values.get(first))) {
            return; // only metadata is passed on to players
        }
        ByteBuf metadata = ctx.alloc().buffer();
        Amf0.encode(metadata, "onMetaData", values.get(first + 1));
        publishing.publish(this, MediaFrame.DATA, timestamp, metadata);
    }

    /** An aggregate message is a run of FLV tags; each becomes its own message, timed relative to the aggregate. */
    private void onAggregate(RtmpMessage msg) {
        ByteBuf in = msg.payload().duplicate();
        long offset = -1;
        while (in.readableBytes() >= 11) {
            int type = in.readUnsignedByte();
            int size = in.readUnsignedMedium();
            long ts = in.readUnsignedMedium() | ((long) in.readUnsignedByte() << 24);
            in.skipBytes(3);
            if (in.readableBytes() < size) {
                throw new MediaProtocolException("aggregate message truncated");
            }
            if (offset < 0) {
                offset = msg.timestamp() - ts;
            }
            ByteBuf body = in.readSlice(size);
            if (type == RtmpMessage.AUDIO || type == RtmpMessage.VIDEO) {
                onMedia(type, ts + offset, body);
            }
            if (in.readableBytes() >= 4) {
                in.skipBytes(4); // previous tag size
            }
        }
    }

    private void onUserControl(ByteBuf payload) {
        RtmpControl.UserControlEvent event = RtmpControl.parseUserControl(payload);
        if (event.type() == RtmpControl.PING_REQUEST) {
            ctx.writeAndFlush(RtmpControl.pingResponse(ctx.alloc(), event.value()));
        }
    }

    // ---- ending ---------------------------------------------------------------------------------------------

    private void stopPublishing(String reason) {
        if (publishing != null) {
            hub.stopPublishing(publishing, this, ctx.channel().eventLoop());
            publishing = null;
            endSession(reason);
        }
    }

    private void stopPlaying(String reason) {
        if (playing != null) {
            playing.leave(player);
            playing = null;
            endSession(reason);
        }
    }

    private void endSession(String reason) {
        if (session != null) {
            long bytes = session.role() == Role.PUBLISH ? bytesIn.get() : player.bytesSent().get();
            sessions.ended(session, bytes, reason);
            session = null;
        }
    }

    @Override
    public void kick(String reason) {
        ctx.channel().eventLoop().execute(() -> {
            if (publishing != null) {
                sendStatus(publishStreamId, "status", "NetStream.Unpublish.Success", reason);
                stopPublishing(reason);
                ctx.flush();
                ctx.close();
            }
        });
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public String describe() {
        return (request != null ? request.describe() : "rtmp " + connectApp) + " client=" + clientAddress();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && playing == null) {
            // a publisher or a connection that never got to play sent nothing for the idle time: a dead peer
            log.info("closing idle rtmp connection {}", describe());
            hub.metrics().idleConnectionsClosed.increment();
            stopPublishing("idle timeout");
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stopPublishing("client disconnected");
        stopPlaying(player != null && player.cutReason() != null ? player.cutReason() : "client disconnected");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause.getCause() instanceof MediaProtocolException ? cause.getCause() : cause;
        if (root instanceof java.nio.channels.ClosedChannelException) {
            return; // a write failed because we closed the channel ourselves: channelInactive ends the session
        }
        if (failed) {
            return; // the other writes of the same flush failing the same way: the connection is logged and closing
        }
        failed = true;
        String reason;
        if (root instanceof MediaProtocolException) {
            hub.metrics().protocolErrors.increment();
            log.info("rtmp protocol error from {}: {}", describe(), root.getMessage());
            reason = "protocol error: " + root.getMessage();
        } else if (root instanceof java.io.IOException) {
            // a peer that reset or vanished: normal on the Internet, one line without a stack trace
            log.info("rtmp connection {} lost: {}", describe(), root.getMessage());
            reason = "connection lost: " + root.getMessage();
        } else {
            log.warn("rtmp connection {} failed", describe(), cause);
            reason = "internal error: " + root;
        }
        stopPublishing(reason);
        stopPlaying(reason);
        ctx.close();
    }

    // ---- sending --------------------------------------------------------------------------------------------

    private void sendResult(double txn, Object properties, Object info) {
        ByteBuf body = ctx.alloc().buffer();
        Amf0.encode(body, "_result", txn, properties, info);
        ctx.writeAndFlush(new RtmpMessage(CSID_COMMAND, RtmpMessage.COMMAND_AMF0, 0, 0, body));
    }

    private void sendStatus(int messageStreamId, String level, String code, String description) {
        ByteBuf body = ctx.alloc().buffer();
        Amf0.encode(body, "onStatus", 0.0, null, status(level, code, description));
        ctx.writeAndFlush(new RtmpMessage(CSID_STATUS, RtmpMessage.COMMAND_AMF0, 0, messageStreamId, body));
    }

    /** {@code _error} with NetConnection.Connect.Rejected, then the connection closes. */
    private void rejectConnect(double txn, String description) {
        if (closing) {
            return;
        }
        closing = true;
        log.info("rtmp connect rejected client={}: {}", clientAddress(), description);
        ByteBuf body = ctx.alloc().buffer();
        Amf0.encode(body, "_error", txn, null, status("error", "NetConnection.Connect.Rejected", description));
        ctx.writeAndFlush(new RtmpMessage(CSID_COMMAND, RtmpMessage.COMMAND_AMF0, 0, 0, body))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Refuses with an error status the client reads before the connection closes. */
    private void sendStatusAndClose(int messageStreamId, String code, String description) {
        if (closing) {
            return;
        }
        closing = true;
        ByteBuf body = ctx.alloc().buffer();
        Amf0.encode(body, "onStatus", 0.0, null, status("error", code, description));
        ctx.writeAndFlush(new RtmpMessage(CSID_STATUS, RtmpMessage.COMMAND_AMF0, 0, messageStreamId, body))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static Map<String, Object> status(String level, String code, String description) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level", level);
        m.put("code", code);
        m.put("description", description);
        return m;
    }

    private String clientAddress() {
        if (ctx != null && ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            return a.getAddress().getHostAddress();
        }
        return "unknown";
    }
}
