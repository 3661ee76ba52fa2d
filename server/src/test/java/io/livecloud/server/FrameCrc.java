package io.livecloud.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What ffmpeg decoded, read from its {@code framecrc} output: per stream, the media type, codec, size and the
 * presentation times of every decoded frame.
 */
record FrameCrc(Map<Integer, Track> tracks) {

    record Track(String mediaType, String codec, String dimensions, double timeBase, List<Long> pts) {
        int frames() {
            return pts.size();
        }

        /** Seconds from the first to the last frame. */
        double span() {
            return pts.isEmpty() ? 0 : (pts.get(pts.size() - 1) - pts.get(0)) * timeBase;
        }

        /** The longest time between two consecutive frames, in seconds. */
        double maxGap() {
            long max = 0;
            for (int i = 1; i < pts.size(); i++) {
                max = Math.max(max, pts.get(i) - pts.get(i - 1));
            }
            return max * timeBase;
        }

        boolean monotonic() {
            for (int i = 1; i < pts.size(); i++) {
                if (pts.get(i) <= pts.get(i - 1)) {
                    return false;
                }
            }
            return true;
        }
    }

    static FrameCrc parse(String output) {
        Map<Integer, String> types = new HashMap<>();
        Map<Integer, String> codecs = new HashMap<>();
        Map<Integer, String> dims = new HashMap<>();
        Map<Integer, Double> timeBases = new HashMap<>();
        Map<Integer, List<Long>> pts = new HashMap<>();
        for (String line : output.split("\n")) {
            line = line.trim();
            if (line.startsWith("#")) {
                String[] kv = line.substring(1).split(":", 2);
                if (kv.length < 2) {
                    continue;
                }
                String[] keyAndIndex = kv[0].trim().split(" ");
                if (keyAndIndex.length != 2) {
                    continue;
                }
                int index = Integer.parseInt(keyAndIndex[1]);
                String value = kv[1].trim();
                switch (keyAndIndex[0]) {
                    case "media_type" -> types.put(index, value);
                    case "codec_id" -> codecs.put(index, value);
                    case "dimensions" -> dims.put(index, value);
                    case "tb" -> {
                        String[] frac = value.split("/");
                        timeBases.put(index, Double.parseDouble(frac[0]) / Double.parseDouble(frac[1]));
                    }
                    default -> {
                    }
                }
            } else if (!line.isEmpty()) {
                String[] f = line.split(",");
                int index = Integer.parseInt(f[0].trim());
                pts.computeIfAbsent(index, k -> new ArrayList<>()).add(Long.parseLong(f[2].trim()));
            }
        }
        Map<Integer, Track> tracks = new HashMap<>();
        for (Map.Entry<Integer, String> e : types.entrySet()) {
            int i = e.getKey();
            tracks.put(i, new Track(e.getValue(), codecs.get(i), dims.get(i), timeBases.getOrDefault(i, 0.001),
                    pts.getOrDefault(i, List.of())));
        }
        return new FrameCrc(tracks);
    }

    Track video() {
        return tracks.values().stream().filter(t -> t.mediaType().equals("video")).findFirst().orElse(null);
    }

    Track audio() {
        return tracks.values().stream().filter(t -> t.mediaType().equals("audio")).findFirst().orElse(null);
    }
}
