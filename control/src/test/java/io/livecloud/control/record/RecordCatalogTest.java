package io.livecloud.control.record;

import io.livecloud.control.ControlException;
import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.store.ControlStore;
import io.livecloud.control.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordCatalogTest {
    private final ControlStore store = TestStores.fresh();
    private final DomainCatalog domains = new DomainCatalog(store, ControlSettings.defaults(), Clock.systemUTC());
    private final RecordCatalog catalog = new RecordCatalog(store, domains, Clock.systemUTC(), (endpoint, bucket) -> {
        if (bucket != null && !bucket.isBlank()) {
            throw new IllegalArgumentException("no object storage is configured on this node");
        }
    });

    RecordCatalogTest() {
        domains.add("push.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        domains.add("play.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        domains.add("lonely.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        domains.map("push.example.com", "play.example.com");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static void refused(Runnable r, String code) {
        assertThatThrownBy(r::run).isInstanceOf(ControlException.class).extracting(e -> ((ControlException) e).code())
                .isEqualTo(code);
    }

    private static List<RecordFormat> mp4() {
        return List.of(RecordFormat.of("mp4", null, null, null, null, false));
    }

    @Test
    void aPlayDomainStandsForItsPushDomainAndAStreamsOwnConfigWins() {
        RecordConfig app = catalog.add("play.example.com", "live", null, null, null, mp4(), null, null);
        assertThat(app.domain()).isEqualTo("push.example.com");
        assertThat(app.onDemand()).isEqualTo(RecordConfig.ALWAYS);
        assertThat(app.delayTime()).isEqualTo(180);
        assertThat(app.formats().get(0).ossObjectPrefix()).isEqualTo(RecordFormat.DEFAULT_PREFIX);
        assertThat(app.formats().get(0).cycleDuration()).isEqualTo(3600);
        RecordConfig cam = catalog.add("push.example.com", "live", "cam", "", "", List.of(
                RecordFormat.of("flv", "cams/{EscapedStartTime}", null, 15, null, true)), 1, 15);

        assertThat(catalog.configFor("push.example.com", "live", "cam")).contains(cam);
        assertThat(catalog.configFor("push.example.com", "live", "other")).contains(app);
        assertThat(catalog.configFor("push.example.com", "vod", "cam")).isEmpty();
        assertThat(catalog.list("play.example.com", null, null)).containsExactly(app, cam);
        refused(() -> catalog.add("push.example.com", "live", "cam", "", "", mp4(), 0, 60), "ConfigAlreadyExists");

        catalog.delete("play.example.com", "live", "cam");
        assertThat(catalog.configFor("push.example.com", "live", "cam")).contains(app);
        refused(() -> catalog.delete("push.example.com", "live", "cam"), "InvalidConfig.NotFound");
        // survives a restart of the catalog (the store is the truth)
        assertThat(new RecordCatalog(store, domains, Clock.systemUTC(), (e, b) -> { })
                .configFor("push.example.com", "live", "x")).contains(app);
    }

    @Test
    void badParametersAreRefusedWithTheCloudsCodes() {
        refused(() -> catalog.add("lonely.example.com", "live", null, null, null, mp4(), null, null),
                "InvalidDomain.NotMapped");
        refused(() -> catalog.add("nope.example.com", "live", null, null, null, mp4(), null, null), "InvalidDomain.NotFound");
        refused(() -> catalog.add("push.example.com", "li ve", null, null, null, mp4(), null, null), "InvalidAppName.Malformed");
        refused(() -> catalog.add("push.example.com", "live", null, null, null, List.of(), null, null), "MissingParameter");
        refused(() -> catalog.add("push.example.com", "live", null, null, null, List.of(
                RecordFormat.of("mp4", null, null, null, null, false),
                RecordFormat.of("mp4", null, null, 60, null, false)), null, null), "InvalidFormat.Duplicate");
        refused(() -> catalog.add("push.example.com", "live", null, null, null, mp4(), 2, null), "InvalidOnDemand.Malformed");
        refused(() -> catalog.add("push.example.com", "live", null, null, null, mp4(), null, 14), "InvalidDelayTime.Malformed");
        refused(() -> catalog.add("push.example.com", "live", null, null, "bucket", mp4(), null, null),
                "InvalidOssBucket.Unavailable");
        refused(() -> RecordFormat.of("avi", null, null, null, null, false), "InvalidFormat.Malformed");
        refused(() -> RecordFormat.of("mp4", null, null, 14, null, false), "InvalidCycleDuration.Malformed");
        refused(() -> RecordFormat.of("mp4", null, null, 21601, null, false), "InvalidCycleDuration.Malformed");
        refused(() -> RecordFormat.of("mp4", "rec/{StreamName}", null, null, null, false), "InvalidOssObjectPrefix.Malformed");
        refused(() -> RecordFormat.of("mp4", "rec/{UnixTimestamp}", null, null, null, false),
                "InvalidOssObjectPrefix.Malformed"); // every stream of the app would share the name
        refused(() -> RecordFormat.of("mp4", "rec/{Nope}/{UnixTimestamp}", null, null, null, true),
                "InvalidOssObjectPrefix.Malformed");
        refused(() -> RecordFormat.of("mp4", "../{StreamName}/{UnixTimestamp}", null, null, null, true),
                "InvalidOssObjectPrefix.Malformed");
        refused(() -> RecordFormat.of("mp4", null, "x/{Sequence}", null, null, false),
                "InvalidSliceOssObjectPrefix.Malformed");
        refused(() -> RecordFormat.of("m3u8", null, "x/{StreamName}/{UnixTimestamp}", null, null, false),
                "InvalidSliceOssObjectPrefix.Malformed");
        refused(() -> RecordFormat.of("m3u8", null, null, null, 31, false), "InvalidSliceDuration.Malformed");
        assertThat(catalog.list("push.example.com", null, null)).isEmpty();
    }

    @Test
    void namesAreTheTemplatesFilledInWithTheFormatsExtension() {
        RecordFormat mp4 = RecordFormat.of("MP4", null, null, 60, null, false);
        Instant start = Instant.parse("2024-05-06T07:08:09Z");
        assertThat(mp4.objectName("live", "cam", start, start.plusSeconds(60)))
                .isEqualTo("record/live/cam/2024-05-06-07-08-09_2024-05-06-07-09-09.mp4");
        RecordFormat hls = RecordFormat.of("m3u8", "h/{AppName}/{StreamName}/{UnixTimestamp}", null, 60, 4, false);
        assertThat(hls.objectName("live", "cam", start, start)).isEqualTo("h/live/cam/1714979289.m3u8");
        assertThat(hls.sliceName("live", "cam", start, 7)).isEqualTo("record/live/cam/1714979289_7.ts");
        assertThat(hls.sliceDuration()).isEqualTo(4);
    }

    @Test
    void onDemandRecordsOnlyPushesAskingForIt() {
        RecordConfig always = new RecordConfig("d", "a", "", "", "", mp4(), RecordConfig.ALWAYS, 60, Instant.EPOCH);
        RecordConfig byUrl = new RecordConfig("d", "a", "", "", "", mp4(), RecordConfig.ON_DEMAND_BY_URL, 60, Instant.EPOCH);
        assertThat(always.wants(Map.of())).isTrue();
        assertThat(byUrl.wants(Map.of())).isFalse();
        assertThat(byUrl.wants(Map.of("record", "0"))).isFalse();
        assertThat(byUrl.wants(Map.of("record", "1"))).isTrue();
        assertThat(byUrl.wants(Map.of("record", "TRUE"))).isTrue();
    }
}
