# Sourced by the bench scripts: small helpers they share. Loopback only.

# A base port with $1 free consecutive ports above it on 127.0.0.1 (random, so that two runs on
# one machine do not collide; below the ephemeral range, docs/DECISIONS.md 109).
free_base() {
  python3 - "$1" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
# below the kernel's ephemeral range, from which outgoing connections take their local ports
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError):
    low = 32768
top = low if low >= 15000 else 65000
for _ in range(200):
    base = random.randint(10000, top - n - 1)
    socks = []
    try:
        for p in range(base, base + n):
            s = socket.socket(); s.bind(("127.0.0.1", p)); socks.append(s)
        for s in socks: s.close()
        print(base); break
    except OSError:
        for s in socks: s.close()
PY
}

# Evaluates a Python expression over the JSON document on stdin, bound to d.
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# Starts `cairn up --nodes $1` from $WORK/cairn.jar with $JDK and $NODE_OPTS, on free ports, data in
# $WORK/cluster$1, and waits for "nodes up". Sets UP_PID (the JVM itself: java is started directly,
# not through a wrapper, so that $! is the process to kill), NODE, KEY, BASE and NODES.
start_cluster() {
  local n="$1" base; base="$(free_base "$n")"
  "$JDK/bin/java" --enable-native-access=ALL-UNNAMED $NODE_OPTS -XX:+ExitOnOutOfMemoryError -jar "$WORK/cairn.jar" \
      up --nodes "$n" --port "$base" --data "$WORK/cluster$n" >"$WORK/up$n.log" 2>&1 &
  UP_PID=$!
  for _ in $(seq 1 120); do grep -qs "nodes up" "$WORK/up$n.log" && break; sleep 0.5; done
  grep -q "nodes up" "$WORK/up$n.log" || { cat "$WORK/up$n.log" >&2; echo "cluster did not start" >&2; exit 1; }
  NODE="http://127.0.0.1:$base"; KEY="$WORK/cluster$n/cluster.key"; BASE="$base"; NODES="$n"
}
