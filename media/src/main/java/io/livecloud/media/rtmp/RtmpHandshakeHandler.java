package io.livecloud.media.rtmp;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The server side of the RTMP handshake (C0 C1 → S0 S1 S2 → C2). Clients of the Flash era (and librtmp in FP9 mode,
 * several hardware encoders) send a C1 carrying an HMAC-SHA256 digest and verify the server's answer; for them the
 * digest form is used, for everyone else the plain echo. When C2 has arrived the handler removes itself, so any
 * bytes that came with C2 flow on to the chunk decoder, and fires {@link #COMPLETED}.
 */
public final class RtmpHandshakeHandler extends ByteToMessageDecoder {
    public static final Object COMPLETED = "RTMP handshake completed";
    static final int SIZE = 1536;
    private static final int DIGEST = 32;
    private static final byte[] RANDOM_CRUD = hex("F0EEC24A8068BEE82E00D0D1029E7E576EEC5D2D29806FAB93B8E636CFEB31AE");
    private static final byte[] FP_KEY = concat("Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII), RANDOM_CRUD);
    private static final byte[] FMS_KEY = concat("Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII), RANDOM_CRUD);
    private static final int FP_KEY_TEXT = 30;
    private static final int FMS_KEY_TEXT = 36;

    private boolean c1Answered;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!c1Answered) {
            if (in.readableBytes() < 1 + SIZE) {
                return;
            }
            int version = in.readUnsignedByte();
            if (version != 3) {
                throw new MediaProtocolException("unsupported RTMP version " + version + " (encrypted RTMPE is not offered)");
            }
            byte[] c1 = new byte[SIZE];
            in.readBytes(c1);
            ByteBuf reply = ctx.alloc().buffer(1 + 2 * SIZE);
            reply.writeByte(3);
            reply.writeBytes(answer(c1));
            ctx.writeAndFlush(reply);
            c1Answered = true;
        }
        if (in.readableBytes() < SIZE) {
            return;
        }
        in.skipBytes(SIZE); // C2: clients differ in what they put there, nothing to check
        ctx.fireUserEventTriggered(COMPLETED);
        ctx.pipeline().remove(this); // hands what follows C2 in the buffer to the chunk decoder
    }

    /** S1 followed by S2 for this C1. */
    static byte[] answer(byte[] c1) {
        byte[] s1 = new byte[SIZE];
        ThreadLocalRandom.current().nextBytes(s1);
        Arrays.fill(s1, 0, 8, (byte) 0); // time 0; a zero version also tells plain clients this is a plain answer
        int schema = digestSchema(c1);
        if (schema < 0) {
            byte[] reply = new byte[2 * SIZE];
            System.arraycopy(s1, 0, reply, 0, SIZE);
            System.arraycopy(c1, 0, reply, SIZE, SIZE); // S2 echoes C1
            return reply;
        }
        s1[4] = 4; // a server version makes digest-checking clients look for our digest
        s1[5] = 5;
        s1[6] = 0;
        s1[7] = 1;
        int s1Offset = digestOffset(s1, schema);
        byte[] s1Digest = digestExcluding(s1, s1Offset, Arrays.copyOf(FMS_KEY, FMS_KEY_TEXT));
        System.arraycopy(s1Digest, 0, s1, s1Offset, DIGEST);

        byte[] c1Digest = Arrays.copyOfRange(c1, digestOffset(c1, schema), digestOffset(c1, schema) + DIGEST);
        byte[] s2 = new byte[SIZE];
        ThreadLocalRandom.current().nextBytes(s2);
        byte[] s2Key = hmac(FMS_KEY, c1Digest);
        byte[] s2Digest = hmac(s2Key, Arrays.copyOf(s2, SIZE - DIGEST));
        System.arraycopy(s2Digest, 0, s2, SIZE - DIGEST, DIGEST);

        byte[] reply = new byte[2 * SIZE];
        System.arraycopy(s1, 0, reply, 0, SIZE);
        System.arraycopy(s2, 0, reply, SIZE, SIZE);
        return reply;
    }

    /** Which digest layout C1 uses (0: digest in the second half, 1: in the first half), or -1 for a plain C1. */
    static int digestSchema(byte[] c1) {
        if (c1[4] == 0 && c1[5] == 0 && c1[6] == 0 && c1[7] == 0) {
            return -1; // no client version: a plain handshake
        }
        for (int schema : new int[]{1, 0}) {
            int offset = digestOffset(c1, schema);
            byte[] expected = digestExcluding(c1, offset, Arrays.copyOf(FP_KEY, FP_KEY_TEXT));
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(c1, offset, offset + DIGEST))) {
                return schema;
            }
        }
        return -1;
    }

    /**
     * Where the 32-byte digest sits: schema 1 puts it in the block after time and version (offset from bytes 8–11),
     * schema 0 in the block starting at 772 (offset from bytes 772–775).
     */
    static int digestOffset(byte[] block, int schema) {
        int base = schema == 1 ? 8 : 772;
        int sum = (block[base] & 0xff) + (block[base + 1] & 0xff) + (block[base + 2] & 0xff) + (block[base + 3] & 0xff);
        return sum % 728 + base + 4;
    }

    /** HMAC-SHA256 of the block without the 32 bytes at {@code offset}. */
    static byte[] digestExcluding(byte[] block, int offset, byte[] key) {
        byte[] joined = new byte[SIZE - DIGEST];
        System.arraycopy(block, 0, joined, 0, offset);
        System.arraycopy(block, offset + DIGEST, joined, offset, SIZE - offset - DIGEST);
        return hmac(key, joined);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] clientKey() {
        return Arrays.copyOf(FP_KEY, FP_KEY_TEXT);
    }

    static byte[] serverKey() {
        return Arrays.copyOf(FMS_KEY, FMS_KEY_TEXT);
    }

    static byte[] fullServerKey() {
        return FMS_KEY.clone();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] hex(String s) {
        byte[] r = new byte[s.length() / 2];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return r;
    }
}
