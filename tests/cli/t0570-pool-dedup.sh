#!/bin/sh
# The national pool (issue 5 item 1, and how it is checked): a case counts
# nationally only while its organisation is in the pool and its victim's
# consent to statistical use stands; one person recorded by two
# organisations counts once; an organisation still sees all its own cases.
# Victims, perpetrators and services alike, end to end through the CLI.
. "$TESTS_DIR/cli/lib.sh"

total() { sed -n 's/.*"total_victims": \([0-9]*\).*/\1/p' "$1"; }
national() { sanad stats --db d.db --scope national --by year --format json "$@" > n.json 2> n.err && total n.json; }
own() { sanad stats --db d.db --org "$1" --by year --format json > o.json 2> /dev/null && total o.json; }

setup() {
	sanad init --db d.db > /dev/null &&
	sanad org add --db d.db --code ngo-a --name "NGO A" --in-pool > /dev/null &&
	sanad org add --db d.db --code ngo-b --name "NGO B" --in-pool > /dev/null &&
	sanad org add --db d.db --code ngo-c --name "NGO C, not pooled" > /dev/null &&
	stat1="snd_ConsentScope.1=StatisticalUse snd_ConsentGiven.1=true snd_ConsentDate.1=2020-03-01" &&
	# one person, recorded by A and by B (name in another order and case)
	sanad case add --db d.db --org ngo-a snd_CaseRef=A1 snd_YearOfRegistration=2020 prs_Gender=Masculine \
		prs_FirstName=Mohammed prs_SecondName=Ali prs_Birthdate=1990-05-17 prs_Citizenship=SY \
		vic_TypeOfExploitation=ForcedLabour $stat1 \
		snd_PerpetratorSex.1=Male snd_PerpetratorKind.1=Business \
		snd_ServiceType.1=Shelter snd_ServiceMode.1=InPerson snd_ServiceStart.1=2020-03-02 > /dev/null &&
	sanad case add --db d.db --org ngo-b snd_CaseRef=B1 snd_YearOfRegistration=2020 prs_Gender=Masculine \
		prs_FirstName="ALI " prs_SecondName=" mohammed" prs_Birthdate=1990-05-17 prs_Citizenship=SY \
		vic_TypeOfExploitation=ForcedLabour $stat1 \
		snd_PerpetratorSex.1=Female snd_PerpetratorKind.1=Family snd_PerpetratorSex.2=Male \
		snd_PerpetratorKind.2=Individual \
		snd_ServiceType.1=LegalAid snd_ServiceMode.1=Remote snd_ServiceStart.1=2020-04-01 > /dev/null &&
	# someone else at A; someone at B with the same name but another birth date
	sanad case add --db d.db --org ngo-a snd_CaseRef=A2 snd_YearOfRegistration=2020 prs_Gender=Feminine \
		prs_FirstName=Amina prs_Birthdate=2001-01-01 prs_Citizenship=ET $stat1 > /dev/null &&
	sanad case add --db d.db --org ngo-b snd_CaseRef=B2 snd_YearOfRegistration=2021 prs_Gender=Masculine \
		prs_FirstName=Mohammed prs_SecondName=Ali prs_Birthdate=1991-05-17 prs_Citizenship=SY $stat1 \
		snd_PerpetratorSex.1=Male snd_PerpetratorKind.1=CriminalNetwork > /dev/null &&
	# not pooled; and pooled but never asked about statistical use
	sanad case add --db d.db --org ngo-c snd_CaseRef=C1 snd_YearOfRegistration=2020 prs_Gender=Feminine \
		$stat1 > /dev/null &&
	sanad case add --db d.db --org ngo-b snd_CaseRef=B3 snd_YearOfRegistration=2020 prs_Gender=Feminine \
		> /dev/null
}
check "six cases in three organisations" setup
check "every case counts in the file's own figures" sh -c '[ "$("$SANAD" stats --db d.db --by year --format csv | awk -F, "NR > 1 { s += \$NF } END { print s }")" = 6 ]'

national3() {
	sanad stats --db d.db --scope national --by year --format json > n.json 2> n.err &&
	contains n.json '"total_victims": 3' &&
	contains n.err "1 record of a person already counted"
}
check "nationally: A1 and B1 are one person, C1 is not pooled, B3 has no consent: 3 victims" national3
check "the person counts under the first record's values (A1 registered 2020)" sh -c '
	"$SANAD" stats --db d.db --scope national --by year,sex --format csv 2> /dev/null > ys &&
	grep -qx "2020,Male,1" ys && grep -qx "2020,Female,1" ys && grep -qx "2021,Male,1" ys'
