package io.livecloud.control.address;

import io.livecloud.control.ControlException;
import io.livecloud.control.auth.UrlAuthTypeA;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainNames;
import io.livecloud.control.domain.DomainType;

import java.time.Clock;
import java.util.UUID;

/**
 * 地址生成器 (SPEC §3): from a play domain, AppName, StreamName and an optional transcode template, the signed push
 * URL of the associated push domain and the RTMP / HTTP-FLV / HLS play URLs, each signed with its own domain's
 * key for its own URI. A port other than the protocol's default is written into the URL.
 */
public final class AddressGenerator {
    private final DomainCatalog catalog;
    private final Clock clock;
    private final int rtmpPort;
    private final int httpPort;

    /** The push URL is null when the play domain has no push domain mapped to it (pull-only). */
    public record Addresses(String playDomain, String pushDomain, String app, String stream, String template,
                            String pushUrl, String rtmpPlayUrl, String flvPlayUrl, String hlsPlayUrl,
                            String llHlsPlayUrl, long timestamp, long pushExpiresAt, long playExpiresAt) {
    }

    public AddressGenerator(DomainCatalog catalog, Clock clock, int rtmpPort, int httpPort) {
        this.catalog = catalog;
        this.clock = clock;
        this.rtmpPort = rtmpPort;
        this.httpPort = httpPort;
    }

    public Addresses generate(String playDomain, String app, String stream, String template) {
        Domain play = catalog.get(playDomain);
        if (play.type() != DomainType.PLAY) {
            throw ControlException.badRequest("InvalidPullDomain.TypeMismatch",
                    play.name() + " is a push domain; give the play domain (the push URL comes from its mapping)");
        }
        DomainNames.checkAppName(app);
        DomainNames.checkStreamName(stream);
        String played = stream;
        if (template != null && !template.isEmpty()) {
            DomainNames.checkStreamPart("Template", template);
            played = stream + "_" + template;
        }
        long now = clock.millis() / 1000;
        String pushUrl = null;
        long pushExpiry = 0;
        String pushName = catalog.pushDomainOf(play.name()).orElse(null);
        if (pushName != null) {
            Domain push = catalog.get(pushName);
            pushUrl = "rtmp://" + push.name() + port(rtmpPort, 1935) + sign(push, "/" + app + "/" + stream, now);
            pushExpiry = expiry(push, now);
        }
        String rtmpPath = "/" + app + "/" + played;
        return new Addresses(play.name(), pushName, app, stream, template == null || template.isEmpty() ? null : template,
                pushUrl,
                "rtmp://" + play.name() + port(rtmpPort, 1935) + sign(play, rtmpPath, now),
                "http://" + play.name() + port(httpPort, 80) + sign(play, rtmpPath + ".flv", now),
                "http://" + play.name() + port(httpPort, 80) + sign(play, rtmpPath + ".m3u8", now),
                "http://" + play.name() + port(httpPort, 80) + sign(play, rtmpPath + "/ll.m3u8", now),
                now, pushExpiry, expiry(play, now));
    }

    private static String sign(Domain d, String uri, long now) {
        if (!d.auth().enabled()) {
            return uri;
        }
        String rand = UUID.randomUUID().toString().replace("-", "");
        // Under the older rule the timestamp is the expiry itself, so the URL carries now + validity.
        long timestamp = d.auth().timestampIsExpiry() ? now + d.auth().validitySeconds() : now;
        return uri + "?auth_key=" + UrlAuthTypeA.sign(uri, timestamp, rand, "0", d.auth().primaryKey());
    }

    /** When the URL stops being accepted (0 = never, auth off). */
    private static long expiry(Domain d, long now) {
        if (!d.auth().enabled()) {
            return 0;
        }
        return now + d.auth().validitySeconds();
    }

    private static String port(int port, int protocolDefault) {
        return port == protocolDefault ? "" : ":" + port;
    }
}
