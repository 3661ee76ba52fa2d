package io.livecloud.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The build's leak guard is really installed: leak detection is paranoid and reports go to the recording factory. */
class LeakDetectionSelfTest {
    @Test
    void leakDetectionIsParanoidAndRecorded() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(ResourceLeakDetectorFactory.instance().getClass().getName())
                .isEqualTo("io.livecloud.testkit.LeakDetectionExtension$RecordingFactory");
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(8);
        b.release();
    }
}
