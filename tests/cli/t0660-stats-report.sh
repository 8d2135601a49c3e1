#!/bin/sh
# The statistical report of a year (issue 5 item 4): `sanad report
# --statistics` in Arabic and English, as PDF and HTML, from demo cases.
# The totals must be those `sanad stats --publish` prints for the same
# cases and year; Arabic headings must come out of the PDF in logical
# order (shaped text, right to left); the HTML is a right-to-left page with
# inline SVG charts.  The PDF pages are rendered to PNG under
# tests/artifacts/stats-report/ for a person to look at.
. "$TESTS_DIR/cli/lib.sh"

ART="${ARTIFACTS_DIR:-$TESTS_DIR/artifacts}/stats-report"
rm -rf "$ART"
mkdir -p "$ART"
YEAR=2024

# PDF text without white space or bidirectional marks (as in t0650):
# pdftotext spaces Arabic letters by their positions, so words are compared joined.
pdf_text() {
	pdftotext "$1" - | perl -CSD -0777 -pe 's/[\x{200E}\x{200F}\x{202A}-\x{202E}\s]//g'
}

check "demo cases to report on" sanad demo --db d.db --cases 3000 --seed 7

# the published total of the year, as sanad stats prints it
total_of() {
	sanad stats --db d.db --by sex --year "$YEAR" --publish "$@" | sed -n 's/^Total victims: \([0-9x]*\)$/\1/p'
}
TOTAL=$(total_of)

check "sanad stats publishes a total for the year" sh -c '[ -n "$1" ] && [ "$1" != x ] && [ "$1" -ge 5 ]' _ "$TOTAL"

english_pdf() {
	sanad report --statistics --db d.db --year $YEAR --lang en --format pdf --output en.pdf --scope all &&
	pdf_text en.pdf > en.txt &&
	contains en.txt "Statisticalreport${YEAR}:victimsoftraffickinginpersons" &&
	contains en.txt "Victimsregisteredin${YEAR}:${TOTAL}\." &&
	contains en.txt "Victimsbysexandageband" &&
	contains en.txt "Formofexploitation" &&
	contains en.txt "Nationality:thetenmostfrequentandtheothers" &&
	contains en.txt "Trendovertheyears" &&
	contains en.txt "Disclosurecontrol:ineverytable,countsfrom1to4aresuppressed" &&
	contains en.txt "page2" &&
	pdftoppm -r 60 -png en.pdf "$ART/en"
}
check "the English PDF has the sections and the published total" english_pdf

arabic_pdf() {
	sanad report --statistics --db d.db --year $YEAR --lang ar --format pdf --output ar.pdf --scope all &&
	pdf_text ar.pdf > ar.txt &&
	# poppler extracts lam-alef ligatures reversed (الاتجاه as االتجاه), so
	# headings with one are matched from the letters after it; the year and
	# the count of a right-to-left sentence come out in visual order
	contains ar.txt "المجاميعوالمنهجية" &&
	contains ar.txt "الضحاياحسبالجنسوالفئةالعمرية" &&
	contains ar.txt "تجاهعبرالسنوات" &&
	contains ar.txt "عددالضحاياالمسجلينفيعام.\{0,2\}${TOTAL}:${YEAR}" &&
	pdftoppm -r 60 -png ar.pdf "$ART/ar"
}
check "the Arabic PDF has its headings in logical order" arabic_pdf

# the national scope is the default: its total and the records merged are
# those of sanad stats --scope national
national() {
	ntotal=$(total_of --scope national) &&
	merged=$(sanad stats --db d.db --by sex --year "$YEAR" --publish --scope national 2>&1 >/dev/null |
		sed -n 's/.*national pool: \([0-9]*\) records.*/\1/p') &&
	[ -n "$ntotal" ] && [ -n "$merged" ] && [ "$merged" -gt 0 ] && [ "$ntotal" != "$TOTAL" ] &&
	sanad report --statistics --db d.db --year $YEAR --lang en --format pdf --output nat.pdf &&
	pdf_text nat.pdf > nat.txt &&
	contains nat.txt "Nationalfigures:thepooledcases" &&
	contains nat.txt "Victimsregisteredin${YEAR}:${ntotal}\." &&
	contains nat.txt "anotherorganisationandmerged:${merged}\." &&
	contains nat.txt "Pooling:acasecountsinthenationalfigures" &&
	contains nat.txt "Routesoftrafficking" &&
	contains nat.txt "Servicesbyyearandmode" &&
	pdftoppm -r 60 -png nat.pdf "$ART/national-en"
}
check "the national report says how cases are pooled" national

html_pages() {
	sanad report --statistics --db d.db --year $YEAR --lang ar --format html --output ar.html --scope all &&
	contains ar.html '<html lang="ar" dir="rtl">' &&
	contains ar.html '<h2>شكل الاستغلال</h2>' &&
	contains ar.html "عدد الضحايا المسجلين في عام $YEAR: $TOTAL\." &&
	contains ar.html '<svg ' &&
	contains ar.html '<title>الضحايا حسب الجنس والفئة العمرية</title>' &&
	not_contains ar.html 'src="http' &&
	not_contains ar.html '<script' &&
	sanad report --statistics --db d.db --year $YEAR --lang en --format html --output - --scope all > en.html &&
	contains en.html '<html lang="en" dir="ltr">' &&
	contains en.html "Victims registered in $YEAR: $TOTAL\." &&
	# every chart's ids are its own, so inlined charts do not share glyphs
	n_svg=$(grep -o '<svg ' en.html | wc -l) &&
	[ "$n_svg" -ge 4 ] &&
	n_prefix=$(grep -o 'id="c[0-9a-f]\{8\}-' en.html | sort -u | wc -l) &&
	equals "$n_prefix" "$n_svg"
}
check "the HTML pages are self-contained, right to left in Arabic, with inline charts" html_pages

# a threshold above the total withholds it
high_threshold() {
	sanad report --statistics --db d.db --year $YEAR --lang en --format html --output t.html --scope all \
		--threshold 1000 &&
	contains t.html "Victims registered in $YEAR: x\." &&
	contains t.html "counts from 1 to 999 are suppressed"
}
check "--threshold applies to every table, the total included" high_threshold

empty_year() {
	sanad report --statistics --db d.db --year 2031 --lang en --format html --output e.html --scope all &&
	contains e.html "Victims registered in 2031: 0\." &&
	contains e.html "No cases counted\."
}
check "a year without cases gives a report of zeros" empty_year

check_fails "--statistics is not written as JSON" \
	sanad report --statistics --db d.db --year $YEAR --lang en --format json --output x.json
check_fails "an unknown scope is refused" \
	sanad report --statistics --db d.db --year $YEAR --lang en --format pdf --output x.pdf --scope world
check_fails "a threshold below 2 is refused" \
	sanad report --statistics --db d.db --year $YEAR --lang en --format pdf --output x.pdf --threshold 1
check_fails "--scope belongs to --statistics" \
	sanad report --db d.db --year $YEAR --lang en --format html --output x.html --scope all
check "a refused report leaves no file" sh -c '! ls x.* 2>/dev/null'

finish
