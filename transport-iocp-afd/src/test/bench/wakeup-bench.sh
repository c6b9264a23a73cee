#!/usr/bin/env bash
# Runs AfdWakeupBenchmark (AFD vs NIO event-loop wake-up cost) on the Windows JRE under Wine.
# Usage, from the repository root:
#   mvn -B -q -pl transport-iocp-afd test-compile && transport-iocp-afd/src/test/bench/wakeup-bench.sh [iterations] [rounds]
# Needs the Windows tier provisioned (scripts/windows-jre.sh). Wine numbers say nothing about Windows performance.
set -eu
module=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
. "$module/../scripts/windows-env.sh"
cd "$module"
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
cp="target/test-classes;target/classes;$(tr ':' ';' < target/bench-classpath.txt)"
"$WINESERVER" -p30 </dev/null >/dev/null 2>&1 || true
exec "$WINE" "$WIN_JAVA" -Djna.nosys=true -cp "$cp" io.tofunetty.afd.AfdWakeupBenchmark "$@" </dev/null
