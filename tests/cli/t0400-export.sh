#!/bin/sh
# Export, import back, export again: the same bytes.  And the case register
# for scripts: case add, list, show, update.
. "$TESTS_DIR/cli/lib.sh"
# the checks below run `sh -c`, where lib.sh's sanad() function is not defined
mkdir -p "$T/bin" && ln -s "$SANAD" "$T/bin/sanad" && PATH="$T/bin:$PATH" && export PATH

sanad init --db a.db > /dev/null
sanad org add --db a.db --code shelter-amal --name "Amal shelter" --name-ar "دار أمل" --type NGO --country JO > /dev/null

# ---- case add ----
add_first() {
	sanad case add --db a.db --org local prs_FirstName="فاطمة" prs_SecondName='Ali, "the" elder' \
		prs_Gender=Feminine prs_Birthdate=1990-02-03 snd_IdentificationDate=2021-03-01 \
		prs_Citizenship="JO;ET" vic_TypeOfExploitation=ForcedLabour cas_CaseOwner=rania \
		cas_IncomingReferralDetails="$(printf 'first line\nsecond, "quoted" line')" \
		hte_Type.1=Recruitment hte_Country.1=ET hte_City.1="@Addis" \
		hte_Type.2=Exploitation hte_Country.2=JO hte_Description.2="=cmd|' /C calc'!A0" > ref
	equals "$(cat ref)" SND-000001
}
check "case add creates a case and prints its reference" add_first
check "case add takes the organisation and every repeating group" sh -c '
	sanad case add --db a.db --org shelter-amal snd_CaseRef=AMAL-7 prs_FirstName="Amina" \
		prs_Gender=Masculine snd_RegistrationDate=2022-05-04 snd_AgeAtIdentification=16 \
		prs_MailingLongitude=-12.5 prs_NumberOfChildren=2 prs_Deceased=false cas_CaseOwner=omar \
		snd_ServiceType.1=Shelter snd_ServiceStart.1=2022-05-04 snd_ServiceMode.1=InPerson \
		cco_CaseComment.1="'\''apostrophe first" cco_CaseComment.2="+plus, first" \
		spl_Objectives.1="عودة آمنة" snd_ConsentScope.1=StatisticalUse snd_ConsentGiven.1=true \
		snd_ConsentDate.1=2022-05-05 cas_ReferredOrganisation.1=local snd_PerpetratorName.1="X Y" \
		per_Organisation.1="-gang" > ref2 && grep -qx AMAL-7 ref2'
check "case add reads one case object with --json" sh -c '
	printf "{\"prs_FirstName\":\"Hala\",\"prs_Citizenship\":[\"SY\"],\"prs_NumberOfChildren\":1,\"events\":[{\"hte_Type\":\"Transit\",\"hte_Country\":\"LB\"}]}" > one.json &&
	sanad case add --db a.db --org local --json one.json > ref3 && grep -qx SND-000003 ref3'
check "a case gets the only organisation without --org" sh -c '
	sanad init --db solo.db > /dev/null && sanad case add --db solo.db prs_Gender=Feminine | grep -qx SND-000001'
check_fails "with several organisations, case add needs --org" sanad case add --db a.db prs_Gender=Feminine
bad_value() {
	! sanad case add --db a.db --org local prs_Gender=Robot 2> err &&
	contains err "prs_Gender" && contains err "Robot"
}
check "a bad value is refused naming the field and the value" bad_value
bad_name() { ! sanad case add --db a.db --org local prs_Favourite=blue 2> err && contains err "prs_Favourite"; }
check "an unknown field is refused by name" bad_name
no_item() { ! sanad case add --db a.db --org local hte_Type=Recruitment 2> err && contains err "hte_Type.1"; }
check "a repeating group's field needs its item number" no_item
gap() { ! sanad case add --db a.db --org local hte_Type.2=Recruitment 2> err && contains err "events item 1"; }
check "item numbers may not leave gaps" gap
bad_item_value() { ! sanad case add --db a.db --org local hte_Type.1=Nope 2> err && contains err "events item 1: hte_Type" && contains err "Nope"; }
check "a bad item value names the item and the field" bad_item_value
bad_rule() { ! sanad case add --db a.db --org local prs_Birthdate=2030-01-01 2> err && contains err "prs_Birthdate"; }
check "rules across fields apply" bad_rule
check "refused cases leave nothing behind" sh -c '[ "$(sanad case list --db a.db --format csv | wc -l)" -eq 4 ]'

