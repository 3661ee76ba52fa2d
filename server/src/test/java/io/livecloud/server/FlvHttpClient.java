package io.livecloud.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal HTTP-FLV reader on a plain socket that notes when each tag arrives, for timing and fan-out checks
 * (decoding correctness is ffmpeg's job in these tests). Reads on its own thread.
 */
final class FlvHttpClient implements AutoCloseable {
    record Tag(int type, long timestamp, boolean keyframe, boolean config, boolean picture, int size, long arrivedNanos) {
    }

    final List<Tag> tags = new CopyOnWriteArrayList<>();
    volatile int status;
    volatile Map<String, String> headers = Map.of();
    volatile boolean ended;
    volatile Throwable failure;
    final long connectedNanos;
    private final Socket socket;
    private final Thread reader;

    FlvHttpClient(int port, String path) throws IOException {
        this(port, path, "127.0.0.1");
    }

    /** With the {@code Host} header naming a domain (the node picks the play domain by it). */
    FlvHttpClient(int port, String path, String host) throws IOException {
        socket = new Socket("127.0.0.1", port);
        connectedNanos = System.nanoTime();
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: test\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        reader = new Thread(this::read, "flv-client");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()))) {
            String statusLine = line(in);
            status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> h = new LinkedHashMap<>();
            for (String l = line(in); !l.isEmpty(); l = line(in)) {
                int colon = l.indexOf(':');
                h.put(l.substring(0, colon).trim().toLowerCase(), l.substring(colon + 1).trim());
            }
            headers = h;
            if (status != 200) {
                return;
            }
            DataInputStream body = new DataInputStream(new Dechunked(in));
            byte[] header = new byte[13];
            body.readFully(header);
            while (true) {
                int type = body.readUnsignedByte();
                int size = body.readUnsignedByte() << 16 | body.readUnsignedShort();
                long ts = (body.readUnsignedByte() << 16 | body.readUnsignedShort()) | ((long) body.readUnsignedByte() << 24);
                body.skipBytes(3);
                byte[] data = new byte[size];
                body.readFully(data);
                body.readInt();
                boolean config = type == 18 || type == 9 && size > 1 && isVideoConfig(data) || type == 8 && size > 1 && data[1] == 0;
                boolean picture = type == 9 && size > 1 && isPicture(data);
                boolean key = picture && (data[0] & 0x70) >> 4 == 1;
                tags.add(new Tag(type, ts, key, config, picture, size, System.nanoTime()));
            }
        } catch (EOFException e) {
            ended = true;
        } catch (Throwable t) {
            if (!socket.isClosed()) {
                failure = t;
            }
        }
    }

    /** Coded frames, as opposed to sequence headers and end-of-sequence markers. */
    private static boolean isPicture(byte[] data) {
        if ((data[0] & 0x80) != 0) {
            int packetType = data[0] & 0x0f;
            return packetType == 1 || packetType == 3;
        }
        return data[1] == 1;
    }

    private static boolean isVideoConfig(byte[] data) {
        if ((data[0] & 0x80) != 0) {
            return (data[0] & 0x0f) == 0;
        }
        return data[1] == 0;
    }

    /** The first video tag that is a picture. */
    Tag firstVideoFrame() {
        return tags.stream().filter(Tag::picture).findFirst().orElse(null);
    }

    long videoFrames() {
        return tags.stream().filter(Tag::picture).count();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException();
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Chunked transfer decoding. */
    private static final class Dechunked extends InputStream {
        private final InputStream in;
        private int left;

        Dechunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                String size = line(in);
                if (size.isEmpty()) {
                    size = line(in);
                }
                left = Integer.parseInt(size.trim(), 16);
                if (left == 0) {
                    return -1;
                }
            }
            int n = in.read(b, off, Math.min(len, left));
            if (n < 0) {
                throw new EOFException();
            }
            left -= n;
            if (left == 0) {
                line(in); // CRLF after the chunk
            }
            return n;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
