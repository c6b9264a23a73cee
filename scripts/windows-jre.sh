#!/usr/bin/env bash
# Provisions the Windows tier on Linux: Debian's wine64, the Windows JRE (Temurin 17) and a Wine prefix.
# Idempotent: once everything is there it only checks, in well under a second.
#   scripts/windows-jre.sh            provision, and say what was done
#   scripts/windows-jre.sh --quiet    one line when nothing had to be done
#   scripts/windows-jre.sh --print-env   print the settings (WIN_JAVA, WINEPREFIX, ...) as shell assignments
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/windows-env.sh"
quiet=false
case "${1:-}" in
  --quiet) quiet=true ;;
  --print-env) for v in TOFU_NETTY_CACHE WIN_JRE_DIR WIN_JAVA WINEPREFIX WINE WINESERVER; do printf '%s=%q\n' "$v" "${!v}"; done; exit 0 ;;
  "") ;;
  *) echo "usage: $0 [--quiet|--print-env]" >&2; exit 2 ;;
esac
say() { echo "windows-jre: $*"; }
fail() { echo "windows-jre: ERROR: $*" >&2; exit 1; }
did=()

case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*) say "on Windows: the Windows tier runs on the native JVM, nothing to provision"; exit 0 ;;
  Linux) ;;
  *) fail "the Windows tier runs under Wine on Linux only (this is $(uname -s)); run the tests on Windows or Linux" ;;
esac

# 1. Wine (Debian's wine64: 64-bit only; its loader is /usr/lib/wine/wine64, not on PATH) and unzip.
missing=()
[ -x "$WINE" ] && [ -x "$WINESERVER" ] || missing+=(wine64)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    fail "missing: ${missing[*]} (no $WINE or no unzip). Install them, e.g. 'sudo apt-get install -y ${missing[*]}' on Debian/Ubuntu, or set WINE and WINESERVER to a Wine 8+ 64-bit loader and server."
  fi
  say "installing ${missing[*]} with apt-get (non-interactive) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || fail "apt-get update failed; cannot install ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install ${missing[*]} failed; install it by hand and run this again"
  [ -x "$WINE" ] || fail "apt-get installed wine64 but $WINE is missing"
  did+=("installed ${missing[*]}")
fi

# 2. The Windows JRE: taken through Maven (it checks the published checksum), only jre/ unpacked.
if [ ! -f "$WIN_JAVA" ]; then
  command -v mvn >/dev/null 2>&1 || fail "Maven (mvn) is needed to fetch the Windows JRE ($WIN_JRE_ARTIFACT)"
  IFS=: read -r g a v t c <<<"$WIN_JRE_ARTIFACT"
  repo=$(mvn -q -B help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || true)
  [ -d "$repo" ] || repo="$HOME/.m2/repository"
  zip="$repo/${g//.//}/$a/$v/$a-$v-$c.$t"
  if [ ! -f "$zip" ]; then
    say "downloading $WIN_JRE_ARTIFACT (~223 MiB) through Maven ..."
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
  "$WINE" wineboot --init </dev/null >/dev/null 2>&1 || fail "wineboot --init failed for $WINEPREFIX"
  "$WINESERVER" -w </dev/null >/dev/null 2>&1 || true
  [ -f "$WINEPREFIX/system.reg" ] || fail "Wine did not create $WINEPREFIX/system.reg"
  did+=("created the Wine prefix $WINEPREFIX")
fi

# 4. After any change, prove the JRE starts (output to a file: see docs/testing.md on the pipe hang).
if [ ${#did[@]} -gt 0 ]; then
  out="$TOFU_NETTY_CACHE/java-version.txt"
  timeout 120 "$WINE" "$WIN_JAVA" -version </dev/null >"$out" 2>&1 || { cat "$out" >&2; fail "the Windows JRE did not start under Wine"; }
  "$WINESERVER" -k </dev/null >/dev/null 2>&1 || true
  for d in "${did[@]}"; do say "$d"; done
  say "ready: $(grep -m1 'version' "$out") under $("$WINE" --version 2>/dev/null)"
elif $quiet; then
  say "ready (Wine, $WIN_JRE_DIR, $WINEPREFIX)"
else
  say "nothing to do: Wine $("$WINE" --version 2>/dev/null), JRE $WIN_JRE_DIR, prefix $WINEPREFIX"
fi
