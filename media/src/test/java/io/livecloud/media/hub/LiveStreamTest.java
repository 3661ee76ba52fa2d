package io.livecloud.media.hub;

import io.livecloud.media.StreamKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The hub's stream rules with hand-made FLV bodies and subscribers on real event loops. */
class LiveStreamTest {
    private static final StreamKey KEY = new StreamKey("", "live", "s");
    private final EventLoop publisherLoop = new DefaultEventLoop();
    private final EventLoop otherLoop = new DefaultEventLoop();
    private final Publisher publisher = new TestPublisher("p1");

    @AfterEach
    void stopLoops() {
        publisherLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        otherLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static ByteBuf avcSequenceHeader() {
        return Unpooled.wrappedBuffer(new byte[]{0x17, 0, 0, 0, 0, 1, 0x42, 0, 0x1e, (byte) 0xff});
    }

    static ByteBuf avcFrame(boolean key) {
        return Unpooled.wrappedBuffer(new byte[]{(byte) (key ? 0x17 : 0x27), 1, 0, 0, 0, 0, 0, 0, 1, 0x65});
    }

    static ByteBuf aacSequenceHeader() {
        return Unpooled.wrappedBuffer(new byte[]{(byte) 0xaf, 0, 0x12, 0x10});
    }

    static ByteBuf aacFrame() {
        return Unpooled.wrappedBuffer(new byte[]{(byte) 0xaf, 1, 0x21, 0x10, 0x05});
    }

    private static <T> T on(EventLoop loop, java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aPlayerJoiningMidStreamStartsWithConfigurationAndTheLatestGop() throws Exception {
        StreamHub hub = new StreamHub(HubSettings.defaults());
        LiveStream stream = on(publisherLoop, () -> hub.startPublishing(KEY, publisher));
        publisherLoop.submit(() -> {
            stream.publish(publisher, MediaFrame.VIDEO, 0, avcSequenceHeader());
            stream.publish(publisher, MediaFrame.AUDIO, 0, aacSequenceHeader());
            stream.publish(publisher, MediaFrame.VIDEO, 0, avcFrame(true));
            stream.publish(publisher, MediaFrame.VIDEO, 40, avcFrame(false));
            stream.publish(publisher, MediaFrame.VIDEO, 1000, avcFrame(true));
            stream.publish(publisher, MediaFrame.AUDIO, 1010, aacFrame());
            stream.publish(publisher, MediaFrame.VIDEO, 1040, avcFrame(false));
        }).get();
        RecordingSubscriber player = new RecordingSubscriber(otherLoop);
        StreamHub.Joined joined = on(otherLoop, () -> hub.join(KEY, player));
        assertThat(joined.result()).isEqualTo(LiveStream.JoinResult.JOINED);
        assertThat(player.started).isTrue();
        // config first (stamped 0 for this player), then the GOP from the keyframe at 1000
        assertThat(player.summary()).containsExactly("V:cfg@0", "A:cfg@0", "V:key@1000", "A@1010", "V@1040");

        publisherLoop.submit(() -> stream.publish(publisher, MediaFrame.VIDEO, 1080, avcFrame(false))).get();
        await().atMost(5, TimeUnit.SECONDS).until(() -> player.frames.size() == 6);
        assertThat(player.summary().get(5)).isEqualTo("V@1080");
        on(otherLoop, () -> {
            stream.leave(player);
            return null;
        });
        on(publisherLoop, () -> {
            hub.stopPublishing(stream, publisher, publisherLoop);
            return null;
        });
    }

    @Test
    void aSecondPublisherIsRefusedAndTheFirstGoesOn() throws Exception {
        StreamHub hub = new StreamHub(HubSettings.defaults().withPublisherGraceMillis(0));
        LiveStream first = on(publisherLoop, () -> hub.startPublishing(KEY, publisher));
        assertThat(first).isNotNull();
        assertThat(on(otherLoop, () -> hub.startPublishing(KEY, new TestPublisher("p2")))).isNull();
        assertThat(first.publisher()).isSameAs(publisher);
        on(publisherLoop, () -> {
            hub.stopPublishing(first, publisher, publisherLoop);
            return null;
        });
        assertThat(hub.find(KEY)).isNull();
    }

    @Test
    void playersAreToldWhenThePublisherLeavesAndTheStreamIsRetired() throws Exception {
        StreamHub hub = new StreamHub(HubSettings.defaults().withPublisherGraceMillis(0));
        LiveStream stream = on(publisherLoop, () -> hub.startPublishing(KEY, publisher));
        RecordingSubscriber player = new RecordingSubscriber(otherLoop);
        on(otherLoop, () -> hub.join(KEY, player));
        on(publisherLoop, () -> {
            hub.stopPublishing(stream, publisher, publisherLoop);
            return null;
        });
        await().atMost(5, TimeUnit.SECONDS).until(() -> player.endReason != null);
        assertThat(player.endReason).isEqualTo(Subscriber.EndReason.UNPUBLISHED);
        on(otherLoop, () -> {
            stream.leave(player);
            return null;
        });
        assertThat(hub.find(KEY)).isNull();
    }

    @Test
    void aPublisherReturningWithinTheGraceContinuesWithMonotonicTimestamps() throws Exception {
        StreamHub hub = new StreamHub(HubSettings.defaults().withPublisherGraceMillis(2_000));
        LiveStream stream = on(publisherLoop, () -> hub.startPublishing(KEY, publisher));
        RecordingSubscriber player = new RecordingSubscriber(publisherLoop);
        on(publisherLoop, () -> {
            hub.join(KEY, player);
            stream.publish(publisher, MediaFrame.VIDEO, 5000, avcFrame(true));
            stream.publish(publisher, MediaFrame.VIDEO, 5040, avcFrame(false));
            hub.stopPublishing(stream, publisher, publisherLoop);
            return null;
        });
        Publisher second = new TestPublisher("p1-again");
        LiveStream again = on(otherLoop, () -> hub.startPublishing(KEY, second));
        assertThat(again).isSameAs(stream);
        otherLoop.submit(() -> {
            again.publish(second, MediaFrame.VIDEO, 0, avcFrame(true));
            again.publish(second, MediaFrame.VIDEO, 40, avcFrame(false));
        }).get();
        await().atMost(5, TimeUnit.SECONDS).until(() -> player.frames.size() == 4);
        assertThat(player.endReason).isNull();
        assertThat(player.summary()).containsExactly("V:key@5000", "V@5040", "V:key@5041", "V@5081");
        on(publisherLoop, () -> {
            stream.leave(player);
            hub.stopPublishing(stream, second, publisherLoop);
            return null;
        });
    }

    @Test
    void aPlayerOfAnAbsentStreamIsNotFoundOrWaitsForThePublisher() throws Exception {
        StreamHub impatient = new StreamHub(HubSettings.defaults());
        assertThat(on(otherLoop, () -> impatient.join(KEY, new RecordingSubscriber(otherLoop))).result())
                .isEqualTo(LiveStream.JoinResult.NOT_FOUND);
        assertThat(impatient.find(KEY)).isNull();

        StreamHub patient = new StreamHub(HubSettings.defaults().withPlayWaitMillis(3_000).withPublisherGraceMillis(0));
        RecordingSubscriber waiter = new RecordingSubscriber(otherLoop);
        assertThat(on(otherLoop, () -> patient.join(KEY, waiter)).result()).isEqualTo(LiveStream.JoinResult.WAITING);
        LiveStream stream = on(publisherLoop, () -> patient.startPublishing(KEY, publisher));
        publisherLoop.submit(() -> stream.publish(publisher, MediaFrame.VIDEO, 0, avcFrame(true))).get();
        await().atMost(5, TimeUnit.SECONDS).until(() -> waiter.frames.size() == 1);
        assertThat(waiter.started).isTrue();

        StreamHub shortWait = new StreamHub(HubSettings.defaults().withPlayWaitMillis(100));
        RecordingSubscriber late = new RecordingSubscriber(otherLoop);
        on(otherLoop, () -> shortWait.join(KEY, late));
        await().atMost(5, TimeUnit.SECONDS).until(() -> late.endReason != null);
        assertThat(late.endReason).isEqualTo(Subscriber.EndReason.NOT_FOUND);
        assertThat(late.started).isFalse();
        on(otherLoop, () -> {
            stream.leave(waiter);
            return null;
        });
        on(publisherLoop, () -> {
            patient.stopPublishing(stream, publisher, publisherLoop);
            return null;
        });
    }

    @Test
    void aPlayerThatJoinedDuringTheGraceAndNeverStartedIsToldNotFound() throws Exception {
        StreamHub hub = new StreamHub(HubSettings.defaults().withPublisherGraceMillis(300));
        LiveStream stream = on(publisherLoop, () -> hub.startPublishing(KEY, publisher));
        RecordingSubscriber stayed = new RecordingSubscriber(otherLoop);
        on(otherLoop, () -> hub.join(KEY, stayed));
        on(publisherLoop, () -> {
            hub.stopPublishing(stream, publisher, publisherLoop);
            return null;
        });
        RecordingSubscriber late = new RecordingSubscriber(otherLoop);
        assertThat(on(otherLoop, () -> hub.join(KEY, late)).result()).isEqualTo(LiveStream.JoinResult.WAITING);
        await().atMost(5, TimeUnit.SECONDS).until(() -> late.endReason != null && stayed.endReason != null);
        assertThat(stayed.endReason).isEqualTo(Subscriber.EndReason.UNPUBLISHED);
        assertThat(late.endReason).isEqualTo(Subscriber.EndReason.NOT_FOUND);
        assertThat(late.started).isFalse();
        on(otherLoop, () -> {
            stream.leave(stayed);
            stream.leave(late);
            return null;
        });
        assertThat(hub.find(KEY)).isNull();
    }

    @Test
    void aGopLargerThanTheCacheIsNotCachedAndJoinersWaitForTheNextKeyframe() throws Exception {
        StreamHub hub = new StreamHub(new HubSettings(0, 0, 25, 1 << 20, 10_000));
        LiveStream stream = on(publisherLoop, () -> hub.startPublishing(KEY, publisher));
        publisherLoop.submit(() -> {
            stream.publish(publisher, MediaFrame.VIDEO, 0, avcFrame(true));
            stream.publish(publisher, MediaFrame.VIDEO, 40, avcFrame(false));
            stream.publish(publisher, MediaFrame.VIDEO, 80, avcFrame(false)); // 30 bytes > 25: dropped
        }).get();
        RecordingSubscriber player = new RecordingSubscriber(otherLoop);
        on(otherLoop, () -> hub.join(KEY, player));
        assertThat(player.frames).isEmpty();
        on(otherLoop, () -> {
            stream.leave(player);
            return null;
        });
        on(publisherLoop, () -> {
            hub.stopPublishing(stream, publisher, publisherLoop);
            return null;
        });
    }

    @Test
    void malformedFramesAreDroppedAndCounted() throws Exception {
        StreamHub hub = new StreamHub(HubSettings.defaults().withPublisherGraceMillis(0));
        LiveStream stream = on(publisherLoop, () -> hub.startPublishing(KEY, publisher));
        RecordingSubscriber player = new RecordingSubscriber(publisherLoop);
        on(publisherLoop, () -> {
            hub.join(KEY, player);
            stream.publish(publisher, MediaFrame.VIDEO, 0, Unpooled.wrappedBuffer(new byte[]{0x17}));
            stream.publish(publisher, MediaFrame.VIDEO, 0, avcFrame(true));
            stream.leave(player);
            hub.stopPublishing(stream, publisher, publisherLoop);
            return null;
        });
        assertThat(player.summary()).containsExactly("V:key@0");
        assertThat(hub.metrics().protocolErrors.sum()).isEqualTo(1);
    }

    private record TestPublisher(String name) implements Publisher {
        @Override
        public String describe() {
            return name;
        }

        @Override
        public void kick(String reason) {
        }

        @Override
        public EventLoop eventLoop() {
            return null; // these hubs have no publish taps, the only users of a publisher's loop
        }
    }

    /** Records what it is given, checking each call comes on its own event loop. */
    static final class RecordingSubscriber implements Subscriber {
        final EventLoop loop;
        final List<String> frames = new CopyOnWriteArrayList<>();
        volatile boolean started;
        volatile EndReason endReason;
        private long base = -1;

        RecordingSubscriber(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public EventLoop eventLoop() {
            return loop;
        }

        @Override
        public void onStart(boolean hasAudio, boolean hasVideo) {
            assertThat(loop.inEventLoop()).isTrue();
            started = true;
        }

        @Override
        public void onFrame(MediaFrame frame) {
            assertThat(loop.inEventLoop()).isTrue();
            String kind = frame.isVideo() ? "V" : frame.isAudio() ? "A" : "D";
            String flags = frame.isConfig() ? ":cfg" : frame.isRandomAccess() && frame.isVideo() ? ":key" : "";
            frames.add(kind + flags + "@" + (frame.isConfig() ? 0 : frame.timestamp()));
        }

        @Override
        public void onEnd(EndReason reason) {
            assertThat(loop.inEventLoop()).isTrue();
            endReason = reason;
        }

        List<String> summary() {
            return new ArrayList<>(frames);
        }
    }
}
