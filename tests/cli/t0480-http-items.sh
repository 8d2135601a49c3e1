#!/bin/sh
# Issue 4's gaps, end to end on a real `sanad serve`: changing and removing
# items of a case's repeating groups (with validation, the comment-author,
# consent and referral rules, If-Match and the audit), the error envelope
# naming the field, declined referrals staying visible to the receiver
# without the person, the receiver's choice of caseworker on accepting, and
# the list of report years.
. "$TESTS_DIR/cli/lib.sh"

# ---- fixture: ngo-a (cw, cw2, sup), ngo-b (cwb, supb, cwb2) ----
sanad init --db s.db --org ngo-a --org-name "NGO A" > /dev/null
sanad org add --db s.db --code ngo-b --name "NGO B" --type NGO --in-pool > /dev/null
sanad response import --db s.db "$TESTS_DIR/response/fixtures/records-2009-2011.json" > /dev/null
add_user cw caseworker ngo-a
add_user cw2 caseworker ngo-a
add_user sup supervisor ngo-a
add_user cwb caseworker ngo-b
add_user supb supervisor ngo-b
add_user cwb2 caseworker ngo-b
add_user ana analyst ngo-a

check_server_starts "sanad serve starts"

etag() { sed -n 's/^[Ee][Tt][Aa][Gg]: *\("[0-9a-f]*"\).*/\1/p' "$T/hdr" | tr -d '\r'; }
audit_has() { # PATTERN: the audit trail (as the administrator sees it) has a line matching it
	sanad audit list --db "$T/s.db" --limit 500 > "$T/audit"
	grep -q -- "$1" "$T/audit" || { echo "no audit line matching '$1'"; tail -5 "$T/audit"; return 1; }
}

C=/api/v1/cases/SND-000001
setup() {
	status 201 cw POST /api/v1/cases '{"prs_FirstName":"Amina","prs_Gender":"Feminine"}'
	status 201 cw POST $C/events '{"hte_Type":"Recruitment","hte_Country":"JO"}'
	status 201 cw POST $C/events '{"hte_Type":"Transit"}'
	status 201 cw POST $C/events '{"hte_Type":"Exploitation","hte_Description":"third"}'
	status 201 cw POST $C/comments '{"cco_CaseComment":"by cw"}'
	status 201 cw2 POST $C/comments '{"cco_CaseComment":"by cw2"}'
	status 201 cw POST $C/services '{"snd_ServiceType":"RiskAssessment","snd_ServiceStart":"2024-01-01"}'
	status 201 cw POST $C/services '{"snd_ServiceType":"Return","snd_ServiceStart":"2024-02-01"}'
	status 201 cw POST $C/consents '{"snd_ConsentScope":"Referral","snd_ConsentGiven":true,"snd_ConsentRecipient":"ngo-b"}'
	status 201 cw POST $C/referrals '{"cas_ReferredOrganisation":"ngo-b","cas_ReasonForOutgoingReferral":"AdditionalServicesRequired","cas_OutgoingReferralDetails":"private details"}'
}
check "a case with events, comments, services, a consent and a referral" setup

edit_item() {
	status 200 cw PATCH $C/events/2 '{"hte_Country":"SY","hte_Date":"2023-05-01"}'
	json resp '[e["hte_Type"] for e in d["case"]["events"]]==["Recruitment","Transit","Exploitation"]'
	json resp 'd["case"]["events"][1]["hte_Country"]=="SY" and d["case"]["events"][1]["hte_Date"]=="2023-05-01"'
	# null clears a field
	status 200 cw PATCH $C/events/1 '{"hte_Country":null}'
	json resp '"hte_Country" not in d["case"]["events"][0]'
}
check "PATCH changes one item in place, keeping the order; null clears a field" edit_item

