#!/bin/sh
# SDG indicator 16.2.2 (issue 5 item 2): population figures entered and
# imported by an administrator (all or nothing), and victims per 100,000
# population by sex, age group and form of exploitation -- exact rates, a
# group without a population figure saying so, and published rates
# suppressed with their counts.
. "$TESTS_DIR/cli/lib.sh"

setup() {
	sanad init --db d.db > /dev/null &&
	sanad org add --db d.db --code ngo-a --name "NGO A" --in-pool > /dev/null &&
	stat="snd_ConsentScope.1=StatisticalUse snd_ConsentGiven.1=true snd_ConsentDate.1=2020-03-01" &&
	# 2020: 6 women (2 girls), 2 men; forced labour 5, sexual exploitation 4 (one both)
	for a in 30 31 32 33; do
		sanad case add --db d.db --org ngo-a snd_YearOfRegistration=2020 prs_Gender=Feminine \
			snd_AgeAtIdentification=$a vic_TypeOfExploitation=SexualExploitation $stat > /dev/null || return 1
	done &&
	for a in 12 15; do
		sanad case add --db d.db --org ngo-a snd_YearOfRegistration=2020 prs_Gender=Feminine \
			snd_AgeAtIdentification=$a vic_TypeOfExploitation=ForcedLabour $stat > /dev/null || return 1
	done &&
	sanad case add --db d.db --org ngo-a snd_YearOfRegistration=2020 prs_Gender=Masculine \
		snd_AgeAtIdentification=40 vic_TypeOfExploitation=ForcedLabour $stat > /dev/null &&
	sanad case add --db d.db --org ngo-a snd_YearOfRegistration=2020 prs_Gender=Masculine \
		snd_AgeAtIdentification=41 vic_TypeOfExploitation="ForcedLabour;SexualExploitation" > /dev/null &&
	sanad case add --db d.db --org ngo-a snd_YearOfRegistration=2021 prs_Gender=Masculine > /dev/null
}
check "nine cases" setup

# ---- population figures ----
cat > pop.csv <<'EOF'
year,sex,age_group,count,source
2020,,,1000000,census 2020
2020,Female,,500000,census 2020
2020,Male,,500000,census 2020
2020,,Minor,400000,census 2020
2020,F,Minor,200000,census 2020
2020,Female,Adult,300000,"estimate, ""revised"""
EOF
import_ok() {
	sanad population import --db d.db pop.csv > out &&
	contains out "imported 6 population figures from pop.csv" &&
	sanad population list --db d.db --format csv > l &&
	equals "$(sed -n 2p l)" "2020,,,1000000,census 2020" &&
	grep -qx '2020,Female,Minor,200000,census 2020' l &&
	grep -qx '2020,Female,Adult,300000,"estimate, ""revised"""' l &&
	equals "$(wc -l < l)" 7
}
check "population figures import from CSV; aliases become codes (F: Female)" import_ok
bad_row() {
	printf 'year,sex,age_group,count,source\n2019,,,900000,x\n2019,Female,,-3,x\n' > bad.csv &&
	! sanad population import --db d.db bad.csv 2> err &&
	contains err "bad.csv row 3, column count: '-3' is not a number of people" &&
	contains err "nothing was written" &&
	equals "$(sanad population list --db d.db --year 2019 | wc -l)" 0
}
check "a bad row names row, column, value and reason, and nothing is written" bad_row
bad_sex() {
	printf 'year,sex,age_group,count\n2019,,,900000\n2019,Robot,,5\n' > bad2.csv &&
	! sanad population import --db d.db bad2.csv 2> err &&
	contains err "row 3, column sex: 'Robot' is not a value of the sex list" &&
	equals "$(sanad population list --db d.db --year 2019 | wc -l)" 0
}
check "an unknown sex is refused the same way" bad_sex
twice() {
	printf 'year,sex,age_group,count\n2019,Male,,5\n2019,M,,6\n' > twice.csv &&
	! sanad population import --db d.db twice.csv 2> err &&
	contains err "row 3: year 2019, sex 'Male', age group '' is given twice"
}
check "a figure given twice in one file is refused" twice
check_fails "a header without count is refused" sh -c 'printf "year,sex\n2019,Male\n" > h.csv && "$SANAD" population import --db d.db h.csv'
set_remove() {
	sanad population set --db d.db --year 2021 --count 1100000 --source "UN estimate" > out &&
	contains out "population 2021, sex all, age group all: 1100000" &&
	sanad population set --db d.db --year 2021 --sex Male --age-group 18-20 --count 40000 > /dev/null &&
	sanad population list --db d.db --year 2021 > l &&
	equals "$(cat l)" "2021	all	all	1100000	UN estimate
2021	Male	18--20	40000	-" &&
	sanad population remove --db d.db --year 2021 --sex Male --age-group 18-20 > /dev/null &&
	equals "$(sanad population list --db d.db --year 2021 | wc -l)" 1
}
check "population set replaces one figure and remove deletes it" set_remove
check_fails "set refuses a count of zero" sanad population set --db d.db --year 2020 --count 0
check_fails "set refuses an unknown age group" sanad population set --db d.db --year 2020 --age-group Elderly --count 5
check_fails "remove of a figure that is not there fails" sanad population remove --db d.db --year 1999
json_list() {
	sanad population list --db d.db --year 2020 --format json > j &&
	python3 -c 'import json,sys; l = json.load(open("j")); assert len(l) == 6 and l[0] == {**l[0], "year": 2020, "sex": None, "age_group": None, "count": 1000000}, l'
}
check "population list as JSON" json_list

