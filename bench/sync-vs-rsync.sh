#!/usr/bin/env bash
# Repositories (issue #6): build and first/second sync of a tree of FILES files (mixed sizes,
# TOTAL_MIB in all; half random, half text-like) against gzip -6 over the same files and rsync -a
# from an rsync daemon serving the same tree, in one run, loopback only. The cluster is
# `./cairn up --nodes 3 --repository TREE`: node 0 the master, nodes 1 and 2 its slaves.
# The page cache is warm for every contender (the tree was just written/read): compare ratios.
#
# Usage: bench/sync-vs-rsync.sh [FILES=2000] [TOTAL_MIB=1024] [SEED=6]
set -euo pipefail
cd "$(dirname "$0")/.."
FILES="${1:-2000}"; TOTAL_MIB="${2:-1024}"; SEED="${3:-6}"
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
  rm -rf "$WORK"
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
t0=$(now); rsync -a "rsync://127.0.0.1:$RSYNC_PORT/tree/" "$WORK/rsync-copy/"; t1=$(now)
RSYNC_S=$(secs "$t0" "$t1")
echo "rsync -a: $RSYNC_S s"
# A baseline that copied less would flatter nothing but itself: check it is the whole tree.
diff -r "$WORK/tree" "$WORK/rsync-copy" >/dev/null || { echo "rsync copy differs from the tree: baseline broken" >&2; exit 1; }
t0=$(now); rsync -a "rsync://127.0.0.1:$RSYNC_PORT/tree/" "$WORK/rsync-copy/"; t1=$(now)
echo "rsync -a again (nothing changed): $(secs "$t0" "$t1") s"

echo "== cairn sync"
t0=$(now); ./cairn sync --master "$M" --to "$WORK/cairn-copy"; t1=$(now)
SYNC_S=$(secs "$t0" "$t1")
echo "cairn sync (first, including JVM start): $SYNC_S s"
t0=$(now); ./cairn sync --master "$M" --to "$WORK/cairn-copy"; t1=$(now)
SYNC2_S=$(secs "$t0" "$t1")
echo "cairn sync (nothing changed, including JVM start): $SYNC2_S s"
diff -r "$WORK/tree" "$WORK/cairn-copy" >/dev/null && echo "cairn copy identical to the tree"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

MIB=$(echo "$BYTES / 1048576" | bc -l)
printf '\n%-40s %8s %10s\n' "" "seconds" "MiB/s"
printf '%-40s %8.2f %10.1f\n' "gzip -6 (whole tree)" "$GZIP_S" "$(echo "$MIB / $GZIP_S" | bc -l)"
printf '%-40s %8.2f %10.1f\n' "cairn build" "$BUILD_S" "$(echo "$MIB / $BUILD_S" | bc -l)"
printf '%-40s %8.2f %10.1f\n' "rsync -a (daemon, first)" "$RSYNC_S" "$(echo "$MIB / $RSYNC_S" | bc -l)"
printf '%-40s %8.2f %10.1f\n' "cairn sync (first)" "$SYNC_S" "$(echo "$MIB / $SYNC_S" | bc -l)"
printf '%-40s %8.2f\n' "cairn sync (nothing changed)" "$SYNC2_S"
printf 'build / gzip speed: %.2f (bar 0.70); sync / rsync throughput: %.2f (bar 0.50)\n' \
  "$(echo "$GZIP_S / $BUILD_S" | bc -l)" "$(echo "$RSYNC_S / $SYNC_S" | bc -l)"
