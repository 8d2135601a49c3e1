#!/bin/sh
# GET /api/v1/stats and its companions end to end: a real `sanad serve` on a
# loopback port, driven with curl, against `sanad stats --publish` on the
# same database -- the same figures through both doors, the scope each role
# may see, filters, suppression (null in JSON, empty in CSV), the CSV, XLSX
# and SVG answers, the threshold setting, and exports in the audit trail.
. "$TESTS_DIR/cli/lib.sh"

# ---- fixture: the demo's organisations and 300 cases, one user per role ----
sanad init --db s.db > /dev/null
sanad demo --db s.db --cases 300 --seed 5 > /dev/null
add_user sys sysadmin
add_user coo coordinator
add_user ana analyst shelter-karama
add_user sup supervisor tadamon-mwc
add_user cw caseworker shelter-karama

check_server_starts "sanad serve starts"

# ---- the same figures as sanad stats --publish ----
national_parity() {
	status 200 coo GET "/api/v1/stats?by=year,sex&format=csv"
	sanad stats --db s.db --by year,sex --publish --scope national --format csv > cli
	same resp cli
	grep -q '^TOTAL,TOTAL,[0-9][0-9]*$' resp
}
check "coordinator: national figures by default, byte for byte those of sanad stats --publish --scope national" national_parity
org_parity() {
	status 200 ana GET "/api/v1/stats?by=exploitation,sex&format=csv&labels=1&lang=ar"
	sanad stats --db s.db --by exploitation,sex --publish --scope org --org shelter-karama --format csv --labels --lang ar > cli
	same resp cli
	status 200 ana GET "/api/v1/stats?by=year"
	json resp 'd["scope"] == "org" and d["organisation"] == "shelter-karama"'
}
check "analyst: its own organisation's figures by default, the same as the CLI's (Arabic labels too)" org_parity
filter_parity() {
	status 200 coo GET "/api/v1/stats?by=year&filter.sex=Female&filter.exploitation=ForcedLabour,SexualExploitation&format=csv"
	sanad stats --db s.db --by year --publish --scope national --filter sex=Female \
		--filter exploitation=ForcedLabour,SexualExploitation --format csv > cli
	same resp cli
	status 200 coo GET "/api/v1/stats?by=year&format=csv"
	# a filter keeps fewer cases than none
	[ "$(grep '^TOTAL,' cli | cut -d, -f2)" -lt "$(grep '^TOTAL,' resp | cut -d, -f2)" ]
	status 200 coo GET "/api/v1/stats?by=sex&filter.sex=female,unknown"
	json resp 'd["filters"] == {"sex": ["Female", "unknown"]} and [r["sex"] for r in d["rows"]] == ["Female", None, "TOTAL"]'
}
check "filters select the same cases as sanad stats --filter; aliases and 'unknown' are accepted" filter_parity
perpetrators_parity() {
	status 200 coo GET "/api/v1/stats?count=perpetrators&by=year&format=csv"
	sanad stats --db s.db --count perpetrators --by year --publish --scope national --format csv > cli
	same resp cli
	status 200 coo GET "/api/v1/stats?count=perpetrators&by=year"
	json resp 'd["count"] == "perpetrators"'
}
check "count=perpetrators counts perpetrators, like sanad stats --count perpetrators" perpetrators_parity

# ---- scope by role ----
scope_rules() {
	status 403 ana GET "/api/v1/stats?by=year&scope=national"
	json resp 'd["error"] == "forbidden" and "scope national" in d["message"] and "analyst" in d["message"]'
	status 403 coo GET "/api/v1/stats?by=year&scope=org"
	json resp 'd["error"] == "forbidden" and "scope org" in d["message"]'
	status 200 coo GET "/api/v1/stats?by=year&scope=national"
	json resp 'd["scope"] == "national" and d["organisation"] is None'
	status 200 sup GET "/api/v1/stats?by=year&scope=org"
	json resp 'd["organisation"] == "tadamon-mwc"'
	status 403 cw GET "/api/v1/stats?by=year"
	status 403 sys GET "/api/v1/stats?by=year"
	status 400 coo GET "/api/v1/stats?by=year&scope=world"
	json resp '"world" in d["message"]'
}
check "scope: national for the coordinator, org for an organisation's roles, the other 403 naming it" scope_rules
org_sees_only_its_cases() {
	status 200 ana GET "/api/v1/stats?by=organisation"
	json resp '[r["organisation"] for r in d["rows"]] == ["shelter-karama", "TOTAL"]'
}
check "an organisation's figures hold only its own cases" org_sees_only_its_cases

