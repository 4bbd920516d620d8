#!/usr/bin/env bash
# Memory benchmarks of issue 7 against the built popbridge jar (target/popbridge.jar) and a
# scripted Netty IMAP upstream (io.popbridge.load.ScriptedImapUpstream, its own JVM):
#  1. heap per idle logged-in session (each with its upstream IMAP connection): live heap from
#     `jcmd GC.class_histogram` (a full GC, live objects only) before and while SESSIONS idle
#     sessions are held open by the load tool (its own JVM), divided by SESSIONS; the classes that
#     grew most are printed.
#  2. a 50 MB RETR to a slow reader (64 KiB every 20 ms) through a popbridge started with a heap
#     smaller than the message (-Xmx48m -XX:MaxDirectMemorySize=16m): it must complete with the
#     listed size; live heap is sampled (class histogram) at 30/60/90 % of the transfer.
# Usage: bench/memory.sh   (SESSIONS=N to change the count; default 10000, capped by ulimit -n:
# popbridge holds 2 descriptors per session; MESSAGES=N small messages in the scripted INBOX,
# default 5, plus the 50 MB one; USERS=N spreads the sessions over N distinct users, each with
# such an INBOX, default 1; the warm-up polls every user first, so each user's cached listing
# (mapping.listing-cache) is in the "before" heap and the result is the sessions' own heap;
# SKIP_SLOW=1 skips part 2)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f target/popbridge.jar || "${REBUILD:-}" == 1 ]]; then
  mvn -o -q -B package -DskipTests >&2 || mvn -q -B package -DskipTests >&2
fi
CP="$(bench/classpath.sh)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
LIMIT=$(ulimit -n)
SESSIONS=${SESSIONS:-10000}
if (( SESSIONS * 2 + 500 > LIMIT )); then
  SESSIONS=$(( (LIMIT - 500) / 2 ))
  echo "ulimit -n is $LIMIT (hard limit $(ulimit -Hn)): popbridge needs 2 descriptors per session, so SESSIONS=$SESSIONS"
fi
WORK=$(mktemp -d /tmp/popbridge-memory-XXXXXX)
USERS=${USERS:-1}
for u in $(seq 1 "$USERS"); do
  if (( USERS == 1 )); then echo "bench:pw"; else echo "user$u:pw"; fi
done > "$WORK/users.txt"
WARM=$(( USERS > 300 ? USERS : 300 ))
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
await_line() { # file pattern seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; tail -20 "$1" >&2; return 1
}
live_bytes() { jcmd "$1" GC.class_histogram | awk '/^Total/ {print $3}'; }

echo "== machine: $(nproc) cores; $(free -g | awk '/Mem:/ {print $2 " GiB RAM"}'); $(java -version 2>&1 | head -1)"
echo "== load: $(uptime)"

java -Xmx1g -cp "$CP" io.popbridge.load.ScriptedImapUpstream 0 "${MESSAGES:-5}" 50 > "$WORK/upstream.out" 2>&1 &
PIDS+=($!)
await_line "$WORK/upstream.out" '^listening' 60
UPSTREAM=$(awk '/^listening/ {print $2}' "$WORK/upstream.out")

start_popbridge() { # name jvm-flags -> sets PB_PID PB_PORT
  local port; port=$(free_port)
  cat > "$WORK/$1.yaml" <<YAML
listeners:
  - address: 127.0.0.1:$port
    tls: plain
data-dir: $WORK/$1-data
upstream:
  url: imap://127.0.0.1:$UPSTREAM
  reuse:
    idle-time: 0s   # no upstream session parked by the warm-up in the "before" heap
auth:
  failure-delay: 0s
pop3:
  idle-timeout: 30m
limits:
  max-connections: 100000
  max-connections-per-address: 100000
  max-sessions-per-user: 10000
  max-sessions-per-user-and-address: 10000
admin:
  enabled: false
YAML
  # shellcheck disable=SC2086
  java $2 -jar target/popbridge.jar --config "$WORK/$1.yaml" > "$WORK/$1.log" 2>&1 &
  PB_PID=$!; PIDS+=($PB_PID); PB_PORT=$port
  for _ in $(seq 1 300); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0; sleep 0.2; done
  echo "popbridge did not start" >&2; tail "$WORK/$1.log" >&2; return 1
}

