#!/usr/bin/env bash
# Issue #5 (API Drive): the two speed bars of the issue, each a ratio measured within one run.
#   (a) store: `cairn bench drive-store` (POST /api/drive/store, BSON {"Data"} of 64 KiB random
#       chunks, sent to the alive storage nodes in turn, each the coordinator of its chunk: 3
#       replicas, quorum 2) vs `cairn bench put` (PUT /blocks/{address} to the chunk's 3 XOR-closest
#       nodes from the client, quorum 2: the BlockClient path of `cairn put`). Same load generator,
#       same clients and connections, same cluster; rounds alternate which goes first; each round
#       writes new chunks (a fresh seed). Bar: median(drive / put) >= 0.80.
#   (b) download: a FILE_MIB (default 1 GiB) file put once with
#       `./cairn put FILE --apidrive-manifest OUT.json` on a 5-node cluster, then fetched in rounds
#       with the real launcher: `./cairn get ADDRESS -o F` vs `./cairn get --apidrive-manifest
#       OUT.json -o F`, the order alternating per round (the page cache cannot be dropped here, so
#       both read warm node caches alike). Wall time of each command, JVM start included for both.
#       Bar: median(manifest MB/s / address MB/s) >= 0.50.
# Do not edit the sources while it runs: the launcher would rebuild the jar inside a measured
# command (the script stops when the jar changes under it).
# Each cluster is `cairn up` in its own JVM (NODE_OPTS) from a copy of the jar, on loopback, data in
# a temp directory removed at the end. Every step is bounded by a count and a time.
#
# Usage: bench/apidrive.sh     env: ROUNDS=5 SECONDS_EACH=15 CLIENTS=32 CONNECTIONS=64 STORE_NODES=3
#                                   FILE_MIB=1024 NODE_OPTS=-Xmx2g SKIP_STORE=0 SKIP_GET=0
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-5}"
SECONDS_EACH="${SECONDS_EACH:-15}"
CLIENTS="${CLIENTS:-32}"
CONNECTIONS="${CONNECTIONS:-64}"
STORE_NODES="${STORE_NODES:-3}"
FILE_MIB="${FILE_MIB:-1024}"
NODE_OPTS="${NODE_OPTS:--Xmx2g}"
SKIP_STORE="${SKIP_STORE:-0}"
SKIP_GET="${SKIP_GET:-0}"
for tool in python3 cmp; do
  command -v "$tool" >/dev/null || { echo "apidrive.sh: needs $tool" >&2; exit 1; }
done
./cairn --version >/dev/null   # builds the jar when needed
JDK="$(dirname "$(dirname "$(readlink -f "$(ls -d /usr/lib/jvm/temurin-25*/bin/java /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)")")")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cairn-apidrive.XXXXXX")"
UP_PID=""
cleanup() {
  [ -n "$UP_PID" ] && kill "$UP_PID" 2>/dev/null && wait "$UP_PID" 2>/dev/null
  for f in "$WORK"/up*.log; do [ -f "$f" ] && cp "$f" "/tmp/cairn-apidrive-$(basename "$f")"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
# The cluster runs from a copy of the jar, so that a rebuild cannot replace it under running nodes;
# the measured client commands go through the real launcher.
cp cairn-cli/target/cairn.jar "$WORK/cairn.jar"
JAR_STAMP="$(stat -c %Y cairn-cli/target/cairn.jar)"
jar_unchanged() {
  [ "$(stat -c %Y cairn-cli/target/cairn.jar 2>/dev/null)" = "$JAR_STAMP" ] \
      || { echo "apidrive.sh: cairn.jar was rebuilt during the run; figures void" >&2; exit 1; }
}

source bench/common.sh   # free_base, json, start_cluster
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }
verdict() { awk -v m="$1" -v bar="$2" 'BEGIN {print (m >= bar ? "MET" : "NOT MET")}'; }
now() { date +%s.%N; }
blocks_stored() { # sum of cairn_blocks_stored over the cluster's nodes
  local total=0 p v
  for p in $(seq "$BASE" $((BASE + NODES - 1))); do
    v="$(curl -fsS "http://127.0.0.1:$p/metrics" | awk '/^cairn_blocks_stored/ {printf "%d", $2}')"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
cluster_cpu_ms() { # CPU time (user + system) the cluster's JVM has used so far, in ms
  awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$UP_PID/stat"
}
settle() { # waits (at most 30 s, at least 0.5 s: two reads) until the block count stops moving; prints it
  local last=-1 n
  for _ in $(seq 1 60); do
    n="$(blocks_stored)"; [ "$n" = "$last" ] && break; last="$n"; sleep 0.5
  done
  echo "$last"
}
stop_cluster() {
  kill "$UP_PID"; wait "$UP_PID" 2>/dev/null || true; UP_PID=""
  ERRORS_IN_LOG=$((ERRORS_IN_LOG + $(grep -c " ERROR " "$WORK/up$1.log" || true)))
}
ERRORS_IN_LOG=0
bench() { # mode args... -> JSON on stdout; fails on any failed operation
  local out; out="$(./cairn bench "$@" --json)" || { echo "cairn bench $* failed: $out" >&2; exit 1; }
  echo "$out"
}

echo "date: $(date -u +%FT%TZ)  machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r)"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg); cluster JVM: $NODE_OPTS; $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

