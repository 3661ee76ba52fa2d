package io.livecloud.api;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signature version 1.0 of the cloud's RPC APIs (SPEC §7): {@code Base64(HMAC-SHA1(secret + "&",
 * "{METHOD}&%2F&" + percentEncode(canonical query)))}, the canonical query being every parameter but
 * {@code Signature}, sorted by name (ordinal, as Java's and the SDK's sort), names and values percent-encoded,
 * joined {@code k=v&…}. The server checks requests with it and the CLI signs its own.
 */
public final class RpcSignature {
    public static final String METHOD = "HMAC-SHA1";
    public static final String VERSION = "1.0";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RpcSignature() {
    }

    /**
     * RFC 3986 encoding of UTF-8 bytes: {@code A-Z a-z 0-9 - _ . ~} stay, everything else is {@code %XX} (upper-case
     * hex), so a space is {@code %20}, {@code *} is {@code %2A} and {@code ~} is kept.
     */
    public static String percentEncode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    /** Every parameter but {@code Signature}, sorted by name, encoded, joined with {@code &}. */
    public static String canonicalQuery(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            if (e.getKey().equals("Signature")) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(percentEncode(e.getKey())).append('=').append(percentEncode(e.getValue() == null ? "" : e.getValue()));
        }
        return sb.toString();
    }

    /** {@code "{METHOD}&%2F&" + percentEncode(canonical query)}. */
    public static String stringToSign(String httpMethod, Map<String, String> params) {
        return httpMethod.toUpperCase(java.util.Locale.ROOT) + "&" + percentEncode("/") + "&" + percentEncode(canonicalQuery(params));
    }

    /** The {@code Signature} value for these parameters (any {@code Signature} among them is ignored). */
    public static String sign(String httpMethod, Map<String, String> params, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((secret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] digest = mac.doFinal(stringToSign(httpMethod, params).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available in this JVM", e);
        }
    }

    /** True when {@code signature} is the one these parameters and secret give (compared in constant time). */
    public static boolean verify(String httpMethod, Map<String, String> params, String secret, String signature) {
        if (signature == null) {
            return false;
        }
        byte[] expected = sign(httpMethod, params, secret).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8));
    }
}