own_figures() {
	equals "$(own ngo-a)" 2 && equals "$(own ngo-b)" 3 && equals "$(own ngo-c)" 1
}
check "each organisation's own figures keep all its cases, duplicates and unconsented included" own_figures
check "perpetrators nationally: A1's one (not B1's two) and B2's one" sh -c '
	"$SANAD" stats --db d.db --scope national --count perpetrators --by perpetrator_kind --format csv 2> /dev/null > pk &&
	grep -qx "perpetrator_kind,count" pk && grep -qx "Business,1" pk && grep -qx "CriminalNetwork,1" pk &&
	[ "$(wc -l < pk)" = 3 ]'
check "services nationally: only A1'\''s" sh -c '
	"$SANAD" stats --db d.db --scope national --count services --by service_type,service_mode --format csv 2> /dev/null > sv &&
	[ "$(cat sv)" = "service_type,service_mode,count
Shelter,InPerson,1" ]'
check "NGO B sees its own perpetrators" sh -c '
	"$SANAD" stats --db d.db --org ngo-b --count perpetrators --by perpetrator_kind --format json > pj &&
	grep -q "\"total_victims\": 3" pj'

leaves() {
	sanad org update --db d.db ngo-a --pool no > out &&
	contains out "organisation 'ngo-a' has left the national pool" &&
	sanad org list --db d.db | grep -q "^ngo-a	NGO A	-	-	not-in-pool$" &&
	equals "$(national)" 2 &&
	# B1 now stands for the person, with its own perpetrators
	sanad stats --db d.db --scope national --count perpetrators --by perpetrator_kind --format csv 2> /dev/null > pk &&
	grep -qx "Family,1" pk && grep -qx "Individual,1" pk && grep -qx "CriminalNetwork,1" pk &&
	not_contains pk Business &&
	equals "$(own ngo-a)" 2
}
check "an organisation that leaves the pool leaves the national figures at once" leaves
rejoins() {
	sanad org update --db d.db ngo-a --pool yes > out &&
	contains out "organisation 'ngo-a' is in the national pool" &&
	equals "$(national)" 3
}
check "and comes back when it rejoins" rejoins
revoked() {
	sanad case update --db d.db A2 snd_ConsentScope.2=StatisticalUse snd_ConsentGiven.2=false \
		snd_ConsentDate.2=2021-02-01 > /dev/null &&
	equals "$(national)" 2 &&
	equals "$(own ngo-a)" 2
}
check "a case whose consent is revoked disappears from the national figures at once" revoked
given_again() {
	sanad case update --db d.db A2 snd_ConsentScope.3=StatisticalUse snd_ConsentGiven.3=true \
		snd_ConsentDate.3=2021-06-01 > /dev/null &&
	equals "$(national)" 3
}
check "the latest consent decides: given again, counted again" given_again
unnamed_twice() {
	# without a name or birth date there is no match key: no merging on guesswork
	sanad case add --db d.db --org ngo-a snd_CaseRef=A3 snd_YearOfRegistration=2022 prs_Gender=Masculine \
		prs_Birthdate=1990-05-17 prs_Citizenship=SY snd_ConsentScope.1=StatisticalUse \
		snd_ConsentGiven.1=true snd_ConsentDate.1=2022-01-01 > /dev/null &&
	equals "$(national)" 4
}
check "a case without a name is never merged" unnamed_twice
check "the match key is a keyed hash: no name or birth date in it" sh -c '
	sqlite3 d.db "SELECT match_key FROM cases WHERE match_key IS NOT NULL" > keys &&
	[ "$(wc -l < keys)" = 4 ] && [ "$(sort -u keys | wc -l)" = 3 ] &&
	! grep -qi "mohammed\|1990\|mhmd" keys'
check_fails "org update needs yes or no" sanad org update --db d.db ngo-a --pool maybe
check_fails "org update of an unknown organisation fails" sanad org update --db d.db nobody --pool no
check_fails "an unknown subject is refused" sanad stats --db d.db --count traffickers --by year
check_fails "a victims' dimension is not a perpetrators' one" sanad stats --db d.db --count perpetrators --by stage
finish
