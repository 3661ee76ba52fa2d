package io.livecloud.control.gate;

import io.livecloud.media.Role;
import io.livecloud.media.StreamRequest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The node's own way through its gate: its ffmpeg jobs (transcode, record, snapshot) read a stream from, and publish
 * a rendition to, the local RTMP port with a token ({@link StreamRequest#INTERNAL_TOKEN}) instead of the domain's
 * auth_key. The token is an HMAC of role, push domain, app and stream under a secret drawn at start-up, so it opens
 * that one stream in that one role on this node run, and never leaves the machine. Internal sessions skip URL auth
 * (the keys may change under a running job) but nothing else: the domain must exist, be a push domain and be
 * online, and an internal publish obeys the block list and the publisher limits like any other.
 */
public final class InternalAccess {
    private final byte[] secret;

    public InternalAccess() {
        this(newSecret());
    }

    InternalAccess(byte[] secret) {
        this.secret = secret.clone();
    }

    private static byte[] newSecret() {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        return s;
    }

    /** The token for one role on one stream of a push domain. */
    public String token(Role role, String pushDomain, String app, String stream) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] sum = mac.doFinal((role.name() + "|" + pushDomain + "|" + app + "|" + stream)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sum, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }

    /** True when the request's token is the one for its role, host (the push domain), app and stream. */
    public boolean verify(StreamRequest request) {
        String given = request.query().get(StreamRequest.INTERNAL_TOKEN);
        if (given == null) {
            return false;
        }
        String expected = token(request.role(), request.host(), request.app(), request.stream());
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The RTMP URL an ffmpeg job opens: {@code rtmp://{local}:{port}/{app}/{stream}?vhost={domain}&lc_internal=…}
     * ({@code vhost} names the domain, as the address parser takes it, so the host part can stay a loopback address).
     *
     * @param localHost an address the node's RTMP port listens on, e.g. 127.0.0.1
     */
    public String rtmpUrl(Role role, String localHost, int rtmpPort, String pushDomain, String app, String stream) {
        return "rtmp://" + localHost + ":" + rtmpPort + "/" + app + "/" + stream + "?vhost="
                + URLEncoder.encode(pushDomain, StandardCharsets.UTF_8) + "&" + StreamRequest.INTERNAL_TOKEN + "="
                + token(role, pushDomain, app, stream);
    }
}
