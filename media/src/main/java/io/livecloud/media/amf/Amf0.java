package io.livecloud.media.amf;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0 ("Action Message Format -- AMF 0") values ↔ Java values: number ↔ Double, boolean ↔ Boolean,
 * string/long string ↔ String, object ↔ {@code LinkedHashMap<String,Object>}, ECMA array ↔ {@link EcmaArray},
 * strict array ↔ {@code List}, date ↔ {@link Date}, null/undefined ↔ null. Decoding is defensive: malformed or
 * truncated input throws {@link MediaProtocolException}, never anything else.
 */
public final class Amf0 {
    private static final int NUMBER = 0x00;
    private static final int BOOLEAN = 0x01;
    private static final int STRING = 0x02;
    private static final int OBJECT = 0x03;
    private static final int NULL = 0x05;
    private static final int UNDEFINED = 0x06;
    private static final int REFERENCE = 0x07;
    private static final int ECMA_ARRAY = 0x08;
    private static final int OBJECT_END = 0x09;
    private static final int STRICT_ARRAY = 0x0A;
    private static final int DATE = 0x0B;
    private static final int LONG_STRING = 0x0C;
    private static final int UNSUPPORTED = 0x0D;
    private static final int XML_DOCUMENT = 0x0F;
    private static final int TYPED_OBJECT = 0x10;
    private static final int MAX_DEPTH = 64;

    /** An AMF0 ECMA array: an associative array, written with its count (onMetaData uses it). */
    public static final class EcmaArray extends LinkedHashMap<String, Object> {
        public EcmaArray() {
        }

        public EcmaArray(Map<String, ?> values) {
            super(values);
        }
    }

    private Amf0() {
    }

    /** Reads values until {@code in} is empty. */
    public static List<Object> decodeAll(ByteBuf in) {
        List<Object> values = new ArrayList<>();
        List<Object> references = new ArrayList<>();
        while (in.isReadable()) {
            values.add(read(in, 0, references));
        }
        return values;
    }

    /** Reads one value. */
    public static Object decode(ByteBuf in) {
        return read(in, 0, new ArrayList<>());
    }

    private static Object read(ByteBuf in, int depth, List<Object> references) {
        if (depth > MAX_DEPTH) {
            throw new MediaProtocolException("AMF0 nesting deeper than " + MAX_DEPTH);
        }
        int marker = readByte(in);
        switch (marker) {
            case NUMBER:
                need(in, 8);
                return in.readDouble();
            case BOOLEAN:
                return readByte(in) != 0;
            case STRING:
                return readUtf8(in, readUnsignedShort(in));
            case LONG_STRING:
            case XML_DOCUMENT:
                return readUtf8(in, readLength(in));
            case OBJECT: {
                Map<String, Object> object = new LinkedHashMap<>();
                references.add(object);
                readProperties(in, object, depth, references);
                return object;
            }
            case TYPED_OBJECT: {
                readUtf8(in, readUnsignedShort(in)); // class name: not needed by anything we speak
                Map<String, Object> object = new LinkedHashMap<>();
                references.add(object);
                readProperties(in, object, depth, references);
                return object;
            }
            case ECMA_ARRAY: {
                need(in, 4);
                in.skipBytes(4); // the count is often wrong in the wild; the end marker is what counts
                EcmaArray array = new EcmaArray();
                references.add(array);
                readProperties(in, array, depth, references);
                return array;
            }
            case STRICT_ARRAY: {
                long count = readLength(in);
                if (count > in.readableBytes()) { // every element takes at least one byte
                    throw new MediaProtocolException("AMF0 strict array longer than its message");
                }
                List<Object> list = new ArrayList<>((int) count);
                references.add(list);
                for (long i = 0; i < count; i++) {
                    list.add(read(in, depth + 1, references));
                }
                return list;
            }
            case DATE: {
                need(in, 10);
                double millis = in.readDouble();
                in.skipBytes(2); // time zone, unused by the format's own spec
                return new Date((long) millis);
            }
            case REFERENCE: {
                int index = readUnsignedShort(in);
                if (index >= references.size()) {
                    throw new MediaProtocolException("AMF0 reference to an unknown object " + index);
                }
                return references.get(index);
            }
            case NULL:
            case UNDEFINED:
            case UNSUPPORTED:
                return null;
            default:
                throw new MediaProtocolException("unknown AMF0 marker 0x" + Integer.toHexString(marker));
        }
    }

    private static void readProperties(ByteBuf in, Map<String, Object> into, int depth, List<Object> references) {
        while (true) {
            int nameLength = readUnsignedShort(in);
            if (nameLength == 0) {
                if (in.isReadable() && in.getUnsignedByte(in.readerIndex()) == OBJECT_END) {
                    in.skipBytes(1);
                    return;
                }
                if (!in.isReadable()) {
                    return; // some encoders end the message without the end marker
                }
            }
            String name = readUtf8(in, nameLength);
            into.put(name, read(in, depth + 1, references));
        }
    }

    private static int readByte(ByteBuf in) {
        need(in, 1);
        return in.readUnsignedByte();
    }

    private static int readUnsignedShort(ByteBuf in) {
        need(in, 2);
        return in.readUnsignedShort();
    }

    private static long readLength(ByteBuf in) {
        need(in, 4);
        return in.readUnsignedInt();
    }

    private static String readUtf8(ByteBuf in, long length) {
        need(in, length);
        String s = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
        in.skipBytes((int) length);
        return s;
    }

    private static void need(ByteBuf in, long bytes) {
        if (in.readableBytes() < bytes) {
            throw new MediaProtocolException("AMF0 value truncated: needs " + bytes + " bytes, has " + in.readableBytes());
        }
    }

    // ---- encoding -------------------------------------------------------------------------------------------

    public static void encode(ByteBuf out, Object... values) {
        for (Object v : values) {
            write(out, v);
        }
    }

    private static void write(ByteBuf out, Object v) {
        if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof Number n) {
            out.writeByte(NUMBER).writeDouble(n.doubleValue());
        } else if (v instanceof Boolean b) {
            out.writeByte(BOOLEAN).writeByte(b ? 1 : 0);
        } else if (v instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > 0xFFFF) {
                out.writeByte(LONG_STRING).writeInt(utf8.length).writeBytes(utf8);
            } else {
                out.writeByte(STRING).writeShort(utf8.length).writeBytes(utf8);
            }
        } else if (v instanceof EcmaArray array) {
            out.writeByte(ECMA_ARRAY).writeInt(array.size());
            writeProperties(out, array);
        } else if (v instanceof Map<?, ?> map) {
            out.writeByte(OBJECT);
            writeProperties(out, map);
        } else if (v instanceof List<?> list) {
            out.writeByte(STRICT_ARRAY).writeInt(list.size());
            for (Object item : list) {
                write(out, item);
            }
        } else if (v instanceof Date date) {
            out.writeByte(DATE).writeDouble(date.getTime()).writeShort(0);
        } else {
            throw new IllegalArgumentException("no AMF0 form for " + v.getClass().getName());
        }
    }

    private static void writeProperties(ByteBuf out, Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            byte[] name = String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8);
            out.writeShort(name.length).writeBytes(name);
            write(out, e.getValue());
        }
        out.writeShort(0).writeByte(OBJECT_END);
    }
}
