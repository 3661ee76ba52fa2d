package io.livecloud.control.domain;

import io.livecloud.control.ControlException;
import io.livecloud.control.TestStores;
import io.livecloud.control.store.ControlStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DomainCatalogTest {
    private final ControlStore store = TestStores.fresh();
    private final DomainCatalog catalog = new DomainCatalog(store, ControlSettings.defaults(), Clock.systemUTC());

    @AfterEach
    void close() {
        store.close();
    }

    private static void refused(Runnable r, String code) {
        assertThatThrownBy(r::run).isInstanceOf(ControlException.class).extracting(e -> ((ControlException) e).code())
                .isEqualTo(code);
    }

    @Test
    void anAddedDomainHasItsCnameAuthOnAndIsOnline() {
        Domain d = catalog.add("Live.Example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        assertThat(d.name()).isEqualTo("live.example.com");
        assertThat(d.cname()).isEqualTo("live.example.com.livecloud.internal");
        assertThat(d.cnameStatus()).isEqualTo(CnameStatus.PENDING);
        assertThat(d.status()).isEqualTo(DomainStatus.ONLINE);
        assertThat(d.auth().enabled()).isTrue();
        assertThat(d.auth().primaryKey()).hasSize(32);
        assertThat(d.auth().validitySeconds()).isEqualTo(1800);
        assertThat(catalog.add("b.example.com", DomainType.PLAY, "cn-shanghai", "global").auth().primaryKey())
                .isNotEqualTo(d.auth().primaryKey());
        assertThat(catalog.get("LIVE.example.com.")).isEqualTo(d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*.bad.example", "a*.bad.example", "nodot", "-a.example.com", "a-.example.com", "a..example.com",
            "a_b.example.com", "1.2.3.4", "exa mple.com", "ünicode.example.com"})
    void malformedNamesAreRefused(String name) {
        refused(() -> catalog.add(name, DomainType.PUSH, "cn-shanghai", "domestic"), "InvalidDomainName.Malformed");
    }

    @Test
    void aLabelOf64CharactersIsRefusedAnd63Accepted() {
        refused(() -> catalog.add("a".repeat(64) + ".example.com", DomainType.PUSH, "cn-shanghai", null), "InvalidDomainName.Malformed");
        assertThat(catalog.add("a".repeat(63) + ".example.com", DomainType.PUSH, "cn-shanghai", null).scope()).isEqualTo("domestic");
    }

    @Test
    void namesAreUniqueAcrossPushAndPlay() {
        catalog.add("x.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        refused(() -> catalog.add("x.example.com", DomainType.PUSH, "cn-shanghai", "domestic"), "Domain.AlreadyExist");
        refused(() -> catalog.add("X.example.com", DomainType.PLAY, "cn-beijing", "domestic"), "Domain.AlreadyExist");
    }

    @Test
    void unknownLiveCenterAndScopeAreRefused() {
        refused(() -> catalog.add("x.example.com", DomainType.PUSH, "mars-1", "domestic"), "InvalidRegion.NotSupported");
        refused(() -> catalog.add("x.example.com", DomainType.PUSH, "cn-shanghai", "moon"), "InvalidScope.Malformed");
        refused(() -> catalog.add("x.example.com", null, "cn-shanghai", "domestic"), "MissingParameter");
    }

    @Test
    void theQuotaIsTwentyByDefault() {
        for (int i = 0; i < 20; i++) {
            catalog.add("d" + i + ".example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        }
        refused(() -> catalog.add("d20.example.com", DomainType.PLAY, "cn-shanghai", "domestic"), "QuotaExceeded.Domain");
        catalog.delete("d0.example.com");
        catalog.add("d20.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
    }

    @Test
    void mappingRules() {
        catalog.add("push.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        catalog.add("play.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.add("play2.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.add("bj.example.com", DomainType.PLAY, "cn-beijing", "domestic");
        catalog.add("push2.example.com", DomainType.PUSH, "cn-shanghai", "domestic");

        refused(() -> catalog.map("push.example.com", "bj.example.com"), "InvalidDomain.RegionMismatch");
        refused(() -> catalog.map("play.example.com", "play2.example.com"), "InvalidPushDomain.TypeMismatch");
        refused(() -> catalog.map("push.example.com", "push2.example.com"), "InvalidPullDomain.TypeMismatch");
        refused(() -> catalog.map("push.example.com", "nope.example.com"), "InvalidDomain.NotFound");

        catalog.map("push.example.com", "play.example.com");
        catalog.map("push.example.com", "play2.example.com");
        refused(() -> catalog.map("push2.example.com", "play.example.com"), "DomainMapping.AlreadyExist");
        assertThat(catalog.pushDomainOf("play.example.com")).contains("push.example.com");
        assertThat(catalog.mappingsOf("push.example.com")).containsExactly(
                new DomainMapping("push.example.com", "play.example.com"), new DomainMapping("push.example.com", "play2.example.com"));

        refused(() -> catalog.delete("push.example.com"), "Domain.MappingExist");
        catalog.unmap("push.example.com", "play2.example.com");
        refused(() -> catalog.unmap("push.example.com", "play2.example.com"), "InvalidDomainMapping.NotFound");
        catalog.delete("play.example.com"); // a play domain takes its mapping with it
        assertThat(catalog.mappingsOf("push.example.com")).isEmpty();
        catalog.delete("push.example.com");
        refused(() -> catalog.get("push.example.com"), "InvalidDomain.NotFound");
    }

    @Test
    void authSettingsAreValidated() {
        catalog.add("x.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        refused(() -> catalog.setAuth("x.example.com", new AuthConfig(true, "", "", 1800, false)), "InvalidAuthKey.Malformed");
        refused(() -> catalog.setAuth("x.example.com", new AuthConfig(true, "short", "", 1800, false)), "InvalidAuthKey.Malformed");
        refused(() -> catalog.setAuth("x.example.com", new AuthConfig(true, "goodkey1", "bad key!", 1800, false)), "InvalidAuthKey.Malformed");
        refused(() -> catalog.setAuth("x.example.com", new AuthConfig(true, "goodkey1", "", 0, false)), "InvalidAuthDelta.Malformed");
        Domain d = catalog.setAuth("x.example.com", new AuthConfig(true, "goodkey1", "backupkey2", 60, false));
        assertThat(d.auth().backupKey()).isEqualTo("backupkey2");
        assertThat(catalog.setAuth("x.example.com", new AuthConfig(false, "", "", 1800, false)).auth().enabled()).isFalse();
    }

    @Test
    void everythingSurvivesARestartOfTheCatalog() {
        catalog.add("push.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        catalog.add("play.example.com", DomainType.PLAY, "cn-shanghai", "overseas");
        catalog.map("push.example.com", "play.example.com");
        catalog.stop("play.example.com");
        catalog.setAuth("push.example.com", new AuthConfig(true, "primary1", "backup22", 90, true));
        catalog.setCnameStatus("push.example.com", CnameStatus.CONFIGURED);

        DomainCatalog again = new DomainCatalog(store, ControlSettings.defaults(), Clock.systemUTC());
        assertThat(again.list()).isEqualTo(catalog.list());
        assertThat(again.pushDomainOf("play.example.com")).contains("push.example.com");
        assertThat(again.get("play.example.com").status()).isEqualTo(DomainStatus.OFFLINE);
    }

    @Test
    void theFirstStartCreatesAMappedDemoPairOnce() {
        assertThat(catalog.createDemoDomainsIfEmpty()).isTrue();
        assertThat(catalog.list()).extracting(Domain::name).containsExactlyInAnyOrder("push.livecloud.localhost", "play.livecloud.localhost");
        assertThat(catalog.pushDomainOf("play.livecloud.localhost")).contains("push.livecloud.localhost");
        assertThat(catalog.list()).allMatch(d -> d.auth().enabled());
        assertThat(catalog.createDemoDomainsIfEmpty()).isFalse();
        assertThat(catalog.list()).hasSize(2);
    }

    @Test
    void appAndStreamNamesFollowSpecThree() {
        assertThat(DomainNames.checkStreamName("a-Z_0=")).isEqualTo("a-Z_0=");
        assertThat(DomainNames.checkAppName("x".repeat(256))).hasSize(256);
        for (String bad : List.of("", "a b", "a/b", "a.b", "x".repeat(257), "流")) {
            refused(() -> DomainNames.checkStreamName(bad), bad.isEmpty() ? "MissingParameter" : "InvalidStreamName.Malformed");
        }
    }
}
