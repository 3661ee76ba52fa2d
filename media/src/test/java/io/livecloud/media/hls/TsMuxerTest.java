package io.livecloud.media.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The muxer's output read back by an independent, strict reader of ISO 13818-1 written here from the standard:
 * packet sync and size, continuity counters per PID, PSI CRCs, PES headers and timestamps, PCR, and the payload
 * bytes reassembled exactly, at every payload size around the packet boundaries.
 */
class TsMuxerTest {

    /** A PES as read back: its timestamps, the PCR and random-access flag of its first packet, and its payload. */
    record Pes(int pid, long pts, long dts, long pcr, boolean randomAccess, byte[] payload) {
    }

    /** Reads a whole transport stream, checking every rule on the way. */
    static final class Reader {
        final Map<Integer, Integer> lastCc = new HashMap<>();
        final Map<Integer, ByteArrayOutputStream> open = new HashMap<>();
        final Map<Integer, long[]> openHeader = new HashMap<>();
        final List<Pes> pes = new ArrayList<>();
        final List<Integer> pmtStreamTypes = new ArrayList<>();
        int pmtPid = -1;
        int pcrPid = -1;

        void read(ByteBuf ts) {
            assertThat(ts.readableBytes() % 188).isZero();
            for (int at = ts.readerIndex(); at < ts.writerIndex(); at += 188) {
                packet(ts, at);
            }
            for (Integer pid : List.copyOf(open.keySet())) {
                flush(pid);
            }
        }

        private void packet(ByteBuf ts, int at) {
            assertThat((int) ts.getUnsignedByte(at)).as("sync byte").isEqualTo(0x47);
            int pid = ts.getUnsignedShort(at + 1) & 0x1fff;
            boolean start = (ts.getUnsignedByte(at + 1) & 0x40) != 0;
            int control = (ts.getUnsignedByte(at + 3) >> 4) & 3;
            int cc = ts.getUnsignedByte(at + 3) & 0x0f;
            assertThat(control).as("payload present").isIn(1, 3);
            Integer previous = lastCc.put(pid, cc);
            if (previous != null) {
                assertThat(cc).as("continuity counter of PID %d", pid).isEqualTo((previous + 1) & 0x0f);
            }
            int payload = at + 4;
            long pcr = -1;
            boolean rai = false;
            if (control == 3) {
                int length = ts.getUnsignedByte(at + 4);
                assertThat(length).isLessThanOrEqualTo(183);
                if (length > 0) {
                    int flags = ts.getUnsignedByte(at + 5);
                    rai = (flags & 0x40) != 0;
                    if ((flags & 0x10) != 0) {
                        pcr = (ts.getUnsignedInt(at + 6) << 1) | (ts.getUnsignedByte(at + 10) >> 7);
                    }
                }
                payload = at + 5 + length;
            }
            int end = at + 188;
            if (pid == 0) {
                pmtPid = psi(ts, payload, end, 0x00) [0];
                return;
            }
            if (pid == pmtPid) {
                int[] pmt = psi(ts, payload, end, 0x02);
                pcrPid = pmt[0];
                return;
            }
            if (start) {
                flush(pid);
                assertThat(ts.getMedium(payload)).as("PES start code").isEqualTo(1);
                int flags = ts.getUnsignedByte(payload + 7);
                int headerLength = ts.getUnsignedByte(payload + 8);
                long pts = timestamp(ts, payload + 9, (flags & 0x40) != 0 ? 0x3 : 0x2);
                long dts = (flags & 0x40) != 0 ? timestamp(ts, payload + 14, 0x1) : pts;
                openHeader.put(pid, new long[]{pts, dts, pcr, rai ? 1 : 0, ts.getUnsignedShort(payload + 4)});
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                byte[] rest = new byte[end - (payload + 9 + headerLength)];
                ts.getBytes(payload + 9 + headerLength, rest);
                body.writeBytes(rest);
                open.put(pid, body);
            } else {
                assertThat(pcr).as("PCR only in a PES's first packet here").isEqualTo(-1);
                byte[] rest = new byte[end - payload];
                ts.getBytes(payload, rest);
                open.get(pid).writeBytes(rest);
            }
        }

        private void flush(int pid) {
            ByteArrayOutputStream body = open.remove(pid);
            if (body == null) {
                return;
            }
            long[] h = openHeader.remove(pid);
            byte[] bytes = body.toByteArray();
            if (h[4] != 0) {
                int headerDataLength = h[0] != h[1] ? 10 : 5;
                assertThat(h[4]).as("PES_packet_length").isEqualTo(3 + headerDataLength + bytes.length);
            }
            pes.add(new Pes(pid, h[0], h[1], h[2], h[3] == 1, bytes));
        }

        /** @return the PMT PID (PAT) or PCR PID (PMT), after checking the section's CRC */
        private int[] psi(ByteBuf ts, int payload, int end, int tableId) {
            int pointer = ts.getUnsignedByte(payload);
            int section = payload + 1 + pointer;
            assertThat((int) ts.getUnsignedByte(section)).isEqualTo(tableId);
            int length = ts.getUnsignedShort(section + 1) & 0x0fff;
            assertThat(section + 3 + length).isLessThanOrEqualTo(end);
            assertThat(TsMuxer.Crc32Mpeg2.of(ts, section, 3 + length)).as("a section with its CRC has remainder 0").isZero();
            if (tableId == 0) {
                return new int[]{ts.getUnsignedShort(section + 10) & 0x1fff};
            }
            pmtStreamTypes.clear();
            int infoLength = ts.getUnsignedShort(section + 10) & 0x0fff;
            for (int i = section + 12 + infoLength; i < section + 3 + length - 4; i += 5 + (ts.getUnsignedShort(i + 3) & 0x0fff)) {
                pmtStreamTypes.add((int) ts.getUnsignedByte(i));
            }
            return new int[]{ts.getUnsignedShort(section + 8) & 0x1fff};
        }

