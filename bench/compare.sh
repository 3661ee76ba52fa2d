#!/usr/bin/env bash
# Side-by-side load run: LiveCloud and nginx-rtmp on this machine, the same 720p ~2.5 Mbit/s stream pushed to
# both by the load tool itself (so it can time each video frame from publish to arrival), the same players against
# each, alternating. Prints one line per run; JSON lines go to bench/results.jsonl.
#   bench/compare.sh [player counts...]        default: 10 100 500
# Needs: JDK 17+, Maven; for the nginx side: apt-get install nginx libnginx-mod-rtmp (it is skipped without it).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] && counts=("$@") || counts=(10 100 500)
SECONDS_PER_RUN=${SECONDS_PER_RUN:-15}
WARMUP=${WARMUP:-5}
work=$(mktemp -d /tmp/livecloud-bench.XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

mvn -B -q -DskipTests install >&2
cp="bench/target/classes:$(cat bench/target/runtime-classpath.txt)"
read -r FFMPEG LIBDIR < <(java -cp "$cp" io.livecloud.bench.FfmpegPath)


fixture=bench/target/bench-720p-2500k.flv
if [ ! -f "$fixture" ]; then
  echo "making $fixture (720p25, 2.5 Mbit/s, GOP 2 s, AAC)" >&2
  LD_LIBRARY_PATH="$LIBDIR" "$FFMPEG" -hide_banner -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=25,noise=alls=8:allf=t" \
    -f lavfi -i "sine=frequency=440:sample_rate=44100" -t 60 -c:v libx264 -preset veryfast -b:v 2400k \
    -maxrate 2500k -bufsize 5000k -g 50 -keyint_min 50 -sc_threshold 0 -pix_fmt yuv420p -c:a aac -b:a 96k -f flv "$fixture"
fi

# LiveCloud
java ${JAVA_OPTS:-} -cp "server/target/classes:$(cat server/target/runtime-classpath.txt)" io.livecloud.server.Main serve \
  --bind 127.0.0.1 --rtmp-port 19350 --http-port 18080 --api-port 18090 --data-dir "$work/data" > "$work/livecloud.log" 2>&1 &
lc=$!; pids+=("$lc")

# nginx-rtmp, one process (master_process off), chunk_size 4096
ng=""
if [ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] && command -v nginx >/dev/null; then
  mkdir -p "$work/nginx/logs"
  cat > "$work/nginx/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
master_process off;
worker_processes 1;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 10240; }
rtmp { server { listen 127.0.0.1:19351; chunk_size 4096; application live { live on; } } }
CONF
  ulimit -n 65536 || true
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
  ng=$!; pids+=("$ng")
else
  echo "nginx-rtmp not installed: run 'apt-get install nginx libnginx-mod-rtmp' for the side-by-side figures" >&2
fi
sleep 3
# nginx-rtmp checks nothing: turn URL auth off on LiveCloud's demo domains (where 127.0.0.1 goes) for a like-for-like run
for d in push.livecloud.localhost play.livecloud.localhost; do
  java -cp "server/target/classes:$(cat server/target/runtime-classpath.txt)" io.livecloud.server.Main auth set "$d" --off \
    --api http://127.0.0.1:18090 --data-dir "$work/data" >&2
done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"
for n in "${counts[@]}"; do
  run() { java -cp "$cp" io.livecloud.bench.LoadTool --players "$n" --warmup "$WARMUP" --seconds "$SECONDS_PER_RUN" \
      --publish "$fixture" --probes 5 --json bench/results.jsonl "$@"; }
  if [ -n "$ng" ]; then
    run --url rtmp://127.0.0.1:19351/live/bench$n --pid "$ng" --label nginx-rtmp
  fi
  run --url rtmp://127.0.0.1:19350/live/bench$n --pid "$lc" --label livecloud
  run --url http://127.0.0.1:18080/live/flv$n.flv --publish-url rtmp://127.0.0.1:19350/live/flv$n --pid "$lc" --label livecloud
done
