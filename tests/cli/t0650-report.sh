#!/bin/sh
# The national response end to end: records of three countries over three
# report years, the assessment from stored records, the annual report in
# HTML, PDF and JSON in Arabic and English, the tier history, and the
# programme register's gaps.
. "$TESTS_DIR/cli/lib.sh"

FIXTURE="$TESTS_DIR/response/fixtures/records-2009-2011.json"
# Rendered pages are kept for a person to look at (git-ignored).
ART="$TESTS_DIR/artifacts/t0650"
rm -rf "$ART"
mkdir -p "$ART"

# PDF text without white space or bidirectional marks: pdftotext spaces
# Arabic letters by their positions, so words are compared joined.
pdf_text() {
	pdftotext "$1" - | perl -CSD -0777 -pe 's/[\x{200E}\x{200F}\x{202A}-\x{202E}\s]//g'
}

check "a database for the response" sanad init --db r.db
check "a year's records load in bulk from JSON" sh -c '"$SANAD" response import --db r.db "$1" > out &&
	grep -q "^imported 9 country-years: 9 findings, 32 justice records, 6 penalties, 30 facts; recommendations: 5 added" out' _ "$FIXTURE"

adds_records_one_by_one() {
	sanad response add justice --db r.db --country AE --year 2011 --stage conviction --count 1 \
		--law "Federal Law No. 51 of 2006" --exploitation ForcedLabour --sentence-months 6 --suspended \
		--source embassy --source-date 2011-03-02 > out &&
	grep -q "^added justice record [0-9]*$" out &&
	sanad response add fact --db r.db --country AE --year 2011 --kind supply_chain --value yes \
		--text "Labour ministry audits suppliers of public contracts." --action plan \
		--source government --source-date 2011-01-20 &&
	sanad response add recommendation --db r.db --country AE --year 2011 --check suspended_sentences > out &&
	equals "$(cat out)" "recommendation AE-2011-1"
}
check "records and recommendations can be added one by one" adds_records_one_by_one
check_fails "a record without its source is refused" sanad response add penalty --db r.db --country AE \
	--year 2011 --law "Law X" --min-years 5
check_fails "an alpha-3 country is refused with the right code" sh -c \
	'"$SANAD" response add finding --db r.db --country JOR --year 2011 --finding full 2> err; s=$?; grep -q "\"JO\"" err && exit $s'

checks_show_the_guidelines() {
	sanad response checks --db r.db --country AE --year 2011 > checks.json &&
	contains checks.json '"detail": "1 of 16 convictions (6.25%) ended in a suspended sentence, which the guidelines discourage."' &&
	contains checks.json '"recommendation": "Ensure that convicted traffickers serve adequate prison terms rather than suspended sentences."' &&
	contains checks.json '"detail": "Forced labour in supply chains addressed: only a plan, conference, task force or draft law is recorded, which does not count as an effort."'
}
check "checks report the guideline figures and suggest recommendations" checks_show_the_guidelines

cat > expected-2011 <<'EOF'
AE 2011 1 - false -
JO 2011 3 b true non_humanitarian_non_trade_assistance,educational_cultural_exchange_funding
LB 2011 2WL b false -
EOF
assesses_from_records() {
	sanad assess --db r.db --year 2009 > /dev/null &&
	sanad assess --db r.db --year 2010 > /dev/null &&
	sanad assess --db r.db --year 2011 > out.json &&
	assess_summary out.json > got &&
	same got expected-2011 &&
	contains out.json 'Not counted as efforts: 4 records of JO 2011 (plans, conferences, task forces or draft laws)'
}
check "assess places the countries from stored records: Watch List, two-year rule, waiver, sanctions" assesses_from_records

