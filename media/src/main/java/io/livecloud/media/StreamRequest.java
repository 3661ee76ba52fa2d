package io.livecloud.media;

import java.util.Map;

/**
 * One client's request to publish or play, parsed once from whatever the protocol carried (RTMP connect/publish/
 * play, an HTTP request line and Host header). Everything after this point uses these values only.
 *
 * @param host          the host name the client addressed (tcUrl host, {@code vhost}/{@code domain} parameter or
 *                      HTTP Host), lower case, without port; may be an IP address
 * @param app           the AppName
 * @param stream        the StreamName, without any protocol suffix
 * @param query         the URL query parameters (auth_key and user arguments), first value wins
 * @param clientAddress the peer's IP address
 * @param path          the URI path URL signing covers (SPEC §2): {@code /app/stream} plus the protocol suffix, or
 *                      the path of the resource asked for (an HLS segment)
 * @param userAgent     the client's own name: the HTTP {@code User-Agent}, RTMP connect's {@code flashVer}; "" if none
 */
public record StreamRequest(Protocol protocol, Role role, String host, String app, String stream,
                            Map<String, String> query, String clientAddress, String path, String userAgent) {

    /**
     * The query parameter carrying the node's own token on the connections of its ffmpeg jobs (transcode, record,
     * snapshot) to the local media ports. A request that carries it has passed the gate only if the token verified
     * (the gate refuses a wrong one rather than falling back), so its presence marks an internal session.
     */
    public static final String INTERNAL_TOKEN = "lc_internal";

    public StreamRequest {
        query = Map.copyOf(query);
        userAgent = userAgent == null ? "" : userAgent;
    }

    /** A request without a user agent. */
    public StreamRequest(Protocol protocol, Role role, String host, String app, String stream,
                         Map<String, String> query, String clientAddress, String path) {
        this(protocol, role, host, app, stream, query, clientAddress, path, "");
    }

    public StreamRequest withUserAgent(String value) {
        return new StreamRequest(protocol, role, host, app, stream, query, clientAddress, path, value);
    }

    /** True for the node's own processing connections (see {@link #INTERNAL_TOKEN}). */
    public boolean isInternal() {
        return query.containsKey(INTERNAL_TOKEN);
    }

    /** The URL the client asked for, without the {@code auth_key} secret (for logs and access logs). */
    public String urlWithoutSecrets() {
        StringBuilder url = new StringBuilder(protocol.label()).append("://").append(host).append(path);
        char sep = '?';
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(query).entrySet()) {
            if (!e.getKey().equals("auth_key") && !e.getKey().equals(INTERNAL_TOKEN)) {
                url.append(sep).append(e.getKey()).append('=').append(e.getValue());
                sep = '&';
            }
        }
        return url.toString();
    }

    /** A request for the stream itself: the signed path is {@code /app/stream} plus the protocol suffix. */
    public StreamRequest(Protocol protocol, Role role, String host, String app, String stream,
                         Map<String, String> query, String clientAddress) {
        this(protocol, role, host, app, stream, query, clientAddress, "/" + app + "/" + stream + protocol.uriSuffix());
    }

    /** The path that URL signing covers. */
    public String signedUri() {
        return path;
    }

    /** True for a request of a part of the stream (an HLS segment) rather than the stream itself. */
    public boolean isSubresource() {
        return !path.equals("/" + app + "/" + stream + protocol.uriSuffix());
    }

    /** The request as a URL without secrets, for logs. */
    public String describe() {
        return protocol.label() + "://" + host + path;
    }
}
