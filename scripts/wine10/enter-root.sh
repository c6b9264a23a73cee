#!/usr/bin/env bash
# Runs a program of the Wine 10 lane's Debian trixie root (TOFU_WINE10_ROOT): enter-root.sh PROGRAM [ARG...]
# e.g. enter-root.sh /usr/lib/wine/wine64 java.exe -version. Needs root (chroot and mount).
#
# Each call gets its own mount namespace (unshare -m): /proc, /sys, /dev and every host folder the Windows JVM
# touches are mounted into the root there, at the same paths, and vanish with the last process of the namespace.
# So nothing is ever mounted on the host: no unmount step, nothing left behind by a killed build, no clash between
# concurrent builds or lanes, and no /proc/mounts bookkeeping. The wineserver a call starts keeps its namespace (and
# its mounts) alive until it exits; every Wine process meets it through its socket under /tmp/.wine-<uid>/, which is
# the host's /tmp in every namespace, so all of them share one server per prefix as on a plain install.
# Folders mounted: /tmp, the prefix, the JRE, the project (TOFU_NETTY_ROOT), the Maven repository (TOFU_M2_REPO,
# default ~/.m2/repository), the working directory, and any listed in TOFU_WINE10_BINDS (colon-separated).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOFU_WINE_LANE=wine10
. "$here/../windows-env.sh"
root=$TOFU_WINE10_ROOT
fail() { echo "wine10: ERROR: $*" >&2; exit 1; }
[ $# -ge 1 ] || fail "usage: $0 PROGRAM [ARG...]"
[ "$(id -u)" = 0 ] || fail "the Wine 10 lane runs Wine in a chroot and needs root (run as root, or pick the other lane: -Dwindows.lanes=wine8)"
[ -f "$root/.tofu-wine10-ready" ] || fail "the Wine 10 root $root is not provisioned; run scripts/windows-jre.sh --lane wine10"

if [ "${TOFU_WINE10_IN_NAMESPACE:-}" != "$$" ]; then
  # Re-run this script in a new mount namespace; exec keeps the PID, so signals reach Wine itself.
  TOFU_WINE10_IN_NAMESPACE=$$ exec unshare --mount --propagation private -- "$BASH" "${BASH_SOURCE[0]}" "$@"
fi
unset TOFU_WINE10_IN_NAMESPACE

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
bound=()
bind() {  # bind PATH at the same path inside the root, unless it is missing or already inside a bound folder
  local p b
  p=$(realpath -s -e "$1" 2>/dev/null) || return 0
  for b in "${bound[@]}"; do case "$p/" in "$b"/*) return 0 ;; esac; done
  mkdir -p "$root$p"
  mount --rbind "$p" "$root$p"
  bound+=("$p")
}
# Shortest first, so that a folder inside an already bound one is skipped rather than mounted twice.
mapfile -t paths < <(
  { printf '%s\n' /tmp "$WINEPREFIX" "$WIN_JRE_DIR" "${TOFU_NETTY_ROOT:-}" "${TOFU_M2_REPO:-$HOME/.m2/repository}" "$PWD"
    tr ':' '\n' <<<"${TOFU_WINE10_BINDS:-}"; } | awk 'NF { print length($0) "\t" $0 }' | sort -n | cut -f2-)
for p in "${paths[@]}"; do bind "$p"; done

exec chroot "$root" /bin/sh -c 'cd "$0" 2>/dev/null || cd /; exec "$@"' "$PWD" "$@"
