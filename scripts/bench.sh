#!/usr/bin/env bash
# The AFD vs NIO benchmark (issue 9): the same workloads on the AFD transport, on NIO with the JDK's default
# selector (WEPoll) and on NIO with the legacy select() selector, side by side in one JVM on the Windows JRE.
# Results go to docs/benchmarks/ (results.csv, results-raw.csv, census.csv, results.md, *.png); see
# docs/benchmarks.md, "AFD vs NIO side by side".
#
#   scripts/bench.sh --quick        about 8-10 minutes under Wine on 2 busy cores: 3 runs per shape, the idle workload
#                                   twice with the default AFD group size only, a 3-shape native-call census
#   scripts/bench.sh                the full mode, about 35-45 minutes under Wine on 2 busy cores (estimated from the
#                                   quick mode's step times, not yet run on this shared machine): 7 runs per shape,
#                                   the idle workload 5 times with AFD group sizes 32, 128 and 512, an 8-shape census
#   options: --no-build (reuse integration-tests/target), --no-census, --jfr (record a JFR profile of the run),
#            --out DIR (default docs/benchmarks); anything after -- goes to the runner
#            (io.tofunetty.integration.bench.BenchMain: --runs N --idle-runs N --warmup-ms N --measure-ms N
#             --workloads ping-pong,throughput,idle,churn,wakeup --transports afd,nio,nio-legacy
#             (and afd-completion: the AFD transport reading TCP by completion, AfdReadMode.COMPLETION)
#             (or the prototypes of docs/alternatives.md: proto-completion,proto-hybrid,proto-zerobyte,
#             proto-eventselect,proto-afdpoll)
#             --idle-levels 0,100,1000 --groups 32,128,512)
#
# Environment: BENCH_JAVA_OPTS adds flags to the runner's JVM (e.g. -Dtofu.bench.alt.skipOnSuccess=false).
# On Linux: builds integration-tests and what it needs (Maven, tests skipped), provisions the Windows tier with
# scripts/windows-jre.sh (Wine, the Temurin 17 Windows JRE) in a Wine prefix of its own (WINEPREFIX, default
# ~/.cache/tofu-netty/wineprefix-bench: its own wineserver, so that test runs in the shared prefix do not queue
# behind the benchmark's calls or the other way round, and the relay-trace settings of the census stay there), runs
# the runner on the Windows JRE under Wine (output to files, never to a pipe), then the native-call census (a second
# Windows JVM under Wine's relay trace), then the report on the Linux JDK.
# On Windows (Git Bash): the same, on the java of JAVA_HOME or PATH; there is no census (it needs Wine's relay trace).
# Under Wine every socket and IOCP call is a wineserver round trip: the numbers say nothing about Windows.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { echo "bench: $*"; }
fail() { echo "bench: ERROR: $*" >&2; exit 1; }

quick=false
build=true
census=true
jfr=false
out="$root/docs/benchmarks"
runner_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --no-build) build=false ;;
    --no-census) census=false ;;
    --jfr) jfr=true ;;
    --out) [ $# -ge 2 ] || fail "--out needs a folder"; out=$2; shift ;;
    --out=*) out=${1#*=} ;;
    --) shift; runner_args=("$@"); break ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) fail "unknown argument '$1' (see scripts/bench.sh --help)" ;;
  esac
  shift
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
$quick && runner_args=(--quick "${runner_args[@]+"${runner_args[@]}"}")

case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*) os=windows ;;
  Linux) os=linux ;;
  *) fail "the benchmark runs on Windows, or under Wine on Linux (this is $(uname -s))" ;;
esac
module="$root/integration-tests"
work="$module/target/bench"
mkdir -p "$work"

# 1. Build integration-tests and the modules it depends on; the runtime class path of the runner.
if $build; then
  command -v mvn >/dev/null 2>&1 || fail "Maven (mvn) is needed to build the benchmark"
  say "building integration-tests and its dependencies (mvn -pl integration-tests -am package, tests skipped) ..."
  (cd "$root" && mvn -B -q -Dstyle.color=never -pl integration-tests -am package dependency:build-classpath \
      -Dmaven.test.skip=true -Dwindows.tier.skip=true -Dmdep.outputFile=target/bench-classpath.txt \
      -Dmdep.includeScope=runtime) >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; fail "the Maven build failed (log: ${work#"$root"/}/build.log)"; }
