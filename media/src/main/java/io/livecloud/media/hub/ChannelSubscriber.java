package io.livecloud.media.hub;

import io.livecloud.media.ByteCounter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The protocol-independent half of a player: the per-player budget, keyframe skipping, stuck detection and
 * timestamp rebasing. A player whose connection cannot take more (its unsent bytes pass the budget) drops frames
 * until it can, and then resumes at the next random-access point, so a slow player never queues without bound and
 * never slows the publisher or anyone else; one that stays unwritable for the stuck limit is disconnected.
 */
public abstract class ChannelSubscriber implements Subscriber {
    private static final Logger log = LoggerFactory.getLogger(ChannelSubscriber.class);

    protected final Channel channel;
    private final MediaMetrics metrics;
    private final long stuckNanos;
    private long baseTimestamp = -1;
    private boolean skipping;
    private long unwritableSince;
    private String cutReason;
    private final ByteCounter bytesSent = new ByteCounter();
    private long framesSkipped;

    protected ChannelSubscriber(Channel channel, HubSettings settings, MediaMetrics metrics) {
        this.channel = channel;
        this.metrics = metrics;
        this.stuckNanos = TimeUnit.MILLISECONDS.toNanos(settings.stuckPlayerMillis());
        int budget = settings.subscriberBudgetBytes();
        channel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(budget / 2, budget));
    }

    @Override
    public final EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public final void onFrame(MediaFrame frame) {
        if (!channel.isActive()) {
            return;
        }
        if (!frame.isConfig() && !mayWrite(frame)) {
            framesSkipped++;
            metrics.framesSkipped.increment();
            return;
        }
        if (baseTimestamp < 0 && !frame.isConfig()) {
            baseTimestamp = frame.timestamp();
        }
        long ts = baseTimestamp < 0 ? 0 : Math.max(0, frame.timestamp() - baseTimestamp);
        int written = writeFrame(frame, ts);
        bytesSent.add(written);
        metrics.bytesOut.add(written);
        channel.flush();
    }

    private boolean mayWrite(MediaFrame frame) {
        if (!channel.isWritable()) {
            long now = System.nanoTime();
            if (unwritableSince == 0) {
                unwritableSince = now;
            } else if (now - unwritableSince > stuckNanos) {
                metrics.playersStuck.increment();
                long stuckMillis = TimeUnit.NANOSECONDS.toMillis(now - unwritableSince);
                log.info("player {} stuck for {} ms, disconnecting", describe(), stuckMillis);
                cutReason = "not reading: stuck for " + stuckMillis + " ms";
                channel.close();
            }
            skipping = true;
            return false;
        }
        unwritableSince = 0;
        if (skipping) {
            if (!frame.isRandomAccess()) {
                return false;
            }
            skipping = false;
        }
        return true;
    }

    /**
     * Writes (without flushing) one frame with the player's own timestamp.
     *
     * @return the bytes written
     */
    protected abstract int writeFrame(MediaFrame frame, long timestamp);

    /** Who this player is, for logs. */
    protected abstract String describe();

    /** Why the server cut this player (null unless it did): the session's end reason. */
    public final String cutReason() {
        return cutReason;
    }

    /** The bytes written to this player so far; readable from any thread. */
    public final ByteCounter bytesSent() {
        return bytesSent;
    }

    public final long framesSkipped() {
        return framesSkipped;
    }
}