# ---- (a) store ---------------------------------------------------------------------------------
if [ "$SKIP_STORE" != 1 ]; then
  start_cluster "$STORE_NODES"
  COMMON=(--node "$NODE" --cluster-key-file "$KEY" -c "$CLIENTS" --connections "$CONNECTIONS" --size 64KiB -n 10000000)
  echo; echo "== (a) store of 64 KiB chunks, $STORE_NODES nodes, 3 replicas, quorum 2, $CLIENTS clients, ${SECONDS_EACH}s each"
  bench put "${COMMON[@]}" -d 5s --seed 1 >/dev/null              # warm-up (JIT, connections)
  bench drive-store "${COMMON[@]}" -d 5s --seed 1 >/dev/null
  STORE_RATIOS=(); CPU_RATIOS=()
  for r in $(seq 1 "$ROUNDS"); do
    SEED=$((1000 + r))   # new chunks every round: no write finds its block already stored
    if [ $((r % 2)) = 1 ]; then order="put drive-store"; else order="drive-store put"; fi
    for mode in $order; do
      before="$(settle)"; cpu0="$(cluster_cpu_ms)"
      out="$(bench "$mode" "${COMMON[@]}" -d "${SECONDS_EACH}s" --seed "$SEED")"
      s0="$(now)"; after="$(settle)"; s1="$(now)"; cpu1="$(cluster_cpu_ms)"
      # the cluster's CPU per chunk, background copies included: a figure the other engineers'
      # load on this machine moves far less than a rate
      cpu="$(awk -v a="$cpu1" -v b="$cpu0" -v n="$(echo "$out" | json 'd["ops"]')" 'BEGIN {printf "%.2f", (a - b) / n}')"
      # every acknowledged chunk must end with 3 copies, and a mode must not leave copies
      # queued behind it for the next one to pay for: print both
      copies="$(awk -v a="$after" -v b="$before" -v n="$(echo "$out" | json 'd["ops"]')" 'BEGIN {printf "%.2f", (a - b) / n}')"
      tail_s="$(awk -v a="$s0" -v b="$s1" 'BEGIN {printf "%.1f", b - a}')"
      if [ "$mode" = put ]; then PUT_JSON="$out"; PUT_COPIES="$copies"; PUT_TAIL="$tail_s"; PUT_CPU="$cpu"
      else DRIVE_JSON="$out"; DRIVE_COPIES="$copies"; DRIVE_TAIL="$tail_s"; DRIVE_CPU="$cpu"; fi
    done
    PUT_OPS="$(echo "$PUT_JSON" | json 'd["opsPerSecond"]')"
    DRIVE_OPS="$(echo "$DRIVE_JSON" | json 'd["opsPerSecond"]')"
    jar_unchanged
    R="$(ratio "$DRIVE_OPS" "$PUT_OPS")"; STORE_RATIOS+=("$R")
    CPU_RATIOS+=("$(ratio "$DRIVE_CPU" "$PUT_CPU")")
    echo "round $r ($order): put $PUT_OPS/s (p50 $(echo "$PUT_JSON" | json 'd["latencyMs"]["p50"]') ms," \
         "$PUT_COPIES copies/chunk, settled ${PUT_TAIL}s after, cluster CPU $PUT_CPU ms/chunk) | drive-store" \
         "$DRIVE_OPS/s (p50 $(echo "$DRIVE_JSON" | json 'd["latencyMs"]["p50"]') ms, $DRIVE_COPIES copies/chunk," \
         "settled ${DRIVE_TAIL}s after, cluster CPU $DRIVE_CPU ms/chunk) | ratio $R  load $(cut -d' ' -f1 /proc/loadavg)"
  done
  M="$(median "${STORE_RATIOS[@]}")"
  echo "(a) median drive-store / put = $M (bar >= 0.80): $(verdict "$M" 0.80);" \
       "median cluster CPU per chunk, drive-store / put = $(median "${CPU_RATIOS[@]}")"
  stop_cluster "$STORE_NODES"