echo
echo "== 1. heap per idle session: $SESSIONS sessions"
start_popbridge idle "-Xms1g -Xmx1g"
echo "popbridge: java -Xms1g -Xmx1g -jar target/popbridge.jar (pid $PB_PID, port $PB_PORT)"
java -cp "$CP" io.popbridge.load.LoadTool --port "$PB_PORT" --scenario poll --sessions "$WARM" --workers 4 \
  --warmup 0 --users-file "$WORK/users.txt" | grep '^RESULT'
jcmd "$PB_PID" GC.class_histogram > "$WORK/before.txt"
BEFORE=$(awk '/^Total/ {print $3}' "$WORK/before.txt")
java -Xmx1g -cp "$CP" io.popbridge.load.LoadTool --port "$PB_PORT" --scenario idle --idle-sessions "$SESSIONS" \
  --duration 900 --noop-interval 600 --workers 16 --users-file "$WORK/users.txt" > "$WORK/idle.out" 2>&1 &
IDLE=$!; PIDS+=($IDLE)
await_line "$WORK/idle.out" '^idle: [0-9]* sessions logged in .*holding' 600
cat "$WORK/idle.out"
HELD=$(awk '/^idle:/ {print $2}' "$WORK/idle.out")
sleep 3
jcmd "$PB_PID" GC.class_histogram > "$WORK/after.txt"
AFTER=$(awk '/^Total/ {print $3}' "$WORK/after.txt")
echo "live heap before: $BEFORE bytes; with $HELD idle sessions: $AFTER bytes"
awk -v a="$AFTER" -v b="$BEFORE" -v n="$HELD" 'BEGIN { printf "RESULT heap_per_idle_session_bytes=%.0f (%.2f KiB) sessions=%d\n", (a-b)/n, (a-b)/n/1024, n }'
echo "classes that grew most (bytes per session, instances per session):"
awk 'NR==FNR && $1 ~ /^[0-9]+:$/ {b[$4]=$3; c[$4]=$2; next}
     $1 ~ /^[0-9]+:$/ {d=$3-b[$4]; if (d>0) printf "%12d %8.2f %8.2f %s\n", d, d/n, ($2-c[$4])/n, $4}' n="$HELD" \
  "$WORK/before.txt" "$WORK/after.txt" | sort -rn | awk 'NR <= 15 {printf "  %8.0f B  %6.2f x  %s\n", $2, $3, $4}'
kill "$IDLE" 2>/dev/null || true
wait "$IDLE" 2>/dev/null || true
kill "$PB_PID"; wait "$PB_PID" 2>/dev/null || true

if [[ "${SKIP_SLOW:-}" == 1 ]]; then exit 0; fi
echo
echo "== 2. 50 MB RETR to a slow reader, popbridge with -Xmx48m -XX:MaxDirectMemorySize=16m"
start_popbridge slow "-Xmx48m -XX:MaxDirectMemorySize=16m"
java -cp "$CP" io.popbridge.load.SlowRetr "$PB_PORT" bench pw 65536 20 > "$WORK/slow.out" 2>&1 &
SLOW=$!; PIDS+=($SLOW)
for p in 30 60 90; do
  await_line "$WORK/slow.out" "^progress $p" 300
  echo "live heap at ${p}% of the transfer: $(live_bytes "$PB_PID") bytes"
done
STATUS=0; wait "$SLOW" || STATUS=$?
grep -v '^progress' "$WORK/slow.out"
if grep -q -i 'OutOfMemory' "$WORK/slow.log"; then echo "popbridge ran out of memory"; STATUS=1; fi
echo "RESULT slow_reader_50mb=$([[ $STATUS == 0 ]] && echo completed || echo FAILED) heap_limit=48m direct_limit=16m"
echo "== load after: $(uptime)"
