#!/usr/bin/env bash
# Provisions the Windows tier on Linux, one lane at a time (docs/testing.md, "Lanes"):
#   wine8   Debian 12's wine64 (8.0) on the host, the Temurin 17 Windows JRE and a Wine prefix;
#   wine10  a Debian trixie root (debootstrap) holding trixie's wine64 (10.0), the Temurin 21 Windows JRE and its own
#           Wine prefix; needs root (debootstrap, chroot, mount).
# Idempotent: once everything is there it only checks, in well under a second.
#   scripts/windows-jre.sh [--lane wine8|wine10|wine8,wine10]            provision, and say what was done
#   scripts/windows-jre.sh [--lane ...] --quiet                          one line when nothing had to be done
#   scripts/windows-jre.sh [--lane ...] --print-env                      print the lane's settings as shell assignments
# Without --lane: TOFU_WINE_LANE, else wine8. A list provisions each lane in turn.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
quiet=false print_env=false lanes=${TOFU_WINE_LANE:-wine8}
while [ $# -gt 0 ]; do
  case "$1" in
    --quiet) quiet=true ;;
    --print-env) print_env=true ;;
    --lane) [ $# -ge 2 ] || { echo "usage: $0 [--lane wine8|wine10|wine8,wine10] [--quiet|--print-env]" >&2; exit 2; }
            lanes=$2; shift ;;
    --lane=*) lanes=${1#--lane=} ;;
    --requested) # the build's -Dwindows.lanes, checked here so that a misspelt lane fails instead of being ignored
            [ $# -ge 2 ] || { echo "usage: $0 ... --requested LANES" >&2; exit 2; }
            IFS=', ' read -r -a req <<<"$2"
            for l in "${req[@]}"; do
              case "$l" in wine8|wine10) ;; *) echo "windows-jre: ERROR: unknown lane '$l' in -Dwindows.lanes=$2 (expected wine8, wine10, or both: wine8,wine10)" >&2; exit 2 ;; esac
            done
            shift ;;
    *) echo "usage: $0 [--lane wine8|wine10|wine8,wine10] [--requested LANES] [--quiet|--print-env]" >&2; exit 2 ;;
  esac
  shift
done
IFS=', ' read -r -a lane_list <<<"$lanes"
[ ${#lane_list[@]} -gt 0 ] || { echo "windows-jre: ERROR: no lane given (expected wine8, wine10 or both)" >&2; exit 2; }
for l in "${lane_list[@]}"; do
  case "$l" in wine8|wine10) ;; *) echo "windows-jre: ERROR: unknown lane '$l' in '$lanes' (expected wine8, wine10, or both: wine8,wine10)" >&2; exit 2 ;; esac
done
if [ ${#lane_list[@]} -gt 1 ]; then
  args=(); $quiet && args+=(--quiet); $print_env && args+=(--print-env)
  for l in "${lane_list[@]}"; do "$BASH" "${BASH_SOURCE[0]}" --lane "$l" "${args[@]}"; done
  exit 0
fi
TOFU_WINE_LANE=${lane_list[0]}
. "$here/windows-env.sh"
if $print_env; then
  for v in TOFU_WINE_LANE TOFU_NETTY_CACHE WIN_JRE_DIR WIN_JAVA WINEPREFIX WINE WINESERVER ${TOFU_WINE10_ROOT:+TOFU_WINE10_ROOT}; do
    printf '%s=%q\n' "$v" "${!v}"
  done
  exit 0
fi
say() { echo "windows-jre[$TOFU_WINE_LANE]: $*"; }
fail() { echo "windows-jre[$TOFU_WINE_LANE]: ERROR: $*" >&2; exit 1; }
trap 'echo "windows-jre[$TOFU_WINE_LANE]: ERROR: a step failed (line $LINENO of ${BASH_SOURCE[0]}): $BASH_COMMAND" >&2' ERR
did=()
# One provisioning per lane at a time (concurrent builds would otherwise build the same root or prefix twice).
# Descriptor 8 is closed for every Wine process below: the daemons they start would otherwise hold the lock.
mkdir -p "$TOFU_NETTY_CACHE"
exec 8>"$TOFU_NETTY_CACHE/provision-$TOFU_WINE_LANE.lock"
flock 8

case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*) say "on Windows: the Windows tier runs on the native JVM, nothing to provision"; exit 0 ;;
  Linux) ;;
  *) fail "the Windows tier runs under Wine on Linux only (this is $(uname -s)); run the tests on Windows or Linux" ;;
