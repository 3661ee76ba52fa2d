package io.livecloud.media.rtmp;

import io.livecloud.media.Role;
import io.livecloud.media.StreamRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connect/publish/play forms real clients send for {@code rtmp://host/app/stream?auth_key=K} (SPEC §4). */
class RtmpAddressTest {

    private static void assertParsed(StreamRequest r, String host, String app, String stream, String authKey) {
        assertThat(r.host()).isEqualTo(host);
        assertThat(r.app()).isEqualTo(app);
        assertThat(r.stream()).isEqualTo(stream);
        assertThat(r.query().get("auth_key")).isEqualTo(authKey);
    }

    @Test
    void obsWithTheWholeUrlAsServerAndAnEmptyKey() {
        StreamRequest r = RtmpAddress.parse(Role.PUBLISH, "app/stream?auth_key=K", "rtmp://push.example.com/app/stream?auth_key=K", "", "10.0.0.1");
        assertParsed(r, "push.example.com", "app", "stream", "K");
        assertThat(r.signedUri()).isEqualTo("/app/stream");
    }

    @Test
    void obsWithTheKeyInTheStreamKeyField() {
        StreamRequest r = RtmpAddress.parse(Role.PUBLISH, "app", "rtmp://Push.Example.com/app", "stream?auth_key=K", "10.0.0.1");
        assertParsed(r, "push.example.com", "app", "stream", "K");
    }

    @Test
    void ffmpegVlcLibrtmpAndGstreamer() {
        assertParsed(RtmpAddress.parse(Role.PUBLISH, "app", "rtmp://host:1935/app", "stream?auth_key=K", "ip"), "host", "app", "stream", "K");
        assertParsed(RtmpAddress.parse(Role.PLAY, "app", "rtmp://host/app", "stream?auth_key=K", "ip"), "host", "app", "stream", "K");
    }

    @Test
    void vhostParameterNamesTheDomainWhenConnectingByAddress() {
        StreamRequest r = RtmpAddress.parse(Role.PLAY, "live?vhost=play.example.com", "rtmp://127.0.0.1:1935/live?vhost=play.example.com", "demo", "ip");
        assertParsed(r, "play.example.com", "live", "demo", null);
        StreamRequest d = RtmpAddress.parse(Role.PLAY, "live", "rtmp://127.0.0.1/live", "demo?domain=Other.Example.com&x=1", "ip");
        assertThat(d.host()).isEqualTo("other.example.com");
        assertThat(d.query()).containsEntry("x", "1");
    }

    @Test
    void nameQueryWinsOverTcUrlQueryAndValuesAreDecoded() {
        StreamRequest r = RtmpAddress.parse(Role.PLAY, "app", "rtmp://h/app?auth_key=old", "s?auth_key=new&note=a%20b", "ip");
        assertThat(r.query()).containsEntry("auth_key", "new").containsEntry("note", "a b");
    }

    @Test
    void ipv6HostAndUserInfo() {
        assertThat(RtmpAddress.hostOf("rtmp://[::1]:1935/live")).isEqualTo("::1");
        assertThat(RtmpAddress.hostOf("rtmp://user:pw@host.example:1935/live")).isEqualTo("host.example");
        assertThat(RtmpAddress.hostOf("rtmp://host")).isEqualTo("host");
    }

    @Test
    void noStreamNameIsRefusedWithAReason() {
        assertThatThrownBy(() -> RtmpAddress.parse(Role.PUBLISH, "app", "rtmp://h/app", "", "ip"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no stream name");
        assertThatThrownBy(() -> RtmpAddress.parse(Role.PUBLISH, "", "rtmp://h/", "s", "ip"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no app");
    }
}
