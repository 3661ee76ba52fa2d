package io.livecloud.processing.snapshot;

import java.util.Optional;

/** The picture size in a JPEG's frame header (SOFn), and whether the file is complete (ends with EOI). */
final class JpegSize {
    private JpegSize() {
    }

    record Size(int width, int height) {
    }

    /** The size of a whole JPEG, empty when the bytes are not one (or not complete). */
    static Optional<Size> of(byte[] b) {
        int n = b.length;
        if (n < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8
                || (b[n - 2] & 0xff) != 0xff || (b[n - 1] & 0xff) != 0xd9) {
            return Optional.empty();
        }
        int i = 2;
        while (i + 4 <= n) {
            if ((b[i] & 0xff) != 0xff) {
                return Optional.empty();
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xff) { // fill byte
                i++;
                continue;
            }
            int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            boolean frameHeader = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (frameHeader) {
                if (i + 9 > n) {
                    return Optional.empty();
                }
                int height = ((b[i + 5] & 0xff) << 8) | (b[i + 6] & 0xff);
                int width = ((b[i + 7] & 0xff) << 8) | (b[i + 8] & 0xff);
                return width > 0 && height > 0 ? Optional.of(new Size(width, height)) : Optional.empty();
            }
            if (marker == 0xda || length < 2) { // scan data before any frame header: not a JPEG we understand
                return Optional.empty();
            }
            i += 2 + length;
        }
        return Optional.empty();
    }
}
