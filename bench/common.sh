# Sourced by the bench scripts: small helpers they share. Loopback only.

# A base port with $1 free consecutive ports above it on 127.0.0.1 (random, so that two runs on
# one machine do not collide).
free_base() {
  python3 - "$1" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
for _ in range(200):
    base = random.randint(20000, 60000)
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
