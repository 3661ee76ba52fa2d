package io.livecloud.control.store;

import io.livecloud.control.domain.AuthConfig;
import io.livecloud.control.domain.CnameStatus;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainMapping;
import io.livecloud.control.domain.DomainStatus;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.snapshot.SnapshotConfig;
import io.livecloud.control.snapshot.SnapshotShot;
import io.livecloud.control.stats.StatsBucket;
import io.livecloud.control.stream.BlockedStream;
import io.livecloud.control.stream.PublishRecord;
import io.livecloud.control.transcode.TranscodeBinding;
import io.livecloud.control.transcode.TranscodeTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ControlStore} database must do, run against each one the product supports: a rule that held
 * only on H2 would break the first PostgreSQL install.
 */
abstract class ControlStoreContract {
    private static final Instant T0 = Instant.parse("2024-05-06T07:08:09.123Z");

    protected ControlStore store;

    /** A store on a database no other test has touched. */
    protected abstract ControlStore openFresh();

    /** The database of the last {@link #openFresh}, opened again as a restarted node would. */
    protected abstract ControlStore reopen();

    @BeforeEach
    void openStore() {
        store = openFresh();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    static Domain domain(String name, DomainType type, Instant created) {
        return new Domain(name, type, "cn-shanghai", "domestic", DomainStatus.ONLINE, name + ".livecloud.internal",
                CnameStatus.PENDING, false, new AuthConfig(true, "0123456789abcdef0123456789abcdef", "", 1800, false),
                created, created);
    }

    /** Every value each field can take, spread over four domains. */
    static List<Domain> everyKind() {
        return List.of(
                new Domain("push.example.com", DomainType.PUSH, "cn-shanghai", "domestic", DomainStatus.ONLINE,
                        "push.example.com.livecloud.internal", CnameStatus.CONFIGURED, true,
                        new AuthConfig(true, "primaryKey1", "backupKey2", 1800, false), T0, T0.plusMillis(1)),
                new Domain("play.example.com", DomainType.PLAY, "cn-beijing", "overseas", DomainStatus.OFFLINE,
                        "play.example.com.cdn.example.net", CnameStatus.PENDING, false,
                        new AuthConfig(false, "", "", 60, false), T0.plusSeconds(1), T0.plusSeconds(3600)),
                new Domain("expiry.example.com", DomainType.PLAY, "ap-southeast-1", "global", DomainStatus.ONLINE,
                        "expiry.example.com.livecloud.internal", CnameStatus.CONFIGURED, false,
                        new AuthConfig(true, "k".repeat(128), "", 365L * 24 * 3600, true), T0.plusSeconds(2),
                        T0.plusSeconds(2)),
                new Domain("old.example.com", DomainType.PUSH, "eu-west-1", "domestic", DomainStatus.OFFLINE,
                        "old.example.com.livecloud.internal", CnameStatus.PENDING, true,
                        new AuthConfig(false, "stillKept1", "stillKept2", 1, true),
                        Instant.parse("1969-12-31T23:59:59.999Z"), Instant.parse("2999-01-01T00:00:00Z")));
    }

    @Test
    void aNewStoreIsEmpty() {
        assertThat(store.domains()).isEmpty();
        assertThat(store.mappings()).isEmpty();
        assertThat(store.setting("admin.access-key")).isEmpty();
    }

    @Test
    void everyFieldRoundTrips() {
        List<Domain> all = everyKind();
        all.forEach(store::saveDomain);

        assertThat(store.domains()).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void instantsAreKeptToTheMillisecond() {
        Instant precise = Instant.parse("2024-05-06T07:08:09.123456789Z");
        Domain d = domain("ns.example.com", DomainType.PUSH, precise);
        store.saveDomain(d);

        Instant millis = precise.truncatedTo(ChronoUnit.MILLIS);
        assertThat(store.domains()).containsExactly(
                new Domain(d.name(), d.type(), d.region(), d.scope(), d.status(), d.cname(), d.cnameStatus(),
                        d.appIsolation(), d.auth(), millis, millis));
    }

    @Test
    void savingADomainAgainReplacesIt() {
        Domain d = domain("live.example.com", DomainType.PUSH, T0);
        store.saveDomain(d);
        store.saveDomain(domain("other.example.com", DomainType.PLAY, T0));

        Domain changed = d.withStatus(DomainStatus.OFFLINE, T0.plusSeconds(5))
                .withCnameStatus(CnameStatus.CONFIGURED, T0.plusSeconds(6))
                .withAppIsolation(true, T0.plusSeconds(7))
                .withAuth(new AuthConfig(false, "newPrimary1", "newBackup22", 42, true), T0.plusSeconds(8));
        store.saveDomain(changed);

        assertThat(store.domains()).containsExactly(changed, domain("other.example.com", DomainType.PLAY, T0));
    }

    @Test
    void deletingADomainDeletesItsMappings() {
        store.saveDomain(domain("p.example.com", DomainType.PUSH, T0));
        store.saveDomain(domain("q.example.com", DomainType.PUSH, T0));
        store.saveDomain(domain("a.example.com", DomainType.PLAY, T0));
        store.saveDomain(domain("b.example.com", DomainType.PLAY, T0));
        store.saveDomain(domain("c.example.com", DomainType.PLAY, T0));
        store.saveMapping(new DomainMapping("p.example.com", "a.example.com"));
        store.saveMapping(new DomainMapping("p.example.com", "b.example.com"));
        store.saveMapping(new DomainMapping("q.example.com", "c.example.com"));

        store.deleteDomain("p.example.com");
        assertThat(store.domains()).extracting(Domain::name)
                .containsExactly("a.example.com", "b.example.com", "c.example.com", "q.example.com");
        assertThat(store.mappings()).containsExactly(new DomainMapping("q.example.com", "c.example.com"));

        store.deleteDomain("c.example.com");
        assertThat(store.mappings()).isEmpty();
        assertThat(store.domains()).extracting(Domain::name)
                .containsExactly("a.example.com", "b.example.com", "q.example.com");
    }

    @Test
    void deletingAnUnknownDomainChangesNothing() {
        store.saveDomain(domain("p.example.com", DomainType.PUSH, T0));

        store.deleteDomain("nope.example.com");

        assertThat(store.domains()).extracting(Domain::name).containsExactly("p.example.com");
    }

    @Test
    void aPlayDomainHasAtMostOnePushDomain() {
        store.saveDomain(domain("p.example.com", DomainType.PUSH, T0));
        store.saveDomain(domain("q.example.com", DomainType.PUSH, T0));
        store.saveDomain(domain("a.example.com", DomainType.PLAY, T0));
        store.saveMapping(new DomainMapping("p.example.com", "a.example.com"));

        assertThatThrownBy(() -> store.saveMapping(new DomainMapping("q.example.com", "a.example.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a.example.com")
                .hasMessageContaining("p.example.com");
        assertThat(store.mappings()).containsExactly(new DomainMapping("p.example.com", "a.example.com"));

        // the very same mapping again is not a second push domain
        store.saveMapping(new DomainMapping("p.example.com", "a.example.com"));
        assertThat(store.mappings()).containsExactly(new DomainMapping("p.example.com", "a.example.com"));
    }

    @Test
    void aMappingNeedsBothDomainsStored() {
        store.saveDomain(domain("p.example.com", DomainType.PUSH, T0));

        assertThatThrownBy(() -> store.saveMapping(new DomainMapping("p.example.com", "ghost.example.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no such domain ghost.example.com");
        assertThatThrownBy(() -> store.saveMapping(new DomainMapping("ghost.example.com", "p.example.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no such domain ghost.example.com");
        assertThat(store.mappings()).isEmpty();
    }

    @Test
    void deleteMappingRemovesOnlyThatMapping() {
        store.saveDomain(domain("p.example.com", DomainType.PUSH, T0));
        store.saveDomain(domain("q.example.com", DomainType.PUSH, T0));
        store.saveDomain(domain("a.example.com", DomainType.PLAY, T0));
        store.saveDomain(domain("b.example.com", DomainType.PLAY, T0));
        store.saveMapping(new DomainMapping("p.example.com", "a.example.com"));
        store.saveMapping(new DomainMapping("p.example.com", "b.example.com"));

        store.deleteMapping(new DomainMapping("q.example.com", "a.example.com")); // not stored: nothing happens
        store.deleteMapping(new DomainMapping("p.example.com", "a.example.com"));

        assertThat(store.mappings()).containsExactly(new DomainMapping("p.example.com", "b.example.com"));
        assertThat(store.domains()).hasSize(4);
        // the play domain is free for another push domain now
        store.saveMapping(new DomainMapping("q.example.com", "a.example.com"));
        assertThat(store.mappings()).containsExactly(new DomainMapping("p.example.com", "b.example.com"),
                new DomainMapping("q.example.com", "a.example.com"));
    }

    @Test
    void settingsAreAbsentThenPresentThenOverwritten() {
        assertThat(store.setting("admin.access-key")).isEmpty();

        store.saveSetting("admin.access-key", "LTAI5tFirst");
        store.saveSetting("admin.access-secret", "");
        assertThat(store.setting("admin.access-key")).contains("LTAI5tFirst");
        assertThat(store.setting("admin.access-secret")).contains("");

        store.saveSetting("admin.access-key", "LTAI5tSecond");
        assertThat(store.setting("admin.access-key")).contains("LTAI5tSecond");
        assertThat(store.setting("admin.access-secret")).contains("");
        assertThat(store.setting("Admin.Access-Key")).isEmpty();

        String large = "直播".repeat(5000) + "\n'\";--";
        store.saveSetting("blob", large);
        assertThat(store.setting("blob")).contains(large);
    }

    @Test
    void domainsComeByCreationThenNameAndMappingsByPushThenPlay() {
        store.saveDomain(domain("z.example.com", DomainType.PLAY, T0.plusSeconds(2)));
        store.saveDomain(domain("ab.example.com", DomainType.PLAY, T0.plusSeconds(1)));
        store.saveDomain(domain("b.example.com", DomainType.PUSH, T0.plusSeconds(1)));
        store.saveDomain(domain("a-b.example.com", DomainType.PLAY, T0.plusSeconds(1)));
        store.saveDomain(domain("y.example.com", DomainType.PUSH, T0));
        store.saveDomain(domain("late.example.com", DomainType.PUSH, T0.plusMillis(1001)));

        // code-point order for names, whatever the database's collation: '-' sorts before letters
        assertThat(store.domains()).extracting(Domain::name).containsExactly("y.example.com", "a-b.example.com",
                "ab.example.com", "b.example.com", "late.example.com", "z.example.com");

        store.saveMapping(new DomainMapping("y.example.com", "z.example.com"));
        store.saveMapping(new DomainMapping("b.example.com", "ab.example.com"));
        store.saveMapping(new DomainMapping("y.example.com", "a-b.example.com"));
        assertThat(store.mappings()).containsExactly(new DomainMapping("b.example.com", "ab.example.com"),
                new DomainMapping("y.example.com", "a-b.example.com"), new DomainMapping("y.example.com", "z.example.com"));
    }

    @Test
    void aValueTheSchemaCannotHoldIsRefused() {
        Domain tooLong = domain("x".repeat(300) + ".example.com", DomainType.PUSH, T0);

        assertThatThrownBy(() -> store.saveDomain(tooLong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot save domain");
        assertThat(store.domains()).isEmpty();
    }

    @Test
    void everythingSurvivesARestart() {
        List<Domain> all = everyKind();
        all.forEach(store::saveDomain);
        store.saveMapping(new DomainMapping("push.example.com", "play.example.com"));
        store.saveMapping(new DomainMapping("push.example.com", "expiry.example.com"));
        store.saveSetting("admin.access-key", "LTAI5tKey");
        store.saveSetting("admin.access-secret", "secret");
        List<Domain> domains = store.domains();
        List<DomainMapping> mappings = store.mappings();

        store.close();
        store = reopen();

        assertThat(store.domains()).isEqualTo(domains).containsExactlyInAnyOrderElementsOf(all);
        assertThat(store.mappings()).isEqualTo(mappings).hasSize(2);
        assertThat(store.setting("admin.access-key")).contains("LTAI5tKey");
        assertThat(store.setting("admin.access-secret")).contains("secret");

        // and the reopened store still writes
        store.deleteDomain("play.example.com");
        assertThat(store.mappings()).containsExactly(new DomainMapping("push.example.com", "expiry.example.com"));
    }

    @Test
    void concurrentUpsertsOfANewKeyAllSucceed() throws Exception {
        int threads = 4;
        int rounds = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                String name = "race" + round + ".example.com";
                String key = "race." + round;
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int n = t;
                    done.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        store.saveDomain(domain(name, DomainType.PUSH, T0.plusMillis(n)));
                        store.saveSetting(key, "v" + n);
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertThat(store.setting(key)).hasValueSatisfying(v -> assertThat(v).matches("v[0-3]"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.domains()).hasSize(rounds);
    }

    // ---- stream management ----------------------------------------------------------------------------------

    @Test
    void theBlockListRoundTripsIsReplacedAndDeletedAndSurvivesARestart() {
        BlockedStream forever = new BlockedStream("push.example.com", "live", "a", null, T0);
        BlockedStream until = new BlockedStream("push.example.com", "live", "b-=_X", T0.plusSeconds(60), T0.plusMillis(1));
        BlockedStream other = new BlockedStream("other.example.com", "app2", "a", T0.plusSeconds(5), T0);
        store.saveBlockedStream(until);
        store.saveBlockedStream(forever);
        store.saveBlockedStream(other);
        assertThat(store.blockedStreams()).containsExactly(other, forever, until);

        BlockedStream changed = new BlockedStream("push.example.com", "live", "a", T0.plusSeconds(30), T0.plusSeconds(2));
        store.saveBlockedStream(changed);
        store.deleteBlockedStream("other.example.com", "app2", "a");
        store.deleteBlockedStream("nope.example.com", "live", "a"); // nothing there: nothing happens
        assertThat(store.blockedStreams()).containsExactly(changed, until);

        BlockedStream longest = new BlockedStream("push.example.com", "a".repeat(256), "s".repeat(256), null, T0);
        store.saveBlockedStream(longest);
        store.close();
        store = reopen();
        assertThat(store.blockedStreams()).containsExactlyInAnyOrder(changed, until, longest);
    }

    static PublishRecord session(String id, String domain, String stream, Instant start, Instant stop) {
        PublishRecord r = new PublishRecord(id, domain, "live", stream, "rtmp", "10.0.0.7", "node-1",
                "rtmp://" + domain + "/live/" + stream + "?vhost=x", start, null, null, 0);
        return stop == null ? r : r.ended(stop, "client disconnected", 123_456_789_012L);
    }

    @Test
    void publishSessionsAreFoundByOverlapWithTheWindow() {
        PublishRecord before = session("r-1", "push.example.com", "a", T0, T0.plusSeconds(10));
        PublishRecord across = session("r-2", "push.example.com", "b", T0.plusSeconds(50), T0.plusSeconds(150));
        PublishRecord inside = session("r-3", "push.example.com", "c", T0.plusSeconds(110), T0.plusSeconds(120));
        PublishRecord live = session("r-4", "push.example.com", "d", T0.plusSeconds(60), null);
        PublishRecord after = session("r-5", "push.example.com", "e", T0.plusSeconds(300), null);
        PublishRecord elsewhere = session("r-6", "other.example.com", "b", T0.plusSeconds(100), null);
        for (PublishRecord r : List.of(before, across, inside, live, after, elsewhere)) {
            store.savePublishSession(r);
        }

        assertThat(store.publishSessions("push.example.com", T0.plusSeconds(100), T0.plusSeconds(200)))
                .containsExactlyInAnyOrder(across, inside, live);
        // the bounds are inclusive: a session that stopped at the window's start, or started at its end, counts
        assertThat(store.publishSessions("push.example.com", T0.plusSeconds(10), T0.plusSeconds(50)))
                .containsExactlyInAnyOrder(before, across);
        assertThat(store.publishSessions("nope.example.com", T0, T0.plusSeconds(1000))).isEmpty();

        // the end of a session replaces its start
        PublishRecord ended = live.ended(T0.plusSeconds(70), "forbidden by the operator (ForbidLiveStream)", 42);
        store.savePublishSession(ended);
        assertThat(store.publishSessions("push.example.com", T0.plusSeconds(100), T0.plusSeconds(200)))
                .containsExactlyInAnyOrder(across, inside);
        assertThat(store.publishSessions("push.example.com", T0.plusSeconds(65), T0.plusSeconds(65))).contains(ended);
    }

    @Test
    void oldSessionsArePrunedAndOpenOnesOfANodeEnded() {
        store.savePublishSession(session("old", "push.example.com", "a", T0, T0.plusSeconds(1)));
        store.savePublishSession(session("open-here", "push.example.com", "b", T0.plusSeconds(100), null));
        store.savePublishSession(new PublishRecord("open-there", "push.example.com", "live", "c", "rtmp", "10.0.0.8",
                "node-2", "rtmp://push.example.com/live/c", T0.plusSeconds(100), null, null, 0));

        assertThat(store.deletePublishSessionsBefore(T0.plusSeconds(50))).isEqualTo(1);
        assertThat(store.endOpenPublishSessions("node-1", T0.plusSeconds(200), "node stopped")).isEqualTo(1);

        List<PublishRecord> left = store.publishSessions("push.example.com", T0, T0.plusSeconds(1000));
        assertThat(left).extracting(PublishRecord::id).containsExactlyInAnyOrder("open-here", "open-there");
        PublishRecord here = left.stream().filter(r -> r.id().equals("open-here")).findFirst().orElseThrow();
        assertThat(here.stop()).isEqualTo(T0.plusSeconds(200));
        assertThat(here.stopReason()).isEqualTo("node stopped");
        assertThat(left.stream().filter(r -> r.id().equals("open-there")).findFirst().orElseThrow().stop())
                .as("another node's live session is left alone").isNull();
    }

    // ---- statistics (V3) ------------------------------------------------------------------------------------

    private static StatsBucket bucket(int seconds, Instant start, String stream, long in, long out, int peak) {
        return new StatsBucket(seconds, start, "play.example.com", "live", stream, "http-flv", in, out, peak);
    }

    @Test
    void statisticsBucketsAddUpAndKeepTheHigherPeak() {
        Instant minute = Instant.parse("2024-05-06T07:08:00Z");
        store.addStatsBuckets(List.of(bucket(60, minute, "a", 0, 1000, 3), bucket(60, minute.plusSeconds(60), "a", 0, 5, 1),
                bucket(300, Instant.parse("2024-05-06T07:05:00Z"), "a", 0, 1005, 3)));
        store.addStatsBuckets(List.of(bucket(60, minute, "a", 7, 500, 2), bucket(60, minute, "b", 0, 1, 1)));

        List<StatsBucket> got = store.statsBuckets(60, "play.example.com", minute, minute.plusSeconds(60));
        assertThat(got).containsExactlyInAnyOrder(bucket(60, minute, "a", 7, 1500, 3), bucket(60, minute, "b", 0, 1, 1));
        assertThat(store.statsBuckets(60, "play.example.com", minute, minute.plusSeconds(120))).hasSize(3);
        assertThat(store.statsBuckets(300, "play.example.com", minute.minusSeconds(300), minute.plusSeconds(300)))
                .containsExactly(bucket(300, Instant.parse("2024-05-06T07:05:00Z"), "a", 0, 1005, 3));
        assertThat(store.statsBuckets(60, "other.example.com", minute, minute.plusSeconds(120))).isEmpty();

        assertThat(store.deleteStatsBucketsBefore(60, minute.plusSeconds(60))).isEqualTo(2);
        assertThat(store.statsBuckets(60, "play.example.com", minute, minute.plusSeconds(120)))
                .containsExactly(bucket(60, minute.plusSeconds(60), "a", 0, 5, 1));
        assertThat(store.statsBuckets(300, "play.example.com", minute.minusSeconds(300), minute)).hasSize(1);
    }

    @Test
    void concurrentStatisticsWritesOfOneBucketLoseNothing() throws Exception {
        // two nodes on one database adding to the same new bucket: one insert loses the race and is retried
        Instant minute = Instant.parse("2024-05-06T07:08:00Z");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CyclicBarrier start = new CyclicBarrier(4);
            List<Future<?>> writes = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                writes.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 25; i++) {
                        store.addStatsBuckets(List.of(bucket(60, minute.plusSeconds(60L * i), "a", 0, 10, 1)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : writes) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<StatsBucket> got = store.statsBuckets(60, "play.example.com", minute, minute.plusSeconds(60L * 25));
        assertThat(got).hasSize(25).allSatisfy(b -> assertThat(b.bytesOut()).isEqualTo(40));
    }

    @Test
    void transcodeBindingsSurviveARestartWithEveryTemplateValueAndGoWithTheirDomain() {
        store.saveDomain(domain("play.example.com", DomainType.PLAY, T0));
        store.saveDomain(domain("other.example.com", DomainType.PLAY, T0));
        TranscodeBinding standard = new TranscodeBinding("play.example.com", "*", TranscodeTemplate.standard("lud")
                .orElseThrow(), false, T0.plusSeconds(1));
        TranscodeBinding custom = new TranscodeBinding("play.example.com", "live", TranscodeTemplate.custom("mobile-1",
                0, 240, 15, 300, 30, "baseline", "aac", 48, 48000, 1), true, T0.plusSeconds(2));
        TranscodeBinding elsewhere = new TranscodeBinding("other.example.com", "live", TranscodeTemplate.standard("lld")
                .orElseThrow(), true, T0.plusSeconds(3));
        store.saveTranscodeBinding(standard);
        store.saveTranscodeBinding(custom);
        store.saveTranscodeBinding(elsewhere);
        assertThatThrownBy(() -> store.saveTranscodeBinding(custom)).as("the same domain, app and template twice")
                .isInstanceOf(IllegalArgumentException.class);
        store.close();
        store = reopen();
        assertThat(store.transcodeBindings()).containsExactlyInAnyOrder(standard, custom, elsewhere);

        store.deleteTranscodeBinding("play.example.com", "*", "lud");
        assertThat(store.transcodeBindings()).containsExactlyInAnyOrder(custom, elsewhere);
        store.deleteDomain("play.example.com");
        assertThat(store.transcodeBindings()).containsExactly(elsewhere);
    }

    @Test
    void snapshotConfigsAreReplacedSurviveARestartAndGoWithTheirDomain() {
        store.saveDomain(domain("push.example.com", DomainType.PUSH, T0));
        store.saveDomain(domain("other.example.com", DomainType.PUSH, T0));
        SnapshotConfig live = new SnapshotConfig("push.example.com", "live", 5, "", "", "{AppName}/{StreamName}.jpg",
                "", T0.plusSeconds(1), T0.plusSeconds(1));
        SnapshotConfig any = new SnapshotConfig("push.example.com", "*", 3600, "oss-cn-shanghai.aliyuncs.com", "shots",
                "", "snapshot/{AppName}/{StreamName}/{UnixTimestamp}.jpg", T0.plusSeconds(2), T0.plusSeconds(2));
        SnapshotConfig elsewhere = new SnapshotConfig("other.example.com", "live", 60, "", "", "a.jpg", "b/{UnixTimestamp}.jpg",
                T0.plusSeconds(3), T0.plusSeconds(3));
        store.saveSnapshotConfig(live);
        store.saveSnapshotConfig(any);
        store.saveSnapshotConfig(elsewhere);
        SnapshotConfig changed = new SnapshotConfig("push.example.com", "live", 10, "", "", "", "s/{UnixTimestamp}.jpg",
                live.created(), T0.plusSeconds(9));
        store.saveSnapshotConfig(changed);
        assertThatThrownBy(() -> store.saveSnapshotConfig(new SnapshotConfig("nowhere.example.com", "live", 5, "", "",
                "a.jpg", "", T0, T0))).as("a configuration of a domain not stored").isInstanceOf(IllegalArgumentException.class);
        store.close();
        store = reopen();
        assertThat(store.snapshotConfigs()).containsExactlyInAnyOrder(changed, any, elsewhere);

        store.deleteSnapshotConfig("push.example.com", "*");
        assertThat(store.snapshotConfigs()).containsExactlyInAnyOrder(changed, elsewhere);
        store.deleteDomain("push.example.com");
        assertThat(store.snapshotConfigs()).containsExactly(elsewhere);
    }

    private static SnapshotShot shot(String stream, String object, boolean overwrite, Instant at) {
        return new SnapshotShot("push.example.com", "live", stream, "", "", object, overwrite, 1280, 720,
                "file:///data/storage/" + object, at.toEpochMilli() - T0.toEpochMilli(), at);
    }

    @Test
    void snapshotsAreFoundByStreamAndTimeInEitherOrderOverwritesReplaceAndOldRowsGo() {
        List<SnapshotShot> cam = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            SnapshotShot s = shot("cam", "snapshot/live/cam/" + (1000 + i * 5) + ".jpg", false, T0.plusSeconds(i * 5L));
            cam.add(s);
            store.saveSnapshot(s);
        }
        store.saveSnapshot(shot("other", "snapshot/live/other/1000.jpg", false, T0));
        store.saveSnapshot(shot("cam", "live/cam.jpg", true, T0));
        SnapshotShot overwritten = shot("cam", "live/cam.jpg", true, T0.plusSeconds(25));
        store.saveSnapshot(overwritten);

        List<SnapshotShot> all = store.snapshots("push.example.com", "live", "cam", T0, T0.plusSeconds(3600), 100, false);
        assertThat(all).as("one row for the overwrite object, the newest").hasSize(7).contains(overwritten)
                .filteredOn(SnapshotShot::overwrite).containsExactly(overwritten);
        assertThat(all).extracting(SnapshotShot::created).isSorted();
        assertThat(store.snapshots("push.example.com", "live", "cam", T0.plusSeconds(5), T0.plusSeconds(15), 100, false))
                .as("[from, to)").containsExactly(cam.get(1), cam.get(2));
        assertThat(store.snapshots("push.example.com", "live", "cam", T0, T0.plusSeconds(3600), 2, true))
                .as("newest first, limited").extracting(SnapshotShot::created)
                .containsExactly(T0.plusSeconds(25), T0.plusSeconds(25));

        assertThat(store.trimSnapshots("push.example.com", "live", "cam", 3)).isEqualTo(4);
        assertThat(store.snapshots("push.example.com", "live", "cam", T0, T0.plusSeconds(3600), 100, false))
                .containsExactlyInAnyOrder(cam.get(4), cam.get(5), overwritten);
        assertThat(store.trimSnapshots("push.example.com", "live", "cam", 3)).isZero();
        assertThat(store.deleteSnapshotsBefore(T0.plusSeconds(1))).as("only the other stream's row is that old").isEqualTo(1);
        store.close();
        store = reopen();
        assertThat(store.snapshots("push.example.com", "live", "cam", T0, T0.plusSeconds(3600), 100, false)).hasSize(3);
        assertThat(store.snapshots("push.example.com", "live", "other", T0, T0.plusSeconds(3600), 100, false)).isEmpty();
    }

    @Test
    void recordConfigsKeepTheirFormatsInOrderSurviveARestartAndGoWithTheirDomain() {
        store.saveDomain(domain("push.example.com", DomainType.PUSH, T0));
        store.saveDomain(domain("other.example.com", DomainType.PUSH, T0));
        io.livecloud.control.record.RecordConfig app = new io.livecloud.control.record.RecordConfig("push.example.com",
                "live", "", "", "", List.of(
                io.livecloud.control.record.RecordFormat.of("mp4", null, null, 60, null, false),
                io.livecloud.control.record.RecordFormat.of("m3u8", "hls/{StreamName}/{UnixTimestamp}",
                        "hls/{StreamName}/{UnixTimestamp}-{Sequence}", 120, 6, false),
                io.livecloud.control.record.RecordFormat.of("flv", null, null, null, null, false)),
                0, 180, T0.plusSeconds(1));
        io.livecloud.control.record.RecordConfig one = new io.livecloud.control.record.RecordConfig("push.example.com",
                "live", "cam", "http://127.0.0.1:9000", "recordings", List.of(
                io.livecloud.control.record.RecordFormat.of("flv", "x/{EscapedStartTime}", null, 15, null, true)),
                1, 15, T0.plusSeconds(2));
        io.livecloud.control.record.RecordConfig elsewhere = new io.livecloud.control.record.RecordConfig(
                "other.example.com", "live", "", "", "", List.of(
                io.livecloud.control.record.RecordFormat.of("flv", null, null, null, null, false)), 0, 60,
                T0.plusSeconds(3));
        store.saveRecordConfig(app);
        store.saveRecordConfig(one);
        store.saveRecordConfig(elsewhere);
        assertThatThrownBy(() -> store.saveRecordConfig(one)).as("the same domain, app and stream twice")
                .isInstanceOf(IllegalArgumentException.class);
        store.close();
        store = reopen();
        assertThat(store.recordConfigs()).containsExactlyInAnyOrder(app, one, elsewhere);
        assertThat(store.recordConfigs()).filteredOn(c -> c.stream().isEmpty() && c.domain().equals("push.example.com"))
                .singleElement().satisfies(c -> assertThat(c.formats()).extracting(
                        io.livecloud.control.record.RecordFormat::format).containsExactly("mp4", "m3u8", "flv"));

        store.deleteRecordConfig("push.example.com", "live", "cam");
        assertThat(store.recordConfigs()).containsExactlyInAnyOrder(app, elsewhere);
        store.deleteDomain("push.example.com");
        assertThat(store.recordConfigs()).containsExactly(elsewhere);
    }

    @Test
    void recordFilesAreFoundByOverlapWithTheWindowAndOutliveTheirDomain() {
        store.saveDomain(domain("push.example.com", DomainType.PUSH, T0));
        Instant t = Instant.parse("2024-05-06T07:00:00Z");
        io.livecloud.control.record.RecordFile first = recordFile("r1", "cam", t, t.plusSeconds(60));
        io.livecloud.control.record.RecordFile second = recordFile("r2", "cam", t.plusSeconds(60), t.plusSeconds(90));
        io.livecloud.control.record.RecordFile other = recordFile("r3", "other", t, t.plusSeconds(60));
        store.saveRecordFile(second);
        store.saveRecordFile(first);
        store.saveRecordFile(other);
        assertThatThrownBy(() -> store.saveRecordFile(first)).isInstanceOf(IllegalArgumentException.class);
        store.close();
        store = reopen();
        assertThat(store.recordFiles("push.example.com", "live", "cam", t.minusSeconds(3600), t.plusSeconds(3600)))
                .containsExactly(first, second);
        assertThat(store.recordFiles("push.example.com", "live", "cam", t.plusSeconds(59), t.plusSeconds(61)))
                .containsExactly(first, second);
        assertThat(store.recordFiles("push.example.com", "live", "cam", t.plusSeconds(60), t.plusSeconds(61)))
                .as("a file ending where the window starts is outside it").containsExactly(second);
        assertThat(store.recordFiles("push.example.com", "live", "cam", t.plusSeconds(90), t.plusSeconds(100))).isEmpty();
        store.deleteDomain("push.example.com");
        assertThat(store.recordFiles("push.example.com", "live", "other", t, t.plusSeconds(1))).containsExactly(other);
    }

    private static io.livecloud.control.record.RecordFile recordFile(String id, String stream, Instant start, Instant end) {
        return new io.livecloud.control.record.RecordFile(id, "push.example.com", "live", stream, "mp4", "", "",
                "record/live/" + stream + "/" + id + ".mp4", "file:///data/storage/record/live/" + stream + "/" + id
                + ".mp4", (end.toEpochMilli() - start.toEpochMilli()) / 1000.0, 640, 360, start, end,
                end.plusSeconds(1));
    }
}
