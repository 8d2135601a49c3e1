#!/bin/sh
# tests/browser/run.sh: the web interface in a real Chromium.  Builds
# nothing: it takes the binary in $SANAD (default build/sanad), makes a
# throw-away deployment (sanad init + sanad demo, one account per role in
# several organisations), starts `sanad serve` on a free loopback port, runs
# the browser tests (node --test, playwright-core driving Debian's
# /usr/bin/chromium — no browser is ever downloaded) and stops the server.
#
# Screenshots go to tests/artifacts/ (git-ignored).  With $RESULTS set, the
# counts are appended as "pass N" / "fail N" lines for tests/summary.sh.
# KEEP=1 leaves the server running after the tests (for looking around).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SANAD=${SANAD:-$root/build/sanad}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ARTIFACTS=${ARTIFACTS:-$root/tests/artifacts}

record() { # pass fail
	if [ -n "${RESULTS:-}" ]; then
		echo "pass $1" >> "$RESULTS"
		echo "fail $2" >> "$RESULTS"
	fi
}
die() { echo "browser tests: $*" >&2; record 0 1; exit 1; }

[ -x "$SANAD" ] || die "no sanad binary at $SANAD (run make first)"
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM: install Debian's chromium (scripts/install-deps.sh --all)"
command -v node > /dev/null || die "node is not installed (scripts/install-deps.sh --all)"
if [ ! -d "$here/node_modules/playwright-core" ]; then
	# the exact version of package-lock.json; playwright-core has no install script
	(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || die "npm ci failed in tests/browser"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/sanad-browser.XXXXXX")
SERVER=
cleanup() {
	if [ -n "$SERVER" ] && [ -z "${KEEP:-}" ]; then
		kill "$SERVER" 2> /dev/null
		wait "$SERVER" 2> /dev/null
	fi
	[ -z "${KEEP:-}" ] && rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the deployment ----
DB="$T/browser.sanad"
"$SANAD" init --db "$DB" > /dev/null || die "sanad init failed"
# the demo's organisations (shelters, migrant-workers centre, police, immigration, ...) and 2,000 cases
"$SANAD" demo --db "$DB" --cases 2000 --seed 1 > /dev/null || die "sanad demo failed"
PASSWORD="browser-test-password-1"
printf '%s\n' "$PASSWORD" > "$T/pw"
add_user() { # NAME ROLE [ORG]
	if [ -n "${3:-}" ]; then
		"$SANAD" user add --db "$DB" --username "$1" --role "$2" --org "$3" --password-file "$T/pw" > /dev/null
	else
		"$SANAD" user add --db "$DB" --username "$1" --role "$2" --password-file "$T/pw" > /dev/null
	fi || die "sanad user add $1 failed"
}
add_user sysadmin sysadmin
add_user admin.karama org_admin shelter-karama
add_user sup.karama supervisor shelter-karama
add_user cw.karama caseworker shelter-karama
add_user lina.odeh caseworker shelter-karama   # owns demo cases: a full caseload
add_user maha.qasim caseworker shelter-karama
add_user cw.arabic caseworker shelter-karama
add_user cw.tadamon caseworker tadamon-mwc
add_user liaison.police liaison police-atu
add_user analyst.mosa analyst mosa-atd
add_user coordinator coordinator

# ---- the server ----
"$SANAD" serve --db "$DB" --listen 127.0.0.1:0 --quiet > "$T/serve.out" 2> "$T/serve.err" &
SERVER=$!
PORT=
i=0
while [ $i -lt 100 ]; do
	PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$T/serve.out" 2> /dev/null | head -n 1)
	if [ -n "$PORT" ] && curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/v1/health" 2> /dev/null; then
		break
	fi
	kill -0 "$SERVER" 2> /dev/null || { cat "$T/serve.err" >&2; die "sanad serve did not start"; }
	PORT=
	sleep 0.1
	i=$((i + 1))
done
[ -n "$PORT" ] || die "sanad serve did not answer on its port"

mkdir -p "$ARTIFACTS"
export SANAD_URL="http://127.0.0.1:$PORT" SANAD_PASSWORD="$PASSWORD" SANAD_ARTIFACTS="$ARTIFACTS" CHROMIUM

# ---- the tests ----
cd "$here" || die "no $here"
node --test --test-concurrency=1 --test-reporter=tap ${TESTS:-./t*.test.mjs} > "$T/tap.out" 2>&1
rc=$?
cat "$T/tap.out" | grep -E '^(not ok|ok|# (tests|pass|fail|duration))|^ {4}(not ok|ok)|^ +(error|expected|actual|location|stack):|^ +(\x27|")' | grep -v '^ *ok .*# SKIP' | sed -e 's/^/  /' | tail -n 400
passed=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$T/tap.out" | tail -n 1)
failed=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$T/tap.out" | tail -n 1)
passed=${passed:-0}
failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	tail -n 40 "$T/tap.out"
	failed=1
fi
echo "browser tests: $passed passed, $failed failed (screenshots in $ARTIFACTS)"
record "$passed" "$failed"
if [ -n "${KEEP:-}" ]; then
	echo "server left running: $SANAD_URL (pid $SERVER, database $DB); password $PASSWORD"
fi
[ "$failed" -eq 0 ]
