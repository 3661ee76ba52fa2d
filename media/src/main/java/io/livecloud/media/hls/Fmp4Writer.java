package io.livecloud.media.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes fragmented MP4 (ISO 14496-12, CMAF profile as LL-HLS uses it): an initialization segment (ftyp + moov with
 * one video and/or one audio track and mvex) and media fragments (moof + mdat), one per partial segment. Video
 * samples stay in their FLV form (length-prefixed NAL units: exactly what an MP4 sample is), AAC frames stay raw;
 * both tracks use a 90 kHz timescale so the stream clock maps to them without rounding.
 */
final class Fmp4Writer {
    static final int TIMESCALE = 90_000;
    static final int VIDEO_TRACK = 1;
    static final int AUDIO_TRACK = 2;

    /** One sample of a fragment. {@code data} is a slice the writer copies; durations are in 90 kHz units. */
    record Sample(ByteBuf data, long dts, int compositionOffset, int duration, boolean sync) {
    }

    /**
     * @param videoCodec    "avc1" or "hvc1", null without video
     * @param videoConfig   the AVC/HEVC decoder configuration record as the publisher sent it
     * @param audioConfig   the AAC AudioSpecificConfig, null without audio
     */
    record Tracks(String videoCodec, byte[] videoConfig, int width, int height, byte[] audioConfig, int sampleRate,
                  int channels) {
        boolean hasVideo() {
            return videoCodec != null;
        }

        boolean hasAudio() {
            return audioConfig != null;
        }
    }

    private Fmp4Writer() {
    }

    static ByteBuf initSegment(ByteBufAllocator alloc, Tracks tracks) {
        ByteBuf out = alloc.buffer(1024);
        int ftyp = open(out, "ftyp");
        out.writeBytes(ascii("iso6")).writeInt(0).writeBytes(ascii("iso6")).writeBytes(ascii("cmfc")).writeBytes(ascii("mp41"));
        close(out, ftyp);
        int moov = open(out, "moov");
        int mvhd = openFull(out, "mvhd", 0, 0);
        out.writeInt(0).writeInt(0).writeInt(TIMESCALE).writeInt(0); // times, timescale, duration unknown (live)
        out.writeInt(0x00010000).writeShort(0x0100).writeZero(10); // rate 1.0, volume 1.0, reserved
        matrix(out);
        out.writeZero(24).writeInt(AUDIO_TRACK + 1); // pre_defined, next track id
        close(out, mvhd);
        if (tracks.hasVideo()) {
            trak(out, tracks, true);
        }
        if (tracks.hasAudio()) {
            trak(out, tracks, false);
        }
        int mvex = open(out, "mvex");
        for (int id : new int[]{VIDEO_TRACK, AUDIO_TRACK}) {
            if (id == VIDEO_TRACK ? tracks.hasVideo() : tracks.hasAudio()) {
                int trex = openFull(out, "trex", 0, 0);
                out.writeInt(id).writeInt(1).writeInt(0).writeInt(0).writeInt(0);
                close(out, trex);
            }
        }
        close(out, mvex);
        close(out, moov);
        return out;
    }

    private static void trak(ByteBuf out, Tracks tracks, boolean video) {
        int trak = open(out, "trak");
        int tkhd = openFull(out, "tkhd", 0, 0x000003); // enabled, in movie
        out.writeInt(0).writeInt(0).writeInt(video ? VIDEO_TRACK : AUDIO_TRACK).writeInt(0).writeInt(0);
        out.writeZero(8).writeShort(0).writeShort(video ? 0 : 1).writeShort(video ? 0 : 0x0100).writeShort(0);
        matrix(out);
        out.writeInt(video ? tracks.width() << 16 : 0).writeInt(video ? tracks.height() << 16 : 0);
        close(out, tkhd);
        int mdia = open(out, "mdia");
        int mdhd = openFull(out, "mdhd", 0, 0);
        out.writeInt(0).writeInt(0).writeInt(TIMESCALE).writeInt(0).writeShort(0x55C4).writeShort(0); // language "und"
        close(out, mdhd);
        int hdlr = openFull(out, "hdlr", 0, 0);
        out.writeInt(0).writeBytes(ascii(video ? "vide" : "soun")).writeZero(12);
        out.writeBytes(ascii(video ? "VideoHandler" : "SoundHandler")).writeByte(0);
        close(out, hdlr);
        int minf = open(out, "minf");
        if (video) {
            int vmhd = openFull(out, "vmhd", 0, 1);
            out.writeZero(8);
            close(out, vmhd);
        } else {
            int smhd = openFull(out, "smhd", 0, 0);
            out.writeZero(4);
            close(out, smhd);
        }
        int dinf = open(out, "dinf");
        int dref = openFull(out, "dref", 0, 0);
        out.writeInt(1);
        int url = openFull(out, "url ", 0, 1); // media in the same file
        close(out, url);
        close(out, dref);
        close(out, dinf);
        int stbl = open(out, "stbl");
        int stsd = openFull(out, "stsd", 0, 0);
        out.writeInt(1);
        if (video) {
            videoSampleEntry(out, tracks);
        } else {
            audioSampleEntry(out, tracks);
        }
        close(out, stsd);
        for (String empty : List.of("stts", "stsc", "stco")) {
            int box = openFull(out, empty, 0, 0);
            out.writeInt(0);
            close(out, box);
        }
        int stsz = openFull(out, "stsz", 0, 0);
        out.writeInt(0).writeInt(0);
        close(out, stsz);
        close(out, stbl);
        close(out, minf);
        close(out, mdia);
        close(out, trak);
    }

