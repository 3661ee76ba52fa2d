package io.livecloud.control.record;

import java.time.Instant;
import java.util.List;

/**
 * A recording configuration (AddLiveAppRecordConfig): the streams of {@code app} under push domain {@code domain}
 * (one of them when {@code stream} is not empty) are recorded in each of {@code formats} to the object storage named
 * by {@code ossEndpoint}/{@code ossBucket} (a blank bucket: the node's local storage directory).
 *
 * @param stream    "" for every stream of the app; a stream's own configuration wins over its app's
 * @param onDemand  {@link #ALWAYS} or {@link #ON_DEMAND_BY_URL} ({@code ?record=1} or {@code ?record=true} on the
 *                  push URL)
 * @param delayTime seconds a dropped publisher may take to come back and continue the same files
 */
public record RecordConfig(String domain, String app, String stream, String ossEndpoint, String ossBucket,
                           List<RecordFormat> formats, int onDemand, int delayTime, Instant created) {
    public static final int ALWAYS = 0;
    public static final int ON_DEMAND_BY_URL = 1;
    /** The push URL parameter that asks for recording under {@link #ON_DEMAND_BY_URL}. */
    public static final String ON_DEMAND_PARAMETER = "record";
    public static final int DEFAULT_DELAY = 180;
    public static final int MIN_DELAY = 15;
    public static final int MAX_DELAY = 21600;

    public RecordConfig {
        formats = List.copyOf(formats);
        stream = stream == null ? "" : stream;
        ossEndpoint = ossEndpoint == null ? "" : ossEndpoint;
        ossBucket = ossBucket == null ? "" : ossBucket;
    }

    /** Whether a push with these URL parameters is recorded. */
    public boolean wants(java.util.Map<String, String> pushQuery) {
        if (onDemand == ALWAYS) {
            return true;
        }
        String v = pushQuery.get(ON_DEMAND_PARAMETER);
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }
}
