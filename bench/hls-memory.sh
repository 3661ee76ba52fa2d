#!/usr/bin/env bash
# HLS memory under many live streams: starts LiveCloud, pushes the bench fixture (720p, ~2.5 Mbit/s, looped) to N
# streams with ffmpeg (stream copy, real time) and samples, every INTERVAL seconds for DURATION seconds, the
# server's RSS and the segment memory it reports (livecloud_hls_segment_bytes), and fetches each stream's playlist.
#   bench/hls-memory.sh [streams]              default: 50; DURATION=300 INTERVAL=15
# Needs: JDK 17+, Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
streams=${1:-50}
DURATION=${DURATION:-300}
INTERVAL=${INTERVAL:-15}
work=$(mktemp -d /tmp/livecloud-hlsmem.XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

mvn -B -q -DskipTests install >&2
cp="bench/target/classes:$(cat bench/target/runtime-classpath.txt)"
server_cp="server/target/classes:$(cat server/target/runtime-classpath.txt)"
read -r FFMPEG LIBDIR < <(java -cp "$cp" io.livecloud.bench.FfmpegPath)
fixture=bench/target/bench-720p-2500k.flv
if [ ! -f "$fixture" ]; then
  echo "making $fixture (720p25, 2.5 Mbit/s, GOP 2 s, AAC)" >&2
  LD_LIBRARY_PATH="$LIBDIR" "$FFMPEG" -hide_banner -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=25,noise=alls=8:allf=t" \
    -f lavfi -i "sine=frequency=440:sample_rate=44100" -t 60 -c:v libx264 -preset veryfast -b:v 2400k \
    -maxrate 2500k -bufsize 5000k -g 50 -keyint_min 50 -sc_threshold 0 -pix_fmt yuv420p -c:a aac -b:a 96k -f flv "$fixture"
fi

java ${JAVA_OPTS:-} -cp "$server_cp" io.livecloud.server.Main serve --bind 127.0.0.1 --rtmp-port 19360 \
  --http-port 18180 --api-port 18190 --data-dir "$work/data" > "$work/livecloud.log" 2>&1 &
lc=$!; pids+=("$lc")
sleep 4
for d in push.livecloud.localhost play.livecloud.localhost; do
  java -cp "$server_cp" io.livecloud.server.Main auth set "$d" --off --api http://127.0.0.1:18190 --data-dir "$work/data" >/dev/null
done
for i in $(seq 1 "$streams"); do
  LD_LIBRARY_PATH="$LIBDIR" "$FFMPEG" -hide_banner -v error -re -stream_loop -1 -i "$fixture" -c copy -f flv \
    "rtmp://127.0.0.1:19360/live/m$i" > "$work/push-$i.log" 2>&1 &
  pids+=("$!")
done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ); JAVA_OPTS='${JAVA_OPTS:-}'"
echo "| t (s) | live streams | playlists answering | HLS segment MiB | server RSS MiB |"
echo "|---|---|---|---|---|"
start=$(date +%s)
while :; do
  t=$(( $(date +%s) - start ))
  metrics=$(curl -s http://127.0.0.1:18190/metrics || true)
  live=$(awk '/^livecloud_streams_live /{printf "%d", $2}' <<<"$metrics")
  seg=$(awk '/^livecloud_hls_segment_bytes /{printf "%.1f", $2/1048576}' <<<"$metrics")
  ok=0
  for i in $(seq 1 "$streams"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:18180/live/m$i.m3u8" || true)
    [ "$code" = 200 ] && ok=$((ok + 1))
  done
  rss=$(awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$lc/status")
  echo "| $t | ${live:-?} | $ok | ${seg:-?} | $rss |"
  [ "$t" -ge "$DURATION" ] && break
  sleep "$INTERVAL"
done
