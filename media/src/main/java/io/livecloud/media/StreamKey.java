package io.livecloud.media;

import java.util.Objects;

/**
 * Where a live stream lives in the hub: the domain that owns it (the push domain once the control plane maps
 * domains; empty in the open single-namespace mode), the app and the stream name.
 */
public record StreamKey(String domain, String app, String stream) {
    public StreamKey {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(stream, "stream");
    }

    @Override
    public String toString() {
        return (domain.isEmpty() ? "" : domain + "/") + app + "/" + stream;
    }
}
