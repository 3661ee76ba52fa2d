package io.livecloud.control.transcode;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TranscodeCatalogTest {
    private final ControlStore store = TestStores.fresh();
    private final DomainCatalog domains = new DomainCatalog(store, ControlSettings.defaults(), Clock.systemUTC());
    private TranscodeCatalog transcodes;

    @BeforeEach
    void domains() {
        domains.add("push.example.com", DomainType.PUSH, "cn-shanghai", null);
        domains.add("play.example.com", DomainType.PLAY, "cn-shanghai", null);
        domains.add("play2.example.com", DomainType.PLAY, "cn-shanghai", null);
        domains.map("push.example.com", "play.example.com");
        domains.map("push.example.com", "play2.example.com");
        transcodes = new TranscodeCatalog(store, domains, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static void refused(Runnable r, String code) {
        assertThatThrownBy(r::run).isInstanceOf(ControlException.class).extracting(e -> ((ControlException) e).code())
                .isEqualTo(code);
    }

    private static TranscodeTemplate small(String name) {
        return TranscodeTemplate.custom(name, 0, 240, 15, 300, 30, "baseline", "aac", 48, 44100, 2);
    }

    @Test
    void theStandardLadderIsTheCloudsWithinItsBitrateCeilings() {
        assertThat(TranscodeTemplate.STANDARD.keySet()).containsExactly("lld", "lsd", "lhd", "lud");
        int[] heights = {360, 432, 648, 1080};
        long[] ceilings = {470_000, 680_000, 1_500_000, 2_500_000};
        int i = 0;
        for (TranscodeTemplate t : TranscodeTemplate.STANDARD.values()) {
            assertThat(t.height()).isEqualTo(heights[i]);
            assertThat(t.totalBitsPerSecond()).isLessThanOrEqualTo(ceilings[i]).isGreaterThan(ceilings[i] * 9 / 10);
            assertThat(t.gopFrames()).as("2 s GOP").isEqualTo(2 * t.fps());
            i++;
        }
    }

    @Test
    void anAppsOwnBindingsWinOverTheWildcardAndEveryMappedPlayDomainCounts() {
        transcodes.addStandard("play.example.com", "*", "lld", false);
        transcodes.addStandard("play.example.com", "live", "lhd", false);
        transcodes.addCustom("play2.example.com", "live", small("mobile"), true);
        assertThat(transcodes.renditionsOf("push.example.com", "live")).extracting(TranscodeBinding::templateName)
                .containsExactlyInAnyOrder("lhd", "mobile");
        assertThat(transcodes.renditionsOf("push.example.com", "other")).extracting(TranscodeBinding::templateName)
                .containsExactly("lld");
        assertThat(transcodes.renditionNamed("push.example.com", "live", "cam_mobile")).hasValueSatisfying(r -> {
            assertThat(r.sourceStream()).isEqualTo("cam");
            assertThat(r.binding().lazy()).isTrue();
        });
        assertThat(transcodes.renditionNamed("push.example.com", "live", "my_cam_lhd").orElseThrow().sourceStream())
                .isEqualTo("my_cam");
        assertThat(transcodes.renditionNamed("push.example.com", "live", "cam_lld")).as("live has its own").isEmpty();
        assertThat(transcodes.renditionNamed("push.example.com", "live", "cam")).isEmpty();
        assertThat(transcodes.renditionNamed("push.example.com", "live", "_lhd")).isEmpty();
    }

    @Test
    void bindingsAreCheckedKeptAcrossARestartAndGoWithTheirDomain() {
        refused(() -> transcodes.addStandard("push.example.com", "live", "lld", false), "InvalidDomain.TypeMismatch");
        refused(() -> transcodes.addStandard("nope.example.com", "live", "lld", false), "InvalidDomain.NotFound");
        refused(() -> transcodes.addStandard("play.example.com", "li/ve", "lld", false), "InvalidApp.Malformed");
        refused(() -> transcodes.addStandard("play.example.com", "live", "mobile", false), "InvalidTemplate.Malformed");
        refused(() -> small("lld"), "InvalidTemplate.Conflict");
        refused(() -> small("abr"), "InvalidTemplate.Conflict");
        refused(() -> small("has_underscore"), "InvalidTemplate.Malformed");
        refused(() -> TranscodeTemplate.custom("odd", 0, 241, 15, 300, 30, "main", "aac", 48, 44100, 2), "InvalidHeight.Malformed");
        refused(() -> TranscodeTemplate.custom("x", 0, 240, 61, 300, 30, "main", "aac", 48, 44100, 2), "InvalidFPS.Malformed");
        refused(() -> TranscodeTemplate.custom("x", 0, 240, 15, 300, 30, "extreme", "aac", 48, 44100, 2), "InvalidProfile.Malformed");
        refused(() -> TranscodeTemplate.custom("x", 0, 240, 15, 300, 30, "main", "opus", 48, 44100, 2), "InvalidAudioCodec.Malformed");
        refused(() -> TranscodeTemplate.custom("x", 0, 240, 15, 300, 30, "main", "aac", 48, 44101, 2), "InvalidAudioRate.Malformed");

        transcodes.addStandard("play.example.com", "live", "lld", false);
        refused(() -> transcodes.addStandard("play.example.com", "live", "lld", true), "ConfigAlreadyExists");
        transcodes.addCustom("play.example.com", "live", small("mobile"), true);
        TranscodeCatalog restarted = new TranscodeCatalog(store, domains, Clock.systemUTC());
        assertThat(restarted.list("play.example.com", null)).extracting(TranscodeBinding::templateName)
                .containsExactly("lld", "mobile");
        assertThat(restarted.list("play.example.com", null).get(1).template()).isEqualTo(small("mobile"));

        restarted.delete("play.example.com", "live", "lld");
        refused(() -> restarted.delete("play.example.com", "live", "lld"), "InvalidConfig.NotFound");
        domains.unmap("push.example.com", "play.example.com");
        domains.delete("play.example.com");
        domains.add("play.example.com", DomainType.PLAY, "cn-shanghai", null);
        assertThat(restarted.list("play.example.com", null)).as("a domain added again starts with none").isEmpty();
        assertThat(store.transcodeBindings()).isEmpty();
    }
}
