#!/bin/sh
# sanad import: real CTDC data counted exactly, all or nothing, --skip-invalid
# with a rejects file, every kind of bad input named by row and column, and
# XForm submissions with every answer kept.
. "$TESTS_DIR/cli/lib.sh"

CTDC="$REFERENCE_DIR/ctdc/ctdc-global-2020-subset.csv"
FIXTURES="$TESTS_DIR/importer/fixtures"

count() { sqlite3 "$1" "SELECT count(*) FROM cases"; }
# inside a check: the command must fail (a bare '! cmd' would not stop set -e)
fails() { if "$@"; then echo "expected a failure: $*"; return 1; fi; }

sanad init --db a.db > /dev/null

# --- the real CTDC subset, counted independently with awk ---
real_ctdc() {
	sanad import --db a.db --format ctdc "$CTDC" > out &&
	contains out "imported 48773 of 48773 records" &&
	awk -F, 'NR > 1 { n[$1 "|" $2]++ } END { for (k in n) print k "|" n[k] }' "$CTDC" | sort > expected &&
	sqlite3 a.db "SELECT snd_YearOfRegistration, snd_Sex, count(*) FROM cases GROUP BY 1, 2" | sort > got &&
	same expected got &&
	# flags: forced labour set in 9,772 rows ("1" in column 5)
	equals "$(awk -F, 'NR > 1 && $5 == "1"' "$CTDC" | wc -l)" 9772 &&
	equals "$(sqlite3 a.db "SELECT count(*) FROM cases WHERE vic_TypeOfExploitation LIKE '%ForcedLabour%'")" 9772 &&
	# "-" is unknown: no country of exploitation in 11,019 rows
	equals "$(sqlite3 a.db "SELECT count(*) FROM cases WHERE snd_CountryOfExploitation IS NULL")" \
		"$(awk -F, 'NR > 1 && $7 == "-"' "$CTDC" | wc -l)"
}
check "the real CTDC subset imports with exact counts per year and sex" real_ctdc

# --- the import leaves the statistics of the year and the nine dimensions ready ---
prepared_stats() {
	for d in year sex age disability ethnicity nationality migration_status location socio_economic_status exploitation; do
		equals "$(sqlite3 a.db "SELECT count(*) > 0 FROM stats_bitmap WHERE dim = '$d'")" 1 || return 1
	done
	# what the saved bitmaps count is what the cases say
	sanad stats --db a.db --by year,sex --format csv | awk -F, 'NR > 1 { print $1 "|" $2 "|" $3 }' | sort > got &&
	sqlite3 a.db "SELECT snd_YearOfRegistration, COALESCE(snd_Sex, ''), count(*) FROM cases GROUP BY 1, 2" | sort > expected &&
	same expected got &&
	# built as the cases were written: every index holds every case, and a
	# change to an imported case afterwards is counted as it now is
	equals "$(sqlite3 a.db "SELECT count(*) FROM stats_bitmap_state WHERE mark = (SELECT max(id) FROM cases)")" 10 &&
	ref=$(sqlite3 a.db "SELECT coalesce(case_ref_given, printf('SND-%06d', id)) FROM cases WHERE snd_Sex = 'Female' ORDER BY id DESC LIMIT 1") &&
	females=$(sqlite3 a.db "SELECT count(*) FROM cases WHERE snd_Sex = 'Female'") &&
	sanad case update --db a.db "$ref" snd_Sex=Male > /dev/null &&
	equals "$(sanad stats --db a.db --by sex --format csv | awk -F, '$1 == "Female" { print $2 }')" $((females - 1)) &&
	# a second import into the same database: the bitmaps follow
	sanad init --db p.db > /dev/null &&
	awk 'NR <= 2001' "$CTDC" > first.csv && awk 'NR == 1 || NR > 2001' "$CTDC" | head -n 3001 > second.csv &&
	sanad import --db p.db --format ctdc first.csv > /dev/null &&
	sanad import --db p.db --format ctdc second.csv > /dev/null &&
	equals "$(sanad stats --db p.db --by sex --format json | sed -n 's/.*"total_victims": \([0-9]*\).*/\1/p')" 5000
}
check "an import leaves the statistics of the year and the nine disaggregation dimensions ready" prepared_stats