    private static void videoSampleEntry(ByteBuf out, Tracks tracks) {
        int entry = open(out, tracks.videoCodec());
        out.writeZero(6).writeShort(1); // reserved, data reference index
        out.writeZero(16); // pre_defined, reserved
        out.writeShort(tracks.width()).writeShort(tracks.height());
        out.writeInt(0x00480000).writeInt(0x00480000).writeInt(0).writeShort(1); // 72 dpi, reserved, frame count
        out.writeZero(32); // compressor name
        out.writeShort(0x0018).writeShort(0xFFFF); // depth, pre_defined
        int config = open(out, tracks.videoCodec().equals("hvc1") ? "hvcC" : "avcC");
        out.writeBytes(tracks.videoConfig());
        close(out, config);
        close(out, entry);
    }

    private static void audioSampleEntry(ByteBuf out, Tracks tracks) {
        int entry = open(out, "mp4a");
        out.writeZero(6).writeShort(1);
        out.writeZero(8).writeShort(tracks.channels()).writeShort(16).writeZero(4);
        out.writeInt(Math.min(tracks.sampleRate(), 0xFFFF) << 16);
        int esds = openFull(out, "esds", 0, 0);
        byte[] asc = tracks.audioConfig();
        // ES_Descriptor ⊃ DecoderConfigDescriptor (AAC, audio stream) ⊃ DecoderSpecificInfo (the ASC); SLConfig
        out.writeByte(0x03).writeByte(3 + 2 + 13 + 2 + asc.length + 3).writeShort(0).writeByte(0);
        out.writeByte(0x04).writeByte(13 + 2 + asc.length).writeByte(0x40).writeByte(0x15).writeMedium(0)
                .writeInt(0).writeInt(0);
        out.writeByte(0x05).writeByte(asc.length).writeBytes(asc);
        out.writeByte(0x06).writeByte(1).writeByte(0x02);
        close(out, esds);
        close(out, entry);
    }

    /**
     * One fragment: a moof with a traf per non-empty track and one mdat holding the video samples, then the audio.
     *
     * @param sequence the fragment's sequence number (mfhd), increasing through the stream
     */
    static ByteBuf fragment(ByteBufAllocator alloc, long sequence, List<Sample> video, List<Sample> audio) {
        int dataSize = 0;
        for (Sample s : video) {
            dataSize += s.data().readableBytes();
        }
        for (Sample s : audio) {
            dataSize += s.data().readableBytes();
        }
        ByteBuf out = alloc.buffer(256 + 16 * (video.size() + audio.size()) + dataSize);
        int moof = open(out, "moof");
        int mfhd = openFull(out, "mfhd", 0, 0);
        out.writeInt((int) sequence);
        close(out, mfhd);
        int videoOffsetField = video.isEmpty() ? -1 : traf(out, VIDEO_TRACK, video);
        int audioOffsetField = audio.isEmpty() ? -1 : traf(out, AUDIO_TRACK, audio);
        close(out, moof);
        int mdatStart = out.writerIndex();
        out.writeInt(8 + dataSize).writeBytes(ascii("mdat"));
        // data offsets are relative to the moof's first byte (default-base-is-moof)
        int offset = out.writerIndex() - moof;
        if (videoOffsetField >= 0) {
            out.setInt(videoOffsetField, offset);
            for (Sample s : video) {
                offset += s.data().readableBytes();
                out.writeBytes(s.data(), s.data().readerIndex(), s.data().readableBytes());
            }
        }
        if (audioOffsetField >= 0) {
            out.setInt(audioOffsetField, offset);
            for (Sample s : audio) {
                out.writeBytes(s.data(), s.data().readerIndex(), s.data().readableBytes());
            }
        }
        assert out.writerIndex() - mdatStart == 8 + dataSize;
        return out;
    }

    /** @return the index of the trun's data_offset field, filled in once the moof's size is known */
    private static int traf(ByteBuf out, int trackId, List<Sample> samples) {
        int traf = open(out, "traf");
        int tfhd = openFull(out, "tfhd", 0, 0x020000); // default-base-is-moof
        out.writeInt(trackId);
        close(out, tfhd);
        int tfdt = openFull(out, "tfdt", 1, 0);
        out.writeLong(samples.get(0).dts());
        close(out, tfdt);
        // data offset, sample duration, size, flags and composition offset (signed, version 1) per sample
        int trun = openFull(out, "trun", 1, 0x000001 | 0x000100 | 0x000200 | 0x000400 | 0x000800);
        out.writeInt(samples.size());
        int offsetField = out.writerIndex();
        out.writeInt(0);
        for (Sample s : samples) {
            out.writeInt(s.duration());
            out.writeInt(s.data().readableBytes());
            out.writeInt(s.sync() ? 0x02000000 : 0x01010000); // depends on nothing / depends on others, non-sync
            out.writeInt(s.compositionOffset());
        }
        close(out, trun);
        close(out, traf);
        return offsetField;
    }

    private static void matrix(ByteBuf out) {
        out.writeInt(0x00010000).writeInt(0).writeInt(0).writeInt(0).writeInt(0x00010000).writeInt(0).writeInt(0)
                .writeInt(0).writeInt(0x40000000);
    }

    private static int open(ByteBuf out, String type) {
        int start = out.writerIndex();
        out.writeInt(0).writeBytes(ascii(type));
        return start;
    }

    private static int openFull(ByteBuf out, String type, int version, int flags) {
        int start = open(out, type);
        out.writeInt((version << 24) | flags);
        return start;
    }

    private static void close(ByteBuf out, int start) {
        out.setInt(start, out.writerIndex() - start);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