same_as_assess_input() {
	sanad assess --db r.db --year 2011 --print-input > input.json &&
	sanad assess --input input.json > via-input.json &&
	assess_summary via-input.json | grep ' 2011 ' > got &&
	same got expected-2011
}
check "the input built from records gives the same placements through sanad assess --input" same_as_assess_input
check_fails "assessing a year without findings is refused" sanad assess --db r.db --year 2012
check_fails "assess takes --input or --db --year, not both" sanad assess --db r.db --year 2011 --input input.json

check "the real tier history 2001-2015 imports" sh -c '"$SANAD" response import-tiers --db r.db "$REFERENCE_DIR/tip-tiers/tip-tiers-2001-2015.csv" > out &&
	grep -q "^read 3208 rows: 2251 placements stored, 582 not ranked (NA), 375 outside" out'

programmes_and_gaps() {
	sanad programme add --db r.db --code jo-shelters --name "Shelter and screening for migrant domestic workers" \
		--name-ar "الإيواء والفرز لعاملات المنازل المهاجرات" --type bilateral_regional --goals protection,partnership \
		--partner Tamkeen --partner-kind ngo --countries JO --amount 750000 --currency USD \
		--start 2011-10-01 --end 2013-09-30 --victims-assisted 120 &&
	sanad programme add --db r.db --code judges --name "Judicial training on trafficking laws" \
		--type training_technical_assistance --goals prosecution --partner-kind international_organisation \
		--people-trained 200 &&
	sanad programme link --db r.db --programme jo-shelters --recommendation JO-2011-2 &&
	sanad programme link --db r.db --programme judges --recommendation LB-2011-1 &&
	sanad programme gaps --db r.db --year 2011 | cut -f1 > gaps &&
	printf 'AE-2011-1\nJO-2011-1\nJO-2011-3\nLB-2011-2\n' > expected-gaps &&
	same gaps expected-gaps &&
	sanad programme gaps --db r.db --year 2011 --country LB | cut -f1 > gaps &&
	equals "$(cat gaps)" "LB-2011-2"
}
check "programme gaps lists exactly the recommendations no programme answers" programmes_and_gaps
check_fails "a programme for Jordan cannot answer Lebanon's recommendation" \
	sanad programme link --db r.db --programme jo-shelters --recommendation LB-2011-2
check_fails "an unknown programme type is refused" sanad programme add --db r.db --code x --name X --type grant

for lang in ar en; do
	check "report $lang: html, pdf and json" sh -c '
		"$SANAD" report --db r.db --year 2011 --lang '$lang' --format html --output report-'$lang'.html &&
		"$SANAD" report --db r.db --year 2011 --lang '$lang' --format pdf --output report-'$lang'.pdf &&
		"$SANAD" report --db r.db --year 2011 --lang '$lang' --format json --output report-'$lang'.json &&
		head -c 5 report-'$lang'.pdf | grep -q "%PDF-"'
done

html_reads_right() {
	contains report-ar.html '<html lang="ar" dir="rtl">' &&
	contains report-ar.html '<h2 id="country-LB">لبنان: قائمة المراقبة للفئة 2</h2>' &&
	contains report-ar.html 'انطبق المعيار (ب) من معايير قائمة المراقبة' &&
	contains report-en.html '<h2 id="country-JO">Jordan: Tier 3</h2>' &&
	contains report-en.html 'Jordan was on the Tier 2 Watch List for two consecutive years' &&
	contains report-en.html 'JO-2011-2: Stop holding trafficking victims in immigration detention or other detention facilities. — Answered by: Shelter and screening for migrant domestic workers (jo-shelters).' &&
	contains report-en.html 'JO-2011-1: .* — No programme answers this recommendation.' &&
	contains report-en.html 'trials &lt;fast-track&gt;' &&
	not_contains report-en.html '<fast-track>' &&
	contains report-en.html 'Forced labour in supply chains addressed: only a plan, conference, task force or draft law is recorded'
}
check "the HTML report: right to left in Arabic, the criterion, the programmes, escaped prose" html_reads_right