# --- one bad row among thousands ---
awk -F, 'NR <= 5001' "$CTDC" > good.csv
awk -F, 'NR == 3001 { $2 = "Robot" } { print }' OFS=, good.csv > bad.csv
sanad init --db b.db > /dev/null
one_bad_row_writes_nothing() {
	fails sanad import --db b.db --format ctdc bad.csv 2> err &&
	contains err "bad.csv: row 3000, column gender, value 'Robot': 'Robot' is not a value of list 'sex'" &&
	contains err "nothing was imported: 1 of 5000 records is invalid" &&
	equals "$(count b.db)" 0
}
check "a file with one bad row among thousands writes nothing and names the row" one_bad_row_writes_nothing
skip_invalid() {
	sanad import --db b.db --format ctdc --skip-invalid bad.csv > out 2> err &&
	contains out "imported 4999 of 5000 records" &&
	equals "$(count b.db)" 4999 &&
	contains err "row 3000, column gender" &&
	head -n 1 bad.csv.rejects.csv > h &&
	equals "$(cat h)" "file,row,column,value,reason,record" &&
	grep -q "^bad.csv,3000,gender,Robot," bad.csv.rejects.csv &&
	equals "$(wc -l < bad.csv.rejects.csv)" 2 &&
	equals "$(stat -c %a bad.csv.rejects.csv)" 600
}
check "--skip-invalid imports the good rows and the rejects file names the bad one" skip_invalid
rejects_elsewhere() {
	sanad init --db c.db > /dev/null &&
	sanad import --db c.db --format ctdc --skip-invalid --rejects elsewhere.csv bad.csv > /dev/null 2>&1 &&
	grep -q "^bad.csv,3000,gender" elsewhere.csv
}
check "--rejects names the rejects file" rejects_elsewhere
check_fails "--rejects without --skip-invalid is a usage error" \
	sanad import --db c.db --format ctdc --rejects x.csv good.csv

# --- several files, one transaction ---
several_files() {
	sanad init --db d.db > /dev/null &&
	fails sanad import --db d.db --format ctdc good.csv bad.csv 2> err &&
	equals "$(count d.db)" 0 &&
	sanad import --db d.db --format ctdc good.csv good.csv > out &&
	contains out "imported 10000 of 10000 records from 2 files"
}
check "several files are one transaction" several_files

# --- every kind of bad input is a clear error of its row ---
sanad init --db e.db > /dev/null
refused() { # refused "description" FILE FORMAT expected-message
	if sanad import --db e.db --format "$3" "$2" > out 2> err; then
		echo "imported $2, expected a refusal"; return 1
	fi
	contains err "$4" &&
	equals "$(count e.db)" 0
}
printf '\357\273\277snd_CaseRef,prs_Gender,cas_IncomingReferralDetails\r\nB-1,Feminine,"two\r\nlines"\r\nB-2,Masculine,\r\n' > bom.csv
bom_crlf() {
	sanad import --db e.db --format htcds-csv bom.csv > out &&
	contains out "imported 2 of 2" &&
	equals "$(sqlite3 e.db "SELECT count(*) FROM cases WHERE case_ref_given IN ('B-1', 'B-2')")" 2 &&
	sqlite3 e.db "DELETE FROM cases"
}
check "a byte-order mark and CRLF line ends are fine" bom_crlf
printf 'snd_CaseRef,prs_Gender\nU-1,Fem\377inine\n' > utf8.csv
check "broken UTF-8 is named, escaped" refused utf8 utf8.csv htcds-csv \
	"utf8.csv: row 1, column prs_Gender, value 'Fem\\\\xffinine': not valid UTF-8"
printf 'yearOfRegistration,gender,ageBroad\n2015,Female,18--20\n2015,Male\n' > width.csv
check "a wrong number of cells is named" refused width width.csv ctdc \
	"width.csv: row 2: 2 cells, but the header has 3 columns"
