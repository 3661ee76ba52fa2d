package io.livecloud.control.address;

import io.livecloud.control.ControlException;
import io.livecloud.control.TestStores;
import io.livecloud.control.domain.AuthConfig;
import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.gate.DomainGate;
import io.livecloud.control.store.ControlStore;
import io.livecloud.media.Protocol;
import io.livecloud.media.Role;
import io.livecloud.media.StreamRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressGeneratorTest {
    private static final long NOW = 1_800_000_000L;
    private final ControlStore store = TestStores.fresh();
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private final DomainCatalog catalog = new DomainCatalog(store, ControlSettings.defaults(), clock);

    @AfterEach
    void close() {
        store.close();
    }

    private static StreamRequest fromUrl(String url, Role role) {
        URI u = URI.create(url);
        Protocol p = url.startsWith("rtmp") ? Protocol.RTMP : url.contains("/ll.m3u8") ? Protocol.LL_HLS
                : url.contains(".m3u8") ? Protocol.HLS : Protocol.HTTP_FLV;
        String path = u.getPath().replaceAll("(/ll\\.m3u8|\\.flv|\\.m3u8)$", "");
        String[] parts = path.split("/");
        String authKey = u.getQuery().substring("auth_key=".length());
        return new StreamRequest(p, role, u.getHost(), parts[1], parts[2], Map.of("auth_key", authKey), "1.2.3.4");
    }

    @Test
    void everyGeneratedUrlIsAcceptedByTheGate() {
        catalog.add("push.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        catalog.add("play.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.map("push.example.com", "play.example.com");
        AddressGenerator.Addresses a = new AddressGenerator(catalog, clock, 1935, 8080).generate("play.example.com", "live", "cam1", null);

        assertThat(a.pushUrl()).startsWith("rtmp://push.example.com/live/cam1?auth_key=" + NOW + "-");
        assertThat(a.rtmpPlayUrl()).startsWith("rtmp://play.example.com/live/cam1?auth_key=");
        assertThat(a.flvPlayUrl()).startsWith("http://play.example.com:8080/live/cam1.flv?auth_key=");
        assertThat(a.hlsPlayUrl()).startsWith("http://play.example.com:8080/live/cam1.m3u8?auth_key=");
        assertThat(a.playExpiresAt()).isEqualTo(NOW + 1800);

        DomainGate gate = new DomainGate(catalog, clock);
        assertThat(gate.authorize(fromUrl(a.pushUrl(), Role.PUBLISH)).allowed()).isTrue();
        assertThat(gate.authorize(fromUrl(a.rtmpPlayUrl(), Role.PLAY)).allowed()).isTrue();
        assertThat(gate.authorize(fromUrl(a.flvPlayUrl(), Role.PLAY)).allowed()).isTrue();
        assertThat(gate.authorize(fromUrl(a.hlsPlayUrl(), Role.PLAY)).allowed()).isTrue();
        assertThat(a.llHlsPlayUrl()).startsWith("http://play.example.com:8080/live/cam1/ll.m3u8?auth_key=");
        assertThat(gate.authorize(fromUrl(a.llHlsPlayUrl(), Role.PLAY)).allowed()).isTrue();
        // the push URL's key is the push domain's: it does not open the play domain
        String stolen = a.pushUrl().replace("rtmp://push.example.com", "rtmp://play.example.com");
        assertThat(gate.authorize(fromUrl(stolen, Role.PLAY)).allowed()).isFalse();
    }

    @Test
    void aTemplateNamesTheTranscodedStreamInThePlayUrlsOnly() {
        catalog.add("push.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        catalog.add("play.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.map("push.example.com", "play.example.com");
        AddressGenerator.Addresses a = new AddressGenerator(catalog, clock, 19350, 80).generate("play.example.com", "live", "cam1", "lhd");
        assertThat(a.pushUrl()).startsWith("rtmp://push.example.com:19350/live/cam1?");
        assertThat(a.flvPlayUrl()).startsWith("http://play.example.com/live/cam1_lhd.flv?auth_key=");
        assertThat(new DomainGate(catalog, clock).authorize(fromUrl(a.flvPlayUrl(), Role.PLAY)).key().stream()).isEqualTo("cam1_lhd");
    }

    @Test
    void aPlayDomainWithoutMappingHasNoPushUrlAndAuthOffMeansPlainUrls() {
        catalog.add("play.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.setAuth("play.example.com", new AuthConfig(false, "k123456", "", 1800, false));
        AddressGenerator.Addresses a = new AddressGenerator(catalog, clock, 1935, 8080).generate("play.example.com", "live", "s", "");
        assertThat(a.pushUrl()).isNull();
        assertThat(a.rtmpPlayUrl()).isEqualTo("rtmp://play.example.com/live/s");
    }

    @Test
    void theOldRuleCarriesTheExpiryAsTimestamp() {
        catalog.add("push.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        catalog.add("play.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        catalog.map("push.example.com", "play.example.com");
        catalog.setAuth("play.example.com", new AuthConfig(true, "k123456", "", 600, true));
        AddressGenerator.Addresses a = new AddressGenerator(catalog, clock, 1935, 8080).generate("play.example.com", "live", "s", null);
        assertThat(a.rtmpPlayUrl()).contains("auth_key=" + (NOW + 600) + "-");
        assertThat(new DomainGate(catalog, clock).authorize(fromUrl(a.rtmpPlayUrl(), Role.PLAY)).allowed()).isTrue();
    }

    @Test
    void badInputIsRefused() {
        catalog.add("push.example.com", DomainType.PUSH, "cn-shanghai", "domestic");
        AddressGenerator g = new AddressGenerator(catalog, clock, 1935, 8080);
        assertThatThrownBy(() -> g.generate("push.example.com", "live", "s", null)).isInstanceOf(ControlException.class);
        assertThatThrownBy(() -> g.generate("nope.example.com", "live", "s", null)).isInstanceOf(ControlException.class);
        catalog.add("play.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        assertThatThrownBy(() -> g.generate("play.example.com", "li ve", "s", null)).hasMessageContaining("AppName");
        assertThatThrownBy(() -> g.generate("play.example.com", "live", "s/x", null)).hasMessageContaining("StreamName");
    }
}
