#!/usr/bin/env bash
# The comparison of issue 7: Dovecot's own POP3 vs popbridge (in front of the same Dovecot's IMAP)
# vs direct IMAP FETCH, on freshly seeded mailboxes (3 users x 200 messages of 5-50 KB and one
# 100,000-message mailbox). A default run takes about 5 minutes. Options (all optional):
#   --duration S --warmup S --workers N --messages N --users N --big N (0: no big mailbox)
#   --scenarios poll,download,top,big-poll   --popbridge-jvm "-Xmx512m ..."
#   --reuse-idle-time 0 (popbridge without upstream session reuse; default 15s)
#   --split-cpus: popbridge on the last CPU, everything else (load generator, Dovecot) on the
#     others (taskset), as when the bridge runs on its own host; needs 2+ CPUs
# Longer, steadier run: bench/compare.sh --duration 60 --warmup 10
# Needs Dovecot 2.3 (installed through .ci/install-dovecot.sh when run as root) and a JDK 17;
# builds target/popbridge.jar if it is missing (REBUILD=1 forces it). Output is also written to
# target/compare-<time>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
# On a fresh machine: install Dovecot (needs root; .ci/install-dovecot.sh does nothing if present).
if ! command -v dovecot >/dev/null 2>&1 || [[ ! -x /usr/lib/dovecot/pop3 ]]; then
  if [[ "$(id -u)" == 0 ]]; then
    bash .ci/install-dovecot.sh >&2
  else
    echo "Dovecot is missing: run  sudo .ci/install-dovecot.sh  first" >&2
    exit 2
  fi
fi
if [[ ! -f target/popbridge.jar || "${REBUILD:-}" == 1 ]]; then
  mvn -o -q -B package -DskipTests >&2 || mvn -q -B package -DskipTests >&2
fi
CP="$(bench/classpath.sh)"
ARGS=()
PIN=()
BRIDGE_CPU=""
for a in "$@"; do
  if [[ "$a" == --split-cpus ]]; then
    n="$(nproc)"
    if (( n < 2 )); then echo "--split-cpus needs at least 2 CPUs" >&2; exit 2; fi
    PIN=(taskset -c "0-$((n - 2))")
    BRIDGE_CPU="$((n - 1))"
    ARGS+=("--popbridge-cpus=$BRIDGE_CPU")
  else
    ARGS+=("$a")
  fi
done
ulimit -n 65536 2>/dev/null || true
OUT="target/compare-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "== machine: $(nproc) cores; $(free -g | awk '/Mem:/ {print $2 " GiB RAM"}'); $(java -version 2>&1 | head -1)"
  echo "== load before: $(uptime)"
  if (( ${#PIN[@]} )); then echo "== CPUs: load generator and Dovecot on ${PIN[2]}, popbridge on $BRIDGE_CPU"; fi
  "${PIN[@]}" java -Xmx2g -cp "$CP" io.popbridge.load.Compare "${ARGS[@]}"
  echo "== load after: $(uptime)"
} 2>&1 | tee "$OUT"
echo "written to $OUT" >&2