printf 'yearOfRegistration,gender,citizenship\n2015,Female,QQ\n' > code.csv
check "an unknown code is named" refused code code.csv ctdc \
	"code.csv: row 1, column citizenship, value 'QQ': 'QQ' is not a value of list 'country'"
printf 'snd_CaseRef,prs_Birthdate\nD-1,2021-02-30\n' > date.csv
check "an impossible date is named" refused date date.csv htcds-csv \
	"date.csv: row 1, column prs_Birthdate, value '2021-02-30'"
awk 'BEGIN { printf "snd_CaseRef,cas_IncomingReferralDetails\nO-1,"; for (i = 0; i < 17000; i++) printf "%070d", i; print "" }' > big.csv
check "a cell over 1 MiB is refused" refused big big.csv htcds-csv \
	"big.csv: row 1, column cas_IncomingReferralDetails"
check "and the reason names the limit" contains err "over 1048576 bytes"
printf 'snd_CaseRef,prs_FirstName\nE-1,\033[2Jgotcha\n' > ctl.csv
no_raw_escape() {
	refused ctl ctl.csv htcds-csv "value '\\\\x1b\[2Jgotcha'" &&
	fails grep -q "$(printf '\033')" err
}
check "control characters never reach the terminal raw" no_raw_escape
printf 'yearOfRegistration,gender,colour,Notes\n2015,Female,blue,x\n' > unknown.csv
unknown_columns() {
	sanad import --db e.db --format ctdc unknown.csv > out 2> err &&
	contains err "unknown.csv: warning: 2 columns that CTDC does not define ignored: colour, Notes" &&
	contains out "imported 1 of 1 record" &&
	sqlite3 e.db "DELETE FROM cases"
}
check "unknown columns are reported, not fatal" unknown_columns
check_fails "a missing file is refused" sanad import --db e.db --format ctdc no-such.csv
missing_file() {
	fails sanad import --db e.db --format ctdc good.csv no-such.csv 2> err &&
	contains err "cannot read no-such.csv" &&
	equals "$(count e.db)" 0
}
check "and says so before anything is written" missing_file
mkdir adir
check_fails "a directory is refused" sanad import --db e.db --format ctdc adir
check_fails "an unknown format is a usage error" sanad import --db e.db --format excel good.csv
check_fails "a missing --format is a usage error" sanad import --db e.db good.csv

# --- standard input ---
stdin_import() {
	sanad init --db f.db > /dev/null &&
	head -n 11 "$CTDC" | sanad import --db f.db --format ctdc - > out &&
	contains out "imported 10 of 10"
}
check "'-' reads standard input" stdin_import

# --- XForm submissions ---
sanad init --db x.db > /dev/null
xform_multi() {
	sanad import --db x.db --format xform "$FIXTURES/xform-single.xml" "$FIXTURES/xform-batch.xml" > out &&
	contains out "imported 4 of 4 records from 2 files" &&
	equals "$(sqlite3 x.db "SELECT vic_MethodsOfControl FROM cases WHERE case_ref_given = 'uuid:6f1c2b7e-0d4a-4b8e-9a51-3c2f0e9d7a10'")" \
		"DebtBondage;FalsePromises;PsychologicalAbuse;WithholdsDocuments" &&
	equals "$(sqlite3 x.db "SELECT vic_ForcedLabourIndustry FROM cases WHERE case_ref_given = 'uuid:6f1c2b7e-0d4a-4b8e-9a51-3c2f0e9d7a10'")" \
		"A_AgricultureForestryAndFishing;T_ActivitiesOfHouseholdsAsEmployers" &&
	equals "$(sqlite3 x.db "SELECT vic_TypeOfExploitation FROM cases WHERE case_ref_given = 'uuid:2c9d8e7f-1a3b-4c5d-8e9f-0a1b2c3d4e5f'")" \
		"ForcedLabour;SexualExploitation;Servitude" &&
	equals "$(sqlite3 x.db "SELECT vic_TypeOfSexExploitation FROM cases WHERE case_ref_given = 'uuid:2c9d8e7f-1a3b-4c5d-8e9f-0a1b2c3d4e5f'")" \
		"Prostitution;Pornography;RemoteInteractiveServices"
}
check "XForm submissions import with every multi-select answer kept" xform_multi
xform_again() {
	fails sanad import --db x.db --format xform "$FIXTURES/xform-single.xml" 2> err &&
	contains err "submission 1, element snd_CaseRef" &&
	contains err "already exists" &&
	equals "$(count x.db)" 4
}
check "a submission imported twice is refused as a duplicate" xform_again
printf '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<data id="x"><prs_FirstName>&e;</prs_FirstName></data>\n' > xxe.xml
xxe() {
	fails sanad import --db x.db --format xform xxe.xml 2> err &&
	contains err "DOCTYPE or ENTITY declaration is not allowed" &&
	equals "$(count x.db)" 4
}
check "XML entities are refused (no XXE)" xxe

