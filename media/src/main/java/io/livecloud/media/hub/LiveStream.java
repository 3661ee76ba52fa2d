package io.livecloud.media.hub;

import io.livecloud.media.MediaProtocolException;
import io.livecloud.media.StreamKey;
import io.livecloud.media.codec.AudioTag;
import io.livecloud.media.codec.VideoTag;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One live stream: at most one publisher, any number of players, the configuration frames and GOP cache a joiner
 * starts from. All state is guarded by the stream's monitor; it is taken once per published frame (uncontended in
 * the common case) and on joins and leaves. Frames reach each player on the player's own event loop: players on the
 * publisher's loop are written inline, every other loop gets one task per frame for all of its players.
 * Because every notification to a player is either run inline on its loop or queued to that loop while the monitor
 * is held, each player sees start, frames and end in stream order.
 */
public final class LiveStream {
    private static final Logger log = LoggerFactory.getLogger(LiveStream.class);
    private static final LoopGroup[] NO_GROUPS = new LoopGroup[0];

    private final StreamKey key;
    private final StreamHub hub;
    private final HubSettings settings;
    private final GopCache gop;
    private final StreamStats stats = new StreamStats();

    private Publisher publisher;
    private MediaFrame metadata;
    private MediaFrame videoConfig;
    private MediaFrame audioConfig;
    private boolean videoSeen;
    private boolean audioSeen;
    private long lastTimestamp = -1;
    private long timestampOffset;
    private boolean rebasePending;

    private LoopGroup[] groups = NO_GROUPS;
    private final List<Subscriber> waiting = new ArrayList<>();
    private ScheduledFuture<?> graceTimer;
    private boolean removed;

    LiveStream(StreamKey key, StreamHub hub, HubSettings settings) {
        this.key = key;
        this.hub = hub;
        this.settings = settings;
        this.gop = new GopCache(settings.gopCacheMaxBytes());
    }

    public StreamKey key() {
        return key;
    }

    public synchronized Publisher publisher() {
        return publisher;
    }

    /** Codecs, picture size, frame rate and bitrates as measured from the frames (readable from any thread). */
    public StreamStats stats() {
        return stats;
    }