edit_validated() {
	status 400 cw PATCH $C/events/2 '{"hte_Date":"2023-13-01"}'
	json resp 'd["error"]=="invalid" and d["field"]=="hte_Date" and d["group"]=="events" and d["item"]==2'
	status 400 cw PATCH $C/events/2 '{"hte_Colour":"red"}'
	json resp 'd["field"]=="hte_Colour" and d["item"]==2'
	status 400 cw PATCH $C/events/2 '{"hte_Type":null}'
	json resp 'd["error"]=="invalid" and d["field"]=="hte_Type" and d["group"]=="events" and d["item"]==2'
	status 404 cw PATCH $C/events/9 '{"hte_City":"Amman"}'
	status 404 cw PATCH $C/events/0 '{"hte_City":"Amman"}'
	status 404 cw PATCH $C/colours/1 '{"hte_City":"Amman"}'
	status 200 cw GET $C
	json resp 'd["case"]["events"][1].get("hte_Date")=="2023-05-01" and "hte_City" not in d["case"]["events"][1]'
}
check "a bad item change is refused with the field, group and item named, and changes nothing" edit_validated

delete_item() {
	status 200 cw DELETE $C/events/2
	json resp '[e["hte_Type"] for e in d["case"]["events"]]==["Recruitment","Exploitation"]'
	json resp 'd["case"]["events"][1]["hte_Description"]=="third"'
	status 404 cw DELETE $C/events/3
}
check "DELETE removes one item; the later ones move up and keep their order" delete_item

if_match() {
	status 200 cw GET $C
	old=$(etag)
	status 200 cw PATCH $C/events/1 '{"hte_City":"Irbid"}'
	# a removal based on the version before that change is refused
	status 409 cw DELETE $C/events/1 - -H "If-Match: $old"
	json resp 'd["error"]=="conflict"'
	status 200 cw GET $C
	status 200 cw DELETE $C/events/2 - -H "If-Match: $(etag)"
	json resp 'len(d["case"]["events"])==1'
}
check "If-Match protects an item change from a stale copy" if_match

comment_author() {
	status 403 cw PATCH $C/comments/2 '{"cco_CaseComment":"rewritten"}'
	status 403 cw DELETE $C/comments/2
	status 200 cw PATCH $C/comments/1 '{"cco_CaseComment":"by cw, corrected"}'
	json resp 'd["case"]["comments"][0]["cco_CaseComment"]=="by cw, corrected" and d["case"]["comments"][0]["snd_CommentAuthor"]=="cw"'
	status 400 cw PATCH $C/comments/1 '{"snd_CommentAuthor":"cw2"}'
	json resp 'd["field"]=="snd_CommentAuthor"'
	status 200 sup DELETE $C/comments/2
	json resp '[x["cco_CaseComment"] for x in d["case"]["comments"]]==["by cw, corrected"]'
}
check "a comment is changed or removed only by its author or a supervisor, and keeps its author" comment_author

return_rule() {
	status 409 cw DELETE $C/services/1
	json resp 'd["error"]=="risk_assessment_required"'
	status 409 cw PATCH $C/services/1 '{"snd_ServiceStart":"2024-03-01"}'
	status 200 cw GET $C
	json resp '[s["snd_ServiceType"] for s in d["case"]["services"]]==["RiskAssessment","Return"]'
	status 400 cw PATCH $C/services/2 '{"snd_ServiceEnd":"2023-01-01"}'
	json resp 'd["field"]=="snd_ServiceEnd" and d["group"]=="services" and d["item"]==2'
}
check "an item change keeps the return rule and the date order" return_rule

immutable() {
	status 409 cw DELETE $C/consents/1
	json resp 'd["error"]=="item_immutable"'
	status 409 cw PATCH $C/consents/1 '{"snd_ConsentGiven":false}'
	status 409 cw PATCH $C/referrals/1 '{"snd_ReferralStatus":"Accepted"}'
	status 409 cw DELETE $C/referrals/1
	status 200 cw GET $C
	json resp 'len(d["case"]["consents"])==1 and d["case"]["referrals"][0]["snd_ReferralStatus"]=="Pending"'
}
check "consent and referral items are never changed or removed through the item routes" immutable