        private static long timestamp(ByteBuf b, int at, int prefix) {
            int first = b.getUnsignedByte(at);
            assertThat(first >> 4).as("PTS/DTS prefix").isEqualTo(prefix);
            assertThat(first & 1).as("marker").isEqualTo(1);
            return ((long) (first >> 1) & 0x07) << 30 | (long) (b.getUnsignedShort(at + 1) >> 1) << 15
                    | (b.getUnsignedShort(at + 3) >> 1);
        }
    }

    private static final class Collect implements TsMuxer.Output {
        final SegmentBuffer buffer = new SegmentBuffer(ByteBufAllocator.DEFAULT);

        @Override
        public ByteBuf packet() {
            return buffer.packet();
        }
    }

    @Test
    void everyPayloadSizeAroundPacketBoundariesRoundTrips() {
        Random random = new Random(7);
        TsMuxer muxer = new TsMuxer(TsMuxer.STREAM_TYPE_H264, TsMuxer.STREAM_TYPE_AAC_ADTS);
        Collect out = new Collect();
        muxer.writeTables(out);
        List<byte[]> sent = new ArrayList<>();
        List<Boolean> video = new ArrayList<>();
        int[] sizes = {1, 2, 150, 151, 152, 153, 154, 155, 156, 157, 158, 165, 166, 167, 168, 169, 170, 171, 172, 173,
                174, 175, 176, 177, 178, 182, 183, 184, 185, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346,
                347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 367, 368, 369, 370, 371, 372,
                1000, 65_000, 70_000};
        long t = 0;
        for (int size : sizes) {
            for (boolean v : new boolean[]{true, false}) {
                if (!v && size > 60_000) {
                    continue;
                }
                byte[] es = new byte[size];
                random.nextBytes(es);
                long pts = t + (v ? 3600 : 0);
                muxer.writePes(out, v, pts, t, v ? t / 2 : -1, v && size % 3 == 0, Unpooled.wrappedBuffer(es));
                sent.add(es);
                video.add(v);
                t += 3000;
            }
        }
        ByteBuf ts = out.buffer.finish();
        try {
            Reader reader = new Reader();
            reader.read(ts);
            assertThat(reader.pmtPid).isEqualTo(TsMuxer.PMT_PID);
            assertThat(reader.pcrPid).isEqualTo(TsMuxer.VIDEO_PID);
            assertThat(reader.pmtStreamTypes).containsExactly(0x1B, 0x0F);
            assertThat(reader.pes).hasSize(sent.size());
            for (int pid : new int[]{TsMuxer.VIDEO_PID, TsMuxer.AUDIO_PID}) {
                boolean isVideo = pid == TsMuxer.VIDEO_PID;
                List<Pes> got = reader.pes.stream().filter(p -> p.pid() == pid).toList();
                int n = 0;
                for (int i = 0; i < sent.size(); i++) {
                    if (video.get(i) != isVideo) {
                        continue;
                    }
                    Pes p = got.get(n++);
                    long expectedT = 3000L * i;
                    assertThat(java.util.Arrays.equals(p.payload(), sent.get(i)))
                            .as("payload %d (%d bytes) comes back intact", i, sent.get(i).length).isTrue();
                    assertThat(p.dts()).isEqualTo(expectedT);
                    assertThat(p.pts()).isEqualTo(expectedT + (isVideo ? 3600 : 0));
                    assertThat(p.pcr()).isEqualTo(isVideo ? expectedT / 2 : -1);
                    assertThat(p.randomAccess()).isEqualTo(isVideo && sent.get(i).length % 3 == 0);
                }
                assertThat(n).isEqualTo(got.size());
            }
        } finally {
            ts.release();
        }
    }

    @Test
    void audioOnlyProgramsCarryThePcrOnTheAudioPid() {
        TsMuxer muxer = new TsMuxer(0, TsMuxer.STREAM_TYPE_AAC_ADTS);
        Collect out = new Collect();
        muxer.writeTables(out);
        muxer.writePes(out, false, 90_000, 90_000, 90_000, true, Unpooled.wrappedBuffer(new byte[300]));
        ByteBuf ts = out.buffer.finish();
        try {
            Reader reader = new Reader();
            reader.read(ts);
            assertThat(reader.pcrPid).isEqualTo(TsMuxer.AUDIO_PID);
            assertThat(reader.pmtStreamTypes).containsExactly(0x0F);
            assertThat(reader.pes.get(0).pcr()).isEqualTo(90_000);
        } finally {
            ts.release();
        }
    }

    @Test
    void timestampsWrapAt33Bits() {
        TsMuxer muxer = new TsMuxer(TsMuxer.STREAM_TYPE_H264, 0);
        Collect out = new Collect();
        long beyond = (1L << 33) + 12_345;
        muxer.writePes(out, true, beyond + 100, beyond, beyond, true, Unpooled.wrappedBuffer(new byte[10]));
        ByteBuf ts = out.buffer.finish();
        try {
            Reader reader = new Reader();
            reader.read(ts);
            assertThat(reader.pes.get(0).dts()).isEqualTo(12_345);
            assertThat(reader.pes.get(0).pts()).isEqualTo(12_445);
            assertThat(reader.pes.get(0).pcr()).isEqualTo(12_345);
        } finally {
            ts.release();
        }
    }
}
