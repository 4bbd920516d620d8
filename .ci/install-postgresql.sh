#!/usr/bin/env bash
# Installs PostgreSQL server binaries for the io.popbridge.mapping store tests. Does nothing when
# initdb and pg_ctl are already under /usr/lib/postgresql/*/bin. The tests start their own private
# cluster (initdb + pg_ctl in a temp dir, a free port on 127.0.0.1, as the postgres OS user), so
# the system cluster the package may create and start is stopped. Needs root (CI runs as root).
set -euo pipefail

have_pg() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
}

if have_pg; then
  echo "postgresql already installed: $(ls -d /usr/lib/postgresql/*/bin | head -n 1)"
else
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q postgresql
fi

# The tests do not use the system cluster; stop it so it holds no port or memory.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl stop postgresql.service 2>/dev/null || true
fi
service postgresql stop 2>/dev/null || true

ls -d /usr/lib/postgresql/*/bin
