#!/usr/bin/env bash
# Installs Dovecot (IMAP + POP3) and openssl for io.popbridge.testing.DovecotServer, the
# real-server fixture. Does nothing when dovecot is already installed. The tests start their own
# private Dovecot instance (own config, ports and base_dir in a temp dir), so the system service
# the package may start is stopped and disabled. Needs root (CI runs as root).
set -euo pipefail

if command -v dovecot >/dev/null 2>&1 && [ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/pop3 ] \
    && command -v openssl >/dev/null 2>&1; then
  echo "dovecot already installed: $(dovecot --version)"
else
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q dovecot-imapd dovecot-pop3d openssl
fi

# The package may start a system-wide Dovecot (port 143/110/993/995); the fixture does not need it.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl stop dovecot.service dovecot.socket 2>/dev/null || true
  systemctl disable dovecot.service dovecot.socket 2>/dev/null || true
fi
service dovecot stop 2>/dev/null || true
# Without systemd/sysvinit nothing may have been started at all; stop a stray system instance anyway.
if [ -f /run/dovecot/master.pid ]; then
  doveadm stop 2>/dev/null || kill "$(cat /run/dovecot/master.pid)" 2>/dev/null || true
fi

dovecot --version
