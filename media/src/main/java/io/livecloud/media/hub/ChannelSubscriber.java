package io.livecloud.media.hub;

import io.livecloud.media.ByteCounter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The protocol-independent half of a player: the per-player budget, keyframe skipping, stuck detection and
 * timestamp rebasing. A player whose connection cannot take more (its unsent bytes pass the budget) drops frames
 * until it can, and then resumes at the next random-access point, so a slow player never queues without bound and
 * never slows the publisher or anyone else; one that stays unwritable for the stuck limit is disconnected.
 *
 * <p>The budget is in bytes, and at a low bitrate a few MB are minutes of media: a player may also queue no more than
 * {@link #MAX_LAG_MILLIS} of its own stream (its queued bytes over the rate it has been written at), or it counts as
 * unwritable. Without that, a player that stopped reading a 300 kbit/s stream kept two minutes of frames alive before
 * the budget noticed, and the allocator chunks those frames share with every other stream's frames with them (the
 * soak, docs/benchmarks.md: 20 such players held 300 MB of direct memory).
 */
public abstract class ChannelSubscriber implements Subscriber {
    private static final Logger log = LoggerFactory.getLogger(ChannelSubscriber.class);

    protected final Channel channel;
    private final MediaMetrics metrics;
    private final long stuckNanos;
    /** The most a player may queue, in time of its own stream, once it has played {@link #RATE_SETTLE_NANOS}. */
    static final long MAX_LAG_MILLIS = 10_000;
    /** Below this nothing counts as lag: the GOP sent at the start is a burst, and the rate is not known yet. */
    private static final long RATE_SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int MIN_LAG_BYTES = 64 << 10;
    private static final long KERNEL_UNSENT_BYTES = 128 << 10;
    private final int budget;
    private long firstWriteNanos;
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
        this.budget = settings.subscriberBudgetBytes();
        channel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(budget / 2, budget));
        // Linux grows a socket's send buffer to 4 MiB on its own, and bytes waiting there are invisible to the
        // budget and the lag check: a stalled player of a 300 kbit/s stream looked healthy for two minutes. Cap the
        // bytes not yet sent (in-flight data is not limited, so a fast far player is not slowed). Not epoll: no-op.
        channel.config().setOption(EpollChannelOption.TCP_NOTSENT_LOWAT, KERNEL_UNSENT_BYTES);
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
        if (firstWriteNanos == 0) {
            firstWriteNanos = System.nanoTime();
        }
        int written = writeFrame(frame, ts);
        bytesSent.add(written);
        metrics.bytesOut.add(written);
        channel.flush();
    }

    private boolean mayWrite(MediaFrame frame) {
        if (!channel.isWritable() || tooFarBehind()) {
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

    /** Whether the bytes this player has queued are more than {@link #MAX_LAG_MILLIS} of what it has been sent. */
    private boolean tooFarBehind() {
        long played = System.nanoTime() - firstWriteNanos;
        if (firstWriteNanos == 0 || played < RATE_SETTLE_NANOS) {
            return false;
        }
        long queued = budget - channel.bytesBeforeUnwritable();
        if (queued < MIN_LAG_BYTES) {
            return false;
        }
        double bytesPerMilli = bytesSent.get() / (played / 1e6);
        return queued > bytesPerMilli * MAX_LAG_MILLIS;
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
