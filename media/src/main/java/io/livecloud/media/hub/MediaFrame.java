package io.livecloud.media.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;

/**
 * One audio, video or script-data message of a live stream, stored once and shared by every subscriber.
 * The body is the FLV tag body (identical to the RTMP message body). Encodings that do not depend on the
 * subscriber (the RTMP chunked body, the HTTP-FLV tag body and trailer, …) are computed once on first use and
 * cached here, so a thousand players cost one encoding. Reference counted: the GOP cache and each fan-out hop hold a
 * reference; releasing the last one frees the body and every cached encoding.
 */
public final class MediaFrame extends AbstractReferenceCounted {
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int DATA = 18;

    private final int type;
    private final long timestamp;
    private final ByteBuf body;
    private final boolean randomAccess;
    private final boolean config;

    private final ByteBuf[] encodings = new ByteBuf[FrameEncoding.SLOTS];

    /**
     * @param timestamp    stream time in ms (monotonic across publisher reconnects)
     * @param randomAccess a player may start here: a video keyframe, or any audio frame of an audio-only stream
     * @param config       decoder configuration or metadata (sequence headers, onMetaData): never skipped
     */
    public MediaFrame(int type, long timestamp, ByteBuf body, boolean randomAccess, boolean config) {
        this.type = type;
        this.timestamp = timestamp;
        this.body = body;
        this.randomAccess = randomAccess;
        this.config = config;
    }

    public int type() {
        return type;
    }

    public long timestamp() {
        return timestamp;
    }

    /** The shared body: read it with absolute indexes or through a duplicate, never consume it. */
    public ByteBuf body() {
        return body;
    }

    public int size() {
        return body.readableBytes();
    }

    public boolean isRandomAccess() {
        return randomAccess;
    }

    public boolean isConfig() {
        return config;
    }

    public boolean isVideo() {
        return type == VIDEO;
    }

    public boolean isAudio() {
        return type == AUDIO;
    }

    /**
     * A retained duplicate of this frame in {@code encoding}, built the first time any subscriber asks for it and
     * cached until the frame is released. The caller owns the returned buffer.
     */
    public ByteBuf encoded(FrameEncoding encoding, ByteBufAllocator alloc) {
        synchronized (this) {
            ByteBuf cached = encodings[encoding.slot()];
            if (cached == null) {
                cached = encoding.encode(alloc, this);
                encodings[encoding.slot()] = cached;
            }
            return cached.retainedDuplicate();
        }
    }

    @Override
    protected void deallocate() {
        body.release();
        synchronized (this) {
            for (int i = 0; i < encodings.length; i++) {
                if (encodings[i] != null) {
                    encodings[i].release();
                    encodings[i] = null;
                }
            }
        }
    }

    @Override
    public MediaFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public MediaFrame touch(Object hint) {
        body.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "MediaFrame{type=" + type + ", ts=" + timestamp + ", size=" + size()
                + (randomAccess ? ", RAP" : "") + (config ? ", config" : "") + '}';
    }
}
