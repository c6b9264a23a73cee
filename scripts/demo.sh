#!/usr/bin/env bash
# The main job: the tofu echo demo (io.tofunetty.examples.TofuEcho demo). A tofu echo server and client run in one
# JVM over the AFD transport and the client prints its summary: messages/s and p50/p99 latency of verified echoes.
#
#   scripts/demo.sh                      AFD: natively on Windows (Git Bash), under Wine on Linux
#   scripts/demo.sh --transport nio      natively on Linux, no Wine (also: epoll, auto)
#   options passed on to the demo: --transport afd|nio|epoll|auto  --count N  --connections C  --window W
#                                  --timeout S  --address tcp|host|port or uds|path
#   scripts/demo.sh --no-build           skip the Maven build (reuse examples/target)
#
# On Linux it builds the examples module and what it needs (Maven, tests skipped), provisions the Windows tier with
# scripts/windows-jre.sh (Debian's wine64, the Temurin 17 Windows JRE, a Wine prefix) and runs the Windows JRE under
# Wine with the settings of scripts/windows-env.sh. The exit status is the client's: 0 only if every echo was
# verified.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { echo "demo: $*"; }
fail() { echo "demo: ERROR: $*" >&2; exit 1; }

transport=afd
timeout_s=120
build=true
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    --transport|--count|--connections|--window|--timeout|--address|--threads)
      [ $# -ge 2 ] || fail "option $1 needs a value"
      case "$1" in
        --transport) transport=$2 ;;
        --timeout) timeout_s=$2 ;;
      esac
      args+=("$1" "$2"); shift ;;
    --transport=*|--count=*|--connections=*|--window=*|--timeout=*|--address=*|--threads=*)
      case "$1" in
        --transport=*) transport=${1#*=} ;;
        --timeout=*) timeout_s=${1#*=} ;;
      esac
      args+=("$1") ;;
    *) fail "unknown argument '$1' (see scripts/demo.sh --help)" ;;
  esac
  shift
done
case "$transport" in afd|nio|epoll|auto) ;; *) fail "--transport must be afd, nio, epoll or auto (got '$transport')" ;; esac
case "$timeout_s" in ''|*[!0-9]*) fail "--timeout must be a number of seconds (got '$timeout_s')" ;; esac
[[ " ${args[*]-} " == *" --transport"* ]] || args+=(--transport "$transport")

case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*) os=windows ;;
  Linux) os=linux ;;
  *) os=other ;;
esac
under_wine=false
if [ "$transport" = afd ] && [ "$os" != windows ]; then
  [ "$os" = linux ] || fail "the AFD transport runs on Windows, or under Wine on Linux; on $(uname -s) use --transport nio"
  under_wine=true
fi

# 1. Build: the examples module and the modules it depends on, tests skipped. The Windows tier's provisioning is
#    left to step 2 so that a native run never needs Wine.
if $build; then
  command -v mvn >/dev/null 2>&1 || fail "Maven (mvn) is needed to build the demo"
  say "building the examples module and its dependencies (mvn -pl examples -am package, tests skipped) ..."
  (cd "$root" && mvn -B -q -Dstyle.color=never -pl examples -am package -Dmaven.test.skip=true -Dwindows.tier.skip=true) \
    || fail "the Maven build failed (see above)"
fi
jar=$(ls "$root"/examples/target/examples-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' | head -n 1 || true)
[ -n "$jar" ] && [ -d "$root/examples/target/lib" ] || fail "no runnable examples jar in examples/target; run without --no-build"

# 2a. Natively: the JVM on PATH (or JAVA_HOME), output straight to the terminal.
if ! $under_wine; then
  java=java
  [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && java="$JAVA_HOME/bin/java"
  command -v "$java" >/dev/null 2>&1 || fail "no java on PATH (JDK 17+ needed)"
  say "running the tofu echo demo natively ($transport): java -jar ${jar#"$root"/} demo ${args[*]}"
  set +e
  "$java" -jar "$jar" demo "${args[@]}"
  rc=$?
  set -e
  [ $rc -eq 0 ] || say "the demo failed (exit status $rc)"
  exit $rc
fi

# 2b. Under Wine: provision, then one Windows JVM runs server and client.
"$root/scripts/windows-jre.sh" --quiet || fail "could not provision the Windows tier (scripts/windows-jre.sh)"
. "$root/scripts/windows-env.sh"
unset JAVA_HOME

# Wine's server and services outlive the process that starts them and inherit its descriptors: started here,
# detached, with every stream on /dev/null, so that nothing holds this script's terminal or pipes open
# (docs/testing.md, the stdout-pipe hang). The lock is shared with scripts/wine-jvm/bin/java.
(
  flock 9
  if "$WINESERVER" -p30 </dev/null >/dev/null 2>&1 9>&-; then
    "$WINE" cmd.exe /c exit 0 </dev/null >/dev/null 2>&1 9>&- || true
  fi
) 9>"$TOFU_NETTY_CACHE/wineserver.lock"

# The Windows JVM writes to files, never to a pipe; the files are followed while it runs.
log_dir="$root/examples/target/demo"
mkdir -p "$log_dir"
out="$log_dir/demo-stdout.log"
err="$log_dir/demo-stderr.log"
: >"$out"
: >"$err"
winjar="Z:${jar//\//\\}"   # Wine maps Z: to /
hard_timeout=$((timeout_s + 180)) # the client's own deadline, plus the Windows JVM's start and stop under Wine
say "running the tofu echo demo over AFD on the Windows JRE under Wine ($("$WINE" --version 2>/dev/null)); output: ${out#"$root"/}"
timeout -k 10 "$hard_timeout" "$WINE" "$WIN_JAVA" -Xss1m -Djna.nosys=true -jar "$winjar" demo "${args[@]}" \
  </dev/null >"$out" 2>"$err" &
jvm=$!
stop() {
  say "stopping the Windows JVM"
  kill -TERM "$jvm" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$jvm" 2>/dev/null || return 0; sleep 0.5; done
  "$WINESERVER" -k </dev/null >/dev/null 2>&1 || true
}
trap 'stop; exit 130' INT TERM HUP
tail -n +1 -f --pid="$jvm" "$out" 2>/dev/null || true
set +e
wait "$jvm"
rc=$?
set -e
trap - INT TERM HUP
if [ -s "$err" ]; then
  echo "--- stderr of the Windows JVM (${err#"$root"/}) ---" >&2
  cat "$err" >&2
fi
[ $rc -eq 124 ] && say "the Windows JVM did not finish within ${hard_timeout}s and was killed"
if [ $rc -ne 0 ]; then
  say "the AFD demo failed (exit status $rc); 'scripts/demo.sh --transport nio' runs the same demo natively on Linux"
fi
exit $rc
