package io.livecloud.control.transcode;

import io.livecloud.control.ControlException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one rendition is encoded to: H.264 at a picture size, frame rate, video bitrate, GOP and profile, with AAC
 * audio. The four standard templates follow the cloud's ladder (SPEC §5); a custom template carries its own values,
 * checked here so a template that is stored always makes a valid ffmpeg command.
 *
 * @param width        0 keeps the source's aspect ratio (the width follows the height)
 * @param gopFrames    frames between keyframes; the standard templates use 2 s, so every rendition cuts HLS segments
 *                     at the same instants
 * @param videoProfile {@code baseline}, {@code main} or {@code high}
 * @param audioCodec   {@code aac} (the only one FLV, HLS and browsers all carry for live)
 */
public record TranscodeTemplate(String name, boolean custom, int width, int height, int fps, int videoKbps,
                                int gopFrames, String videoProfile, String audioCodec, int audioKbps, int audioRate,
                                int audioChannels) {
    /** Template names: what the cloud accepts, and what can end a stream name ({@code {stream}_{template}}). */
    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z-]{1,64}");

    /**
     * The cloud's standard ladder: 360 / 432 / 648 / 1080 lines at up to 470 / 680 / 1500 / 2500 kbit/s in all
     * (video + audio). Frame rates are ours: 25 for the two small ones, 30 for the two large ones.
     */
    public static final Map<String, TranscodeTemplate> STANDARD;

    static {
        Map<String, TranscodeTemplate> m = new LinkedHashMap<>();
        m.put("lld", standard("lld", 360, 25, 400, 64));
        m.put("lsd", standard("lsd", 432, 25, 600, 64));
        m.put("lhd", standard("lhd", 648, 30, 1400, 96));
        m.put("lud", standard("lud", 1080, 30, 2372, 128));
        STANDARD = java.util.Collections.unmodifiableMap(m);
    }

    private static TranscodeTemplate standard(String name, int height, int fps, int videoKbps, int audioKbps) {
        return new TranscodeTemplate(name, false, 0, height, fps, videoKbps, 2 * fps, "high", "aac", audioKbps, 44100, 2);
    }

    /** A standard template by name, or empty. */
    public static Optional<TranscodeTemplate> standard(String name) {
        return Optional.ofNullable(name == null ? null : STANDARD.get(name.toLowerCase(Locale.ROOT)));
    }

    public static boolean isStandardName(String name) {
        return name != null && STANDARD.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** Checks a template name for a custom template (never a standard one's). */
    public static String checkCustomName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ControlException.badRequest("InvalidTemplate.Malformed", "Specified parameter Template is not valid: "
                    + "1 to 64 letters, digits or hyphens, got: " + name);
        }
        if (name.equalsIgnoreCase("abr")) {
            throw ControlException.badRequest("InvalidTemplate.Conflict", "Template abr is reserved: "
                    + "{stream}_abr.m3u8 is the adaptive playlist of a transcoded stream");
        }
        if (isStandardName(name)) {
            throw ControlException.badRequest("InvalidTemplate.Conflict", "Template " + name
                    + " is a standard template; bind it with AddLiveStreamTranscode or choose another name");
        }
        return name;
    }

    /**
     * A custom template, every value checked (the ranges are the cloud's for H.264 templates).
     *
     * @param width 0 or absent to keep the source's aspect ratio
     */
    public static TranscodeTemplate custom(String name, int width, int height, int fps, int videoKbps, int gopFrames,
                                           String profile, String audioCodec, int audioKbps, int audioRate,
                                           int audioChannels) {
        checkCustomName(name);
        if (height < 128 || height > 2160 || height % 2 != 0) {
            throw invalid("Height", "an even number of pixels from 128 to 2160", height);
        }
        if (width != 0 && (width < 128 || width > 3840 || width % 2 != 0)) {
            throw invalid("Width", "0 (keep the aspect ratio) or an even number of pixels from 128 to 3840", width);
        }
        if (fps < 1 || fps > 60) {
            throw invalid("FPS", "frames per second from 1 to 60", fps);
        }
        if (videoKbps < 50 || videoKbps > 50_000) {
            throw invalid("VideoBitrate", "kbit/s from 50 to 50000", videoKbps);
        }
        if (gopFrames < 1 || gopFrames > 3000) {
            throw invalid("Gop", "frames between keyframes from 1 to 3000", gopFrames);
        }
        if (!profile.equals("baseline") && !profile.equals("main") && !profile.equals("high")) {
            throw ControlException.badRequest("InvalidProfile.Malformed",
                    "Specified parameter Profile is not valid: 1 (baseline), 2 (main) or 3 (high), got: " + profile);
        }
        if (!audioCodec.equals("aac")) {
            throw ControlException.badRequest("InvalidAudioCodec.Malformed",
                    "Specified parameter AudioCodec is not valid: aac, got: " + audioCodec);
        }
        if (audioKbps < 8 || audioKbps > 1000) {
            throw invalid("AudioBitrate", "kbit/s from 8 to 1000", audioKbps);
        }
        if (audioRate != 22050 && audioRate != 32000 && audioRate != 44100 && audioRate != 48000 && audioRate != 96000) {
            throw invalid("AudioRate", "22050, 32000, 44100, 48000 or 96000", audioRate);
        }
        if (audioChannels != 1 && audioChannels != 2) {
            throw invalid("AudioChannelNum", "1 or 2", audioChannels);
        }
        return new TranscodeTemplate(name, true, width, height, fps, videoKbps, gopFrames, profile, audioCodec,
                audioKbps, audioRate, audioChannels);
    }

    private static ControlException invalid(String parameter, String rule, int got) {
        return ControlException.badRequest("Invalid" + parameter + ".Malformed",
                "Specified parameter " + parameter + " is not valid: " + rule + ", got: " + got);
    }

    /** Video plus audio, in bits per second: what a master playlist's BANDWIDTH starts from. */
    public long totalBitsPerSecond() {
        return (videoKbps + (long) audioKbps) * 1000;
    }

    /** The profile as the cloud's API numbers it (1 baseline, 2 main, 3 high). */
    public int profileNumber() {
        return switch (videoProfile) {
            case "baseline" -> 1;
            case "main" -> 2;
            default -> 3;
        };
    }

    public static String profileOf(int number) {
        return switch (number) {
            case 1 -> "baseline";
            case 2 -> "main";
            case 3 -> "high";
            default -> String.valueOf(number);
        };
    }
}
