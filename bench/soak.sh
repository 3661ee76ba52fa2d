#!/usr/bin/env bash
# The documented soak (issue 5): a LiveCloud node in its own process, then 30 minutes of 50 publishers reconnecting at
# random (some dropping with a TCP reset), 500 players joining and leaving over RTMP and HTTP-FLV (some with a reset)
# and 20 slow players the node must cut. The node's RSS, threads, open files and direct buffers are sampled from
# /proc and /metrics before, every minute, and after the clients left.
#   bench/soak.sh [minutes] [publishers] [players] [slow]     default: 30 50 500 20
# The node runs with JAVA_OPTS (default -Xmx512m, so its heap is bounded and the RSS says something). Needs: JDK 17+, Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}; publishers=${2:-50}; players=${3:-500}; slow=${4:-20}
work=$(mktemp -d /tmp/livecloud-soak.XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
mvn -B -q -DskipTests install >&2
cp="bench/target/classes:$(cat bench/target/runtime-classpath.txt)"
read -r FFMPEG LIBDIR < <(java -cp "$cp" io.livecloud.bench.FfmpegPath)
fixture=bench/target/soak-240p.flv
if [ ! -f "$fixture" ]; then
  echo "making $fixture (426x240 25 fps, ~200 kbit/s, GOP 1 s, AAC 64 kbit/s)" >&2
  LD_LIBRARY_PATH="$LIBDIR" "$FFMPEG" -hide_banner -v error -y -f lavfi -i "testsrc2=size=426x240:rate=25" \
    -f lavfi -i "sine=frequency=440:sample_rate=44100" -t 30 -c:v libx264 -preset veryfast -b:v 200k -maxrate 200k \
    -bufsize 400k -g 25 -pix_fmt yuv420p -c:a aac -b:a 64k -f flv "$fixture"
fi
ulimit -n 65536 || true
java ${JAVA_OPTS:--Xmx512m} -cp "server/target/classes:$(cat server/target/runtime-classpath.txt)" io.livecloud.server.Main serve \
  --bind 127.0.0.1 --rtmp-port 19360 --http-port 18180 --api-port 18190 --data-dir "$work/data" > "$work/livecloud.log" 2>&1 &
lc=$!; pids+=("$lc")
sleep 4
# the soak's clients sign nothing: URL auth off on the demo domains (where 127.0.0.1 goes)
for d in push.livecloud.localhost play.livecloud.localhost; do
  java -cp "server/target/classes:$(cat server/target/runtime-classpath.txt)" io.livecloud.server.Main auth set "$d" --off \
    --api http://127.0.0.1:18190 --data-dir "$work/data" >&2
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "soak: $minutes min, $publishers publishers, $players players, $slow slow players; node log $work/livecloud.log"
java -cp "$cp" io.livecloud.bench.Soak --rtmp rtmp://127.0.0.1:19360/live --flv http://127.0.0.1:18180/live \
  --file "$fixture" --publishers "$publishers" --players "$players" --slow "$slow" --minutes "$minutes" \
  --pid "$lc" --metrics http://127.0.0.1:18190/metrics
echo "node log lines: $(wc -l < "$work/livecloud.log"); warnings/errors: $(grep -c '\[WARN\]\|\[ERROR\]' "$work/livecloud.log" || true)"
grep '\[WARN\]\|\[ERROR\]' "$work/livecloud.log" | head -5 || true