history_in_summary() {
	# Lebanon: the imported TIP history for 2004-2008, Sanad's own for 2009-2011
	tr -d '\n' < report-en.html | grep -o '<tr><td>Lebanon</td>.*</td></tr>' | sed 's#</tr>.*#</tr>#' > row &&
	contains row '<td>2</td><td>2WL\*</td><td>2WL\*</td><td>Tier 2 Watch List</td><td>(b) no increasing efforts</td><td>1 of 2</td>'
}
check "the summary table shows the tier history, imported and assessed" history_in_summary

json_export() {
	grep -q '"format": "sanad-report-1"' report-en.json &&
	grep -q '"tier_label": "الفئة 3"' report-ar.json &&
	grep -q '"watch_list_waiver_applied": true' report-en.json &&
	[ "$(grep -c '"suggested_recommendation"' report-en.json)" -ge 5 ]
}
check "the data export carries the placements, labels and suggestions" json_export

pdf_text_arabic() {
	pdf_text report-ar.pdf > ar.txt &&
	pdf_text report-en.pdf > en.txt &&
	# the country heading and its tier, in Arabic
	grep -q 'لبنان:قائمةالمراقبةللفئة2' ar.txt &&
	# poppler extracts lam-alef and lam-yeh ligatures reversed (الأردن as
	# األردن, إلى as إىل), so text around them is matched from the letters
	# after them
	grep -q 'ردن:الفئة3' ar.txt &&
	grep -q 'الفترةالمشمولةبالتقرير:من1نيسان/أبريل2010' ar.txt &&
	grep -q 'Lebanon:Tier2WatchList' en.txt &&
	grep -q 'Jordan:Tier3' en.txt
}
check "the PDF holds the Arabic country names and tiers as text" pdf_text_arabic

renders_pages() {
	pdftoppm -r 60 -png -f 1 -l 6 report-ar.pdf "$ART/ar" &&
	pdftoppm -r 60 -png -f 1 -l 6 report-en.pdf "$ART/en" &&
	[ "$(ls "$ART"/ar-*.png | wc -l)" -eq 6 ] && [ "$(ls "$ART"/en-*.png | wc -l)" -eq 6 ]
}
check "the PDF pages render to images for review (tests/artifacts/t0650)" renders_pages

check_fails "a report for a year without findings is refused" sanad report --db r.db --year 2015 --lang en --format html --output x.html
check_fails "an unknown format is refused" sanad report --db r.db --year 2011 --lang en --format docx --output x.docx
check_fails "a PDF needs a file" sanad report --db r.db --year 2011 --lang ar --format pdf --output -
check "no file is left behind by a refused report" sh -c '[ ! -e x.html ] && [ ! -e x.docx ]'

bad_import_changes_nothing() {
	sanad response export --db r.db > before.json &&
	printf '[{"country": "JO", "year": 2012, "finding": {"finding": "full"}},\n {"country": "LB", "year": 2012, "justice": [{"stage": "arrest", "source": "ngo", "source_date": "2012-01-01"}]}]\n' > bad.json &&
	{ sanad response import --db r.db bad.json 2> err; [ $? -eq 1 ]; } &&
	contains err "record 2 (LB 2012), justice item 1: field 'stage': unknown value 'arrest'" &&
	sanad response export --db r.db > after.json &&
	same before.json after.json
}
check "a bad record in a file refuses the whole file" bad_import_changes_nothing

round_trip() {
	sanad response export --db r.db --output all.json &&
	sanad init --db copy.db > /dev/null &&
	sanad response import --db copy.db all.json > /dev/null &&
	sanad response export --db copy.db > copy.json &&
	same all.json copy.json &&
	sanad response import --db r.db all.json > out &&
	grep -q "recommendations: 0 added, 6 updated, 0 already there" out &&
	sanad response export --db r.db > again.json &&
	same all.json again.json
}
check "export and import round-trip; importing again changes nothing" round_trip
finish
