#!/usr/bin/env bash
# Installs the real POP3 clients for the interop tests (io.popbridge.interop): fetchmail, mpop,
# getmail6, curl and python3 (poplib is in its standard library). Installs only what is missing;
# the tests skip the clients they cannot find, with the reason. Needs root (CI runs as root).
set -euo pipefail

need=()
command -v fetchmail >/dev/null 2>&1 || need+=(fetchmail)
command -v mpop >/dev/null 2>&1 || need+=(mpop)
command -v getmail >/dev/null 2>&1 || need+=(getmail6)
[ -x /usr/bin/curl ] || need+=(curl)
[ -x /usr/bin/python3 ] || need+=(python3)

if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# fetchmail's package may ship an init script / unit that is disabled by default; make sure no
# system daemon polls anything on this machine.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl stop fetchmail.service 2>/dev/null || true
  systemctl disable fetchmail.service 2>/dev/null || true
fi

# Versions for the CI log (fetchmail --version also dumps a ~/.fetchmailrc: point it at an empty dir).
fm_home="$(mktemp -d)"
FETCHMAILHOME="$fm_home" fetchmail --version 2>/dev/null | grep -m 1 release || true
rm -rf "$fm_home"
mpop --version | head -n 1 || true
getmail --version 2>&1 | head -n 1 || true
/usr/bin/curl --version | head -n 1 || true
/usr/bin/python3 --version
