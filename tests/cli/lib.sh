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
trap 'rm -rf "$T"' EXIT
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

finish() {
	[ "$tests_failed" -eq 0 ]
	exit $?
}
