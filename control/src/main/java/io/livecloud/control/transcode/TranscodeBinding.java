package io.livecloud.control.transcode;

import java.time.Instant;

/**
 * A template bound to a play domain and an app (AddLiveStreamTranscode / AddCustomLiveStreamTranscode): every stream
 * pushed under that app, played through that domain, gets a rendition {@code {stream}_{template}}.
 *
 * @param app  an AppName, or {@code *} for every app that has no binding of its own
 * @param lazy when true the rendition starts on its first viewer instead of when the source goes live
 */
public record TranscodeBinding(String playDomain, String app, TranscodeTemplate template, boolean lazy,
                               Instant created) {
    public static final String ANY_APP = "*";

    public String templateName() {
        return template.name();
    }
}
