#!/usr/bin/env bash
# How many 720p → lld transcodes this machine sustains in real time. Starts a LiveCloud node, binds the standard
# template lld to the demo play domain, then for each count N pushes N copies of a 720p25 H.264 + AAC file (ffmpeg
# -re, in a loop) and, after a warm-up, measures every rendition's ffmpeg over a window through the API
# (DescribeLiveStreamTranscodeJobs): speed = media time written / wall time, and frames written / wall time. A count
# is sustained when every rendition runs, none restarted, each has speed >= 0.97 and >= 0.97 × 25 frames/s, and the
# hub skipped no frame for a slow reader. node_cpu_cores: CPU of the node and its ffmpeg children over the window
# (children that restarted within it are not counted). Prints one line per count; JSON lines go to bench/results.jsonl.
#   bench/transcode.sh [counts...]        default: 1 2 3 4 5 6
# Needs: JDK 17+, Maven, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] && counts=("$@") || counts=(1 2 3 4 5 6)
WARMUP=${WARMUP:-15}
WINDOW=${WINDOW:-30}
work=$(mktemp -d /tmp/livecloud-transcode-bench.XXXX)
pids=()
pushers=()
cleanup() { for p in "${pushers[@]}" "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

mvn -B -q -o -pl server,bench -am -DskipTests package >&2 # a reactor build: nothing goes into the shared local repository
cp="server/target/classes:$(cat server/target/runtime-classpath.txt)"
read -r FFMPEG LIBDIR < <(java -cp "bench/target/classes:$(cat bench/target/runtime-classpath.txt)" io.livecloud.bench.FfmpegPath)

fixture=bench/target/bench-720p-2500k.flv
if [ ! -f "$fixture" ]; then
  echo "making $fixture (720p25, 2.5 Mbit/s, GOP 2 s, AAC)" >&2
  LD_LIBRARY_PATH="$LIBDIR" "$FFMPEG" -hide_banner -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=25,noise=alls=8:allf=t" \
    -f lavfi -i "sine=frequency=440:sample_rate=44100" -t 60 -c:v libx264 -preset veryfast -b:v 2400k \
    -maxrate 2500k -bufsize 5000k -g 50 -keyint_min 50 -sc_threshold 0 -pix_fmt yuv420p -c:a aac -b:a 96k -f flv "$fixture"
fi

RTMP=19352 API=18092
java ${JAVA_OPTS:-} -cp "$cp" io.livecloud.server.Main serve --bind 127.0.0.1 --rtmp-port $RTMP --http-port 18082 \
  --api-port $API --data-dir "$work/data" > "$work/livecloud.log" 2>&1 &
lc=$!; pids+=("$lc")
cli() { java -cp "$cp" io.livecloud.server.Main "$@" --api "http://127.0.0.1:$API" --data-dir "$work/data"; }
for _ in $(seq 60); do cli domain list >/dev/null 2>&1 && break; sleep 1; done
cli auth set push.livecloud.localhost --off >/dev/null
cli auth set play.livecloud.localhost --off >/dev/null
cli transcode add play.livecloud.localhost live lld >/dev/null

skipped() { curl -s "http://127.0.0.1:$API/metrics" | awk '/^livecloud_frames_skipped_total/ {print $2}'; }
# utime + stime (clock ticks) of the node and its ffmpeg children; /proc/stat would count the host's other cores
cpu() { local t=0 p; for p in "$lc" $(pgrep -P "$lc"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
ticks=$(getconf CLK_TCK)
best=0
for n in "${counts[@]}"; do
  pushers=()
  for i in $(seq "$n"); do
    LD_LIBRARY_PATH="$LIBDIR" "$FFMPEG" -hide_banner -v error -re -stream_loop -1 -i "$fixture" -c copy -f flv \
      "rtmp://127.0.0.1:$RTMP/live/bench$i" > "$work/push-$n-$i.log" 2>&1 &
    pushers+=("$!")
  done
  sleep "$WARMUP"
  cli transcode jobs --json > "$work/a.json"; s1=$(skipped); c1=$(cpu); load1=$(cut -d' ' -f1 /proc/loadavg)
  sleep "$WINDOW"
  cli transcode jobs --json > "$work/b.json"; s2=$(skipped); c2=$(cpu)
  line=$(python3 - "$work/a.json" "$work/b.json" "$n" "$((s2 - s1))" "$(( (c2 - c1) ))" "$ticks" "$WINDOW" <<'PY'
import json, sys
a, b = (json.load(open(f))["TranscodeJobs"]["TranscodeJob"] for f in sys.argv[1:3])
n, skipped, cpu, ticks, window = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
before = {j["TranscodedStream"]: j for j in a}
speeds, fps, restarted = [], [], 0
for j in b:
    p = before.get(j["TranscodedStream"])
    if p is None or p["Pid"] != j["Pid"]:
        restarted += 1
        continue
    wall = (j["ProgressTimeMillis"] - p["ProgressTimeMillis"]) / 1000
    speeds.append((j["OutTimeMillis"] - p["OutTimeMillis"]) / 1000 / wall)
    fps.append((j["Frames"] - p["Frames"]) / wall)
ok = len(speeds) == n and restarted == 0 and skipped == 0 and min(speeds) >= 0.97 and min(fps) >= 0.97 * 25
print(json.dumps({"bench": "transcode-720p-lld", "transcodes": n, "measured": len(speeds), "restarted": restarted,
                  "min_speed": round(min(speeds), 3) if speeds else 0, "min_fps": round(min(fps), 2) if fps else 0,
                  "frames_skipped": skipped, "node_cpu_cores": round(cpu / ticks / window, 2),
                  "real_time": ok}))
PY
)
  echo "$line" | tee -a bench/results.jsonl
  echo "$line" | grep -q '"real_time": true' && best=$n
  for p in "${pushers[@]}"; do kill "$p" 2>/dev/null || true; done
  wait "${pushers[@]}" 2>/dev/null || true
  sleep 8 # the sources' grace period (5 s): their renditions end before the next count
done
echo "largest count sustained in real time: $best (720p25 → lld 640x360, $(nproc) cores)"