# ---- bad requests name what is wrong ----
bad_requests() {
	status 400 coo GET "/api/v1/stats?by=year,yeer"
	json resp '"yeer" in d["message"]'
	status 400 coo GET "/api/v1/stats?by=year&filter.colour=red"
	json resp '"colour" in d["message"]'
	status 400 coo GET "/api/v1/stats?by=year&filter.sex=Bogus"
	json resp '"Bogus" in d["message"] and "filter.sex" in d["message"]'
	status 400 coo GET "/api/v1/stats?by=year&filter.year=1800"
	json resp '"1800" in d["message"]'
	status 400 coo GET "/api/v1/stats?by=year&filters.sex=Female"
	json resp '"filters.sex" in d["message"]'
	status 400 coo GET "/api/v1/stats?by=year,sex,age,nationality,exploitation"
	status 400 coo GET "/api/v1/stats?by=year&format=pdf"
	json resp '"pdf" in d["message"]'
	status 400 coo GET "/api/v1/stats?by=year&count=victimz"
	status 400 coo GET "/api/v1/stats?by=year&lang=fr"
	status 400 coo GET "/api/v1/stats?by=sex,gender"
	json resp '"twice" in d["message"]'
}
check "400 naming the unknown dimension, filter, value, parameter or format" bad_requests

# ---- suppression ----
suppressed_null_and_empty() {
	status 200 ana GET "/api/v1/stats?by=year,sex"
	json resp 'd["published"]["threshold"] == 5 and d["published"]["suppressed"] >= 2'
	json resp 'sum(1 for r in d["rows"] if r["count"] is None) == d["published"]["suppressed"]'
	json resp 'all(r.get("suppressed") is True for r in d["rows"] if r["count"] is None)'
	json resp 'all(r["count"] == 0 or r["count"] >= 5 for r in d["rows"] if r["count"] is not None)'
	n=$("$PY" -c "import json; print(json.load(open('resp'))['published']['suppressed'])")
	status 200 ana GET "/api/v1/stats?by=year,sex&format=csv"
	equals "$(sed 1d resp | grep -c ',$')" "$n"
}
check "suppressed cells: null with suppressed:true in JSON, empty in CSV, none below 5 shown" suppressed_null_and_empty

# ---- downloads ----
csv_download() {
	status 200 coo GET "/api/v1/stats?by=year,sex&year=2020&format=csv&labels=1"
	equals "$(header Content-Type)" "text/csv; charset=utf-8"
	equals "$(header Content-Disposition)" 'attachment; filename="sanad-victims-year-sex-2020-national.csv"'
	equals "$(head -n 1 resp)" "year,year_label,sex,sex_label,count"
}
check "CSV: text/csv, an attachment named after the table, the header of sanad stats" csv_download
xlsx_download() {
	status 200 ana GET "/api/v1/stats?by=sex&format=xlsx"
	equals "$(header Content-Type)" "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	equals "$(header Content-Disposition)" 'attachment; filename="sanad-victims-sex-org.xlsx"'
	equals "$(head -c 2 resp)" "PK"
}
check "XLSX: the spreadsheet type, an attachment, a zip file" xlsx_download
exports_audited() {
	sanad audit list --db s.db --actor ana > a
	contains a "export.*statistics xlsx count=victims by=sex scope=org"
	sanad audit list --db s.db --actor coo > a
	contains a "export.*statistics csv count=victims by=year,sex scope=national year=2020"
	contains a "statistics csv count=victims by=year scope=national filters=sex,exploitation"
	# JSON answers are not exports
	not_contains a "statistics json"
}
check "CSV and XLSX exports are in the audit trail with what was asked, never a figure" exports_audited

# ---- the chart ----
chart_svg() {
	status 200 coo GET "/api/v1/stats/chart?by=year,sex&kind=bars"
	equals "$(header Content-Type)" "image/svg+xml"
	header Content-Security-Policy | grep -q "default-src 'none'"
	grep -q '<svg' resp
	[ -z "$(header Content-Disposition)" ]
	status 200 coo GET "/api/v1/stats/chart?by=year&kind=lines&lang=ar&download=1"
	equals "$(header Content-Disposition)" 'attachment; filename="sanad-victims-year-national.svg"'
	status 400 coo GET "/api/v1/stats/chart?by=year,sex,age&kind=bars"
	status 400 coo GET "/api/v1/stats/chart?by=year&kind=pie"
	json resp '"pie" in d["message"]'
}
check "chart: SVG of the published table, its own CSP, download as an attachment, 400 for a bad shape or kind" chart_svg

# ---- the statistical report ----
report_pdf() {
	status 200 coo GET "/api/v1/reports/statistics/2020?lang=ar"
	equals "$(header Content-Type)" "application/pdf"
	equals "$(header Content-Disposition)" 'attachment; filename="sanad-statistical-report-2020-ar.pdf"'
	equals "$(head -c 5 resp)" "%PDF-"
	status 200 coo GET "/api/v1/reports/statistics/2020?format=html&lang=ar"
	grep -q '<html lang="ar" dir="rtl"' resp
	status 403 ana GET "/api/v1/reports/statistics/2020"
	json resp '"national coordinator" in d["message"]'
	status 400 coo GET "/api/v1/reports/statistics/20x0"
	status 400 coo GET "/api/v1/reports/statistics/2020?format=docx"
}
check "statistical report: the coordinator's PDF (attachment) or HTML page of a year; other roles 403" report_pdf