# --- duplicate references among thousands, with the writer thread and without ---
# 3,000 rows with references, row 2500 repeating row 10's: the insert finds
# it (batched with the rows around it) and the report names its row.
awk 'BEGIN { print "snd_CaseRef,snd_YearOfRegistration"
	for (i = 1; i <= 3000; i++) print (i == 2500 ? "D-10" : "D-" i) "," 2000 + i % 20 }' > dup.csv
duplicate_named() {
	for threads in "" 1; do
		export SANAD_IMPORT_THREADS=$threads &&
		rm -f d.db d.db-wal d.db-shm d.db.key d.db.rejects.csv &&
		sanad init --db d.db > /dev/null &&
		fails sanad import --db d.db --format htcds-csv dup.csv 2> err &&
		contains err "dup.csv: row 2500, column snd_CaseRef, value 'D-10': a case 'D-10' already exists" &&
		contains err "nothing was imported: 1 of 3000 records is invalid" &&
		equals "$(count d.db)" 0 &&
		sanad import --db d.db --format htcds-csv --skip-invalid --rejects d.db.rejects.csv dup.csv \
			> out 2> err &&
		contains out "imported 2999 of 3000 records" &&
		equals "$(count d.db)" 2999 &&
		equals "$(sqlite3 d.db "SELECT count(*) FROM cases WHERE case_ref_given = 'D-3000'")" 1 &&
		grep -q "^dup.csv,2500,snd_CaseRef,D-10," d.db.rejects.csv || return 1
	done
}
check "a duplicate reference among thousands is named by its row, one thread or two" duplicate_named

# A file may bring references in Sanad's own form (an export from another
# installation): kept (the ids going on from above them) unless the case of
# that number has it, which refuses the row; the import goes on with
# --skip-invalid.
printf 'snd_CaseRef,prs_Gender\nSND-000001,Feminine\nSND-000009,Masculine\nA-3,Feminine\nSND-000001,Masculine\nSND-000002,Masculine\n' > own.csv
own_form_refs() {
	rm -f o.db o.db-wal o.db-shm o.db.key &&
	sanad init --db o.db > /dev/null &&
	sanad import --db o.db --format htcds-csv --skip-invalid own.csv > out 2> err &&
	contains out "imported 4 of 5 records" &&
	contains err "own.csv: row 4, column snd_CaseRef, value 'SND-000001': a case 'SND-000001' already exists" &&
	equals "$(sqlite3 o.db "SELECT group_concat(id || '=' || coalesce(case_ref_given, '-'), ' ') FROM cases")" \
		"1=- 2=SND-000009 10=A-3 11=SND-000002" &&
	sanad case show SND-000002 --db o.db > show &&
	contains show "Masculine" &&
	sanad case show A-3 --db o.db > show &&
	contains show "Feminine" &&
	fails sanad case show SND-000010 --db o.db 2> err &&
	contains err "no case with reference 'SND-000010'"
}
check "references in Sanad's own form are kept, ids going on above them, or refused by row" own_form_refs

# --- the help documents every format ---
help_formats() {
	sanad import --help > h &&
	for w in htcds-csv ctdc xform json --skip-invalid --rejects --org hte_Type.2 meansOfControl "18--20"; do
		contains h "$w" || return 1
	done
}
check "--help documents the formats and their conventions" help_formats
finish
