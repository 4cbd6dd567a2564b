#!/usr/bin/env bash
# Repositories (issue #6): build and first/second sync of a tree of FILES files (mixed sizes,
# TOTAL_MIB in all; half random, half text-like) against gzip -6 over the same files and rsync -a
# from an rsync daemon serving the same tree, in one run, loopback only. The cluster is
# `./cairn up --nodes 3 --repository TREE`: node 0 the master, nodes 1 and 2 its slaves.
# The page cache is warm for every contender (the tree was just written/read): compare ratios.
#
# First syncs alternate, ROUNDS (default 5) of each, and the ratio is of the medians.
#
# Usage: [ROUNDS=5] bench/sync-vs-rsync.sh [FILES=2000] [TOTAL_MIB=1024] [SEED=6]
set -euo pipefail
cd "$(dirname "$0")/.."
FILES="${1:-2000}"; TOTAL_MIB="${2:-1024}"; SEED="${3:-6}"; ROUNDS="${ROUNDS:-5}"
command -v rsync >/dev/null || {
  echo "installing rsync (Debian package)..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync >/dev/null
}
./cairn --version >/dev/null   # builds the jar when needed
WORK="$(mktemp -d /tmp/cairn-hummel-bench.XXXXXX)"
PORT=17270; RSYNC_PORT=17290
cleanup() {
  if [ -n "${UP_PID:-}" ]; then kill "$UP_PID" 2>/dev/null || true; wait "$UP_PID" 2>/dev/null || true; fi
  if [ -n "${RSYNC_PID:-}" ]; then kill "$RSYNC_PID" 2>/dev/null || true; fi
  rm -rf "$WORK" ${SHM:+"$SHM"}
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }

echo "== tree: $FILES files, $TOTAL_MIB MiB, seed $SEED"
python3 - "$WORK/tree" "$FILES" "$TOTAL_MIB" "$SEED" <<'PY'
import os, random, sys
root, n, total_mib, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
r = random.Random(seed)
# log-uniform sizes from 1 KiB to 64 MiB, scaled to the total
raw = [2 ** r.uniform(10, 26) for _ in range(n)]
scale = total_mib * 1024 * 1024 / sum(raw)
words = [bytes(r.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(2, 9))) for _ in range(4000)]
text = b" ".join(r.choice(words) for _ in range(400000))  # ~2.4 MB of text-like bytes
for i, s in enumerate(raw):
    size = max(0, int(s * scale))
    d = os.path.join(root, "d%02d" % (i % 37), "s%d" % (i % 5))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.%s" % (i, "bin" if i % 2 else "txt")), "wb") as f:
        if i % 2:
            f.write(os.urandom(size))
        else:
            off = r.randrange(len(text))
            while size > 0:
                chunk = text[off:off + size] or text[:size]
                f.write(chunk); size -= len(chunk); off = 0
PY
BYTES=$(du -sb "$WORK/tree" | cut -f1)
echo "tree bytes: $BYTES ($(find "$WORK/tree" -type f | wc -l) files)"

echo "== gzip -6 over the same files (one process, single-threaded)"
t0=$(now); find "$WORK/tree" -type f -print0 | xargs -0 cat | gzip -6 > /dev/null; t1=$(now)
GZIP_S=$(secs "$t0" "$t1")
echo "gzip -6: $GZIP_S s"