# ---- the indicator ----
rates() {
	sanad stats --db d.db --sdg --year 2020 --format csv > s &&
	equals "$(head -n 1 s)" "breakdown,sex,age_group,exploitation,victims,population,rate_per_100000,status" &&
	grep -qx "total,,,,8,1000000,0.80,rate" s &&
	grep -qx "sex,Female,,,6,500000,1.20,rate" s &&
	grep -qx "sex,Male,,,2,500000,0.40,rate" s &&
	grep -qx "age_group,,Minor,,2,400000,0.50,rate" s &&
	grep -qx "age_group,,Adult,,6,,,no population figure" s &&
	grep -qx "sex_age_group,Female,Minor,,2,200000,1.00,rate" s &&
	grep -qx "sex_age_group,Female,Adult,,4,300000,1.33,rate" s &&
	grep -qx "sex_age_group,Male,Adult,,2,,,no population figure" s &&
	grep -qx "exploitation,,,ForcedLabour,4,1000000,0.40,rate" s &&
	grep -qx "exploitation,,,SexualExploitation,5,1000000,0.50,rate" s &&
	equals "$(wc -l < s)" 11
}
check "victims per 100,000 by sex, age group, both, and form of exploitation" rates
national() {
	# the man of 41 gave no consent to statistical use: not in the national pool
	sanad stats --db d.db --sdg --year 2020 --scope national --format csv > n &&
	grep -qx "total,,,,7,1000000,0.70,rate" n &&
	grep -qx "sex,Male,,,1,500000,0.20,rate" n
}
check "the national pool's indicator counts only pooled, consented cases" national
published() {
	sanad stats --db d.db --sdg --year 2020 --publish --format csv > p &&
	grep -qx "sex,Male,,,,500000,,suppressed" p &&
	grep -qx "age_group,,Minor,,,400000,,suppressed" p &&
	grep -qx "sex_age_group,Female,Minor,,,200000,,suppressed" p &&
	grep -qx "total,,,,8,1000000,0.80,rate" p &&
	# every count is the published count table's, suppressed where it is
	sanad stats --db d.db --year 2020 --by sex,majority --publish --format csv > t &&
	python3 -c '
import csv
cells = {(r["sex"], r["majority"]): r["count"] for r in csv.DictReader(open("t"))}
n = 0
for r in csv.DictReader(open("p")):
    b = r["breakdown"]
    if b == "exploitation":
        continue
    key = (r["sex"] or "TOTAL", r["age_group"] or "TOTAL")
    assert cells[key] == r["victims"], (key, cells[key], r)
    assert (r["victims"] == "") == (r["status"] == "suppressed") and (r["rate_per_100000"] == "") == (r["status"] != "rate"), r
    n += 1
assert n == 8, n'
}
check "published: a rate whose count is suppressed is suppressed, as in the published table" published
text_ar() {
	sanad stats --db d.db --sdg --year 2020 --lang ar > a &&
	contains a "مؤشر أهداف التنمية المستدامة 16.2.2" &&
	contains a "لا رقم للسكان" && contains a "أنثى"
}
check "the indicator in Arabic says where a population figure is missing" text_ar
json_out() {
	sanad stats --db d.db --sdg --year 2020 --format json > j &&
	python3 -c '
import json; d = json.load(open("j"))
assert d["indicator"] == "16.2.2" and d["year"] == 2020 and d["per"] == 100000, d
r = [x for x in d["rows"] if x["breakdown"] == "sex" and x["sex"] == "Female"][0]
assert r["victims"] == 6 and r["population"] == 500000 and r["rate"] == 1.2 and r["status"] == "rate", r
r = [x for x in d["rows"] if x["breakdown"] == "age_group" and x["age_group"] == "Adult"][0]
assert r["rate"] is None and r["population"] is None and r["status"] == "no population figure", r'
}
check "the indicator as JSON" json_out
no_pop_year() {
	sanad stats --db d.db --sdg --year 2021 --format csv > y &&
	grep -qx "total,,,,1,1100000,0.09,rate" y && grep -qx "sex,Male,,,1,,,no population figure" y
}
check "a year with only a total population figure" no_pop_year
check_fails "--sdg needs a year" sanad stats --db d.db --sdg
check_fails "--sdg does not take --by" sanad stats --db d.db --sdg --year 2020 --by sex
finish