    /** The players watching (internal subscribers such as the HLS packager are not counted). */
    public synchronized int subscriberCount() {
        int n = waiting.size();
        for (LoopGroup g : groups) {
            for (Subscriber s : g.members) {
                if (s.isViewer()) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * True while a publisher is attached or its grace period runs (a reconnect may still continue the stream): what
     * a processing job reading the stream asks before it restarts.
     */
    public synchronized boolean isLive() {
        return !removed && (publisher != null || graceTimer != null);
    }

    synchronized boolean isRemoved() {
        return removed;
    }

    // ---- publisher side -------------------------------------------------------------------------------------

    /** @return false when the stream has a publisher already (or was just retired: the hub retries). */
    synchronized boolean attachPublisher(Publisher candidate) {
        if (removed || publisher != null) {
            return false;
        }
        publisher = candidate;
        if (graceTimer != null) {
            graceTimer.cancel(false);
            graceTimer = null;
        }
        rebasePending = lastTimestamp >= 0;
        for (Subscriber s : waiting) {
            addToGroup(s);
            runOn(s.eventLoop(), () -> s.onStart(true, true));
        }
        waiting.clear();
        return true;
    }

    /**
     * Takes a published message (and ownership of {@code body}) into the stream: classifies it, timestamps it on
     * the stream clock, caches what joiners need and fans it out.
     */
    public void publish(Publisher from, int type, long timestamp, ByteBuf body) {
        MediaFrame frame;
        synchronized (this) {
            if (publisher != from || !body.isReadable()) {
                body.release();
                return;
            }
            frame = classify(type, streamTime(timestamp), body);
            if (frame == null) {
                return;
            }
            remember(frame);
            hub.metrics().framesIn.increment();
            hub.metrics().bytesIn.add(frame.size());
            dispatch(frame);
        }
        frame.release();
    }

    private long streamTime(long publisherTimestamp) {
        if (rebasePending) {
            // a returning publisher restarts its clock: continue where the previous one stopped
            timestampOffset = lastTimestamp + 1 - publisherTimestamp;
            rebasePending = false;
        }
        long t = Math.max(0, publisherTimestamp + timestampOffset);
        lastTimestamp = Math.max(lastTimestamp, t);
        return t;
    }

    private MediaFrame classify(int type, long ts, ByteBuf body) {
        try {
            switch (type) {
                case MediaFrame.VIDEO -> {
                    VideoTag tag = VideoTag.parse(body);
                    videoSeen = true;
                    stats.video(tag, body, ts);
                    return new MediaFrame(type, ts, body, tag.isKeyframe(), tag.sequenceHeader());
                }
                case MediaFrame.AUDIO -> {
                    AudioTag tag = AudioTag.parse(body);
                    audioSeen = true;
                    stats.audio(tag, body, ts);
                    // an audio-only stream can start anywhere; with video, players start at a keyframe
                    return new MediaFrame(type, ts, body, !videoSeen && !tag.sequenceHeader(), tag.sequenceHeader());
                }
                default -> {
                    return new MediaFrame(type, ts, body, false, true);
                }
            }
        } catch (MediaProtocolException e) {
            hub.metrics().protocolErrors.increment();
            log.debug("{}: dropped a malformed frame of type {}: {}", key, type, e.getMessage());
            body.release();
            return null;
        }
    }

    private void remember(MediaFrame frame) {
        if (!frame.isConfig()) {
            gop.add(frame);
        } else if (frame.isVideo()) {
            videoConfig = replace(videoConfig, frame);
        } else if (frame.isAudio()) {
            audioConfig = replace(audioConfig, frame);
        } else {
            metadata = replace(metadata, frame);
        }
    }

    private static MediaFrame replace(MediaFrame old, MediaFrame fresh) {
        if (old != null) {
            old.release();
        }
        return fresh.retain();
    }

    private void dispatch(MediaFrame frame) {
        for (LoopGroup g : groups) {
            if (g.loop.inEventLoop()) {
                LoopGroup.deliver(g.members, frame);
            } else {
                Subscriber[] members = g.members; // copy-on-write: later joins and leaves don't touch this array
                frame.retain();
                g.loop.execute(() -> {
                    try {
                        LoopGroup.deliver(members, frame);
                    } finally {
                        frame.release();
                    }
                });
            }
        }
    }

    /** The publisher is gone. Players stay for the grace period, then are told the stream ended. */
    synchronized void detachPublisher(Publisher leaving, EventLoop timerLoop) {
        if (publisher != leaving) {
            return;
        }
        publisher = null;
        forgetMedia();
        if (settings.publisherGraceMillis() > 0 && subscriberCountLocked() > 0) {
            graceTimer = timerLoop.schedule(this::graceExpired, settings.publisherGraceMillis(), TimeUnit.MILLISECONDS);
        } else {
            endAll(Subscriber.EndReason.UNPUBLISHED);
        }
    }

    private synchronized void graceExpired() {
        graceTimer = null;
        if (publisher == null) {
            endAll(Subscriber.EndReason.UNPUBLISHED);
        }
    }

    private void forgetMedia() {
        gop.clear();
        metadata = release(metadata);
        videoConfig = release(videoConfig);
        audioConfig = release(audioConfig);
        videoSeen = false;
        audioSeen = false;
        stats.reset();
    }

    private static MediaFrame release(MediaFrame f) {
        if (f != null) {
            f.release();
        }
        return null;
    }

    private void endAll(Subscriber.EndReason reason) {
        for (LoopGroup g : groups) {
            for (Subscriber s : g.members) {
                runOn(s.eventLoop(), () -> s.onEnd(reason));
            }
        }
        for (Subscriber s : waiting) {
            // never started: for them the stream was simply not there
            runOn(s.eventLoop(), () -> s.onEnd(Subscriber.EndReason.NOT_FOUND));
        }
        groups = NO_GROUPS;
        waiting.clear();
        retireIfUnused();
    }

    // ---- player side ----------------------------------------------------------------------------------------

    /** Outcome of {@link #join}. */
    public enum JoinResult { JOINED, WAITING, NOT_FOUND }

    /** Called on the subscriber's event loop. JOINED: onStart and the start-up frames have been delivered. */
    synchronized JoinResult join(Subscriber s, long waitMillis) {
        if (removed) {
            return null;
        }
        if (publisher != null) {
            addToGroup(s);
            s.onStart(audioSeen || !videoSeen, videoSeen || !audioSeen);
            sendStartupFrames(s);
            return JoinResult.JOINED;
        }
        if (graceTimer == null && waitMillis <= 0) {
            retireIfUnused();
            return JoinResult.NOT_FOUND;
        }
        waiting.add(s);
        if (waitMillis > 0) {
            s.eventLoop().schedule(() -> waitExpired(s), waitMillis, TimeUnit.MILLISECONDS);
        }
        return JoinResult.WAITING;
    }

    private synchronized void waitExpired(Subscriber s) {
        if (waiting.remove(s)) {
            s.onEnd(Subscriber.EndReason.NOT_FOUND);
            retireIfUnused();
        }
    }

    private void sendStartupFrames(Subscriber s) {
        if (metadata != null) {
            s.onFrame(metadata);
        }
        if (videoConfig != null) {
            s.onFrame(videoConfig);
        }
        if (audioConfig != null) {
            s.onFrame(audioConfig);
        }
        gop.forEach(s::onFrame);
    }

    /** The subscriber went away (its connection closed). Safe to call more than once. */
    public synchronized void leave(Subscriber s) {
        waiting.remove(s);
        for (int i = 0; i < groups.length; i++) {
            LoopGroup g = groups[i];
            if (g.loop == s.eventLoop()) {
                g.members = without(g.members, s);
                if (g.members.length == 0) {
                    groups = withoutGroup(groups, i);
                }
                break;
            }
        }
        retireIfUnused();
    }

    private void addToGroup(Subscriber s) {
        for (LoopGroup g : groups) {
            if (g.loop == s.eventLoop()) {
                g.members = with(g.members, s);
                return;
            }
        }
        LoopGroup g = new LoopGroup(s.eventLoop());
        g.members = new Subscriber[]{s};
        groups = Arrays.copyOf(groups, groups.length + 1);
        groups[groups.length - 1] = g;
    }

    private int subscriberCountLocked() {
        int n = waiting.size();
        for (LoopGroup g : groups) {
            n += g.members.length;
        }
        return n;
    }

    private void retireIfUnused() {
        if (publisher == null && graceTimer == null && subscriberCountLocked() == 0 && !removed) {
            removed = true;
            forgetMedia();
            hub.retire(this);
        }
    }

    private static void runOn(EventLoop loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private static Subscriber[] with(Subscriber[] members, Subscriber s) {
        Subscriber[] next = Arrays.copyOf(members, members.length + 1);
        next[members.length] = s;
        return next;
    }

    private static Subscriber[] without(Subscriber[] members, Subscriber s) {
        for (int i = 0; i < members.length; i++) {
            if (members[i] == s) {
                Subscriber[] next = new Subscriber[members.length - 1];
                System.arraycopy(members, 0, next, 0, i);
                System.arraycopy(members, i + 1, next, i, members.length - i - 1);
                return next;
            }
        }
        return members;
    }

    private static LoopGroup[] withoutGroup(LoopGroup[] all, int index) {
        LoopGroup[] next = new LoopGroup[all.length - 1];
        System.arraycopy(all, 0, next, 0, index);
        System.arraycopy(all, index + 1, next, index, all.length - index - 1);
        return next;
    }

    /** The players of one event loop. {@code members} is copy-on-write, so a queued delivery can keep the array. */
    private static final class LoopGroup {
        final EventLoop loop;
        Subscriber[] members;

        LoopGroup(EventLoop loop) {
            this.loop = loop;
        }

        static void deliver(Subscriber[] members, MediaFrame frame) {
            for (Subscriber s : members) {
                s.onFrame(frame);
            }
        }
    }
}