fi

# ---- (b) download ------------------------------------------------------------------------------
if [ "$SKIP_GET" != 1 ]; then
  start_cluster 5
  SRC="$WORK/source.bin"; MANIFEST="$WORK/seed.json"
  head -c "$((FILE_MIB * 1024 * 1024))" /dev/urandom >"$SRC"
  t0="$(now)"
  ADDRESS="$(./cairn put "$SRC" --node "$NODE" --cluster-key-file "$KEY" --apidrive-manifest "$MANIFEST")"
  t1="$(now)"
  BYTES="$(stat -c %s "$SRC")"
  echo; echo "== (b) download of $FILE_MIB MiB on 5 nodes: put in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b-a}') s, address $ADDRESS"
  mbps() { awk -v bytes="$BYTES" -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", bytes / 1e6 / (b - a)}'; }
  get_address() { ./cairn get "$ADDRESS" --node "$NODE" -o "$WORK/by-address.bin" >/dev/null; }
  get_manifest() { ./cairn get --apidrive-manifest "$MANIFEST" -o "$WORK/by-manifest.bin" >/dev/null; }
  GET_RATIOS=()
  for r in $(seq 1 "$ROUNDS"); do
    rm -f "$WORK/by-address.bin" "$WORK/by-manifest.bin"
    if [ $((r % 2)) = 1 ]; then order="address manifest"; else order="manifest address"; fi
    for how in $order; do
      a="$(now)"; "get_$how"; b="$(now)"
      if [ "$how" = address ]; then ADDR_MBPS="$(mbps "$a" "$b")"; else MAN_MBPS="$(mbps "$a" "$b")"; fi
    done
    if [ "$r" = 1 ]; then
      cmp -s "$SRC" "$WORK/by-address.bin" && cmp -s "$SRC" "$WORK/by-manifest.bin" \
          || { echo "a download differs from the source" >&2; exit 1; }
    fi
    jar_unchanged
    R="$(ratio "$MAN_MBPS" "$ADDR_MBPS")"; GET_RATIOS+=("$R")
    echo "round $r ($order): cairn get ADDRESS $ADDR_MBPS MB/s | cairn get --apidrive-manifest $MAN_MBPS MB/s | ratio $R  load $(cut -d' ' -f1 /proc/loadavg)"
  done
  M="$(median "${GET_RATIOS[@]}")"
  echo "(b) median manifest / address = $M (bar >= 0.50): $(verdict "$M" 0.50)"
  stop_cluster 5
fi
echo; echo "ERROR lines in the cluster logs: $ERRORS_IN_LOG; load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
