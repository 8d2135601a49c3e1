# tests/cli/lib.sh: sourced by every CLI test script (git's t/test-lib.sh in
# miniature).  Each script gets a scratch directory $T, removed at the end,
# and records "pass 1"/"fail 1" lines in $RESULTS.
#
#   check "what the user relies on" command...      passes when command exits 0
#   check_fails "what must be refused" command...   passes when it exits non-zero
#   (commands run in a subshell with set -e, so a && chain of assertions works)
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/sanad-cli.XXXXXX")
SCRIPT_NAME=$(basename "$0" .sh)
# a server started with start_server below is stopped with the script
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1
tests_failed=0

record() {
	[ -n "${RESULTS:-}" ] && echo "$1 1" >> "$RESULTS"
	return 0
}

# The command runs in a subshell with set -e, and the subshell is NOT in an
# if/&&/|| condition: inside a condition the shell ignores set -e, and a
# multi-step check function would pass on its last command alone.
run_set_e() {
	(set -e; "$@") > "$T/.out" 2>&1
	rc=$?
	return 0
}

check() {
	desc=$1; shift
	run_set_e "$@"
	if [ "$rc" -eq 0 ]; then
		record pass
	else
		tests_failed=$((tests_failed + 1))
		record fail
		echo "FAIL $SCRIPT_NAME: $desc"
		sed 's/^/    /' "$T/.out" | tail -n 25
	fi
}

check_fails() {
	desc=$1; shift
	run_set_e "$@"
	if [ "$rc" -eq 0 ]; then
		tests_failed=$((tests_failed + 1))
		record fail
		echo "FAIL $SCRIPT_NAME: $desc (expected a failure, got success)"
		sed 's/^/    /' "$T/.out" | tail -n 25
	else
		record pass
	fi
}

# sanad with the test binary
sanad() { "$SANAD" "$@"; }

# assertions usable inside check
contains() { grep -q -- "$2" "$1" || { echo "expected '$2' in $1:"; head -c 2000 "$1"; return 1; }; }
not_contains() { ! grep -q -- "$2" "$1" || { echo "did not expect '$2' in $1"; return 1; }; }
same() { cmp "$1" "$2" || { echo "files differ: $1 $2"; diff "$1" "$2" | head -n 20; return 1; }; }
equals() { [ "$1" = "$2" ] || { echo "expected '$2', got '$1'"; return 1; }; }

# The system Python when there is one: wrappers such as pyenv's shims cost
# far more per start than the checks themselves.
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

# json FILE EXPR: evaluate a Python expression over the parsed JSON (as d)
json() {
	"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); sys.exit(0 if r else 1)" "$1" "$2" ||
		{ echo "JSON check failed: $2"; head -c 2000 "$1"; echo; return 1; }
}

# assess_summary FILE: one line per placement of sanad assess's indented
# JSON -- country, year, tier, criteria, downgraded, sanctions (lists joined
# by commas, "-" when empty) -- so that a test needs no JSON tool.
assess_summary() {
	awk '
	/^  \{/ { c = y = t = d = ""; wl = s = "-"; mode = "" }
	/^    "country": / { c = $2 }
	/^    "year": / { y = $2 }
	/^    "tier": / { t = $2 }
	/^    "downgraded_after_two_watch_list_years": / { d = $2 }
	/^    "watch_list_criteria": \[$/ { mode = "wl"; wl = ""; next }
	/^    "sanctions": \[$/ { mode = "s"; s = ""; next }
	/^    \]/ { mode = ""; next }
	mode == "wl" { wl = wl (wl == "" ? "" : ",") $1 }
	mode == "s" { s = s (s == "" ? "" : ",") $1 }
	/^  \}/ {
		line = c " " y " " t " " wl " " d " " s
		gsub(/"/, "", line)
		gsub(/,,/, ",", line)
		gsub(/, /, " ", line)
		sub(/,$/, "", line)
		print line
	}' "$1"
}

# ---- a real `sanad serve` on s.db, driven with curl ----

# add_user NAME ROLE [ORG]: a user of s.db (password in pw) and its API
# token in token.NAME
add_user() {
	[ -f "$T/pw" ] || echo "a long enough password" > "$T/pw"
	if [ -n "${3:-}" ]; then
		sanad user add --db "$T/s.db" --username "$1" --role "$2" --org "$3" --password-file "$T/pw" > /dev/null
	else
		sanad user add --db "$T/s.db" --username "$1" --role "$2" --password-file "$T/pw" > /dev/null
	fi
	sanad user token --db "$T/s.db" "$1" > "$T/token.$1"
}

# start_server [THREADS [OPTION...]]: serve s.db on a free loopback port; sets SERVER
# (its pid) and BASE (its URL).  Not inside check: the server must be a
# child of the script's shell to be waited for.
start_server() {
	threads=${1:-2}
	[ $# -gt 0 ] && shift
	for try in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000))
		"$SANAD" serve --db "$T/s.db" --listen "127.0.0.1:$PORT" --threads "$threads" "$@" \
			> "$T/serve.out" 2> "$T/serve.err" &
		SERVER=$!
		i=0
		while [ $i -lt 300 ]; do
			if grep -q "listening on 127.0.0.1:$PORT" "$T/serve.out" 2>/dev/null &&
				curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/health"; then
				BASE="http://127.0.0.1:$PORT"
				return 0
			fi
			kill -0 "$SERVER" 2>/dev/null || break # port taken: try another
			sleep 0.1
			i=$((i + 1))
		done
		kill "$SERVER" 2>/dev/null
		wait "$SERVER" 2>/dev/null
		SERVER=
	done
	return 1
}

# check_server_starts DESCRIPTION [THREADS]: start_server as a check; the
# script ends there when the server does not start.
check_server_starts() { # DESCRIPTION [THREADS [OPTION...]]
	desc=$1
	shift
	[ $# -gt 0 ] || set -- 2
	start_server "$@" && started=yes || started=no
	check "$desc" equals "$started" yes
	[ "$started" = yes ] || { cat "$T/serve.err"; finish; }
}

# req USER METHOD PATH [BODY] [extra curl args...]: prints the status; the
# body goes to $T/resp, the headers to $T/hdr.  USER "anon" sends no token.
req() {
	r_user=$1 r_method=$2 r_path=$3 r_body=${4:--}
	shift 3
	[ $# -gt 0 ] && shift
	if [ "$r_user" != anon ]; then
		set -- "$@" -H "Authorization: Bearer $(cat "$T/token.$r_user")"
	fi
	if [ "$r_body" != - ]; then
		set -- "$@" -H "Content-Type: application/json" --data-binary "$r_body"
	fi
	curl -s -o "$T/resp" -D "$T/hdr" -w '%{http_code}' -X "$r_method" "$@" "$BASE$r_path"
}

# status EXPECTED USER METHOD PATH [BODY] [curl args]: req, which must
# answer EXPECTED
status() {
	s_exp=$1
	shift
	s_got=$(req "$@")
	[ "$s_got" = "$s_exp" ] || { echo "$2 $3 as $1: expected $s_exp, got $s_got"; cat "$T/resp"; echo; return 1; }
}

# header NAME: the value of a response header of the last request
header() {
	tr -d '\r' < "$T/hdr" | sed -n "s/^$1: //Ip" | head -n 1
}

finish() {
	[ "$tests_failed" -eq 0 ]
	exit $?
}
