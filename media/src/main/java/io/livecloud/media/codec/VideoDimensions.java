package io.livecloud.media.codec;

import io.livecloud.media.MediaProtocolException;

/**
 * The picture size an H.264 or HEVC sequence parameter set describes (after cropping), read with an exp-Golomb bit
 * reader over the NAL unit with its emulation-prevention bytes removed (ITU-T H.264 §7.3.2.1, H.265 §7.3.2.2).
 */
public record VideoDimensions(int width, int height) {
    private static final int[] HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135};

    /**
     * The size the SPS among a decoder configuration's parameter sets describes.
     *
     * @throws MediaProtocolException when there is no SPS or it cannot be read
     */
    public static VideoDimensions of(ParameterSets ps) {
        boolean hevc = ps.codec() == VideoCodec.HEVC;
        for (byte[] unit : ps.nalUnits()) {
            int type = hevc ? (unit[0] >> 1) & 0x3f : unit[0] & 0x1f;
            if (type == (hevc ? 33 : 7)) {
                return hevc ? ofHevcSps(unit) : ofH264Sps(unit);
            }
        }
        throw new MediaProtocolException("the decoder configuration has no SPS");
    }

    /** @param sps the SPS NAL unit including its one-byte header */
    public static VideoDimensions ofH264Sps(byte[] sps) {
        Bits r = new Bits(unescape(sps), 1);
        int profile = r.u(8);
        r.u(16); // constraint flags, level
        r.ue(); // seq_parameter_set_id
        int chroma = 1;
        boolean separateColourPlanes = false;
        if (isHighProfile(profile)) {
            chroma = r.ue();
            if (chroma == 3) {
                separateColourPlanes = r.u(1) == 1;
            }
            r.ue(); // bit depth luma
            r.ue(); // bit depth chroma
            r.u(1); // qpprime_y_zero_transform_bypass
            if (r.u(1) == 1) { // seq_scaling_matrix_present
                for (int i = 0; i < (chroma != 3 ? 8 : 12); i++) {
                    if (r.u(1) == 1) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int pocType = r.ue();
        if (pocType == 0) {
            r.ue();
        } else if (pocType == 1) {
            r.u(1);
            r.se();
            r.se();
            int cycle = r.ue();
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        }
        r.ue(); // max_num_ref_frames
        r.u(1); // gaps_in_frame_num_allowed
        int widthMbs = r.ue() + 1;
        int heightMapUnits = r.ue() + 1;
        int frameMbsOnly = r.u(1);
        if (frameMbsOnly == 0) {
            r.u(1); // mb_adaptive_frame_field
        }
        r.u(1); // direct_8x8_inference
        int width = widthMbs * 16;
        int height = (2 - frameMbsOnly) * heightMapUnits * 16;
        if (r.u(1) == 1) { // frame_cropping
            int left = r.ue(), right = r.ue(), top = r.ue(), bottom = r.ue();
            int arrayType = separateColourPlanes ? 0 : chroma;
            int cropX = arrayType == 0 ? 1 : (chroma == 3 ? 1 : 2);
            int cropY = (arrayType == 0 ? 1 : (chroma == 1 ? 2 : 1)) * (2 - frameMbsOnly);
            width -= cropX * (left + right);
            height -= cropY * (top + bottom);
        }
        return checked(width, height);
    }

    /** @param sps the SPS NAL unit including its two-byte header */
    public static VideoDimensions ofHevcSps(byte[] sps) {
        Bits r = new Bits(unescape(sps), 2);
        r.u(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.u(3);
        r.u(1); // temporal_id_nesting
        r.skip(96); // general profile_tier_level + level_idc
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.u(1) == 1;
            levelPresent[i] = r.u(1) == 1;
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2 * (8 - maxSubLayersMinus1));
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            r.skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
        }
        r.ue(); // sps_seq_parameter_set_id
        int chroma = r.ue();
        if (chroma == 3) {
            r.u(1);
        }
        int width = r.ue();
        int height = r.ue();
        if (r.u(1) == 1) { // conformance window, in chroma sample units
            int subWidth = chroma == 1 || chroma == 2 ? 2 : 1;
            int subHeight = chroma == 1 ? 2 : 1;
            int left = r.ue(), right = r.ue(), top = r.ue(), bottom = r.ue();
            width -= subWidth * (left + right);
            height -= subHeight * (top + bottom);
        }
        return checked(width, height);
    }

    private static boolean isHighProfile(int profile) {
        for (int p : HIGH_PROFILES) {
            if (p == profile) {
                return true;
            }
        }
        return false;
    }

    private static void skipScalingList(Bits r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size && next != 0; j++) {
            next = (last + r.se() + 256) % 256;
            last = next == 0 ? last : next;
        }
    }

    private static VideoDimensions checked(int width, int height) {
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
            throw new MediaProtocolException("SPS describes a " + width + "x" + height + " picture");
        }
        return new VideoDimensions(width, height);
    }

    /** Drops the 0x03 of every 0x000003 sequence. */
    private static byte[] unescape(byte[] nal) {
        byte[] out = new byte[nal.length];
        int n = 0;
        int zeros = 0;
        for (byte b : nal) {
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = b;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** MSB-first bit reader with exp-Golomb codes; running out of bits is a protocol error. */
    private static final class Bits {
        private final byte[] data;
        private long pos;

        Bits(byte[] data, int startByte) {
            this.data = data;
            this.pos = 8L * startByte;
        }

        int u(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                if (pos >= 8L * data.length) {
                    throw new MediaProtocolException("SPS truncated");
                }
                v = (v << 1) | ((data[(int) (pos >> 3)] >> (7 - (int) (pos & 7))) & 1);
                pos++;
            }
            return v;
        }

        void skip(int n) {
            pos += n;
            if (pos > 8L * data.length) {
                throw new MediaProtocolException("SPS truncated");
            }
        }

        int ue() {
            int zeros = 0;
            while (u(1) == 0) {
                if (++zeros > 31) {
                    throw new MediaProtocolException("exp-Golomb code too long");
                }
            }
            return (int) ((1L << zeros) - 1 + (zeros == 0 ? 0 : u(zeros)));
        }

        int se() {
            int k = ue();
            return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
        }
    }
}
