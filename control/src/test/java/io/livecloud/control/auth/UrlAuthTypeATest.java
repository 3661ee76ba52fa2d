package io.livecloud.control.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UrlAuthTypeATest {
    private static final UrlAuthTypeA.Settings DEMO =
            new UrlAuthTypeA.Settings("livecloud-demo-key", "backup-key", 1800, false);

    @Test
    void specTestVectors() {
        assertThat(UrlAuthTypeA.sign("/app/stream", 1543302081, "0", "0", "livecloud-demo-key"))
                .isEqualTo("1543302081-0-0-a7f48d598e7813c02796732969814a02");
        assertThat(UrlAuthTypeA.sign("/app/stream.flv", 1543302081, "0", "0", "livecloud-demo-key"))
                .isEqualTo("1543302081-0-0-fa6be00cb780c51c7e95719d3206343a");
        // the cloud's own documented sample
        assertThat(UrlAuthTypeA.sign("/video/standard", 1622194197, "0", "0", "aliyunliveexp1234"))
                .isEqualTo("1622194197-0-0-5552ff52b5e4e20387c6dc18afce206b");
    }

    @Test
    void validWithinTheValidityAndExpiredAfter() {
        String key = UrlAuthTypeA.sign("/app/stream", 1543302081, "0", "0", "livecloud-demo-key");
        assertThat(UrlAuthTypeA.verify("/app/stream", key, DEMO, 1543302081 + 1800).allowed()).isTrue();
        UrlAuthTypeA.Verdict late = UrlAuthTypeA.verify("/app/stream", key, DEMO, 1543302081 + 1801);
        assertThat(late.allowed()).isFalse();
        assertThat(late.reason()).isEqualTo("denied by req auth: expired timestamp=1543302081");
    }

    @Test
    void theOlderRuleTreatsTheTimestampAsTheExpiry() {
        UrlAuthTypeA.Settings old = new UrlAuthTypeA.Settings("k", null, 1800, true);
        String key = UrlAuthTypeA.sign("/a/s", 1000, "0", "0", "k");
        assertThat(UrlAuthTypeA.verify("/a/s", key, old, 1000).allowed()).isTrue();
        assertThat(UrlAuthTypeA.verify("/a/s", key, old, 1001).allowed()).isFalse();
    }

    @Test
    void theBackupKeyWorksAndAnyOtherKeyDoesNot() {
        String byBackup = UrlAuthTypeA.sign("/app/stream", 2000, "0", "0", "backup-key");
        assertThat(UrlAuthTypeA.verify("/app/stream", byBackup, DEMO, 2000).allowed()).isTrue();
        String byOther = UrlAuthTypeA.sign("/app/stream", 2000, "0", "0", "someone-else");
        UrlAuthTypeA.Verdict v = UrlAuthTypeA.verify("/app/stream", byOther, DEMO, 2000);
        assertThat(v.allowed()).isFalse();
        assertThat(v.reason()).isEqualTo("denied by req auth: invalid md5hash=" + byOther.substring(byOther.lastIndexOf('-') + 1));
    }

    @Test
    void aSignatureIsBoundToItsUriAndRandomPart() {
        String rand = "477b3bbc253f467b8def6711128c7bec";
        String key = UrlAuthTypeA.sign("/app/stream", 3000, rand, "0", "livecloud-demo-key");
        assertThat(UrlAuthTypeA.verify("/app/stream", key, DEMO, 3000).allowed()).isTrue();
        assertThat(UrlAuthTypeA.verify("/app/stream.flv", key, DEMO, 3000).allowed()).isFalse();
        assertThat(UrlAuthTypeA.verify("/app/other", key, DEMO, 3000).allowed()).isFalse();
        assertThat(UrlAuthTypeA.verify("/app/stream", key.replace(rand, "0"), DEMO, 3000).allowed()).isFalse();
    }

    @Test
    void missingAndMalformedArguments() {
        assertThat(UrlAuthTypeA.verify("/a/s", null, DEMO, 0).reason()).isEqualTo("denied by req auth: no url arg auth_key");
        assertThat(UrlAuthTypeA.verify("/a/s", "", DEMO, 0).reason()).isEqualTo("denied by req auth: no url arg auth_key");
        assertThat(UrlAuthTypeA.verify("/a/s", "garbage", DEMO, 0).allowed()).isFalse();
        assertThat(UrlAuthTypeA.verify("/a/s", "1-0-0-xyz", DEMO, 0).reason()).isEqualTo("denied by req auth: invalid md5hash=xyz");
        assertThat(UrlAuthTypeA.verify("/a/s", "99999999999999999999-0-0-a7f48d598e7813c02796732969814a02", DEMO, 0).allowed()).isFalse();
    }
}
