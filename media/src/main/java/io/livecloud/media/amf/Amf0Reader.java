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
 * One decoding pass over a buffer. Holds the reference table, which AMF0 scopes to the whole message body, and
 * counts the values the result expands to: a reference repeats a whole object, so a few hundred bytes of nested
 * references could otherwise describe a structure that takes gigabytes to walk or re-encode.
 */
final class Amf0Reader {
    /** Values a decoded result may expand to, references counted as what they repeat. */
    static final int MAX_EXPANDED_VALUES = 100_000;

    private final ByteBuf in;
    /** Complex values in the order they began; null while one is still being decoded. */
    private final List<Object> references = new ArrayList<>();
    /** How many values each entry of {@link #references} expands to. */
    private final List<Integer> referenceSizes = new ArrayList<>();
    private int expandedValues;
    private int depth;

    Amf0Reader(ByteBuf in) {
        this.in = in;
    }

    List<Object> readAll() {
        List<Object> values = new ArrayList<>();
        while (in.isReadable()) {
            values.add(read());
        }
        return values;
    }

    Object read() {
        int marker = readUnsignedByte();
        countValues(1);
        return switch (marker) {
            case Amf0.NUMBER -> readDouble();
            case Amf0.BOOLEAN -> readUnsignedByte() != 0;
            case Amf0.STRING -> readUtf8(readUnsignedShort());
            case Amf0.LONG_STRING, Amf0.XML_DOCUMENT -> readUtf8(readUnsignedInt());
            case Amf0.NULL, Amf0.UNDEFINED, Amf0.UNSUPPORTED -> null;
            case Amf0.DATE -> readDate();
            case Amf0.OBJECT -> readComplex(() -> readProperties(new LinkedHashMap<>()));
            case Amf0.TYPED_OBJECT -> readComplex(() -> {
                skip(readUnsignedShort()); // the class name: callers only need the properties
                return readProperties(new LinkedHashMap<>());
            });
            case Amf0.ECMA_ARRAY -> readComplex(() -> {
                readUnsignedInt(); // the count is often wrong; the object-end marker decides
                return readProperties(new Amf0.EcmaArray());
            });
            case Amf0.STRICT_ARRAY -> readComplex(this::readStrictArray);
            case Amf0.REFERENCE -> readReference();
            case Amf0.OBJECT_END -> throw new MediaProtocolException("AMF0 object end outside an object");
            case Amf0.MOVIECLIP, Amf0.RECORDSET -> throw new MediaProtocolException(
                    "AMF0 marker 0x" + Integer.toHexString(marker) + " is reserved");
            case Amf0.AVMPLUS_OBJECT -> throw new MediaProtocolException("AMF3 values inside AMF0 are not supported");
            default -> throw new MediaProtocolException("unknown AMF0 marker 0x" + Integer.toHexString(marker));
        };
    }

    private interface ComplexBody {
        Object read();
    }

    private Object readComplex(ComplexBody body) {
        if (++depth > Amf0.MAX_DEPTH) {
            throw new MediaProtocolException("AMF0 nesting deeper than " + Amf0.MAX_DEPTH);
        }
        int index = references.size();
        references.add(null);
        referenceSizes.add(0);
        int valuesBefore = expandedValues;
        Object value = body.read();
        references.set(index, value);
        referenceSizes.set(index, expandedValues - valuesBefore + 1);
        depth--;
        return value;
    }

    private Map<String, Object> readProperties(Map<String, Object> target) {
        while (in.isReadable()) {
            String key = readUtf8(readUnsignedShort());
            if (key.isEmpty() && !in.isReadable()) {
                return target; // an end marker missing its last byte at the end of the buffer: accepted, see Amf0
            }
            if (key.isEmpty() && in.getUnsignedByte(in.readerIndex()) == Amf0.OBJECT_END) {
                in.skipBytes(1);
                return target;
            }
            target.put(key, read());
        }
        return target; // ran to the end of the buffer at a property boundary: accepted, see Amf0
    }

    private List<Object> readStrictArray() {
        long count = readUnsignedInt();
        if (count > in.readableBytes()) {
            // every element takes at least its marker byte
            throw new MediaProtocolException("AMF0 strict array of " + count + " elements in " + in.readableBytes() + " bytes");
        }
        List<Object> list = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            list.add(read());
        }
        return list;
    }

    private Object readReference() {
        int index = readUnsignedShort();
        if (index >= references.size()) {
            throw new MediaProtocolException("AMF0 reference " + index + " to an object not seen");
        }
        Object target = references.get(index);
        if (target == null) {
            throw new MediaProtocolException("AMF0 reference " + index + " to an object that contains it");
        }
        countValues(referenceSizes.get(index));
        return target;
    }

    private Date readDate() {
        double millis = readDouble();
        skip(2); // time zone: reserved, senders write 0
        return new Date((long) millis);
    }

    private void countValues(int n) {
        expandedValues += n;
        if (expandedValues > MAX_EXPANDED_VALUES || expandedValues < 0) {
            throw new MediaProtocolException("AMF0 data expands to more than " + MAX_EXPANDED_VALUES + " values");
        }
    }

    private String readUtf8(long length) {
        need(length);
        String s = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
        in.skipBytes((int) length);
        return s;
    }

    private double readDouble() {
        need(8);
        return in.readDouble();
    }

    private int readUnsignedByte() {
        need(1);
        return in.readUnsignedByte();
    }

    private int readUnsignedShort() {
        need(2);
        return in.readUnsignedShort();
    }

    private long readUnsignedInt() {
        need(4);
        return in.readUnsignedInt();
    }

    private void skip(int n) {
        need(n);
        in.skipBytes(n);
    }

    private void need(long n) {
        if (in.readableBytes() < n) {
            throw new MediaProtocolException("AMF0 data truncated: need " + n + " bytes, have " + in.readableBytes());
        }
    }
}
