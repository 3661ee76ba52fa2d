package io.livecloud.control.stats;

import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.store.ControlStore;
import io.livecloud.control.store.JdbcControlStore;
import io.livecloud.media.Protocol;
import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamKey;
import io.livecloud.media.StreamRequest;
import io.livecloud.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The collector on a real (in-memory H2) store with a clock the test moves: bytes land in the minute they moved in,
 * the 5-minute buckets hold the same bytes, peaks count sessions live at once, plays count for the domain addressed,
 * and a restart adds to what the store has.
 */
class TrafficStatsTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final String PUSH = "push.example.com";
    private static final String PLAY = "play.example.com";
    private static final ControlSettings SETTINGS = new ControlSettings(20, "livecloud.internal",
            ControlSettings.DEFAULT_LIVE_CENTERS, 300, PUSH, PLAY);

    private final MutableClock clock = new MutableClock(T0.plusSeconds(10));
    private final ControlStore store = JdbcControlStore.open("jdbc:h2:mem:stats" + DATABASES.incrementAndGet()
            + ";DB_CLOSE_DELAY=-1", "sa", "");
    private TrafficStats stats = new TrafficStats(store, clock, () -> SETTINGS);
    private long ids;

    @AfterEach
    void close() {
        stats.close();
        store.close();
    }

    private SessionInfo session(Role role, Protocol protocol, String host, AtomicLong bytes) {
        StreamRequest r = new StreamRequest(protocol, role, host, "live", "cam", Map.of(), "10.0.0.1");
        return new SessionInfo(++ids, role, protocol, new StreamKey(PUSH, "live", "cam"), r, clock.instant(), bytes::get);
    }

    private List<StatsBucket> buckets(int seconds, String domain) {
        return stats.buckets(seconds, domain, T0.minusSeconds(3600), T0.plusSeconds(3600)).stream()
                .sorted(java.util.Comparator.comparing(StatsBucket::start).thenComparing(StatsBucket::protocol)).toList();
    }

    @Test
    void bytesGoToTheMinuteTheyMovedInAndTheFiveMinuteBucketHoldsThemAll() {
        AtomicLong in = new AtomicLong();
        AtomicLong out = new AtomicLong();
        SessionInfo publish = session(Role.PUBLISH, Protocol.RTMP, "127.0.0.1", in);
        SessionInfo play = session(Role.PLAY, Protocol.HTTP_FLV, PLAY, out);
        stats.sessionStarted(publish);
        stats.sessionStarted(play);
        in.set(1_000);
        out.set(900);
        clock.advance(Duration.ofSeconds(40)); // 10:00:50
        stats.flush();
        in.set(1_500);
        out.set(1_400);
        clock.advance(Duration.ofSeconds(20)); // 10:01:10: the 20 s since the last count are half in each minute
        stats.flush();
        in.set(2_000);
        out.set(2_000);
        clock.advance(Duration.ofSeconds(20)); // 10:01:30
        stats.sessionEnded(play, 2_100, "client closed");
        stats.sessionEnded(publish, 2_000, "unpublished");

        List<StatsBucket> up = buckets(60, PUSH);
        assertThat(up).extracting(StatsBucket::start, StatsBucket::bytesIn)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0, 1_250L),
                        org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(60), 750L));
        assertThat(up).allSatisfy(b -> assertThat(b.bytesOut()).isZero());
        List<StatsBucket> down = buckets(60, PLAY);
        assertThat(down).extracting(StatsBucket::bytesOut).containsExactly(1_150L, 950L);
        assertThat(down).extracting(StatsBucket::peakPlayers).containsExactly(1, 1);
        assertThat(down).allSatisfy(b -> assertThat(b.protocol()).isEqualTo("http-flv"));
        assertThat(buckets(300, PLAY)).singleElement().satisfies(b -> {
            assertThat(b.start()).isEqualTo(T0);
            assertThat(b.bytesOut()).isEqualTo(2_100);
        });
        assertThat(buckets(300, PUSH)).singleElement().satisfies(b -> assertThat(b.bytesIn()).isEqualTo(2_000));
    }

    @Test
    void peakPlayersIsTheMostLiveAtOnceAndPlaysFromAnAddressCountForTheDefaultPlayDomain() {
        SessionInfo a = session(Role.PLAY, Protocol.RTMP, "127.0.0.1", new AtomicLong());
        SessionInfo b = session(Role.PLAY, Protocol.RTMP, "localhost", new AtomicLong());
        SessionInfo c = session(Role.PLAY, Protocol.RTMP, PLAY + ".", new AtomicLong());
        stats.sessionStarted(a);
        stats.sessionStarted(b);
        stats.sessionEnded(b, 0, "left");
        stats.sessionStarted(c);
        assertThat(stats.playersNow(PLAY)).isEqualTo(Map.of("live/cam", Map.of("rtmp", 2)));
        clock.advance(Duration.ofMinutes(1)); // 10:01:10: a and c still play
        stats.sessionEnded(a, 0, "left");
        stats.flush();
        assertThat(stats.playersNow(PLAY)).isEqualTo(Map.of("live/cam", Map.of("rtmp", 1)));
        assertThat(buckets(60, PLAY)).extracting(StatsBucket::peakPlayers).containsExactly(2, 2);
        stats.sessionEnded(c, 0, "left");
        assertThat(stats.playersNow(PLAY)).isEmpty();
    }

    @Test
    void aRestartAddsToTheBucketsTheStoreHas() {
        AtomicLong out = new AtomicLong();
        SessionInfo first = session(Role.PLAY, Protocol.HLS, PLAY, out);
        stats.sessionStarted(first);
        stats.sessionEnded(first, 700, "idle");
        stats.close();
        stats = new TrafficStats(store, clock, () -> SETTINGS); // the node restarted within the minute
        SessionInfo second = session(Role.PLAY, Protocol.HLS, PLAY, new AtomicLong());
        stats.sessionStarted(second);
        stats.sessionEnded(second, 300, "idle");
        assertThat(buckets(60, PLAY)).singleElement().satisfies(b -> assertThat(b.bytesOut()).isEqualTo(1_000));
    }

    @Test
    void aSessionWhoseStartWasNeverSeenStillCountsItsBytesAtTheEnd() {
        SessionInfo unseen = session(Role.PUBLISH, Protocol.RTMP, PUSH, new AtomicLong());
        stats.sessionEnded(unseen, 4_242, "unpublished");
        assertThat(buckets(300, PUSH)).singleElement().satisfies(b -> assertThat(b.bytesIn()).isEqualTo(4_242));
    }
}