# ---- case list and show ----
list_csv() {
	sanad case list --db a.db --format csv > list.csv
	printf '%s\n' \
		'snd_CaseRef,snd_Organisation,snd_YearOfRegistration,snd_Stage,cas_Status,snd_Sex,snd_AgeBroad,prs_Citizenship' \
		'SND-000001,local,2021,,,Female,30--38,ET;JO' \
		'AMAL-7,shelter-amal,2022,,,Male,9--17,' \
		'SND-000003,local,,,,,,SY' > expected.csv
	same list.csv expected.csv
}
check "case list shows one line per case, with derived fields" list_csv
check "a listing never shows names" sh -c 'sanad case list --db a.db > l.txt && ! grep -q "فاطمة" l.txt && ! grep -q Amina l.txt && grep -q "^SND-000001 *local" l.txt'
check "case list pages with --limit and --after" sh -c '
	[ "$(sanad case list --db a.db --format csv --limit 1 --after SND-000001 | tail -n 1 | cut -d, -f1)" = AMAL-7 ] &&
	[ "$(sanad case list --db a.db --format csv --limit 1 --after AMAL-7 | wc -l)" -eq 2 ]'
check "case list filters by organisation and owner" sh -c '
	[ "$(sanad case list --db a.db --format csv --org shelter-amal | tail -n +2 | cut -d, -f1)" = AMAL-7 ] &&
	[ "$(sanad case list --db a.db --format csv --owner rania | tail -n +2 | cut -d, -f1)" = SND-000001 ]'
check "case list --format json is a list of objects" sh -c '
	sanad case list --db a.db --format json > l.json &&
	python3 -c "import json,sys; d=json.load(open(\"l.json\")); assert len(d)==3 and d[0][\"prs_Citizenship\"]==[\"ET\",\"JO\"] and d[0][\"snd_YearOfRegistration\"]==2021, d"'
check_fails "case list --after an unknown reference fails" sanad case list --db a.db --after NOPE-1
show_text() {
	sanad case show --db a.db SND-000001 > show.txt
	grep -q '^prs_FirstName  *فاطمة$' show.txt
	grep -q '^snd_Sex  *Female (' show.txt
	grep -q '^events 2$' show.txt
	grep -q '^  hte_Country  *JO (' show.txt
	grep -q '^ *second, "quoted" line$' show.txt
}
check "case show prints every known field, labels and items" show_text
check "case show --lang ar gives Arabic labels" sh -c 'sanad case show --db a.db SND-000001 --lang ar | grep -q "ForcedLabour (العمل القسري)"'
check "case show --format json is the export's case object" sh -c '
	sanad case show --db a.db AMAL-7 --format json > s.json &&
	python3 -c "import json; d=json.load(open(\"s.json\")); assert d[\"prs_NumberOfChildren\"]==2 and d[\"prs_Deceased\"] is False and len(d[\"comments\"])==2, d"'
check_fails "case show of an unknown reference fails" sanad case show --db a.db NOPE-1

# ---- export, import, export ----
check "export writes HTCDS CSV to a file readable by its owner only" sh -c '
	sanad export --db a.db --format htcds-csv --output a.csv && [ "$(stat -c %a a.csv)" = 600 ] &&
	head -n 1 a.csv | grep -q "^snd_CaseRef,snd_Organisation," && head -n 1 a.csv | grep -q ",hte_Type.2,"'
