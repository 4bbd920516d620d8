#!/usr/bin/env bash
# Compiles popbridge (main + test classes: the load tool and bench mains live on the test
# classpath) and prints the Java classpath to use. Set BENCH_NO_BUILD=1 to skip the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${BENCH_NO_BUILD:-}" != 1 ]]; then
  mvn -o -q -B test-compile >&2 || mvn -q -B test-compile >&2
fi
if [[ ! -s target/bench-classpath.txt || pom.xml -nt target/bench-classpath.txt ]]; then
  mvn -o -q -B dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench-classpath.txt >&2
fi
echo "$PWD/target/test-classes:$PWD/target/classes:$(cat target/bench-classpath.txt)"
