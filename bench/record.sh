#!/usr/bin/env bash
# The CPU cost of recording (remux, -c copy) per stream. Starts a LiveCloud node, adds a recording configuration
# for the demo push domain's app "live" (FORMATS, default mp4; CYCLE seconds, default 60), then for each count N
# pushes N copies of a 720p25 H.264 + AAC file (ffmpeg -re, in a loop) and, after a warm-up, measures over a window
# the CPU (utime + stime) of the recording ffmpeg children and of the node itself. Prints one line per count:
# recorder CPU seconds per stream-minute, and files stored (the node's livecloud_record_files_stored_total). JSON
# lines go to bench/results.jsonl.
#   bench/record.sh [counts...]        default: 1 5 10
# Needs: JDK 17+, Maven, python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] && counts=("$@") || counts=(1 5 10)
WARMUP=${WARMUP:-10}
WINDOW=${WINDOW:-30}
FORMATS=${FORMATS:-mp4}
CYCLE=${CYCLE:-60}
work=$(mktemp -d /tmp/livecloud-record-bench.XXXX)
pids=()
pushers=()
cleanup() { for p in "${pushers[@]}" "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
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

RTMP=19353 API=18093
java ${JAVA_OPTS:-} -cp "$cp" io.livecloud.server.Main serve --bind 127.0.0.1 --rtmp-port $RTMP --http-port 18083 \
  --api-port $API --data-dir "$work/data" > "$work/livecloud.log" 2>&1 &
lc=$!; pids+=("$lc")
cli() { java -cp "$cp" io.livecloud.server.Main "$@" --api "http://127.0.0.1:$API" --data-dir "$work/data"; }
for _ in $(seq 60); do cli domain list >/dev/null 2>&1 && break; sleep 1; done
cli auth set push.livecloud.localhost --off >/dev/null
cli record add push.livecloud.localhost live --format "$FORMATS" --cycle "$CYCLE" >/dev/null

stored() { curl -s "http://127.0.0.1:$API/metrics" | awk '/^livecloud_record_files_stored_total/ {print int($2)}'; }
ticksOf() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# the recording children: ffmpeg run by the node with a segment list (the recorder's muxer)
recorders() { for p in $(pgrep -P "$lc"); do grep -q -- '-segment_list' "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done; }
ticks=$(getconf CLK_TCK)
for n in "${counts[@]}"; do
  pushers=()
  for i in $(seq "$n"); do
    LD_LIBRARY_PATH="$LIBDIR" "$FFMPEG" -hide_banner -v error -re -stream_loop -1 -i "$fixture" -c copy -f flv \
      "rtmp://127.0.0.1:$RTMP/live/rec$i" > "$work/push-$n-$i.log" 2>&1 &
    pushers+=("$!")
  done
  sleep "$WARMUP"
  mapfile -t rec < <(recorders)
  declare -A before=()
  for p in "${rec[@]}"; do before[$p]=$(ticksOf "$p"); done
  node1=$(ticksOf "$lc"); files1=$(stored)
  sleep "$WINDOW"
  rec_ticks=0; measured=0
  for p in "${rec[@]}"; do
    now=$(ticksOf "$p")
    if [ "$now" != 0 ]; then rec_ticks=$((rec_ticks + now - before[$p])); measured=$((measured + 1)); fi
  done
  unset before
  node2=$(ticksOf "$lc"); files2=$(stored)
  line=$(python3 - "$n" "$measured" "$rec_ticks" "$((node2 - node1))" "$ticks" "$WINDOW" "$((files2 - files1))" "$FORMATS" <<'PY'
import json, sys
n, measured, rec, node, ticks, window, files, formats = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
    int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8])
minutes = window / 60
print(json.dumps({"bench": "record-720p-remux", "formats": formats, "streams": n, "recorders_measured": measured,
                  "recorder_cpu_s_per_stream_minute": round(rec / ticks / n / minutes, 3),
                  "recorder_cpu_cores_total": round(rec / ticks / window, 3),
                  "node_jvm_cpu_cores": round(node / ticks / window, 3), "files_stored_in_window": files}))
PY
)
  echo "$line" | tee -a bench/results.jsonl
  for p in "${pushers[@]}"; do kill "$p" 2>/dev/null || true; done
  wait "${pushers[@]}" 2>/dev/null || true
  sleep 8 # the sources' grace period (5 s): their recordings end and are stored before the next count
done
echo "node log: recording lines"; grep -c "RecordPlanner - record .* stored" "$work/livecloud.log" || true
