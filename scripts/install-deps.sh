#!/bin/sh
# Install the Debian packages Sanad needs to build, test and run.  Used by
# the README's first command, by `make check` and by CI, so all three stay in
# step.  Only what is missing is installed; run as root or with sudo.
#   (none)   build and run          --test   + unit and CLI tests
#   --check  + browser tests        --all    + benchmarks
set -eu

BUILD_PKGS="build-essential pkg-config libsqlite3-dev libjansson-dev libsodium-dev \
libcsv-dev libxml2-dev libutf8proc-dev libmicrohttpd-dev libcairo2-dev libpango1.0-dev \
libroaring-dev libxlsxwriter-dev"
# Fonts the PDF report is drawn with (src/report/pdf.c): Noto Sans Arabic and
# Noto Naskh Arabic for Arabic, Noto Sans / DejaVu Sans for Latin text.
RUNTIME_PKGS="fonts-noto-core fonts-dejavu-core"
# poppler-utils: pdftotext and pdftoppm check the PDF report (t0650).
TEST_PKGS="libcmocka-dev sqlite3 clang curl poppler-utils"
# wrk: the server load benchmark (bench/http_load/run.sh)
BENCH_PKGS="python3-pandas wrk"
# the browser tests (make browser-check): Debian's Chromium driven by
# playwright-core from npm; DejaVu has the Arabic glyphs for the screenshots
BROWSER_PKGS="chromium nodejs npm fonts-dejavu-core"

want="$BUILD_PKGS $RUNTIME_PKGS"
case "${1:-}" in
	--test) want="$BUILD_PKGS $RUNTIME_PKGS $TEST_PKGS" ;;
	--check) want="$BUILD_PKGS $RUNTIME_PKGS $TEST_PKGS $BROWSER_PKGS" ;;
	--all) want="$BUILD_PKGS $RUNTIME_PKGS $TEST_PKGS $BENCH_PKGS $BROWSER_PKGS" ;;
	"") ;;
	*) echo "usage: $0 [--test|--check|--all]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	# node and npm may come from another packaging of Node.js (nodesource's
	# nodejs bundles npm and conflicts with Debian's npm): a working command
	# is as good as the package
	case "$p" in
		npm) command -v npm > /dev/null 2>&1 && continue ;;
		nodejs) command -v node > /dev/null 2>&1 && continue ;;
	esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "installing:$missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