receiver_cannot_edit() {
	status 200 supb POST /api/v1/referrals/SND-000001.1/accept '{"caseworker":"cwb2"}'
	json resp 'd["access"]=="shared" and d["case"]["referrals"][0]["cas_ReferredPrimaryCaseWorker"]=="cwb2"'
	status 201 supb POST $C/comments '{"cco_CaseComment":"from ngo-b"}'
	status 403 supb PATCH $C/comments/2 '{"cco_CaseComment":"x"}'
	status 403 supb DELETE $C/services/2
}
check "a supervisor accepts a referral for a chosen caseworker; a receiver adds but never rewrites items" receiver_cannot_edit

audited() {
	audit_has "events item 2 changed: fields hte_Country,hte_Date"
	audit_has "events item 2 removed"
	audit_has "referral 1 Accepted by ngo-b, caseworker cwb2"
	not_contains "$T/audit" "Irbid"
}
check "item changes and removals are audited by field name, never value" audited

accept_choice() {
	status 201 cw POST /api/v1/cases '{"prs_FirstName":"Second"}'
	D=/api/v1/cases/SND-000002
	status 201 cw POST $D/consents '{"snd_ConsentScope":"Referral","snd_ConsentGiven":true,"snd_ConsentRecipient":"ngo-b"}'
	status 201 cw POST $D/referrals '{"cas_ReferredOrganisation":"ngo-b"}'
	status 201 cw POST $D/referrals '{"cas_ReferredOrganisation":"ngo-b"}'
	# not a member of ngo-b, not active, or a caseworker choosing another: refused
	status 400 supb POST /api/v1/referrals/SND-000002.1/accept '{"caseworker":"cw"}'
	json resp 'd["field"]=="caseworker"'
	status 400 supb POST /api/v1/referrals/SND-000002.1/accept '{"caseworker":"nobody"}'
	status 403 cwb POST /api/v1/referrals/SND-000002.1/accept '{"caseworker":"cwb2"}'
	status 200 cwb POST /api/v1/referrals/SND-000002.1/accept '{"caseworker":"cwb"}'
	json resp 'd["case"]["referrals"][0]["cas_ReferredPrimaryCaseWorker"]=="cwb"'
	status 400 supb POST /api/v1/referrals/SND-000002.2/decline '{"caseworker":"cwb"}'
	status 200 supb POST /api/v1/referrals/SND-000002.2/decline
}
check "accepting names the caseworker (default the caller); only a supervisor chooses another" accept_choice

declined_visible() {
	status 201 cw POST /api/v1/cases '{"prs_FirstName":"Third"}'
	E=/api/v1/cases/SND-000003
	status 201 cw POST $E/consents '{"snd_ConsentScope":"Referral","snd_ConsentGiven":true,"snd_ConsentRecipient":"ngo-b"}'
	status 201 cw POST $E/referrals '{"cas_ReferredOrganisation":"ngo-b","cas_ReasonForOutgoingReferral":"AdditionalServicesRequired","cas_OutgoingReferralDetails":"secret"}'
	status 200 supb POST /api/v1/referrals/SND-000003.1/decline
	status 404 supb GET $E
	status 200 supb GET "/api/v1/referrals/incoming?status=Declined"
	json resp '[r["id"] for r in d["referrals"]]==["SND-000002.2","SND-000003.1"]'
	json resp '(lambda r: r["snd_ReferralStatus"]=="Declined" and r["from"]=="ngo-a" and len(r["snd_ReferralDecisionDate"])==10 and r["ended"])(d["referrals"][1])'
	json resp 'd["referrals"][1]["cas_ReasonForOutgoingReferral"]=="AdditionalServicesRequired"'
	json resp 'all("case" not in r and "cas_OutgoingReferralDetails" not in r for r in d["referrals"])'
	not_contains "$T/resp" "Third"
	not_contains "$T/resp" "secret"
	status 200 supb GET "/api/v1/referrals/incoming?status=all"
	json resp 'sorted(r["id"] for r in d["referrals"])==["SND-000001.1","SND-000002.1","SND-000002.2","SND-000003.1"]'
	json resp 'all(("case" in r) == (r["snd_ReferralStatus"]=="Accepted") for r in d["referrals"])'
}
check "a declined referral stays in the receiver's list with its decision date, without the person" declined_visible

