#!/bin/sh
# sanad assess: TIP tier placement from country-year records, end to end.
. "$TESTS_DIR/cli/lib.sh"

FIXTURES="$TESTS_DIR/assess/fixtures"

# The fixture: Jordan on the Watch List in 2009 (criterion c) and 2010
# (a: 400 victims are 1.6 times 250; b: flat figures), then a third year
# that would be Watch List again without a waiver; Lebanon the same with
# the waiver; North Korea in Tier 3 with one sanction waived; Sweden in
# Tier 1.  Records are out of year order on purpose.
cat > expected-summary <<'EOF'
JO 2011 3 b true non_humanitarian_non_trade_assistance,educational_cultural_exchange_funding,international_financial_institution_loans
JO 2009 2WL c false -
JO 2010 2WL a,b false -
LB 2009 2WL c false -
LB 2010 2WL b false -
LB 2011 2WL b false -
KP 2011 3 - false non_humanitarian_non_trade_assistance,educational_cultural_exchange_funding
SE 2011 1 - false -
EOF

# lib.sh runs a check's function in an if condition, where set -e is
# ignored: every step below is chained with && so that any failure counts.
places_the_fixture() {
	sanad assess --input "$FIXTURES/watch-list-years.json" > out.json &&
	assess_summary out.json > summary &&
	same summary expected-summary
}
check "assess places every record, in input order, by the seed's rules" places_the_fixture

explains_the_placements() {
	sanad assess --input "$FIXTURES/watch-list-years.json" > out.json &&
	contains out.json '"Criterion (a) applies: 400 victims are 1.6 times the 250 of 2009, at least the increase ratio of 1.5 (victims_increase_ratio); 400 victims are below the very significant threshold of 5000' &&
	contains out.json 'JO was on the Tier 2 Watch List in 2009 and 2010, two consecutive years counted from the 2009 report, and would be on it again in 2011.' &&
	contains out.json 'Without a waiver, two consecutive years on the Watch List place JO in Tier 3.' &&
	contains out.json 'The Watch List waiver was applied' &&
	contains out.json 'Criterion (b) cannot apply: there is no record for LB 2008' &&
	contains out.json 'Sanctions waived .*: international_financial_institution_loans.' &&
	contains out.json '"Finding (full): the government fully meets the minimum standards'
}
check "every placement lists its reasons" explains_the_placements

pretty_printed_with_keys_in_order() {
	sanad assess --input "$FIXTURES/watch-list-years.json" > out.json &&
	head -n 9 out.json > head &&
	cat > want <<'EOF' &&
[
  {
    "country": "JO",
    "year": 2011,
    "tier": "3",
    "watch_list_criteria": [
      "b"
    ],
    "downgraded_after_two_watch_list_years": true,
EOF
	same head want
}
check "output is indented JSON with the documented key order" pretty_printed_with_keys_in_order

output_option_writes_the_same() {
	sanad assess --input "$FIXTURES/watch-list-years.json" > stdout.json &&
	sanad assess --input "$FIXTURES/watch-list-years.json" --output file.json > nothing &&
	same stdout.json file.json &&
	[ ! -s nothing ]
}
check "--output writes the same JSON to a file" output_option_writes_the_same

reads_standard_input_and_plain_arrays() {
	printf '[{"country":"JO","year":2012,"finding":"significant_efforts","efforts_rest_on_commitments":true}]' |
		sanad assess --input - > out.json &&
	assess_summary out.json > got &&
	echo "JO 2012 2WL c false -" > want &&
	same got want
}
check "a plain array on standard input is accepted" reads_standard_input_and_plain_arrays

empty_input() {
	echo '[]' > empty.json &&
	sanad assess --input empty.json > out.json &&
	equals "$(cat out.json)" "[]"
}
check "no records give an empty array" empty_input

# Refusals: exit status 1, a message naming the record on stderr, nothing on
# stdout, and no output file.
refuses() {
	want_message=$1
	printf '%s' "$2" > bad.json || return 1
	rm -f result.json
	sanad assess --input bad.json --output result.json > out 2> err && { echo "accepted bad input"; return 1; }
	status=$?
	[ "$status" -eq 1 ] || { echo "exit status $status, expected 1"; return 1; }
	[ ! -s out ] || { echo "something on stdout"; return 1; }
	[ ! -e result.json ] || { echo "result written"; return 1; }
	contains err "$want_message" || return 1
	sanad assess --input bad.json > out 2> err2 && { echo "accepted bad input"; return 1; }
	[ ! -s out ] || { echo "something on stdout"; return 1; }
}
check "an unknown country is refused naming the record" refuses \
	'sanad assess: record 2 (index 1, XX 2010): unknown country' \
	'[{"country":"JO","year":2010,"finding":"full"},{"country":"XX","year":2010,"finding":"full"}]'
check "a missing finding is refused naming the record" refuses \
	"record 1 (index 0, JO 2010): missing field 'finding'" \
	'[{"country":"JO","year":2010}]'
check "a duplicate country-year is refused naming both records" refuses \
	'record 2 (index 1, JO 2010): duplicate country-year: record 1 (index 0) is also JO 2010' \
	'[{"country":"JO","year":2010,"finding":"full"},{"country":"JO","year":2010,"finding":"full"}]'
check "a negative count is refused" refuses \
	"field 'convictions' must not be negative" \
	'[{"country":"JO","year":2010,"finding":"full","convictions":-2}]'
check "an unknown waiver is refused" refuses \
	"unknown waiver 'sanction'" \
	'[{"country":"JO","year":2010,"finding":"full","waivers":["sanction"]}]'
check "an unknown setting is refused" refuses \
	"settings: unknown setting 'threshold'" \
	'{"settings":{"threshold":3},"records":[]}'
check "a year before the first report is refused" refuses \
	'year 1999 is outside 2001..2100' \
	'[{"country":"JO","year":1999,"finding":"full"}]'
check "a misspelt field is refused" refuses \
	"unknown field 'victim'" \
	'[{"country":"JO","year":2010,"finding":"full","victim":3}]'
check "a repeated key is refused" refuses \
	'duplicate object key' \
	'[{"country":"JO","year":2010,"finding":"full","finding":"no_significant_efforts"}]'
check "text that is not JSON is refused with its position" refuses \
	'bad.json: line 1, column' \
	'[{"country":'

usage_error() {
	sanad assess > out 2> err && return 1
	status=$?
	[ "$status" -eq 2 ] && contains err "input FILE.json is required"
}
check "a missing --input is a usage error" usage_error
check_fails "a missing input file is refused" sanad assess --input no-such-file.json
check "help documents the input and output formats" sh -c '
	"$SANAD" assess --help > help &&
	grep -q "usage: sanad assess --input FILE.json" help &&
	grep -q "efforts_rest_on_commitments" help &&
	grep -q "downgraded_after_two_watch_list_years" help &&
	grep -q "international_financial_institution_loans" help'
finish