fi
[ -f "$module/target/bench-classpath.txt" ] && [ -d "$module/target/classes/io/tofunetty/integration/bench" ] \
  || fail "integration-tests is not built; run without --no-build"
linux_cp="$module/target/classes:$(cat "$module/target/bench-classpath.txt")"

jvm_flags=(-Xss1m -Xmx2g -Djna.nosys=true -Dio.netty.leakDetection.level=disabled
           --add-exports java.base/sun.nio.ch=ALL-UNNAMED -Dio.tofunetty.afd.countNativeCalls=true)
# extra flags for the runner's JVM, e.g. BENCH_JAVA_OPTS=-Dtofu.bench.alt.skipOnSuccess=false (docs/alternatives.md)
[ -n "${BENCH_JAVA_OPTS:-}" ] && read -r -a extra_flags <<<"$BENCH_JAVA_OPTS" && jvm_flags+=("${extra_flags[@]}")
main=io.tofunetty.integration.bench.BenchMain
status=0

# 2a. Windows: the runner and the report on the local java.
if [ "$os" = windows ]; then
  java=java
  [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && java="$JAVA_HOME/bin/java"
  printf -- '-cp\n"%s"\n' "$module/target/classes;$(cat "$module/target/bench-classpath.txt")" >"$work/classpath.args"
  $jfr && jvm_flags+=("-XX:StartFlightRecording=filename=$work/bench.jfr,settings=profile")
  say "running the benchmark on $("$java" -version 2>&1 | head -n 1)"
  "$java" "${jvm_flags[@]}" "@$work/classpath.args" "$main" --out "$out" "${runner_args[@]+"${runner_args[@]}"}" || status=$?
  $census && say "no native-call census on Windows: it needs Wine's relay trace"
  "$java" -cp "$module/target/classes;$(cat "$module/target/bench-classpath.txt")" io.tofunetty.integration.bench.BenchReport report "$out"
  exit $status
fi

# 2b. Linux: the Windows JRE under Wine, in the benchmark's own prefix.
TOFU_NETTY_CACHE=${TOFU_NETTY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tofu-netty}
export TOFU_NETTY_CACHE
export WINEPREFIX=${WINEPREFIX:-$TOFU_NETTY_CACHE/wineprefix-bench}
"$root/scripts/windows-jre.sh" --quiet || fail "could not provision the Windows tier (scripts/windows-jre.sh)"
. "$root/scripts/windows-env.sh"
unset JAVA_HOME
command -v java >/dev/null 2>&1 || fail "no Linux java on PATH (JDK 17+ needed for the report)"

# The wineserver and the prefix's services outlive the process that starts them and inherit its descriptors: start
# them here, detached, every stream on /dev/null (docs/testing.md, the stdout-pipe hang); same lock as demo.sh.
start_wineserver() {
  (
    flock 9
    if "$WINESERVER" -p30 </dev/null >/dev/null 2>&1 9>&-; then
      "$WINE" cmd.exe /c exit 0 </dev/null >/dev/null 2>&1 9>&- || true
    fi
  ) 9>"$TOFU_NETTY_CACHE/wineserver.lock"
}
# The pid of this prefix's wineserver: the runner reads its CPU time (CPU per message counts the server's share).
wineserver_pid() {
  local p
  for p in $(pgrep -f wineserver 2>/dev/null); do
    if tr '\0' '\n' </proc/"$p"/environ 2>/dev/null | grep -qx "WINEPREFIX=$WINEPREFIX"; then echo "$p"; return; fi
  done
}
win() { echo "Z:$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }  # Wine maps Z: to /; Java takes '/' on Windows
{
  printf -- '-cp\n"%s' "$(win "$module/target/classes")"
  tr ':' '\n' <"$module/target/bench-classpath.txt" | while read -r jar; do printf ';%s' "$(win "$jar")"; done
  printf '"\n'
} >"$work/classpath.args"

jvm=""
stop() {
  [ -n "$jvm" ] || return 0
  say "stopping the Windows JVM"
  kill -TERM "$jvm" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$jvm" 2>/dev/null || return 0; sleep 0.5; done
  "$WINESERVER" -k </dev/null >/dev/null 2>&1 || true
}
trap 'stop; exit 130' INT TERM HUP

# run_windows NAME TIMEOUT_S WINEDEBUG ARGS...: one Windows JVM, stdout followed on the terminal, stderr to a file.
run_windows() {
  local name=$1 limit=$2 debug=$3; shift 3
  local stdout="$work/$name-stdout.log" stderr="$work/$name-stderr.log" rc
  : >"$stdout"; : >"$stderr"
  start_wineserver
  WINEDEBUG=$debug timeout -k 10 "$limit" "$WINE" "$WIN_JAVA" "${jvm_flags[@]}" "-Dtofu.bench.wineserverPid=$(wineserver_pid)" \
    "@$(win "$work/classpath.args")" \
    "$main" --out "$(win "$out")" "$@" </dev/null >"$stdout" 2>"$stderr" &
  jvm=$!
  tail -n +1 -f --pid="$jvm" "$stdout" 2>/dev/null || true
  set +e; wait "$jvm"; rc=$?; set -e
  jvm=""
  [ $rc -eq 124 ] && say "the Windows JVM ($name) did not finish within ${limit}s and was killed"
  if [ $rc -ne 0 ] && [ "$name" = bench ] && [ -s "$stderr" ]; then
    echo "--- end of the Windows JVM's stderr (${stderr#"$root"/}) ---" >&2; tail -n 30 "$stderr" >&2
  fi
  return $rc
}

if $quick; then limit=2400; else limit=10800; fi
$jfr && jvm_flags+=("-XX:StartFlightRecording=filename=$(win "$work/bench.jfr"),settings=profile")
say "running the benchmark on the Windows JRE under Wine ($("$WINE" --version 2>/dev/null), prefix $WINEPREFIX);" \
    "load average now: $(cut -d' ' -f1-3 /proc/loadavg); output also in ${work#"$root"/}/bench-stdout.log"
run_windows bench "$limit" -all "${runner_args[@]+"${runner_args[@]}"}" || status=$?
$jfr && say "JFR recording: ${work#"$root"/}/bench.jfr (jfr print --events jdk.ExecutionSample ...)"

# 3. The native-call census: Wine's relay trace logs every call that nio.dll (NIO and its wepoll) or jnidispatch.dll
#    (JNA, i.e. the AFD transport) makes into a Windows DLL. RelayFromExclude would override RelayFromInclude,
#    so it is removed, in this prefix only (the settings matter only when WINEDEBUG has +relay).
if $census; then
  start_wineserver
  "$WINE" reg add 'HKCU\Software\Wine\Debug' /v RelayFromInclude /t REG_SZ /d 'nio;jnidispatch' /f \
    </dev/null >/dev/null 2>&1 || fail "could not set the relay-trace filter in $WINEPREFIX"
  "$WINE" reg delete 'HKCU\Software\Wine\Debug' /v RelayFromExclude /f </dev/null >/dev/null 2>&1 || true
  census_args=(--census)
  $quick && census_args+=(--quick)
  # the census counts the transports the run compared (--transports after --), all three by default
  for ((i = 0; i < ${#runner_args[@]}; i++)); do
    [ "${runner_args[$i]}" = --transports ] && [ $((i + 1)) -lt ${#runner_args[@]} ] \
      && census_args+=(--transports "${runner_args[$((i + 1))]}")
  done
  say "native-call census: a second Windows JVM under Wine's relay trace (trace: ${work#"$root"/}/census-stderr.log)"
  # A failed step (or an unavailable transport) makes the run exit 1; the windows traced before still count.
  census_rc=0
  run_windows census 1800 -all,+relay "${census_args[@]}" || census_rc=$?
  if [ $census_rc -ne 0 ]; then
    say "the census run reported failures (exit $census_rc; see ${work#"$root"/}/census-stdout.log)"
    status=1
  fi
  java -cp "$linux_cp" io.tofunetty.integration.bench.BenchReport census "$work/census-stderr.log" "$out" || status=1
fi
trap - INT TERM HUP

# 4. The report (Linux JDK): results.md and the charts.
java -Djava.awt.headless=true -cp "$linux_cp" io.tofunetty.integration.bench.BenchReport report "$out" || status=1
say "results: ${out#"$root"/}/results.md (and results.csv, census.csv, *.png); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
sed -n '/^## Goals/,/^## AFD handle/p' "$out/results.md" | sed '$d'
exit $status
