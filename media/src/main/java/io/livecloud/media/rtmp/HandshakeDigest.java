package io.livecloud.media.rtmp;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The HMAC-SHA256 digests of the "complex" RTMP handshake that Flash Player introduced and FMS, librtmp (FP9 mode),
 * ffmpeg, nginx-rtmp and SRS share. A 1536-byte C1/S1 block hides a 32-byte digest at an offset derived from four
 * of its own bytes; the digest is the HMAC of the block without those 32 bytes. Two layouts ("schemas") exist:
 * <ul>
 *   <li>schema 1: offset = (sum of bytes 8..11) % 728 + 12</li>
 *   <li>schema 0: offset = (sum of bytes 772..775) % 728 + 776</li>
 * </ul>
 * Clients sign C1 with the first 30 bytes of {@link #PLAYER_KEY}, servers sign S1 with the first 36 bytes of
 * {@link #SERVER_KEY}; S2's last 32 bytes are the HMAC of the rest of S2 keyed by HMAC(full server key, C1 digest).
 */
final class HandshakeDigest {
    static final int BLOCK_SIZE = 1536;
    static final int DIGEST_SIZE = 32;
    static final int SCHEMA_0 = 0;
    static final int SCHEMA_1 = 1;

    private static final byte[] KEY_SUFFIX = {
            (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
            (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
            (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
            (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE};
    private static final String PLAYER_TEXT = "Genuine Adobe Flash Player 001";
    private static final String SERVER_TEXT = "Genuine Adobe Flash Media Server 001";
    static final byte[] PLAYER_KEY = withSuffix(PLAYER_TEXT);
    static final byte[] SERVER_KEY = withSuffix(SERVER_TEXT);
    static final byte[] PLAYER_PARTIAL_KEY = Arrays.copyOf(PLAYER_KEY, PLAYER_TEXT.length());
    static final byte[] SERVER_PARTIAL_KEY = Arrays.copyOf(SERVER_KEY, SERVER_TEXT.length());

    private HandshakeDigest() {
    }

    static int digestOffset(byte[] block, int schema) {
        int base = schema == SCHEMA_1 ? 8 : 772;
        int sum = (block[base] & 0xFF) + (block[base + 1] & 0xFF) + (block[base + 2] & 0xFF) + (block[base + 3] & 0xFF);
        return sum % 728 + base + 4;
    }

    /** The schema whose digest in {@code c1} is valid for the player key, trying schema 1 first; -1 if none. */
    static int clientSchema(byte[] c1) {
        for (int schema : new int[]{SCHEMA_1, SCHEMA_0}) {
            int offset = digestOffset(c1, schema);
            byte[] expected = blockDigest(c1, offset, PLAYER_PARTIAL_KEY);
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(c1, offset, offset + DIGEST_SIZE))) {
                return schema;
            }
        }
        return -1;
    }

    /** Writes the server digest into {@code s1} at the place the schema gives. */
    static void signServerBlock(byte[] s1, int schema) {
        int offset = digestOffset(s1, schema);
        System.arraycopy(blockDigest(s1, offset, SERVER_PARTIAL_KEY), 0, s1, offset, DIGEST_SIZE);
    }

    /** Writes into the last 32 bytes of {@code s2} the signature a client checks against the digest it put in C1. */
    static void signResponse(byte[] s2, byte[] c1Digest) {
        byte[] key = hmac(SERVER_KEY, c1Digest, 0, c1Digest.length);
        byte[] signature = hmac(key, s2, 0, BLOCK_SIZE - DIGEST_SIZE);
        System.arraycopy(signature, 0, s2, BLOCK_SIZE - DIGEST_SIZE, DIGEST_SIZE);
    }

    /** HMAC-SHA256 of the block without the 32 bytes at {@code offset}. */
    static byte[] blockDigest(byte[] block, int offset, byte[] key) {
        Mac mac = mac(key);
        mac.update(block, 0, offset);
        mac.update(block, offset + DIGEST_SIZE, BLOCK_SIZE - offset - DIGEST_SIZE);
        return mac.doFinal();
    }

    static byte[] hmac(byte[] key, byte[] data, int from, int length) {
        Mac mac = mac(key);
        mac.update(data, from, length);
        return mac.doFinal();
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime provides HmacSHA256", e);
        }
    }

    private static byte[] withSuffix(String text) {
        byte[] prefix = text.getBytes(StandardCharsets.US_ASCII);
        byte[] key = Arrays.copyOf(prefix, prefix.length + KEY_SUFFIX.length);
        System.arraycopy(KEY_SUFFIX, 0, key, prefix.length, KEY_SUFFIX.length);
        return key;
    }
}
