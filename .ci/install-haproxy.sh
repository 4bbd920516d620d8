#!/usr/bin/env bash
# Installs HAProxy for the PROXY protocol interop test (io.popbridge.interop.HaproxyInteropTest),
# which starts its own private haproxy on 127.0.0.1 and skips with the reason when it is absent.
# Installs only if missing; the packaged service is stopped so that nothing else listens.
set -euo pipefail

if ! command -v haproxy >/dev/null 2>&1 && ! [ -x /usr/sbin/haproxy ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends haproxy
fi

if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl stop haproxy.service 2>/dev/null || true
  systemctl disable haproxy.service 2>/dev/null || true
fi

(command -v haproxy >/dev/null 2>&1 && haproxy -v || /usr/sbin/haproxy -v) | head -n 1 || true