echo "== cairn up --nodes 3 --repository"
./cairn up --nodes 3 --port "$PORT" --data "$WORK/data" --repository "$WORK/tree" >"$WORK/up.log" 2>&1 &
UP_PID=$!
M="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do curl -sf "$M/hummel/status" >/dev/null && grep -q "nodes up" "$WORK/up.log" && break; sleep 0.2; done
TOKEN=$(cat "$WORK/data/write.token")
t0=$(now)
BUILD=$(curl -sf -X POST -H "X-HUMMEL-TOKEN: $TOKEN" "$M/build" | python3 -c 'import json,sys; print(json.load(sys.stdin)["build"])')
while [ "$(curl -sf "$M/build/$BUILD" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = running ]; do sleep 0.1; done
t1=$(now)
BUILD_S=$(secs "$t0" "$t1")
curl -sf "$M/build/$BUILD" | python3 -c 'import json,sys; b=json.load(sys.stdin); print("build:", b["state"], b["filesDone"], "files", b["bytesDone"], "bytes", b["errorCount"], "errors")'
echo "cairn build: $BUILD_S s"
t0=$(now)
until curl -sf "$M/hummel/status" | python3 -c '
import json,sys; s=json.load(sys.stdin)
ok=len(s["slaves"])==2 and all(x["archivesHeld"]==s["archives"] for x in s["slaves"])
sys.exit(0 if ok else 1)'; do sleep 0.2; done
echo "slaves mirrored in $(secs "$t0" "$(now)") s (after the build)"

echo "== rsync -a from an rsync daemon on loopback"
cat > "$WORK/rsyncd.conf" <<CONF
port = $RSYNC_PORT
address = 127.0.0.1
use chroot = no
[tree]
  path = $WORK/tree
  read only = yes
CONF
rsync --daemon --no-detach --config="$WORK/rsyncd.conf" &
RSYNC_PID=$!
sleep 0.5
# First syncs, alternating, ROUNDS of each into fresh directories (kept until the end: deleting
# a gigabyte of files makes the next run's file creations slower on ext4). Dirty pages are
# flushed (`sync`) before every timed run, so neither contender pays for the writeback of what
# ran before it (the build, the mirroring, the other contender); each still pays for its own
# writes. This VM's disk makes a 1 GiB write take anywhere from 0.3 to 2.5 s, so the same rounds
# run a second time into tmpfs (/dev/shm, when it has room), where only CPU counts.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
first_syncs() { # DEST_ROOT LABEL: sets RSYNC_S and SYNC_S (medians)
  local dest="$1" label="$2" rt=() st=() round t0 t1
  for round in $(seq 1 "$ROUNDS"); do
    sync; t0=$(now); rsync -a "rsync://127.0.0.1:$RSYNC_PORT/tree/" "$dest/rsync-copy.$round/"; t1=$(now)
    rt+=("$(secs "$t0" "$t1")")
    # A baseline that copied less would flatter nothing but itself: check it is the whole tree.
    diff -r "$WORK/tree" "$dest/rsync-copy.$round" >/dev/null || { echo "rsync copy differs from the tree: baseline broken" >&2; exit 1; }
    sync; t0=$(now); ./cairn sync --master "$M" --to "$dest/cairn-copy.$round"; t1=$(now)
    st+=("$(secs "$t0" "$t1")")
    diff -r "$WORK/tree" "$dest/cairn-copy.$round" >/dev/null || { echo "cairn copy differs from the tree" >&2; exit 1; }
    echo "$label round $round: rsync -a ${rt[-1]} s; cairn sync (including JVM start) ${st[-1]} s; ratio $(echo "${rt[-1]} / ${st[-1]}" | bc -l | cut -c1-4)"
    [ "$label" = disk ] || rm -rf "$dest/rsync-copy.$round" "$dest/cairn-copy.$round" # memory is not ext4
  done
  RSYNC_S=$(median "${rt[@]}"); SYNC_S=$(median "${st[@]}")
}
if [ "$(df -B1 --output=avail /dev/shm 2>/dev/null | tail -1)" -gt $(( 3 * BYTES )) ] 2>/dev/null \
    && [ "$(awk '/MemAvailable/ {print $2}' /proc/meminfo)" -gt $(( 6 * BYTES / 1024 )) ]; then
  SHM="$(mktemp -d /dev/shm/cairn-hummel-bench.XXXXXX)"
  first_syncs "$SHM" "tmpfs"
  SHM_RSYNC_S=$RSYNC_S; SHM_SYNC_S=$SYNC_S
  rm -rf "$SHM"; SHM=""
fi
first_syncs "$WORK" "disk"
echo "cairn copies identical to the tree"
t0=$(now); rsync -a "rsync://127.0.0.1:$RSYNC_PORT/tree/" "$WORK/rsync-copy.$ROUNDS/"; t1=$(now)
echo "rsync -a again (nothing changed): $(secs "$t0" "$t1") s"
t0=$(now); ./cairn sync --master "$M" --to "$WORK/cairn-copy.$ROUNDS"; t1=$(now)
SYNC2_S=$(secs "$t0" "$t1")
echo "cairn sync (nothing changed, including JVM start): $SYNC2_S s"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

MIB=$(echo "$BYTES / 1048576" | bc -l)
printf '\n%-40s %8s %10s\n' "" "seconds" "MiB/s"
printf '%-40s %8.2f %10.1f\n' "gzip -6 (whole tree)" "$GZIP_S" "$(echo "$MIB / $GZIP_S" | bc -l)"
printf '%-40s %8.2f %10.1f\n' "cairn build" "$BUILD_S" "$(echo "$MIB / $BUILD_S" | bc -l)"
printf '%-40s %8.2f %10.1f\n' "rsync -a (daemon, first; median)" "$RSYNC_S" "$(echo "$MIB / $RSYNC_S" | bc -l)"
printf '%-40s %8.2f %10.1f\n' "cairn sync (first; median)" "$SYNC_S" "$(echo "$MIB / $SYNC_S" | bc -l)"
printf '%-40s %8.2f\n' "cairn sync (nothing changed)" "$SYNC2_S"
[ -n "${SHM_SYNC_S:-}" ] && printf 'into tmpfs (CPU only): rsync -a %.2f s, cairn sync %.2f s (medians); ratio %.2f\n' \
  "$SHM_RSYNC_S" "$SHM_SYNC_S" "$(echo "$SHM_RSYNC_S / $SHM_SYNC_S" | bc -l)"
printf 'build / gzip speed: %.2f (bar 0.70); sync / rsync throughput (disk): %.2f (bar 0.50)\n' \
  "$(echo "$GZIP_S / $BUILD_S" | bc -l)" "$(echo "$RSYNC_S / $SYNC_S" | bc -l)"
