package io.livecloud.media.amf;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class Amf0Test {

    private static byte[] encode(Object... values) {
        ByteBuf out = Unpooled.buffer();
        try {
            Amf0.encode(out, values);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    private static List<Object> decodeAll(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            List<Object> values = Amf0.decodeAll(in);
            assertThat(in.isReadable()).isFalse();
            return values;
        } finally {
            in.release();
        }
    }

    private static List<Object> decodeHex(String hex) {
        return decodeAll(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    private static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }

    @Test
    void encodesAConnectCommandToTheBytesTheSpecDescribes() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("app", "live");
        byte[] bytes = encode("connect", 1, params, null, true);
        assertThat(hex(bytes)).isEqualTo(
                "020007636f6e6e656374"          // string "connect"
                        + "003ff0000000000000"      // number 1.0
                        + "03" + "0003617070" + "0200046c697665" + "000009" // {app: "live"}
                        + "05"                      // null
                        + "0101");                  // true
    }

    @Test
    void roundTripsEveryType() {
        Amf0.EcmaArray metadata = new Amf0.EcmaArray();
        metadata.put("width", 1920.0);
        metadata.put("encoder", "obs");
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("z", 1.0);
        object.put("a", List.of("x", 2.0));
        object.put("nested", new LinkedHashMap<>(Map.of("k", false)));
        object.put("none", null);
        Date date = new Date(1_700_000_000_123L);

        List<Object> decoded = decodeAll(encode(3.5, false, "直播 stream", object, metadata, List.of(1.0, "two"), date, null));

        assertThat(decoded).hasSize(8);
        assertThat(decoded.get(0)).isEqualTo(3.5);
        assertThat(decoded.get(1)).isEqualTo(false);
        assertThat(decoded.get(2)).isEqualTo("直播 stream");
        assertThat(decoded.get(3)).isInstanceOf(LinkedHashMap.class).isNotInstanceOf(Amf0.EcmaArray.class).isEqualTo(object);
        assertThat(new ArrayList<Object>(((Map<?, ?>) decoded.get(3)).keySet())).containsExactly("z", "a", "nested", "none");
        assertThat(decoded.get(4)).isInstanceOf(Amf0.EcmaArray.class).isEqualTo(metadata);
        assertThat(decoded.get(5)).isInstanceOf(ArrayList.class).isEqualTo(List.of(1.0, "two"));
        assertThat(decoded.get(6)).isEqualTo(date);
        assertThat(decoded.get(7)).isNull();
    }

    @Test
    void numbersOfAnyJavaTypeBecomeDoubles() {
        assertThat(decodeAll(encode(7, 7L, (short) 7, 7.5f))).containsExactly(7.0, 7.0, 7.0, 7.5);
    }

    @Test
    void usesTheLongStringMarkerOnlyAbove65535Utf8Bytes() {
        String atLimit = "a".repeat(65535);
        String overLimit = "é".repeat(32768); // 65536 bytes in UTF-8
        byte[] short16 = encode(atLimit);
        byte[] long32 = encode(overLimit);
        assertThat(short16[0]).isEqualTo((byte) 0x02);
        assertThat(short16).hasSize(3 + 65535);
        assertThat(long32[0]).isEqualTo((byte) 0x0C);
        assertThat(Arrays.copyOfRange(long32, 1, 5)).containsExactly(0, 1, 0, 0);
        assertThat(decodeAll(short16)).containsExactly(atLimit);
        assertThat(decodeAll(long32)).containsExactly(overLimit);
    }

    @Test
    void decodesUndefinedUnsupportedXmlAndTypedObjects() {
        assertThat(decodeHex("06 0d")).containsExactly(null, null);
        assertThat(decodeHex("0f 00000003 3c613e")).containsExactly("<a>");
        List<Object> typed = decodeHex("10 0003 466f6f 0001 78 003ff0000000000000 000009");
        assertThat(typed.get(0)).isInstanceOf(LinkedHashMap.class).isEqualTo(Map.of("x", 1.0));
    }

    @Test
    void decodesDatesIgnoringTheTimeZone() {
        ByteBuf in = Unpooled.buffer().writeByte(0x0B).writeDouble(86_400_000).writeShort(0xFFC4);
        try {
            assertThat(Amf0.decode(in)).isEqualTo(new Date(86_400_000));
        } finally {
            in.release();
        }
    }

    @Test
    void decodeReadsOneValueAndLeavesTheRest() {
        ByteBuf in = Unpooled.wrappedBuffer(encode("a", 2.0));
        try {
            assertThat(Amf0.decode(in)).isEqualTo("a");
            assertThat(in.readableBytes()).isEqualTo(9);
            assertThat(Amf0.decode(in)).isEqualTo(2.0);
        } finally {
            in.release();
        }
    }

    @Test
    void ecmaArraysTrustTheEndMarkerNotTheCount() {
        // count says 0, two properties follow
        Object under = decodeHex("08 00000000 0001 61 0101 0001 62 0100 000009").get(0);
        assertThat(under).isInstanceOf(Amf0.EcmaArray.class).isEqualTo(Map.of("a", true, "b", false));
        // count says 5, one property follows
        assertThat(decodeHex("08 00000005 0001 61 0101 000009 05")).containsExactly(Map.of("a", true), null);
    }

    @Test
    void anObjectMayEndWithTheBufferAtAPropertyBoundary() {
        assertThat(decodeHex("08 00000001 0001 61 0101")).containsExactly(Map.of("a", true));
        assertThat(decodeHex("03 0001 61 0101 0000")).containsExactly(Map.of("a", true));
    }

    @Test
    void anEmptyKeyNotFollowedByTheEndMarkerIsAProperty() {
        assertThat(decodeHex("03 0000 0101 000009")).containsExactly(Map.of("", true));
    }

    @Test
    void referencesResolveToTheSameInstanceAcrossValues() {
        // object #0 {a: 1}, strict array #1 [ref 0], then a top-level ref to #1
        List<Object> values = decodeHex("03 0001 61 003ff0000000000000 000009  0a 00000001 07 0000  07 0001");
        assertThat(values).hasSize(3);
        assertThat(((List<?>) values.get(1)).get(0)).isSameAs(values.get(0));
        assertThat(values.get(2)).isSameAs(values.get(1));
    }

    @Test
    void refusesReferencesToUnknownOrEnclosingObjects() {
        assertThatThrownBy(() -> decodeHex("07 0000")).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> decodeHex("03 0001 61 07 0000 000009"))
                .isInstanceOf(MediaProtocolException.class).hasMessageContaining("contains it");
    }

    @Test
    void refusesReferencesThatExpandIntoAHugeStructure() {
        // each level is an array holding the previous level twice: 40 levels describe 2^40 values in ~400 bytes
        ByteBuf in = Unpooled.buffer();
        in.writeByte(0x0A).writeInt(0);
        for (int level = 1; level <= 40; level++) {
            in.writeByte(0x0A).writeInt(2);
            in.writeByte(0x07).writeShort(level - 1);
            in.writeByte(0x07).writeShort(level - 1);
        }
        try {
            assertThatThrownBy(() -> Amf0.decodeAll(in))
                    .isInstanceOf(MediaProtocolException.class).hasMessageContaining("expands");
        } finally {
            in.release();
        }
    }

    @Test
    void acceptsNestingUpTo64AndRefusesDeeper() {
        assertThat(decodeAll(nestedObjects(64))).hasSize(1);
        assertThatThrownBy(() -> decodeAll(nestedObjects(65)))
                .isInstanceOf(MediaProtocolException.class).hasMessageContaining("deeper");
        assertThatThrownBy(() -> decodeAll(nestedArrays(65))).isInstanceOf(MediaProtocolException.class);
    }

    private static byte[] nestedObjects(int depth) {
        ByteBuf b = Unpooled.buffer();
        for (int i = 0; i < depth; i++) {
            b.writeByte(0x03).writeShort(1).writeByte('k');
        }
        b.writeByte(0x05);
        for (int i = 0; i < depth; i++) {
            b.writeShort(0).writeByte(0x09);
        }
        byte[] bytes = ByteBufUtil.getBytes(b);
        b.release();
        return bytes;
    }

    private static byte[] nestedArrays(int depth) {
        ByteBuf b = Unpooled.buffer();
        for (int i = 0; i < depth; i++) {
            b.writeByte(0x0A).writeInt(1);
        }
        b.writeByte(0x05);
        byte[] bytes = ByteBufUtil.getBytes(b);
        b.release();
        return bytes;
    }

    @Test
    void refusesUnknownReservedAndAmf3Markers() {
        for (String marker : List.of("04", "0e", "11", "12", "ff", "09")) {
            assertThatThrownBy(() -> decodeHex(marker)).as("marker " + marker).isInstanceOf(MediaProtocolException.class);
        }
    }

    @Test
    void refusesDeclaredLengthsBeyondTheBufferWithoutAllocating() {
        assertThatThrownBy(() -> decodeHex("0c ffffffff 41")).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> decodeHex("02 ffff 41")).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> decodeHex("0a 7fffffff 05")).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> decodeHex("0a ffffffff")).isInstanceOf(MediaProtocolException.class);
    }

    @Test
    void everyTruncationOfAValueEitherDecodesOrThrowsAProtocolError() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("level", "status");
        info.put("list", List.of(1.0, new Date(5), true));
        Amf0.EcmaArray meta = new Amf0.EcmaArray(Map.of("duration", 0.0));
        info.put("meta", meta);
        byte[] full = encode("onStatus", 0.0, null, info, "x".repeat(70_000));
        for (int length = 0; length < full.length; length += length < 200 ? 1 : 997) {
            byte[] cut = Arrays.copyOf(full, length);
            assertDecodesOrRefuses(cut);
        }
        // cutting inside a scalar is always an error
        assertThatThrownBy(() -> decodeAll(Arrays.copyOf(encode(1.0), 5))).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> decodeAll(Arrays.copyOf(encode("abc"), 4))).isInstanceOf(MediaProtocolException.class);
    }

    @Test
    void randomBytesOnlyEverRaiseProtocolErrors() {
        Random random = new Random(42);
        byte[] markers = {0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0F, 0x10};
        for (int i = 0; i < 5000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            // bias towards structure: valid markers and small lengths are where parsers go wrong
            for (int j = 0; j < bytes.length; j++) {
                int roll = random.nextInt(4);
                if (roll == 0) {
                    bytes[j] = markers[random.nextInt(markers.length)];
                } else if (roll == 1) {
                    bytes[j] = (byte) random.nextInt(4);
                }
            }
            assertDecodesOrRefuses(bytes);
        }
    }

    private static void assertDecodesOrRefuses(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            Amf0.decodeAll(in);
        } catch (MediaProtocolException expected) {
            // refused: fine
        } catch (RuntimeException | StackOverflowError e) {
            fail("unexpected " + e + " for " + ByteBufUtil.hexDump(bytes), e);
        } finally {
            in.release();
        }
    }

    @Test
    void refusesToEncodeUnknownTypesCyclesAndOverlongKeys() {
        ByteBuf out = Unpooled.buffer();
        try {
            assertThatThrownBy(() -> Amf0.encode(out, new Object())).isInstanceOf(IllegalArgumentException.class);
            Map<String, Object> cyclic = new LinkedHashMap<>();
            cyclic.put("self", cyclic);
            assertThatThrownBy(() -> Amf0.encode(out, cyclic)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Amf0.encode(out, Map.of("k".repeat(65536), 1)))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            out.release();
        }
    }

    @Test
    void encodesNestingUpTo64() {
        Consumer<Integer> encodeDepth = depth -> {
            Object value = null;
            for (int i = 0; i < depth; i++) {
                value = new ArrayList<>(Arrays.asList(value));
            }
            encode(value);
        };
        encodeDepth.accept(64);
        assertThatThrownBy(() -> encodeDepth.accept(65)).isInstanceOf(IllegalArgumentException.class);
    }
}
