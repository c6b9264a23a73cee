# Shared settings of the Windows tier on Linux; sourced by windows-jre.sh and wine-jvm/bin/java.
# Override any of these in the environment.
TOFU_NETTY_CACHE=${TOFU_NETTY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tofu-netty}
# The Windows JRE: Temurin 17.0.11+9, the jre/ folder of Flyway's command-line zip on Maven Central.
# (JRE 21 crashes under Wine 8.0: its net.dll needs an iphlpapi export Wine lacks. See docs/testing.md.)
WIN_JRE_ARTIFACT=${WIN_JRE_ARTIFACT:-org.flywaydb:flyway-commandline:10.21.0:zip:windows-x64}
WIN_JRE_DIR=${WIN_JRE_DIR:-$TOFU_NETTY_CACHE/jre-temurin-17.0.11}
WIN_JAVA=${WIN_JAVA:-$WIN_JRE_DIR/bin/java.exe}
# One prefix per user, outside target/ so that mvn clean keeps it (creating one takes ~10 s and ~700 MB).
WINEPREFIX=${WINEPREFIX:-$TOFU_NETTY_CACHE/wineprefix}
WINE=${WINE:-/usr/lib/wine/wine64}
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver}
WINEDEBUG=${WINEDEBUG:--all}
export TOFU_NETTY_CACHE WIN_JRE_DIR WIN_JAVA WINEPREFIX WINE WINESERVER WINEDEBUG
