package io.livecloud.media.hls;

import io.netty.buffer.ByteBuf;

/**
 * Writes one MPEG-2 transport stream program (ISO 13818-1): PAT, PMT, and PES packets of one video and one audio
 * elementary stream cut into 188-byte packets, with PCR on the PCR PID, random-access indicators on keyframes,
 * stuffing through the adaptation field, and continuity counters per PID that run on across segments. It knows
 * nothing about codecs beyond their stream type: callers hand it complete access units (Annex B video, ADTS AAC).
 */
final class TsMuxer {
    static final int PACKET_SIZE = 188;
    static final int PMT_PID = 0x1000;
    static final int VIDEO_PID = 0x100;
    static final int AUDIO_PID = 0x101;
    static final int STREAM_TYPE_H264 = 0x1B;
    static final int STREAM_TYPE_HEVC = 0x24;
    static final int STREAM_TYPE_AAC_ADTS = 0x0F;
    static final int STREAM_TYPE_MPEG1_AUDIO = 0x03;

    /** Where packets go: returns a buffer with at least {@link #PACKET_SIZE} writable bytes for the next packet. */
    interface Output {
        ByteBuf packet();
    }

    private final int videoStreamType;
    private final int audioStreamType;
    private int patCc;
    private int pmtCc;
    private int videoCc;
    private int audioCc;

    /** @param videoStreamType 0 when the program has no video; likewise audio */
    TsMuxer(int videoStreamType, int audioStreamType) {
        this.videoStreamType = videoStreamType;
        this.audioStreamType = audioStreamType;
    }

    int videoStreamType() {
        return videoStreamType;
    }

    int audioStreamType() {
        return audioStreamType;
    }

    boolean hasVideo() {
        return videoStreamType != 0;
    }

    int pcrPid() {
        return hasVideo() ? VIDEO_PID : AUDIO_PID;
    }

    /** PAT and PMT, written at the start of every segment so each one can be decoded on its own. */
    void writeTables(Output out) {
        ByteBuf p = out.packet();
        int start = p.writerIndex();
        p.writeByte(0x47).writeShort(0x4000).writeByte(0x10 | (patCc++ & 0x0f)).writeByte(0);
        int section = p.writerIndex();
        p.writeByte(0x00).writeShort(0xB000 | 13) // table id, section length
                .writeShort(1).writeByte(0xC1).writeByte(0).writeByte(0) // ts id, version 0 current, section 0/0
                .writeShort(1).writeShort(0xE000 | PMT_PID);
        p.writeInt(Crc32Mpeg2.of(p, section, p.writerIndex() - section));
        fill(p, start);

        p = out.packet();
        start = p.writerIndex();
        p.writeByte(0x47).writeShort(0x4000 | PMT_PID).writeByte(0x10 | (pmtCc++ & 0x0f)).writeByte(0);
        section = p.writerIndex();
        int streams = (hasVideo() ? 1 : 0) + (audioStreamType != 0 ? 1 : 0);
        p.writeByte(0x02).writeShort(0xB000 | (13 + 5 * streams))
                .writeShort(1).writeByte(0xC1).writeByte(0).writeByte(0)
                .writeShort(0xE000 | pcrPid()).writeShort(0xF000);
        if (hasVideo()) {
            p.writeByte(videoStreamType).writeShort(0xE000 | VIDEO_PID).writeShort(0xF000);
        }
        if (audioStreamType != 0) {
            p.writeByte(audioStreamType).writeShort(0xE000 | AUDIO_PID).writeShort(0xF000);
        }
        p.writeInt(Crc32Mpeg2.of(p, section, p.writerIndex() - section));
        fill(p, start);
    }

