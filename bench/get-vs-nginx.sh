#!/usr/bin/env bash
# GET of 64 KiB blocks from one warm cairn node vs nginx serving the same blocks as plain files,
# same load generator (wrk, 64 connections), in one run. Loopback only. nginx runs twice, as
# packaged (sendfile) and tuned for this machine (copy; see bench/nginx.sh), and each round's
# baseline is the faster of the two. Prints the rates and the ratio; the issue #2 bar is
# cairn >= 0.6x nginx. Every answer is checked: one error answer fails the run.
#
# Usage: bench/get-vs-nginx.sh [BLOCKS=2000] [SECONDS=15] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
BLOCKS="${1:-2000}"
SECONDS_EACH="${2:-15}"
command -v nginx >/dev/null && command -v wrk >/dev/null || {
  echo "installing nginx and wrk (Debian packages)..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
}
./cairn --version >/dev/null   # builds the jar when needed
JDK="$(dirname "$(dirname "$(readlink -f "$(ls -d /usr/lib/jvm/temurin-25*/bin/java | head -1)")")")"
[ -f cairn-bench/target/cairn-benchmarks.jar ] || JAVA_HOME="$JDK" ./mvnw -q -B -DskipTests -pl cairn-bench -am package
WORK="$(mktemp -d /tmp/cairn-bench.XXXXXX)"
# Free ports, so that two runs on one machine (other worktrees) do not collide.
free_port() {
  local p
  for p in $(seq "$1" $(($1 + 200))); do
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
  done
  return 1
}
CAIRN_PORT="$(free_port 17170)"; NGINX_PORT="$(free_port $((CAIRN_PORT + 1000)))"
NGINX_COPY_PORT="$(free_port $((NGINX_PORT + 1)))"
# The exit status is the script's, not that of the node we kill here (143).
cleanup() {
  local rc=$?
  set +e
  if [ -n "${NODE_PID:-}" ]; then kill "$NODE_PID" 2>/dev/null; wait "$NODE_PID" 2>/dev/null; fi
  for pid in "$WORK"/nginx*.pid; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null; done
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

./cairn node --port "$CAIRN_PORT" --data "$WORK/node" --open >"$WORK/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$CAIRN_PORT/health" >/dev/null && break; sleep 0.2; done
"$JDK/bin/java" -cp cairn-bench/target/cairn-benchmarks.jar io.cairn.bench.http.PopulateBlocks \
  "http://127.0.0.1:$CAIRN_PORT" "$BLOCKS" 65536 "$WORK/www/blocks" "$WORK/paths.txt"

source bench/nginx.sh
start_nginx
start_nginx nginx-copy "$NGINX_COPY_PORT" copy
for port in "$NGINX_PORT" "$NGINX_COPY_PORT" "$CAIRN_PORT"; do
  http_serves "$(head -1 "$WORK/paths.txt")" 65536 "$port"
done

export PATHS_FILE="$WORK/paths.txt"
run_wrk() { wrk_rps "$(wrk -t1 -c64 -d"$1"s -s bench/paths.lua "$2")"; }
# Warm both (page cache, JIT: the node's hot path compiles in the first seconds), then measure
# ROUNDS alternating rounds, so that a burst of load from elsewhere on this noisy machine hits
# both sides alike; the figure reported is the median of the per-round ratios.
ROUNDS="${3:-3}"
run_wrk 10 "http://127.0.0.1:$NGINX_PORT" >/dev/null
run_wrk 10 "http://127.0.0.1:$NGINX_COPY_PORT" >/dev/null
run_wrk 10 "http://127.0.0.1:$CAIRN_PORT" >/dev/null
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  NS="$(run_wrk "$SECONDS_EACH" "http://127.0.0.1:$NGINX_PORT")"
  NC="$(run_wrk "$SECONDS_EACH" "http://127.0.0.1:$NGINX_COPY_PORT")"
  C="$(run_wrk "$SECONDS_EACH" "http://127.0.0.1:$CAIRN_PORT")"
  N="$(awk -v a="$NS" -v b="$NC" 'BEGIN {print (a > b ? a : b)}')"
  R="$(awk -v c="$C" -v n="$N" 'BEGIN {printf "%.2f", c / n}')"
  echo "round $round: nginx $NS GET/s (sendfile), $NC GET/s (copy), cairn $C GET/s, ratio to the faster nginx $R"
  RATIOS+=("$R")
done
RATIO="$(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
echo "date: $(date -u +%F) machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB"
echo "blocks: $BLOCKS x 64 KiB, wrk -t1 -c64 -d${SECONDS_EACH}s"
echo "median ratio cairn/nginx over $ROUNDS rounds: $RATIO (bar: >= 0.60)"
