#!/bin/sh
# Run each cmocka test binary given as an argument; record passes and
# failures in $RESULTS (lines "pass N" / "fail N") for tests/summary.sh.
# Exits non-zero if any test failed or a binary crashed.
status=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (FAILED|ERROR)|^\[ +(PASSED|FAILED) +\]|^\[  ERROR' | sed "s|^|$(basename "$t"): |"
	passed=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	failed=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	passed=${passed:-0}; failed=${failed:-0}
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		# crashed or aborted before cmocka could report
		printf '%s\n' "$out" | tail -n 20
		echo "$(basename "$t"): exited with status $rc"
		failed=1
	fi
	[ "$failed" -ne 0 ] && status=1
	if [ -n "$RESULTS" ]; then
		echo "pass $passed" >> "$RESULTS"
		echo "fail $failed" >> "$RESULTS"
	fi
done
exit $status
