package io.livecloud.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A deliberately primitive RTMP client over a blocking socket, for the hostile-input tests: it does the plain
 * handshake and then sends whatever bytes the test wants, well-formed or not.
 */
final class RawRtmpClient implements AutoCloseable {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    RawRtmpClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    RawRtmpClient handshake() throws IOException {
        socket.setSoTimeout(0);
        byte[] c1 = new byte[1536];
        new Random(1).nextBytes(c1);
        System.arraycopy(new byte[8], 0, c1, 0, 8); // time + zero: the plain handshake
        out.write(3);
        out.write(c1);
        out.flush();
        byte[] s0s1s2 = new byte[1 + 1536 + 1536];
        in.readFully(s0s1s2);
        byte[] c2 = new byte[1536];
        System.arraycopy(s0s1s2, 1, c2, 0, 1536);
        out.write(c2);
        out.flush();
        socket.setSoTimeout(5_000);
        return this;
    }

    /** Reads and drops whatever the server sends, on a background thread, so its writes never block. */
    RawRtmpClient drainInBackground() {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                while (in.read(buf) >= 0) {
                    // answers are not needed by the tests that use this
                }
            } catch (IOException closed) {
                // the test closed the socket
            }
        }, "raw-rtmp-drain");
        t.setDaemon(true);
        t.start();
        return this;
    }

    private final java.util.concurrent.atomic.AtomicLong counted = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean ended;

    /**
     * Reads everything the server sends on a background thread and counts it (the statistics tests compare it with
     * what the server reports); {@link #ended} turns true when the server closes the connection.
     */
    RawRtmpClient countInBackground() throws IOException {
        socket.setSoTimeout(0);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    counted.addAndGet(n);
                }
            } catch (IOException closed) {
                // reset by the server or closed by the test: the count so far stands
            }
            ended = true;
        }, "raw-rtmp-count");
        t.setDaemon(true);
        t.start();
        return this;
    }

    /** Bytes read by {@link #countInBackground} (everything after the handshake). */
    long bytesCounted() {
        return counted.get();
    }

    boolean ended() {
        return ended;
    }

    RawRtmpClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** A complete single-chunk AMF0 command message on csid 3 (body must fit the default 128-byte chunk size). */
    static byte[] command(byte[] amf0Body) {
        return command(0, amf0Body);
    }

    /** As {@link #command(byte[])}, on message stream {@code messageStreamId} (play and publish go on a created stream). */
    static byte[] command(int messageStreamId, byte[] amf0Body) {
        if (amf0Body.length > 128) {
            throw new IllegalArgumentException("body too long for one chunk");
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x03); // fmt 0, csid 3
        b.writeBytes(new byte[]{0, 0, 0}); // timestamp
        b.writeBytes(new byte[]{(byte) (amf0Body.length >> 16), (byte) (amf0Body.length >> 8), (byte) amf0Body.length});
        b.write(20); // AMF0 command
        b.writeBytes(new byte[]{(byte) messageStreamId, (byte) (messageStreamId >> 8), (byte) (messageStreamId >> 16),
                (byte) (messageStreamId >> 24)}); // message stream id, little endian
        b.writeBytes(amf0Body);
        return b.toByteArray();
    }

    static byte[] amf0String(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(2);
        b.write(utf8.length >> 8);
        b.write(utf8.length);
        b.writeBytes(utf8);
        return b.toByteArray();
    }

    /**
     * Reads until the server closes the connection (true) or the timeout passes with the connection still open
     * (false).
     */
    boolean closedByServerWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        InputStream raw = socket.getInputStream();
        byte[] buf = new byte[8192];
        try {
            while (true) {
                int n = raw.read(buf);
                if (n < 0) {
                    return true;
                }
                received.write(buf, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset by the server
        }
    }

    /** What {@link #closedByServerWithin} read, as Latin-1 text (AMF0 strings show as they are). */
    String received() {
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
