#!/bin/sh
# sanad demo and sanad stats: a deterministic demo database, counts in every
# format, and CTDC's real data counted by Sanad and by awk alike.
. "$TESTS_DIR/cli/lib.sh"
# the checks below run `sh -c`, where lib.sh's sanad() function is not defined
mkdir -p "$T/bin" && ln -s "$SANAD" "$T/bin/sanad" && PATH="$T/bin:$PATH" && export PATH

# ---- demo ----
make_demo() {
	sanad demo --db d.db --cases 400 --seed 3 > out &&
	contains out "created d.db: added 9 organisations and 400 cases (seed 3), registered 2015-2025" &&
	contains out "shelter-karama" && contains out "police-atu"
}
check "demo creates a database with the demo organisations and cases" make_demo
check "demo cases pass the integrity check" sanad check --db d.db
check "demo organisations have Arabic names" sh -c 'sanad org list --db d.db | grep -q "^police-atu	Public Security"'
check "the same seed gives the same data" sh -c '
	sanad demo --db d2.db --cases 400 --seed 3 > /dev/null &&
	sanad export --db d.db --format json > e1 && sanad export --db d2.db --format json > e2 && cmp e1 e2'
check "another seed gives other data" sh -c '
	sanad demo --db d3.db --cases 400 --seed 4 > /dev/null &&
	sanad stats --db d.db --by nationality --format csv > s1 &&
	sanad stats --db d3.db --by nationality --format csv > s3 && ! cmp -s s1 s3'
add_more() {
	sanad demo --db d2.db --cases 100 --seed 9 > out &&
	contains out "updated d2.db: added 0 organisations and 100 cases" &&
	equals "$(sanad stats --db d2.db --by year --format json | sed -n 's/.*"total_victims": \([0-9]*\).*/\1/p')" 500
}
check "demo adds cases to an existing database" add_more
check_fails "demo refuses a bad number of cases" sanad demo --db x.db --cases many
check_fails "demo refuses a negative seed" sanad demo --db x.db --seed -1
check "a refused demo leaves no file behind" sh -c '! test -e x.db'
demo_key_elsewhere() {
	sanad init --db k.db --key elsewhere.key > /dev/null
	# the key named with --key, as for every other command
	sanad demo --db k.db --key elsewhere.key --cases 20 --seed 2 > out
	contains out "updated k.db: added 9 organisations and 20 cases"
	! test -e k.db.key
	sanad case list --db k.db --key elsewhere.key > list
	equals "$(grep -c SND- list)" 20
}
check "demo into a database whose key file is elsewhere (--key)" demo_key_elsewhere

# ---- stats on the demo ----
sum_counts() { awk -F, 'NR > 1 { s += $NF } END { print s + 0 }' "$1"; }
csv_by_year_gender() {
	sanad stats --db d.db --by year,gender --format csv > yg &&
	equals "$(head -n 1 yg)" "year,gender,count" &&
	equals "$(sum_counts yg)" 400 &&
	grep -q '^2015,Female,[0-9]*$' yg && grep -q '^2025,Male,[0-9]*$' yg
}
check "csv: header as named, one row per year and sex, counts add up" csv_by_year_gender
rows_in_order() {
	# years ascending; within a year Female before Male and unknown (empty) last
	cut -d, -f1 yg | tail -n +2 > years && sort -n -s years > sorted && cmp years sorted &&
	awk -F, 'NR > 1 && $1 == "2024" { print $2 }' yg > sexes &&
	head -n 1 sexes | grep -qx Female
}
check "csv rows are in year order, then in the list order of sex" rows_in_order
check "csv --labels adds a label column per dimension" sh -c '
	sanad stats --db d.db --by gender --format csv --labels > l &&
	head -n 1 l | grep -qx "gender,gender_label,count" &&
	grep -q "^Female,Female,[0-9]*$" l &&
	sanad stats --db d.db --by gender --format csv --labels --lang ar | grep -q "^Female,أنثى,[0-9]*$"'
json_year() {
	sanad stats --db d.db --by year,sex --format json > j &&
	contains j '"total_victims": 400' && contains j '"dimensions": \[' &&
	contains j '"year": 2015,' && contains j '"sex": "Female",' && contains j '"count": '
}
check "json: numbers for years, codes for values, total_victims" json_year
table() {
	sanad stats --db d.db --by sex > t &&
	contains t "Total victims: 400" && contains t "^Sex  *Victims" && contains t "^Female  *[0-9]"
}
check "table: headings, labels and the total" table
check "table in Arabic" sh -c 'sanad stats --db d.db --by sex --lang ar | grep -q "مجموع الضحايا: 400"'
multi() {
	sanad stats --db d.db --by nationality --format csv > n &&
	[ "$(sum_counts n)" -ge 400 ] &&
	sanad stats --db d.db --by citizenship > nt && contains nt "counts once under each" &&
	sanad stats --db d.db --by form --format json > nj && contains nj '"notes": \[' && contains nj 'counts once under each'
}
check "multi-valued dimensions count a victim under each value and say so" multi
year_filter() {
	n2020=$(awk -F, '$1 == "2020" { print $2 }' y) &&
	sanad stats --db d.db --by sex --year 2020 --format csv > y2020 &&
	equals "$(sum_counts y2020)" "$n2020"
}
sanad stats --db d.db --by year --format csv > y 2> /dev/null
check "--year counts only that year's cases" year_filter
check "unknown values are grouped last, as an empty cell" sh -c '
	sanad stats --db d.db --by ethnicity --format csv > e && tail -n 1 e | grep -q "^,[0-9]*$"'
check "three dimensions cross" sh -c '
	sanad stats --db d.db --by year,sex,exploitation --format csv > x3 && head -n 1 x3 | grep -qx "year,sex,exploitation,count"'
check "organisations are labelled with their names" sh -c '
	sanad stats --db d.db --by organisation | grep -q "^Karama Shelter for Women Survivors  *[0-9]"'
unknown_dim() {
	! sanad stats --db d.db --by year,colour 2> err && contains err "colour" && contains err "nationality (citizenship)"
}
check "an unknown dimension is refused with the list of valid ones" unknown_dim
check_fails "a bad year is refused" sanad stats --db d.db --by sex --year 20x0
check_fails "a bad format is refused" sanad stats --db d.db --by sex --format xml
check_fails "stats needs --by" sanad stats --db d.db
check "--list lists the dimensions" sh -c '
	sanad stats --db d.db --list > dims && grep -q "^year " dims && grep -q "^sex (gender) " dims &&
	grep -q "^exploitation (form) " dims && [ "$(wc -l < dims)" -ge 25 ]'

# ---- real data: CTDC's global dataset, counted by Sanad and by awk ----
CTDC="$REFERENCE_DIR/ctdc/ctdc-global-2020-subset.csv"
ctdc_counts() {
	sanad init --db c.db > /dev/null &&
	sanad import --db c.db --format ctdc --quiet "$CTDC" &&
	sanad stats --db c.db --by year,gender --format csv > ours &&
	equals "$(head -n 1 ours)" "year,gender,count" &&
	tail -n +2 ours | sort > ours.sorted &&
	awk -F, 'NR > 1 { y = $1 == "-" ? "" : $1; g = $2 == "-" ? "" : $2; c[y "," g]++ }
		END { for (k in c) print k "," c[k] }' "$CTDC" | sort > awk.sorted &&
	same ours.sorted awk.sorted &&
	equals "$(sum_counts ours)" "$(($(wc -l < "$CTDC") - 1))"
}
check "CTDC file: year x gender counts equal an independent awk count" ctdc_counts
finish
