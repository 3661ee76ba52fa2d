package io.livecloud.media.amf;

import io.netty.buffer.ByteBuf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0 ("Action Message Format -- AMF 0"), the encoding of RTMP commands and metadata.
 *
 * <p>Decoded values map to Java as: number → {@link Double}, boolean → {@link Boolean}, string and long string
 * (and XML document) → {@link String}, object and typed object → {@code LinkedHashMap<String, Object>} (the class
 * name of a typed object is dropped), ECMA array → {@link EcmaArray}, strict array → {@code ArrayList<Object>},
 * date → {@link java.util.Date}, null, undefined and unsupported → {@code null}. A reference yields the object it
 * refers to (the same Java instance).
 *
 * <p>Decoding throws {@link io.livecloud.media.MediaProtocolException} for anything malformed or truncated, for
 * markers AMF0 reserves or that switch to AMF3, and for nesting deeper than {@value #MAX_DEPTH}. An object or ECMA
 * array whose properties run exactly to the end of the buffer without an object-end marker is accepted, as
 * librtmp and SRS accept it, because some encoders write metadata that way.
 */
public final class Amf0 {
    /** Deepest nesting of objects and arrays accepted, when decoding and when encoding. */
    public static final int MAX_DEPTH = 64;

    static final int NUMBER = 0x00;
    static final int BOOLEAN = 0x01;
    static final int STRING = 0x02;
    static final int OBJECT = 0x03;
    static final int MOVIECLIP = 0x04;
    static final int NULL = 0x05;
    static final int UNDEFINED = 0x06;
    static final int REFERENCE = 0x07;
    static final int ECMA_ARRAY = 0x08;
    static final int OBJECT_END = 0x09;
    static final int STRICT_ARRAY = 0x0A;
    static final int DATE = 0x0B;
    static final int LONG_STRING = 0x0C;
    static final int UNSUPPORTED = 0x0D;
    static final int RECORDSET = 0x0E;
    static final int XML_DOCUMENT = 0x0F;
    static final int TYPED_OBJECT = 0x10;
    static final int AVMPLUS_OBJECT = 0x11;

    private Amf0() {
    }

    /**
     * An associative ("ECMA") array: a map that is written back with the ECMA-array marker, as {@code onMetaData}
     * expects. Callers that only read can treat it as any other {@link Map}.
     */
    public static final class EcmaArray extends LinkedHashMap<String, Object> {
        public EcmaArray() {
        }

        public EcmaArray(Map<String, ?> entries) {
            super(entries);
        }
    }

    /** Reads values until {@code in} has no readable bytes left; references may point across values. */
    public static List<Object> decodeAll(ByteBuf in) {
        return new Amf0Reader(in).readAll();
    }

    /** Reads one value from {@code in}, advancing its reader index past it. */
    public static Object decode(ByteBuf in) {
        return new Amf0Reader(in).read();
    }

    /**
     * Writes each value: {@link Number} (as a double), {@link Boolean}, {@link CharSequence} (long string when its
     * UTF-8 form exceeds 65535 bytes), {@link EcmaArray}, any other {@link Map} (as an object, keys by
     * {@code String.valueOf}), {@link List} (strict array), {@link java.util.Date} and {@code null}.
     *
     * @throws IllegalArgumentException for any other type, an object key longer than 65535 UTF-8 bytes, or nesting
     *                                  deeper than {@value #MAX_DEPTH} (which includes a structure that contains
     *                                  itself)
     */
    public static void encode(ByteBuf out, Object... values) {
        for (Object value : values) {
            Amf0Writer.write(out, value, 0);
        }
    }
}
