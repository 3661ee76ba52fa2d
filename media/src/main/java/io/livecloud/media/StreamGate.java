package io.livecloud.media;

/**
 * The one question the media plane asks before a publish or a play: may this request go on, and if so which
 * stream in the hub does it address? Implementations answer from memory (no I/O): it is called on an event loop.
 */
@FunctionalInterface
public interface StreamGate {

    Decision authorize(StreamRequest request);

    /**
     * Signs the URIs a response hands out on the request's behalf (the segment URIs of an HLS playlist) so that
     * they pass this gate as the request did.
     */
    @FunctionalInterface
    interface UriSigner {
        /** @return the query to append to {@code path}, with its leading {@code ?}, or "" when none is needed */
        String query(String path);

        UriSigner NONE = path -> "";
    }

    /**
     * The answer. A refusal carries an HTTP-style status (403, 404, …) and a reason the client is shown
     * (e.g. the {@code X-Tengine-Error} text); an admission may carry the signer for URIs it hands out.
     */
    record Decision(StreamKey key, int status, String reason, UriSigner signer) {
        public static Decision allow(StreamKey key) {
            return new Decision(key, 200, "", UriSigner.NONE);
        }

        public static Decision allow(StreamKey key, UriSigner signer) {
            return new Decision(key, 200, "", signer);
        }

        public static Decision deny(int status, String reason) {
            return new Decision(null, status, reason, UriSigner.NONE);
        }

        public Decision withSigner(UriSigner value) {
            return new Decision(key, status, reason, value);
        }

        public boolean allowed() {
            return key != null;
        }
    }

    /**
     * Lets everybody in and puts every stream in one namespace whatever host the client used, so
     * {@code rtmp://127.0.0.1/live/a} and {@code http://localhost:8080/live/a.flv} meet. Used until the control
     * plane plugs in domains and URL auth.
     */
    StreamGate OPEN = request -> Decision.allow(new StreamKey("", request.app(), request.stream()));
}