# ---- dimensions ----
dimensions() {
	status 200 coo GET /api/v1/stats/dimensions
	json resp 'd["national"] is True and d["max_dimensions"] == 4 and d["threshold"] == 5'
	json resp '{x["name"]: x for x in d["dimensions"]}["sex"]["values"][0] == {"code": "Female", "en": "Female", "ar": "أنثى"}'
	json resp '{x["name"]: x for x in d["dimensions"]}["sex"]["title"] == {"en": "Sex", "ar": "الجنس"}'
	json resp '{x["name"]: x for x in d["dimensions"]}["ethnicity"]["values"] is None'
	json resp '"2015" in [v["code"] for v in {x["name"]: x for x in d["dimensions"]}["year"]["values"]]'
	json resp 'len(d["subjects"]["perpetrators"]) > 0'
	status 200 ana GET /api/v1/stats/dimensions
	json resp 'd["national"] is False and d["organisation"] == "shelter-karama"'
}
check "dimensions: titles and values in both languages, what the caller's scope is" dimensions

# ---- the threshold setting ----
threshold_setting() {
	status 200 ana GET "/api/v1/stats?by=year,sex&format=csv"
	grep -c ',$' resp > n5
	status 403 ana PUT /api/v1/stats/settings '{"threshold":10}'
	status 400 sys PUT /api/v1/stats/settings '{"threshold":1}'
	json resp '"threshold" in d["message"]'
	status 200 sys PUT /api/v1/stats/settings '{"threshold":10}'
	json resp 'd["threshold"] == 10'
	status 200 ana GET /api/v1/stats/settings
	json resp 'd["threshold"] == 10'
	status 200 ana GET "/api/v1/stats?by=year,sex"
	json resp 'd["published"]["threshold"] == 10'
	json resp 'all(r["count"] == 0 or r["count"] >= 10 for r in d["rows"] if r["count"] is not None)'
	status 200 ana GET "/api/v1/stats?by=year,sex&format=csv"
	[ "$(grep -c ',$' resp)" -gt "$(cat n5)" ]
	sanad audit list --db s.db --actor sys > a
	contains a "settings.*statistics threshold 5 -> 10"
	status 200 sys PUT /api/v1/stats/settings '{"threshold":5}'
}
check "threshold: the sysadmin sets it (audited), every table uses it, others may not" threshold_setting

# ---- population and SDG 16.2.2 ----
population_and_sdg() {
	status 200 ana GET "/api/v1/population?year=2020"
	cp resp before
	status 403 ana PUT /api/v1/population '{"rows":[{"year":2020,"count":1000000}]}'
	status 400 coo PUT /api/v1/population '{"rows":[{"year":2020,"count":1000000},{"year":2020,"sex":"Fem","count":5}]}'
	json resp 'd["message"].startswith("rows[1].sex:") and "Fem" in d["message"]'
	status 400 coo PUT /api/v1/population '{"rows":[{"year":2020,"count":0}]}'
	json resp 'd["message"].startswith("rows[0].count:")'
	# nothing of a refused PUT was written
	status 200 ana GET "/api/v1/population?year=2020"
	same resp before
	status 200 sys PUT /api/v1/population '{"rows":[{"year":2020,"count":10000000,"source":"census"},{"year":2020,"sex":"female","count":5000000}]}'
	json resp '[(r["sex"], r["count"], r["source"]) for r in d["rows"] if r["year"] == 2020 and r["age_group"] is None][:2] == [(None, 10000000, "census"), ("Female", 5000000, None)]'
	status 200 coo GET "/api/v1/stats/sdg?year=2020"
	json resp 'd["indicator"] == "16.2.2" and d["scope"] == "national"'
	total=$(sanad stats --db s.db --by year --year 2020 --scope national --publish --format csv | sed -n 's/^TOTAL,//p')
	# the total rate is the published national count per 100,000 of 10,000,000
	json resp "[r for r in d['rows'] if r['breakdown'] == 'total'][0]['victims'] == $total"
	json resp "abs([r for r in d['rows'] if r['breakdown'] == 'total'][0]['rate'] - $total / 100.0) < 0.01"
	status 200 ana GET "/api/v1/stats/sdg?year=2020"
	json resp 'd["scope"] == "org"'
	status 403 ana GET "/api/v1/stats/sdg?year=2020&scope=national"
	status 400 coo GET "/api/v1/stats/sdg"
	sanad population list --db s.db --year 2020 --format csv > pl
	contains pl "2020,Female,,5000000"
}
check "population figures: sysadmin/coordinator set them all or nothing; SDG 16.2.2 rates from them" population_and_sdg

# ---- current at once: leaving the pool ----
pool_is_current() {
	status 200 coo GET "/api/v1/stats?by=organisation&format=csv"
	before=$(grep '^TOTAL,' resp | cut -d, -f2)
	grep -q '^shelter-karama,' resp
	status 200 sys PATCH /api/v1/organisations/shelter-karama '{"in_pool":false}'
	status 200 coo GET "/api/v1/stats?by=organisation&format=csv"
	not_contains resp '^shelter-karama,'
	[ "$(grep '^TOTAL,' resp | cut -d, -f2)" -lt "$before" ]
	sanad stats --db s.db --by organisation --publish --scope national --format csv > cli
	same resp cli
}
check "an organisation that leaves the pool drops out of the national figures at once" pool_is_current

finish
