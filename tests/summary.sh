#!/bin/sh
# Sum the results file written by the test runners and print the closing
# line "N passed, N failed".  Fails when anything failed or nothing ran.
results=${1:?results file}
[ -f "$results" ] || { echo "0 passed, 1 failed"; echo "no test results in $results" >&2; exit 1; }
passed=$(awk '$1=="pass"{s+=$2} END{print s+0}' "$results")
failed=$(awk '$1=="fail"{s+=$2} END{print s+0}' "$results")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