esac

apt_install() {  # apt_install PACKAGE...: on the host, as root, non-interactively
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    fail "missing: $* . Install them, e.g. 'sudo apt-get install -y $*' on Debian/Ubuntu, and run this again"
  fi
  say "installing $* with apt-get (non-interactive) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || fail "apt-get update failed; cannot install $*"
  apt-get install -y -q --no-install-recommends "$@" >/dev/null || fail "apt-get install $* failed; install it by hand and run this again"
  did+=("installed $* on the host")
}

if [ "$TOFU_WINE_LANE" = wine8 ]; then
  # 1. Wine (Debian's wine64: 64-bit only; its loader is /usr/lib/wine/wine64, not on PATH) and unzip.
  missing=()
  [ -x "$WINE" ] && [ -x "$WINESERVER" ] || missing+=(wine64)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || fail "missing: ${missing[*]} (no $WINE or no unzip). Install them, e.g. 'sudo apt-get install -y ${missing[*]}' on Debian/Ubuntu, or set WINE and WINESERVER to a Wine 8+ 64-bit loader and server."
    apt_install "${missing[@]}"
    [ -x "$WINE" ] || fail "apt-get installed wine64 but $WINE is missing"
  fi
else
  # 1. The trixie root with Wine 10.0. Trixie's wine64 needs glibc 2.38 and cannot run on Debian 12 (glibc 2.36),
  #    so it lives in a minimal root of its own; scripts/wine10/ runs it there (chroot, in a private mount namespace).
  root=$TOFU_WINE10_ROOT
  if [ ! -f "$root/.tofu-wine10-ready" ]; then
    [ "$(id -u)" = 0 ] || fail "the Wine 10 lane needs root: it builds a Debian trixie root with debootstrap and runs Wine 10 in it with chroot. Run as root, or run only the Wine 8 lane (mvn -Dwindows.lanes=wine8, or --lane wine8 here)."
    missing=()
    command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
    command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
    command -v unzip >/dev/null 2>&1 || missing+=(unzip)
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    # The Debian mirror this machine's apt already uses (deb822 .sources or one-line sources.list), else Debian's CDN.
    mirror=${TOFU_WINE10_MIRROR:-$(
      { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list | awk '{ for (i = 2; i <= NF; i++) print $i }'
        grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | sed 's/\[[^]]*\]//' | awk '{ print $2 }'
      } | grep -E '^https?://[^ ]*/debian/?$' | head -n 1 || true)}
    mirror=${mirror:-http://deb.debian.org/debian}
    tmp="$root.partial"
    if grep -qs " $tmp[/ ]" /proc/mounts; then fail "something is mounted under $tmp (see /proc/mounts); unmount it and run this again"; fi
    rm -rf "$tmp"
    mkdir -p "$(dirname "$root")"
    say "creating a Debian trixie root in $root from $mirror (debootstrap --variant=minbase, ~210 MB: half a minute to a few minutes, depending on the mirror) ..."
    debootstrap --variant=minbase trixie "$tmp" "$mirror" >"$tmp.log" 2>&1 \
      || { tail -n 30 "$tmp.log" >&2; fail "debootstrap trixie from $mirror failed (log: $tmp.log)"; }
    cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
    say "installing wine64 and wine 10.0 in the root (apt-get --no-install-recommends, 172 packages, about 1 GB unpacked) ..."
    # Its own mount namespace: /proc and /dev exist for apt-get and vanish afterwards.
    unshare --mount --propagation private -- "$BASH" -c '
      set -e; r=$1
      mount -t proc proc "$r/proc"; mount --rbind /dev "$r/dev"; mount -t sysfs sysfs "$r/sys"
      export DEBIAN_FRONTEND=noninteractive LC_ALL=C
      chroot "$r" apt-get update -q
      chroot "$r" apt-get install -y -q --no-install-recommends wine64 wine
      chroot "$r" apt-get clean' _ "$tmp" >>"$tmp.log" 2>&1 \
      || { tail -n 30 "$tmp.log" >&2; fail "installing wine64 and wine in the trixie root failed (log: $tmp.log)"; }
    [ -x "$tmp/usr/lib/wine/wine64" ] && [ -x "$tmp/usr/lib/wine/wineserver" ] \
      || fail "apt-get installed wine64 in the trixie root but $tmp/usr/lib/wine/wine64 is missing (log: $tmp.log)"
    install -d -m 0700 "$tmp$XDG_RUNTIME_DIR"
    chroot "$tmp" dpkg-query -W -f '${Package} ${Version}\n' wine64 wine >"$tmp/.tofu-wine10-ready"
    rm -rf "$root"
    mv "$tmp" "$root"   # atomic: a half-built root never sits at $root
    mv "$tmp.log" "$root.log"
    did+=("created the trixie root $root with $(tr '\n' ' ' <"$root/.tofu-wine10-ready")")
  fi
  [ "$(id -u)" = 0 ] || fail "the Wine 10 lane runs Wine in a chroot and needs root. Run as root, or run only the Wine 8 lane (mvn -Dwindows.lanes=wine8)."
fi

# 2. The Windows JRE: taken through Maven (it checks the published checksum), only jre/ unpacked.
if [ ! -f "$WIN_JAVA" ]; then
  command -v mvn >/dev/null 2>&1 || fail "Maven (mvn) is needed to fetch the Windows JRE ($WIN_JRE_ARTIFACT)"
  IFS=: read -r g a v t c <<<"$WIN_JRE_ARTIFACT"
  repo=$(mvn -q -B help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || true)
  [ -d "$repo" ] || repo="$HOME/.m2/repository"
  zip="$repo/${g//.//}/$a/$v/$a-$v-$c.$t"
  if [ ! -f "$zip" ]; then
    say "downloading $WIN_JRE_ARTIFACT (about 230 MiB) through Maven ..."
    mvn -q -B dependency:get -Dartifact="$WIN_JRE_ARTIFACT" -Dtransitive=false \
      || fail "Maven could not fetch $WIN_JRE_ARTIFACT"
  fi
  [ -f "$zip" ] || fail "Maven reported success but $zip is missing"
  tmp=$(mktemp -d "$TOFU_NETTY_CACHE.unpack.XXXXXX" 2>/dev/null || { mkdir -p "$TOFU_NETTY_CACHE"; mktemp -d "$TOFU_NETTY_CACHE/unpack.XXXXXX"; })
  trap 'rm -rf "$tmp"' EXIT
  unzip -q "$zip" "*/jre/*" -d "$tmp" || fail "could not unpack jre/ from $zip"
  jre=$(find "$tmp" -mindepth 2 -maxdepth 2 -type d -name jre | head -n 1)
  [ -f "$jre/bin/java.exe" ] || fail "$zip has no jre/bin/java.exe"
  mkdir -p "$(dirname "$WIN_JRE_DIR")"
  rm -rf "$WIN_JRE_DIR"
  mv "$jre" "$WIN_JRE_DIR"   # atomic: a half-unpacked JRE never sits at WIN_JRE_DIR
  did+=("unpacked the Windows JRE into $WIN_JRE_DIR")
fi

# 3. The Wine prefix. Every descriptor of the first Wine process goes to /dev/null: the services it starts
#    inherit them and would otherwise hold the caller's pipes open.
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  say "creating the Wine prefix $WINEPREFIX (about 10 s) ..."
  mkdir -p "$WINEPREFIX"
  "$WINE" wineboot --init </dev/null >/dev/null 2>&1 8>&- || fail "wineboot --init failed for $WINEPREFIX"
  "$WINESERVER" -w </dev/null >/dev/null 2>&1 8>&- || true
  [ -f "$WINEPREFIX/system.reg" ] || fail "Wine did not create $WINEPREFIX/system.reg"
  did+=("created the Wine prefix $WINEPREFIX")
fi

# 4. After any change, prove the JRE starts (output to a file: see docs/testing.md on the pipe hang).
if [ ${#did[@]} -gt 0 ]; then
  out="$TOFU_NETTY_CACHE/java-version-$TOFU_WINE_LANE.txt"
  timeout 120 "$WINE" "$WIN_JAVA" -version </dev/null >"$out" 2>&1 8>&- || { cat "$out" >&2; fail "the Windows JRE did not start under Wine"; }
  "$WINESERVER" -k </dev/null >/dev/null 2>&1 8>&- || true
  for d in "${did[@]}"; do say "$d"; done
  say "ready: $(grep -m1 'version' "$out") under $("$WINE" --version 2>/dev/null)"
elif $quiet; then
  say "ready (Wine, $WIN_JRE_DIR, $WINEPREFIX)"
else
  say "nothing to do: Wine $("$WINE" --version 2>/dev/null), JRE $WIN_JRE_DIR, prefix $WINEPREFIX"
fi
