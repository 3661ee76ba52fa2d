package io.livecloud.media.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the media HTTP handlers read off a request: host, query, client address. */
final class HttpRequests {
    private HttpRequests() {
    }

    /** The Host header without port, lower case; empty when absent. Handles {@code [::1]:8080}. */
    static String host(HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST, "");
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(1, end).toLowerCase(Locale.ROOT) : "";
        }
        int colon = host.indexOf(':');
        return (colon >= 0 ? host.substring(0, colon) : host).toLowerCase(Locale.ROOT);
    }

    static Map<String, String> query(QueryStringDecoder decoder) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : decoder.parameters().entrySet()) {
            if (!e.getValue().isEmpty()) {
                out.put(e.getKey(), e.getValue().get(0));
            }
        }
        return out;
    }

    static String clientAddress(Channel channel) {
        if (channel.remoteAddress() instanceof InetSocketAddress a) {
            return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        }
        return String.valueOf(channel.remoteAddress());
    }
}
