#!/bin/sh
# Run every end-to-end CLI test script tests/cli/*.sh against the real
# binary ($SANAD).  Each script sources tests/cli/lib.sh and records its own
# passes and failures.
here=$(cd "$(dirname "$0")" && pwd)
: "${SANAD:?set SANAD to the sanad binary}"
export SANAD
export TESTS_DIR="$here"
export REFERENCE_DIR="${REFERENCE_DIR:-$(cd "$here/../.." && pwd)/shared/reference}"
[ -d "$REFERENCE_DIR" ] || REFERENCE_DIR="$(cd "$here/../../.." 2>/dev/null && pwd)/shared/reference"
status=0
for script in "$here"/cli/t*.sh; do
	[ -f "$script" ] || continue
	sh "$script" || status=1
done
exit $status
