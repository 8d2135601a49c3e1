#!/bin/sh
# sanad stats --publish: small cells suppressed with their complements, and
# an attacker (python3, exact rational arithmetic, written apart from the C
# code) that cannot work any suppressed cell out of the published totals.
. "$TESTS_DIR/cli/lib.sh"

# The attacker: reads a published CSV (dimension columns, then count; TOTAL
# marks a margin), writes every "total = sum of its cells" equation over the
# suppressed cells, and prints how many of them the system determines (a
# cell is determined iff dropping its column lowers the rank).  It also
# checks the published table is complete: every combination of the values
# that occur, with totals.
cat > attack.py <<'PY'
import csv, sys
from fractions import Fraction
from itertools import product
rows = list(csv.reader(open(sys.argv[1])))
nd = len(rows[0]) - 1
cells = {tuple(r[:nd]): r[nd] for r in rows[1:]}
values = [sorted({k[d] for k in cells if k[d] != "TOTAL"}) for d in range(nd)]
for combo in product(*[v + ["TOTAL"] for v in values]):
    assert combo in cells, "missing combination %r" % (combo,)
assert len(cells) == len(rows) - 1, "duplicate rows"
unknown = sorted(k for k, v in cells.items() if v == "")
col = {k: i for i, k in enumerate(unknown)}
# sparse rows {unknown: coefficient}
eqs = []
for k in cells:
    for d in range(nd):
        if k[d] != "TOTAL":
            continue
        row = {}
        for v in values[d]:
            m = k[:d] + (v,) + k[d + 1:]
            if m in col: row[col[m]] = row.get(col[m], 0) + 1
        if k in col: row[col[k]] = row.get(col[k], 0) - 1
        row = {j: Fraction(x) for j, x in row.items() if x}
        if row: eqs.append(row)
# reduced row echelon form over the rationals; a cell is determined iff its
# unit vector is in the row space: a pivot whose row has nothing else
pivots = {}  # column -> row
for row in eqs:
    for c, prow in pivots.items():
        if c in row:
            f = row[c]
            for j, x in prow.items():
                y = row.get(j, 0) - f * x
                if y: row[j] = y
                else: row.pop(j, None)
    if not row: continue
    c = min(row)
    f = row[c]
    row = {j: x / f for j, x in row.items()}
    for pc, prow in pivots.items():
        if c in prow:
            g = prow[c]
            for j, x in row.items():
                y = prow.get(j, 0) - g * x
                if y: prow[j] = y
                else: prow.pop(j, None)
    pivots[c] = row
print(sum(1 for c, row in pivots.items() if len(row) == 1), len(unknown))
PY

check "a demo database" sh -c '"$SANAD" demo --db d.db --cases 300 --seed 5 > /dev/null'

published_csv() {
	sanad stats --db d.db --by year,sex --format csv > raw &&
	sanad stats --db d.db --by year,sex --publish --format csv > pub &&
	equals "$(head -n 1 pub)" "year,sex,count" &&
	# every year and every sex that occur, each with its total
	ny=$(awk -F, 'NR > 1 { print $1 }' raw | sort -u | wc -l) &&
	ns=$(awk -F, 'NR > 1 { print $2 }' raw | sort -u | wc -l) &&
	equals "$(sed 1d pub | wc -l)" $(( (ny + 1) * (ns + 1) )) &&
	# every raw count under 5 is empty in the published table ...
	awk -F, 'NR == FNR { if (FNR > 1) raw[$1 "," $2] = $3; next }
		 FNR > 1 && ($1 "," $2) in raw && raw[$1 "," $2] < 5 && $3 != "" { bad++ }
		 FNR > 1 && $3 != "" && $1 != "TOTAL" && $2 != "TOTAL" && $3 != (($1 "," $2) in raw ? raw[$1 "," $2] : 0) { wrong++ }
		 FNR > 1 && $3 == "" { empty++ }
		 END { if (bad || wrong || empty < 2) { print bad + 0, wrong + 0, empty + 0; exit 1 } }' raw pub &&
	# ... a combination no case has is a published 0, and the grand total is there
	grep -qx '2015,,0' pub && grep -qx 'TOTAL,TOTAL,300' pub
}
check "published CSV: counts under 5 are empty, others exact, absent combinations 0" published_csv
check "no suppressed cell of year x sex can be recovered from the totals" sh -c '
	python3 attack.py pub > a && read det n < a && [ "$det" = 0 ] && [ "$n" -ge 2 ]'
attack_more() {
	for by in year nationality year,gender,exploitation age,sex; do
		for th in 3 5 10; do
			sanad stats --db d.db --by "$by" --publish --threshold $th --format csv > p || return 1
			python3 attack.py p > a || return 1
			read det n < a
			[ "$det" = 0 ] || { echo "$by threshold $th: $det of $n recovered"; return 1; }
		done
	done
}
check "no suppressed cell is recovered in 1-, 2- and 3-dimension tables at thresholds 3, 5, 10" attack_more
check "the attacker does find a lone suppressed cell" sh -c '
	sed "0,/^\([^,]*\),Female,\([0-9]*\)$/s//\1,Female,/" pub > lone &&
	grep -c ",$" pub > n1 && grep -c ",$" lone > n2 && [ $(cat n2) = $(($(cat n1) + 1)) ] &&
	python3 attack.py lone > a && read det n < a && [ "$det" -ge 1 ]'
published_json() {
	sanad stats --db d.db --by year,sex --publish --format json > j &&
	python3 -c '
import json, sys
j = json.load(open("j"))
rows = j["rows"]
assert len(rows) == sum(1 for l in open("pub")) - 1, len(rows)
assert j["total_victims"] == 300
nulls = sum(1 for r in rows if r["count"] is None)
assert nulls == j["published"]["suppressed"] and nulls >= 2, nulls
assert j["published"]["threshold"] == 5
assert all(r["count"] is None or r["count"] >= 5 or r["count"] == 0 for r in rows)
assert {"year": "TOTAL", "sex": "TOTAL", "count": 300} in rows
'
}
check "published JSON: suppressed counts are null and the summary counts them" published_json
published_table() {
	sanad stats --db d.db --by year,sex --publish > t &&
	n=$(sed 1d pub | awk -F, '$3 == ""' | wc -l) &&
	cells=$(sed 1d pub | wc -l) &&
	contains t "^x: $n of $cells cells suppressed to protect privacy: counts from 1 to 4" &&
	[ "$(grep -c ' x$' t)" = "$n" ] &&
	contains t "^Total  Total  *300$" &&
	sanad stats --db d.db --by year,sex --publish --lang ar > ta &&
	contains ta "حُجبت $n من $cells خلية"
}
check "published table marks suppressed cells x and says how many in a footnote" published_table
check "a higher threshold suppresses more" sh -c '
	"$SANAD" stats --db d.db --by year,sex --publish --threshold 20 --format csv | grep -c ",$" > n20 &&
	[ $(cat n20) -gt $(grep -c ",$" pub) ]'
check_fails "a threshold of 1 is refused" sanad stats --db d.db --by year --publish --threshold 1
check_fails "--threshold without --publish is refused" sanad stats --db d.db --by year --threshold 5
check_fails "more than 4 dimensions are refused for publication" \
	sanad stats --db d.db --by year,sex,age,nationality,exploitation --publish
check "without --publish counts stay raw" sh -c '
	"$SANAD" stats --db d.db --by year,sex --format csv | awk -F, "NR > 1 && \$3 == \"\" { exit 1 }"'
finish