guards() {
	grep -q "'=cmd|' /C calc'!A0" a.csv
	grep -q "'@Addis" a.csv
	grep -q "\"'+plus, first\"" a.csv
	grep -q "''apostrophe first" a.csv
	grep -q ",-12.5," a.csv
}
check "export guards formulas in free text only" guards
check "export writes JSON" sh -c 'sanad export --db a.db --format json --output a.json && head -c 40 a.json | grep -q "^{\"format\":\"sanad-cases\",\"version\":1,"'
check "export to standard output is the same as to a file" sh -c 'sanad export --db a.db --format json > stdout.json && cmp stdout.json a.json'
round_trip() {
	fmt=$1 file=$2
	rm -f "r-$fmt.db"
	sanad init --db "r-$fmt.db" > /dev/null
	sanad import --db "r-$fmt.db" --format "$fmt" "$file" > /dev/null 2>&1
	sanad export --db "r-$fmt.db" --format "$fmt" > "again.$fmt"
	same "$file" "again.$fmt"
}
check "HTCDS CSV: export, import into a new database, export gives the same bytes" round_trip htcds-csv a.csv
check "JSON: export, import into a new database, export gives the same bytes" round_trip json a.json
check "JSON import recreates the organisations" sh -c 'sanad org list --db r-json.db | grep -q "^shelter-amal	Amal shelter	NGO	JO"'
no_identity() {
	sanad export --db a.db --format htcds-csv --no-identity > ni.csv
	sanad export --db a.db --format json --no-identity > ni.json
	not_contains ni.csv "prs_FirstName" && not_contains ni.csv "فاطمة" && not_contains ni.csv "snd_PerpetratorName"
	not_contains ni.json "prs_FirstName" && not_contains ni.json "Amina" && not_contains ni.json "cas_IncomingReferralDetails"
	contains ni.csv "prs_Gender" && contains ni.json '"prs_Citizenship":\["ET","JO"\]'
}
check "--no-identity leaves out names and narratives" no_identity
check "--org exports one organisation's cases" sh -c '
	sanad export --db a.db --format htcds-csv --org shelter-amal > org.csv && [ "$(wc -l < org.csv)" -eq 2 ] && grep -q "^AMAL-7," org.csv'
failed_export() {
	! sanad export --db a.db --format json --org nobody --output x.json 2> err
	contains err nobody
	[ ! -e x.json ] && [ -z "$(ls | grep '^x.json')" ]
}
check "a failed export leaves no file behind" failed_export
check_fails "an unknown export format is refused" sanad export --db a.db --format xlsx
check "export refuses an unknown format as a usage error" sh -c 'sanad export --db a.db --format xlsx 2>/dev/null; [ $? -eq 2 ]'

# ---- case update ----
check "case update changes a field" sh -c '
	sanad case update --db a.db SND-000001 prs_FirstName="Fatima" cas_Status=Active > out && grep -qx "updated SND-000001" out &&
	sanad case show --db a.db SND-000001 | grep -q "^prs_FirstName  *Fatima$"'
check "case update with an empty value clears a field" sh -c '
	sanad case update --db a.db SND-000001 cas_CaseOwner= > /dev/null && ! sanad case show --db a.db SND-000001 | grep -q "^cas_CaseOwner"'
check "derived fields follow their sources" sh -c '
	sanad case update --db a.db SND-000001 prs_Birthdate=2005-01-01 prs_Gender=Masculine > /dev/null &&
	sanad case list --db a.db --format csv --limit 1 | tail -n 1 | grep -q "^SND-000001,local,2021,,[A-Za-z]*,Male,9--17,"'
dup_ref() { ! sanad case update --db a.db SND-000001 snd_CaseRef=AMAL-7 2> err && contains err "snd_CaseRef" && contains err "AMAL-7"; }
check "case update refuses a reference another case has" dup_ref
check "case update can rename a reference" sh -c '
	sanad case update --db a.db SND-000003 snd_CaseRef=HALA-1 > /dev/null && sanad case show --db a.db HALA-1 | grep -q "^prs_FirstName  *Hala$"'
bad_update() {
	! sanad case update --db a.db AMAL-7 prs_FirstName=Changed snd_Sex=Robot 2> err
	contains err "snd_Sex" && contains err "Robot"
	sanad case show --db a.db AMAL-7 | grep -q "^prs_FirstName  *Amina$"
}
check "a refused update changes nothing" bad_update
items() {
	sanad case update --db a.db SND-000001 hte_Type.3=Transit hte_Country.3=SD > /dev/null
	sanad case show --db a.db SND-000001 > s1 && grep -q "^events 3$" s1
	sanad case update --db a.db SND-000001 --remove-item events:1 > /dev/null
	sanad case show --db a.db SND-000001 --format json > s2.json
	python3 -c "import json; d=json.load(open('s2.json')); assert [e['hte_Type'] for e in d['events']]==['Exploitation','Transit'], d['events']"
}
check "case update adds and removes repeating-group items" items
check_fails "removing an item that does not exist fails" sanad case update --db a.db SND-000001 --remove-item events:9
check_fails "an update that would empty an item fails" sanad case update --db a.db AMAL-7 snd_PerpetratorName.1= per_Organisation.1=
check_fails "an update of an unknown case fails" sanad case update --db a.db NOPE-1 prs_FirstName=X
check "check finds the database healthy after all this" sanad check --db a.db
finish
