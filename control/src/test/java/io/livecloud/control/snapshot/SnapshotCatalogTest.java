package io.livecloud.control.snapshot;

import io.livecloud.control.ControlException;
import io.livecloud.control.TestStores;
import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.store.ControlStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotCatalogTest {
    private static final String SEQ = "snapshot/{AppName}/{StreamName}/{UnixTimestamp}.jpg";
    private final ControlStore store = TestStores.fresh();
    private final DomainCatalog domains = new DomainCatalog(store, ControlSettings.defaults(), Clock.systemUTC());
    private SnapshotCatalog snapshots;

    @BeforeEach
    void domains() {
        domains.add("push.example.com", DomainType.PUSH, "cn-shanghai", null);
        domains.add("play.example.com", DomainType.PLAY, "cn-shanghai", null);
        domains.add("lonely.example.com", DomainType.PLAY, "cn-shanghai", null);
        domains.map("push.example.com", "play.example.com");
        snapshots = new SnapshotCatalog(store, domains, Clock.systemUTC(), (endpoint, bucket) -> {
            if (!bucket.isEmpty()) {
                throw new IllegalArgumentException("no object storage is configured on this node");
            }
        });
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static void refused(Runnable r, String code) {
        assertThatThrownBy(r::run).isInstanceOf(ControlException.class).extracting(e -> ((ControlException) e).code())
                .isEqualTo(code);
    }

    @Test
    void aPlayDomainStandsForItsPushDomainAndAnAppsOwnConfigWinsOverTheStar() {
        SnapshotConfig any = snapshots.add("play.example.com", "*", 60, null, null, "{AppName}/{StreamName}.jpg", null);
        assertThat(any.domain()).isEqualTo("push.example.com");
        assertThat(any.sequences()).isFalse();
        snapshots.add("push.example.com", "live", 5, null, "", null, SEQ);
        assertThat(snapshots.configFor("push.example.com", "live").orElseThrow().intervalSeconds()).isEqualTo(5);
        assertThat(snapshots.configFor("push.example.com", "other").orElseThrow().intervalSeconds()).isEqualTo(60);
        assertThat(snapshots.configFor("play.example.com", "live")).as("streams live under the push domain").isEmpty();
        assertThat(snapshots.list("play.example.com", null)).extracting(SnapshotConfig::app).containsExactly("*", "live");
        refused(() -> snapshots.add("lonely.example.com", "live", 5, null, null, "a.jpg", null), "InvalidDomain.NotMapped");
        refused(() -> snapshots.add("push.example.com", "live", 5, null, null, "a.jpg", null), "ConfigAlreadyExists");
    }

    @Test
    void badValuesGetTheCloudsCodesAndChangeNothing() {
        refused(() -> snapshots.add("push.example.com", "live", 4, null, null, "a.jpg", null), "InvalidTimeInterval.Malformed");
        refused(() -> snapshots.add("push.example.com", "live", 3601, null, null, "a.jpg", null), "InvalidTimeInterval.Malformed");
        refused(() -> snapshots.add("push.example.com", "live", 5, null, null, null, " "), "MissingParameter");
        refused(() -> snapshots.add("push.example.com", "live", 5, null, null, "a.png", null), "InvalidOverwriteOssObject.Malformed");
        refused(() -> snapshots.add("push.example.com", "live", 5, null, null, "../a.jpg", null), "InvalidOverwriteOssObject.Malformed");
        refused(() -> snapshots.add("push.example.com", "live", 5, null, null, "/a.jpg", null), "InvalidOverwriteOssObject.Malformed");
        refused(() -> snapshots.add("push.example.com", "live", 5, null, null, "{Domain}.jpg", null), "InvalidOverwriteOssObject.Malformed");
        refused(() -> snapshots.add("push.example.com", "live", 5, null, null, null, "s/{StreamName}.jpg"),
                "InvalidSequenceOssObject.Malformed");
        refused(() -> snapshots.add("push.example.com", "live", 5, null, "bucket", "a.jpg", null), "InvalidOssBucket.Unavailable");
        refused(() -> snapshots.add("push.example.com", "li ve", 5, null, null, "a.jpg", null), "InvalidAppName.Malformed");
        refused(() -> snapshots.add("nowhere.example.com", "live", 5, null, null, "a.jpg", null), "InvalidDomain.NotFound");
        assertThat(snapshots.list("push.example.com", null)).isEmpty();
        assertThat(store.snapshotConfigs()).isEmpty();
    }

    @Test
    void anUpdateKeepsWhatItDoesNotSetADeleteRemovesAndBothSurviveARestart() {
        snapshots.add("push.example.com", "live", 5, null, null, "{StreamName}.jpg", null);
        SnapshotConfig updated = snapshots.update("play.example.com", "live", 10, null, null, null, SEQ);
        assertThat(updated.intervalSeconds()).isEqualTo(10);
        assertThat(updated.overwriteObject()).isEqualTo("{StreamName}.jpg");
        assertThat(updated.sequenceObject()).isEqualTo(SEQ);
        refused(() -> snapshots.update("push.example.com", "live", 2, null, null, null, null), "InvalidTimeInterval.Malformed");
        refused(() -> snapshots.update("push.example.com", "other", 10, null, null, null, null), "InvalidConfig.NotFound");
        SnapshotCatalog reloaded = new SnapshotCatalog(store, domains, Clock.systemUTC(), (e, b) -> { });
        assertThat(reloaded.configFor("push.example.com", "live")).contains(updated);
        snapshots.delete("push.example.com", "live");
        assertThat(snapshots.configFor("push.example.com", "live")).isEmpty();
        refused(() -> snapshots.delete("push.example.com", "live"), "InvalidConfig.NotFound");
    }

    @Test
    void aDomainDeletedAndAddedAgainStartsWithoutConfigs() {
        snapshots.add("push.example.com", "live", 5, null, null, "a.jpg", null);
        domains.delete("play.example.com");
        domains.delete("push.example.com");
        domains.add("push.example.com", DomainType.PUSH, "cn-shanghai", null);
        assertThat(snapshots.configFor("push.example.com", "live")).isEmpty();
    }

    @Test
    void namesExpandTheirVariables() {
        assertThat(SnapshotNaming.expand(SEQ, "live", "cam", Instant.ofEpochSecond(1_700_000_123, 900_000_000)))
                .isEqualTo("snapshot/live/cam/1700000123.jpg");
    }

    @Test
    void theIndexKeepsTheNewestRowsOfAStream() {
        SnapshotCatalog small = new SnapshotCatalog(store, domains, Clock.systemUTC(), (e, b) -> { }, 10, Duration.ofDays(1));
        Instant t0 = Instant.ofEpochMilli(Clock.systemUTC().millis());
        for (int i = 0; i < 60; i++) {
            small.record(new SnapshotShot("push.example.com", "live", "cam", "", "", "s/" + i + ".jpg", false, 640, 360,
                    "file:///s/" + i + ".jpg", i * 5000L, t0.plusSeconds(i)));
        }
        // trimmed to 10 after the 50th row, then 10 more came
        assertThat(small.shots("push.example.com", "live", "cam", t0, t0.plusSeconds(3600), 100, false))
                .hasSize(20).first().extracting(SnapshotShot::ossObject).isEqualTo("s/40.jpg");
    }
}