    /**
     * One access unit as one PES packet.
     *
     * @param pts   presentation time, 90 kHz
     * @param dts   decoding time, 90 kHz (equal to pts when there is no reordering)
     * @param pcr   program clock reference base to carry in the first packet, or -1 for none
     * @param es    the access unit; read from its readerIndex to writerIndex, not consumed
     */
    void writePes(Output out, boolean video, long pts, long dts, long pcr, boolean randomAccess, ByteBuf es) {
        int pid = video ? VIDEO_PID : AUDIO_PID;
        boolean withDts = video && dts != pts;
        int headerDataLength = withDts ? 10 : 5;
        byte[] header = new byte[9 + headerDataLength];
        header[2] = 1;
        header[3] = (byte) (video ? 0xE0 : 0xC0);
        int pesLength = 3 + headerDataLength + es.readableBytes();
        if (!video && pesLength <= 0xFFFF) { // video may exceed 64 KiB: 0 means unbounded, allowed for video only
            header[4] = (byte) (pesLength >> 8);
            header[5] = (byte) pesLength;
        }
        header[6] = (byte) 0x80;
        header[7] = (byte) (withDts ? 0xC0 : 0x80);
        header[8] = (byte) headerDataLength;
        writeTimestamp(header, 9, withDts ? 0x3 : 0x2, pts);
        if (withDts) {
            writeTimestamp(header, 14, 0x1, dts);
        }

        int esIndex = es.readerIndex();
        int esEnd = es.writerIndex();
        int headerIndex = 0;
        boolean first = true;
        while (headerIndex < header.length || esIndex < esEnd) {
            ByteBuf p = out.packet();
            int start = p.writerIndex();
            int cc = video ? videoCc++ : audioCc++;
            boolean pcrHere = first && pcr >= 0;
            boolean raiHere = first && randomAccess;
            int remaining = header.length - headerIndex + esEnd - esIndex;
            int adaptation = pcrHere ? 8 : raiHere ? 2 : 0; // length byte + flags (+ PCR)
            int space = PACKET_SIZE - 4 - adaptation;
            int stuffing = 0;
            if (remaining < space) {
                stuffing = space - remaining;
                if (adaptation == 0) {
                    // the adaptation field itself takes the stuffing: its length byte, then flags when 2+ bytes
                    adaptation = stuffing;
                    stuffing = 0;
                }
                space = remaining;
            }
            p.writeByte(0x47);
            p.writeShort((first ? 0x4000 : 0) | pid);
            p.writeByte((adaptation > 0 ? 0x30 : 0x10) | (cc & 0x0f));
            if (adaptation > 0) {
                writeAdaptation(p, adaptation + stuffing, pcrHere ? pcr : -1, raiHere);
            }
            int fromHeader = Math.min(space, header.length - headerIndex);
            p.writeBytes(header, headerIndex, fromHeader);
            headerIndex += fromHeader;
            int fromEs = space - fromHeader;
            p.writeBytes(es, esIndex, fromEs);
            esIndex += fromEs;
            assert p.writerIndex() - start == PACKET_SIZE;
            first = false;
        }
    }

    /** An adaptation field of {@code total} bytes including its length byte. */
    private static void writeAdaptation(ByteBuf p, int total, long pcr, boolean randomAccess) {
        p.writeByte(total - 1);
        if (total == 1) {
            return;
        }
        p.writeByte((randomAccess ? 0x40 : 0) | (pcr >= 0 ? 0x10 : 0));
        int written = 2;
        if (pcr >= 0) {
            long base = pcr & 0x1FFFFFFFFL;
            p.writeInt((int) (base >> 1));
            p.writeByte((int) (((base & 1) << 7) | 0x7E));
            p.writeByte(0);
            written += 6;
        }
        for (; written < total; written++) {
            p.writeByte(0xFF);
        }
    }

    private static void writeTimestamp(byte[] b, int at, int prefix, long t) {
        t &= 0x1FFFFFFFFL;
        b[at] = (byte) ((prefix << 4) | (((t >> 30) & 0x07) << 1) | 1);
        b[at + 1] = (byte) (t >> 22);
        b[at + 2] = (byte) ((((t >> 15) & 0x7F) << 1) | 1);
        b[at + 3] = (byte) (t >> 7);
        b[at + 4] = (byte) (((t & 0x7F) << 1) | 1);
    }

    private static void fill(ByteBuf p, int start) {
        while (p.writerIndex() - start < PACKET_SIZE) {
            p.writeByte(0xFF);
        }
    }

    /** The CRC of PSI sections: polynomial 0x04C11DB7, initial value all ones, no reflection, no final XOR. */
    static final class Crc32Mpeg2 {
        private static final int[] TABLE = new int[256];

        static {
            for (int i = 0; i < 256; i++) {
                int c = i << 24;
                for (int k = 0; k < 8; k++) {
                    c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
                }
                TABLE[i] = c;
            }
        }

        static int of(ByteBuf buf, int index, int length) {
            int crc = 0xFFFFFFFF;
            for (int i = index; i < index + length; i++) {
                crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ buf.getUnsignedByte(i)) & 0xFF];
            }
            return crc;
        }
    }
}