withdrawn_and_revoked() {
	# a pending referral whose consent is revoked is withdrawn, and stays
	# listed without the person; an accepted one leaves the list
	status 201 cw POST /api/v1/cases '{"prs_FirstName":"Fourth"}'
	F=/api/v1/cases/SND-000004
	status 201 cw POST $F/consents '{"snd_ConsentScope":"Referral","snd_ConsentGiven":true,"snd_ConsentRecipient":"ngo-b"}'
	status 201 cw POST $F/referrals '{"cas_ReferredOrganisation":"ngo-b"}'
	status 201 cw POST $C/consents '{"snd_ConsentScope":"Referral","snd_ConsentGiven":false,"snd_ConsentRecipient":"ngo-b"}'
	status 201 cw POST $F/consents '{"snd_ConsentScope":"Referral","snd_ConsentGiven":false,"snd_ConsentRecipient":"ngo-b"}'
	status 200 supb GET "/api/v1/referrals/incoming?status=all"
	json resp 'sorted(r["id"] for r in d["referrals"])==["SND-000002.1","SND-000002.2","SND-000003.1","SND-000004.1"]'
	json resp '[r["snd_ReferralStatus"] for r in d["referrals"] if r["id"]=="SND-000004.1"]==["Withdrawn"]'
	not_contains "$T/resp" "Fourth"
}
check "a withdrawn referral stays listed without the person; an accepted one whose consent is revoked leaves" withdrawn_and_revoked

report_years() {
	status 200 ana GET /api/v1/reports
	json resp 'd["years"]==[2011,2010,2009] and d["latest"]==2011'
	status 403 cw GET /api/v1/reports
}
check "GET /api/v1/reports lists the report years that have data, newest first" report_years

envelope_fields() {
	status 400 cw POST /api/v1/cases '{"prs_Birthdate":"1990-02-30"}'
	json resp 'd["field"]=="prs_Birthdate" and "group" not in d'
	status 400 cw POST $C/screening '{"decision_org":"NGO"}'
	json resp 'd["field"]=="trafficking_status"'
	status 400 sup POST $C/handover '{"to":"nobody"}'
	json resp 'd["field"]=="to"'
	status 400 cw GET "/api/v1/cases?limit=0"
	json resp 'd["field"]=="limit"'
	status 404 cw GET /api/v1/cases/SND-999999
	json resp '"field" not in d'
}
check "400 answers name the field in the envelope" envelope_fields

# ---- anchoring the audit chain (sanad audit head / verify --anchor) ----
anchor() {
	sanad audit head --db s.db > head1
	grep -Eq '^[0-9a-f]{64}:[0-9]+$' head1
	sanad audit verify --db s.db --anchor "$(cat head1)" > out
	contains out "it extends the anchor"
	# more records later: the trail still extends the old head
	status 200 cw GET $C
	status 200 cw GET $C
	sanad audit verify --db s.db --anchor "$(cat head1)"
	sanad audit head --db s.db > head2
	! cmp -s head1 head2
	# the same count with another hash: the trail was rewritten
	! sanad audit verify --db s.db --anchor "$(printf '%064d' 7):$(cut -d: -f2 head1)" 2> err
	contains err "was rewritten"
	! sanad audit verify --db s.db --anchor "nothex:3" 2> err
	contains err "64 hex digits"
}
check "sanad audit head prints HASH:COUNT, and verify --anchor checks the trail still extends it" anchor
cut_back() {
	# someone with the database file removes the last records: the chain
	# itself still verifies, the anchor does not
	sqlite3 s.db "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id > $(( $(cut -d: -f2 head2) - 2 ));"
	sanad audit verify --db s.db > out
	! sanad audit verify --db s.db --anchor "$(cat head2)" 2> err
	contains err "records were removed"
}
check "a trail cut back verifies alone but not against its anchor" cut_back

finish
