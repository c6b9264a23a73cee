# Shared settings of the Windows tier on Linux; sourced by windows-jre.sh, wine-jvm/bin/java and wine10/*.
# Two lanes (docs/testing.md, "Lanes"), picked by TOFU_WINE_LANE:
#   wine8  (default) Debian 12's Wine 8.0 on the host, Temurin 17 Windows JRE.
#   wine10           Debian trixie's Wine 10.0 in a chroot (trixie's Wine needs glibc 2.38; Debian 12 has 2.36),
#                    Temurin 21 Windows JRE.
# Override the wine8 lane's settings with TOFU_NETTY_CACHE, WINEPREFIX, WIN_JAVA, WINE, WINESERVER; the wine10 lane's
# with TOFU_WINE10_ROOT, TOFU_WINE10_PREFIX, TOFU_WINE10_MIRROR. The wine10 lane ignores WINEPREFIX and WIN_JAVA from
# the environment on purpose: each lane needs its own prefix (a timed-out fork's cleanup kills every Wine process of
# its prefix, and a Wine 10 server cannot serve a Wine 8 prefix).
TOFU_NETTY_CACHE=${TOFU_NETTY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tofu-netty}
TOFU_WINE_LANE=${TOFU_WINE_LANE:-wine8}
tofu_scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case "$TOFU_WINE_LANE" in
  wine8)
    # Temurin 17.0.11+9, the jre/ folder of Flyway's command-line zip on Maven Central.
    # (JRE 21 crashes under Wine 8.0: its net.dll needs an iphlpapi export Wine 8.0 lacks. See docs/testing.md.)
    WIN_JRE_ARTIFACT=${WIN_JRE_ARTIFACT:-org.flywaydb:flyway-commandline:10.21.0:zip:windows-x64}
    WIN_JRE_DIR=${WIN_JRE_DIR:-$TOFU_NETTY_CACHE/jre-temurin-17.0.11}
    WIN_JAVA=${WIN_JAVA:-$WIN_JRE_DIR/bin/java.exe}
    # One prefix per user, outside target/ so that mvn clean keeps it (creating one takes ~10 s and ~700 MB).
    WINEPREFIX=${WINEPREFIX:-$TOFU_NETTY_CACHE/wineprefix}
    WINE=${WINE:-/usr/lib/wine/wine64}
    WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver}
    ;;
  wine10)
    # Temurin 21.0.5+11, the jre/ folder of the last Flyway command-line zip on Maven Central. (JRE 17 fails under
    # Wine 10.0: GetAdaptersAddresses with GAA_FLAG_INCLUDE_PREFIX fails, and SecureRandom seeding reaches it.)
    WIN_JRE_ARTIFACT=org.flywaydb:flyway-commandline:11.8.2:zip:windows-x64
    WIN_JRE_DIR=$TOFU_NETTY_CACHE/jre-temurin-21.0.5
    WIN_JAVA=$WIN_JRE_DIR/bin/java.exe
    TOFU_WINE10_ROOT=${TOFU_WINE10_ROOT:-$TOFU_NETTY_CACHE/wine10-root}
    WINEPREFIX=${TOFU_WINE10_PREFIX:-$TOFU_NETTY_CACHE/wineprefix-wine10}
    # Stand-ins for Wine's loader and server that run trixie's inside the root (scripts/wine10/enter-root.sh).
    WINE=$tofu_scripts/wine10/wine64
    WINESERVER=$tofu_scripts/wine10/wineserver
    # Wine 10 warns when XDG_RUNTIME_DIR is unset; this folder (mode 0700) lives inside the root.
    XDG_RUNTIME_DIR=/run/tofu-wine
    export TOFU_WINE10_ROOT XDG_RUNTIME_DIR
    ;;
  *)
    echo "windows-env: unknown lane TOFU_WINE_LANE=$TOFU_WINE_LANE (expected wine8 or wine10)" >&2
    return 2 2>/dev/null || exit 2
    ;;
esac
WINEDEBUG=${WINEDEBUG:--all}
export TOFU_NETTY_CACHE TOFU_WINE_LANE WIN_JRE_ARTIFACT WIN_JRE_DIR WIN_JAVA WINEPREFIX WINE WINESERVER WINEDEBUG
