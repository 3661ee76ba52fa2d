package io.livecloud.media.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.Date;
import java.util.List;
import java.util.Map;

/** Writes Java values as AMF0; see {@link Amf0#encode}. */
final class Amf0Writer {
    private static final int MAX_SHORT_STRING = 0xFFFF;

    private Amf0Writer() {
    }

    static void write(ByteBuf out, Object value, int depth) {
        if (value == null) {
            out.writeByte(Amf0.NULL);
        } else if (value instanceof Number n) {
            out.writeByte(Amf0.NUMBER);
            out.writeDouble(n.doubleValue());
        } else if (value instanceof Boolean b) {
            out.writeByte(Amf0.BOOLEAN);
            out.writeBoolean(b);
        } else if (value instanceof CharSequence s) {
            writeString(out, s);
        } else if (value instanceof Amf0.EcmaArray array) {
            out.writeByte(Amf0.ECMA_ARRAY);
            out.writeInt(array.size());
            writeProperties(out, array, deeper(depth));
        } else if (value instanceof Map<?, ?> map) {
            out.writeByte(Amf0.OBJECT);
            writeProperties(out, map, deeper(depth));
        } else if (value instanceof List<?> list) {
            int childDepth = deeper(depth);
            out.writeByte(Amf0.STRICT_ARRAY);
            out.writeInt(list.size());
            for (Object element : list) {
                write(out, element, childDepth);
            }
        } else if (value instanceof Date date) {
            out.writeByte(Amf0.DATE);
            out.writeDouble(date.getTime());
            out.writeShort(0);
        } else {
            throw new IllegalArgumentException("no AMF0 form for " + value.getClass().getName());
        }
    }

    private static int deeper(int depth) {
        if (depth + 1 > Amf0.MAX_DEPTH) {
            throw new IllegalArgumentException("AMF0 nesting deeper than " + Amf0.MAX_DEPTH + " (or a cycle)");
        }
        return depth + 1;
    }

    private static void writeString(ByteBuf out, CharSequence s) {
        int length = ByteBufUtil.utf8Bytes(s);
        if (length > MAX_SHORT_STRING) {
            out.writeByte(Amf0.LONG_STRING);
            out.writeInt(length);
        } else {
            out.writeByte(Amf0.STRING);
            out.writeShort(length);
        }
        ByteBufUtil.reserveAndWriteUtf8(out, s, length);
    }

    private static void writeProperties(ByteBuf out, Map<?, ?> map, int depth) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            int length = ByteBufUtil.utf8Bytes(key);
            if (length > MAX_SHORT_STRING) {
                throw new IllegalArgumentException("AMF0 property name longer than 65535 bytes");
            }
            out.writeShort(length);
            ByteBufUtil.reserveAndWriteUtf8(out, key, length);
            write(out, e.getValue(), depth);
        }
        out.writeShort(0);
        out.writeByte(Amf0.OBJECT_END);
    }
}
