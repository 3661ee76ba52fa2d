package io.livecloud.media;

/** The wire protocol of one session. */
public enum Protocol {
    RTMP("rtmp", ""),
    HTTP_FLV("http-flv", ".flv"),
    HLS("hls", ".m3u8"),
    /** Low-latency HLS: CMAF parts, its own playlist beside the segments of {@code /{app}/{stream}/}. */
    LL_HLS("ll-hls", "/ll.m3u8");

    private final String label;
    private final String uriSuffix;

    Protocol(String label, String uriSuffix) {
        this.label = label;
        this.uriSuffix = uriSuffix;
    }

    public String label() {
        return label;
    }

    /** What follows the stream name in this protocol's URI ({@code /app/stream.flv}); signed URLs include it. */
    public String uriSuffix() {
        return uriSuffix;
    }
}
