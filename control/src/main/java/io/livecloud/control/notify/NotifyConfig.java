package io.livecloud.control.notify;

import io.livecloud.control.ControlException;

import java.net.URI;

/**
 * Where a push domain's publish callbacks go (SetLiveStreamsNotifyUrlConfig).
 *
 * @param url     an {@code http://} or {@code https://} URL; the callback's arguments are added to its query
 * @param reqAuth sign each callback ({@code ALI-LIVE-TIMESTAMP}, {@code ALI-LIVE-SIGNATURE})
 * @param authKey the signing key (empty when not signed)
 */
public record NotifyConfig(String url, boolean reqAuth, String authKey) {

    public NotifyConfig {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw ControlException.badRequest("InvalidNotifyUrl.Malformed", "NotifyUrl is not a URL: " + url);
        }
        if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || url.length() > 1024) {
            throw ControlException.badRequest("InvalidNotifyUrl.Malformed",
                    "NotifyUrl must be an http:// or https:// URL with a host (at most 1024 characters), got: " + url);
        }
        authKey = authKey == null ? "" : authKey;
        if (reqAuth && !authKey.matches("[0-9A-Za-z]{1,32}")) {
            throw ControlException.badRequest("InvalidNotifyAuthKey.Malformed",
                    "NotifyAuthKey must be 1-32 letters and digits when NotifyReqAuth is yes");
        }
    }

    /** The stored form: {@code reqAuth|key|url} (the URL last: it may contain the separator). */
    String encode() {
        return (reqAuth ? "yes" : "no") + "|" + authKey + "|" + url;
    }

    static NotifyConfig decode(String stored) {
        String[] parts = stored.split("\\|", 3);
        return new NotifyConfig(parts[2], parts[0].equals("yes"), parts[1]);
    }
}
