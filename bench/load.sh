#!/usr/bin/env bash
# The POP3 load tool (issue 7). Example, 8 workers polling for 30 s:
#   bench/load.sh --port 1110 --user alice:secret --scenario poll --workers 8 --duration 30
# bench/load.sh --help lists every option. See docs/performance.md.
set -euo pipefail
CP="$("$(dirname "$0")/classpath.sh")"
exec java ${LOAD_JAVA_OPTS:--Xmx1g} -cp "$CP" io.popbridge.load.LoadTool "$@"
