#!/bin/sh
# The web server end to end: a real `sanad serve` on a loopback port, driven
# with curl.  Authentication (cookie, CSRF, bearer), the authorisation matrix
# of every route x every role (tests/http/authz-matrix.tsv), the firewall
# and referral flow, hostile input, and a clean shutdown on SIGTERM.
. "$TESTS_DIR/cli/lib.sh"

MATRIX="$TESTS_DIR/http/authz-matrix.tsv"
API_DOC="$TESTS_DIR/../docs/api.md"

# ---- fixture ----
sanad init --db s.db --org ngo-a --org-name "NGO A" > /dev/null
sanad org add --db s.db --code ngo-b --name "NGO B" --type NGO --in-pool > /dev/null
sanad org add --db s.db --code police --name "Police" --type LawEnforcement > /dev/null
# national response records for JO 2009-2011 (GET /api/v1/reports/{year})
sanad response import --db s.db "$TESTS_DIR/response/fixtures/records-2009-2011.json" > /dev/null
add_user sys sysadmin
add_user oadm org_admin ngo-a
add_user sup supervisor ngo-a
add_user cw caseworker ngo-a
add_user hot hotline ngo-a
add_user ana analyst ngo-a
add_user coo coordinator
add_user lia liaison police
add_user cwb caseworker ngo-b
add_user oadmb org_admin ngo-b
# the matrix's role names -> user names
user_of() {
	case $1 in
	sysadmin) echo sys ;; org_admin) echo oadm ;; supervisor) echo sup ;; caseworker) echo cw ;;
	hotline) echo hot ;; analyst) echo ana ;; coordinator) echo coo ;; liaison) echo lia ;; *) echo "$1" ;;
	esac
}

# ---- the server ----
check_fails "serve refuses a --listen that is not ADDR:PORT" sanad serve --db s.db --listen localhost
no_key() {
	cp s.db nokey.db
	! sanad serve --db nokey.db --listen 127.0.0.1:0 2> err
	contains err "no key file at nokey.db.key"
}
check "serve refuses to start without the database's key file" no_key
routes_listed() {
	sanad serve --routes > r
	grep -q "^GET	/api/v1/cases/{ref}	api_cases_get	case_read	session,case$" r
}
check "serve --routes prints the route table" routes_listed
check_server_starts "sanad serve starts on a loopback port and answers /api/v1/health" 4


# ---- the fixture's cases, through the API ----
setup_cases() {
	status 201 cw POST /api/v1/cases '{"prs_FirstName":"Amina","prs_SecondName":"Haddad","prs_Gender":"Feminine"}'
	json resp 'd["ref"]=="SND-000001"'
	status 201 cwb POST /api/v1/cases '{"prs_FirstName":"Selam","prs_Gender":"Feminine","snd_NextFollowUpDate":"2020-01-01"}'
	json resp 'd["ref"]=="SND-000002"'
	status 201 cwb POST /api/v1/cases/SND-000002/consents \
		'{"snd_ConsentScope":"Referral","snd_ConsentGiven":true,"snd_ConsentRecipient":"ngo-a","snd_ConsentLanguage":"ar"}'
	status 201 cwb POST /api/v1/cases/SND-000002/referrals \
		'{"cas_ReferredOrganisation":"ngo-a","cas_ReasonForOutgoingReferral":"AdditionalServicesRequired"}'
	json resp 'd["case"]["referrals"][0]["snd_ReferralStatus"]=="Pending" and d["case"]["snd_Stage"]=="Referred"'
}
check "cases are created, consented and referred through the API" setup_cases

# ---- the authorisation matrix ----
every_route_in_matrix() {
	sanad serve --routes | cut -f1,2 | sort > routes
	grep -v '^#' "$MATRIX" | sed 1d | cut -f1,2 | sort > matrix-routes
	same routes matrix-routes
	[ "$(wc -l < routes)" -ge 38 ]
}
check "every route of the route table is in the authorisation matrix, and only those" every_route_in_matrix

every_route_documented() {
	missing=0
	while IFS="$(printf '\t')" read -r method pattern rest; do
		grep -qF "### $method $pattern" "$API_DOC" || { echo "not in docs/api.md: $method $pattern"; missing=1; }
	done < routes
	[ $missing = 0 ]
}
check "every route is documented in docs/api.md" every_route_documented

MATRIX_ROLES="anon sysadmin org_admin supervisor caseworker hotline analyst coordinator liaison"
# One curl for the nine requests of a row (--next), as process start-up
# dominates the time of this test.
run_matrix_row() { # the fields of one matrix line
	method=$1 path=$3 body=$4
	shift 4
	set -- "$@" --
	n=0
	for role in $MATRIX_ROLES; do
		user=$(user_of "$role")
		[ $n -gt 0 ] && set -- "$@" --next
		set -- "$@" -s -o "$T/resp.$n" -w '%{http_code}\n' -X "$method"
		[ "$user" != anon ] && set -- "$@" -H "Authorization: Bearer $(cat "$T/token.$user")"
		[ "$body" != - ] && set -- "$@" -H "Content-Type: application/json" --data-binary "$body"
		set -- "$@" "$BASE$path"
		n=$((n + 1))
	done
	# the expected statuses are before the "--", the curl arguments after
	expected=""
	while [ "$1" != -- ]; do expected="$expected $1"; shift; done
	shift
	curl "$@" > "$T/got"
	bad=0 n=0
	for want in $expected; do
		got=$(sed -n "$((n + 1))p" "$T/got")
		role=$(echo $MATRIX_ROLES | cut -d' ' -f$((n + 1)))
		if [ "$got" != "$want" ]; then
			echo "$method $path as $role: expected $want, got $got: $(head -c 300 "$T/resp.$n")"
			bad=1
		fi
		# every API answer is a JSON object; every refusal the error envelope
		case $path in /api/*) [ "$(head -c 1 "$T/resp.$n")" = "{" ] || { echo "$path as $role: not JSON"; bad=1; } ;; esac
		case $got in 4*|5*) grep -q '^{"error":"[a-z_]*","message":"' "$T/resp.$n" || { echo "$path as $role: no envelope"; bad=1; } ;; esac
		n=$((n + 1))
	done
	[ $n = 9 ] && [ $bad = 0 ]
}
grep -v '^#' "$MATRIX" | sed 1d > matrix-rows
while IFS="$(printf '\t')" read -r m p path body c1 c2 c3 c4 c5 c6 c7 c8 c9; do
	check "authorisation: $m $p for every role" run_matrix_row "$m" "$p" "$path" "$body" \
		"$c1" "$c2" "$c3" "$c4" "$c5" "$c6" "$c7" "$c8" "$c9"
done < matrix-rows

# ---- sessions, cookies, CSRF ----
login() { # USER -> cookie jar $T/jar.USER, CSRF token in $T/csrf.USER
	curl -s -c "$T/jar.$1" -D "$T/hdr.$1" -o "$T/login.$1" -H 'Content-Type: application/json' \
		--data-binary "{\"username\":\"$1\",\"password\":\"a long enough password\"}" "$BASE/api/v1/session" > /dev/null
	"$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['csrf_token'])" "$T/login.$1" > "$T/csrf.$1"
}
cookie_flags() {
	login cw
	grep -i '^Set-Cookie: __Host-sanad_session=' hdr.cw > cookie
	contains cookie 'HttpOnly'
	contains cookie 'Secure'
	contains cookie 'SameSite=Strict'
	contains cookie 'Path=/;'
	not_contains cookie 'Domain='
}
check "login sets a __Host- cookie that is HttpOnly, Secure and SameSite=Strict" cookie_flags

# ---- the annual report in the web application ----
report_pages() {
	status 200 coo GET "/api/v1/reports/2011?country=JO&lang=ar" &&
	grep -qi '^content-type: text/html' "$T/hdr" &&
	grep -qi "^content-security-policy: default-src 'none'; style-src 'unsafe-inline'" "$T/hdr" &&
	grep -q 'dir="rtl"' "$T/resp" && grep -q 'ردن' "$T/resp" &&
	status 200 ana GET "/api/v1/reports/2011?format=json&lang=en" &&
	json "$T/resp" 'isinstance(d, dict) and "JO" in json.dumps(d)' &&
	status 404 coo GET "/api/v1/reports/2005" &&
	json "$T/resp" 'd["error"] == "not_found"' &&
	status 400 coo GET "/api/v1/reports/20x1" &&
	status 400 coo GET "/api/v1/reports/2011?format=pdf" &&
	status 400 coo GET "/api/v1/reports/2011?country=JOR"
}
check "the annual report is served as HTML (Arabic, right-to-left, script-free policy) and JSON" report_pages
new_id_each_login() {
	login cw
	sed -n 's/^Set-Cookie: __Host-sanad_session=\([^;]*\);.*/\1/p' hdr.cw > id1
	login cw
	sed -n 's/^Set-Cookie: __Host-sanad_session=\([^;]*\);.*/\1/p' hdr.cw > id2
	[ -s id1 ] && [ -s id2 ] && ! cmp -s id1 id2
}
check "each login gets a new session id" new_id_each_login
check_fails "a wrong password is refused" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{\"username\":\"cw\",\"password\":\"wrong password here\"}' $BASE/api/v1/session)\" != 401 ]"
cookie_session() {
	login sup
	s=$(curl -s -o resp -w '%{http_code}' -b jar.sup "$BASE/api/v1/me")
	equals "$s" 200
	json resp 'd["username"]=="sup" and d["via"]=="session" and "case_handover" in d["permissions"]'
	json resp 'd["csrf_token"]=="'"$(cat csrf.sup)"'"'
}
check "the session cookie signs the user in" cookie_session
csrf_needed() {
	s=$(curl -s -o resp -w '%{http_code}' -b jar.sup -H 'Content-Type: application/json' \
		-d '{"cco_CaseComment":"no token"}' "$BASE/api/v1/cases/SND-000001/comments")
	equals "$s" 403
	json resp 'd["error"]=="csrf_failed"'
	s=$(curl -s -o resp -w '%{http_code}' -b jar.sup -H "X-CSRF-Token: wrong" -H 'Content-Type: application/json' \
		-d '{"cco_CaseComment":"bad token"}' "$BASE/api/v1/cases/SND-000001/comments")
	equals "$s" 403
	s=$(curl -s -o resp -w '%{http_code}' -b jar.sup -H "X-CSRF-Token: $(cat csrf.sup)" -H 'Content-Type: application/json' \
		-d '{"cco_CaseComment":"with the token"}' "$BASE/api/v1/cases/SND-000001/comments")
	equals "$s" 201
	json resp '[x["cco_CaseComment"] for x in d["case"]["comments"]]==["with the token"]'
}
check "a cookie POST needs the session's CSRF token" csrf_needed
bearer_works() {
	status 200 sup GET /api/v1/me
	json resp 'd["via"]=="bearer" and d["role"]=="supervisor"'
	s=$(curl -s -o resp -w '%{http_code}' -H "Authorization: Bearer sndt_not-a-token" "$BASE/api/v1/me")
	equals "$s" 401
}
check "bearer tokens work, and an unknown token is refused" bearer_works
logout() {
	login ana
	s=$(curl -s -o resp -D hdr -w '%{http_code}' -b jar.ana -X DELETE -H "X-CSRF-Token: $(cat csrf.ana)" "$BASE/api/v1/session")
	equals "$s" 200
	contains hdr 'Max-Age=0'
	s=$(curl -s -o resp -w '%{http_code}' -b jar.ana "$BASE/api/v1/me")
	equals "$s" 401
}
check "logout ends the session" logout

# ---- organisations: cases of another organisation do not exist ----
other_org_404() {
	status 404 cwb GET /api/v1/cases/SND-000001
	cp resp other
	status 404 cwb GET /api/v1/cases/SND-999999
	# the same answer as for a case that does not exist, bar the reference
	json other 'd=={"error":"not_found","message":"no case with reference '"'"'SND-000001'"'"'"}'
	status 200 oadmb GET "/api/v1/audit?case=SND-000001"
	json resp 'any(r["action"]=="denied" and r["actor"]=="cwb" and r["case"]=="SND-000001" for r in d["rows"])'
	# and the organisation's administrator sees none of the other organisation's rows
	json resp 'all(r["organisation"]=="ngo-b" for r in d["rows"])'
}
check "another organisation's case is 404, and the attempt is audited" other_org_404
list_own() {
	status 200 cwb GET /api/v1/cases
	json resp '[c["snd_CaseRef"] for c in d["cases"]]==["SND-000002"]'
	status 200 cw GET "/api/v1/cases?q=amina"
	json resp '[c["snd_CaseRef"] for c in d["cases"]]==["SND-000001"] and d["cases"][0]["prs_FirstName"]=="Amina"'
	status 200 cwb GET "/api/v1/cases?q=amina"
	json resp 'd["cases"]==[]'
}
check "lists and name search show only what the caller may see" list_own

# ---- the referral flow and the firewall ----
referral_flow() {
	status 200 sup GET /api/v1/referrals/incoming
	json resp '[r["id"] for r in d["referrals"]]==["SND-000002.1"] and "prs_FirstName" not in d["referrals"][0]["case"]'
	status 200 sup GET /api/v1/cases/SND-000002
	json resp 'd["access"]=="referral" and "prs_FirstName" not in d["case"]'
	status 200 sup POST /api/v1/referrals/SND-000002.1/accept -
	json resp 'd["access"]=="shared" and d["case"]["prs_FirstName"]=="Selam"'
	json resp 'd["case"]["referrals"][0]["snd_ReferralStatus"]=="Accepted"'
	status 409 sup POST /api/v1/referrals/SND-000002.1/decline -
	status 201 sup POST /api/v1/cases/SND-000002/services '{"snd_ServiceType":"Shelter","snd_ServiceMode":"InPerson"}'
	status 403 sup PATCH /api/v1/cases/SND-000002 '{"prs_FirstName":"X"}'
	# the person revokes the consent: the sharing stops at once
	status 201 cwb POST /api/v1/cases/SND-000002/consents \
		'{"snd_ConsentScope":"Referral","snd_ConsentGiven":false,"snd_ConsentRecipient":"ngo-a"}'
	status 404 sup GET /api/v1/cases/SND-000002
	status 200 sup GET /api/v1/referrals/incoming
	json resp 'd["referrals"]==[]'
}
check "a referral: pending summary, accept, shared view, revoked consent ends it" referral_flow
referral_needs_consent() {
	status 409 cw POST /api/v1/cases/SND-000001/referrals '{"cas_ReferredOrganisation":"ngo-b"}'
	json resp 'd["error"]=="consent_required"'
}
check "a referral without the person's consent is refused" referral_needs_consent
liaison_firewall() {
	status 201 cw POST /api/v1/cases/SND-000001/services '{"snd_ServiceType":"Psychosocial","snd_ServiceNotes":"private notes"}'
	status 404 lia GET /api/v1/cases/SND-000001
	status 201 cw POST /api/v1/cases/SND-000001/consents '{"snd_ConsentScope":"SharingLawEnforcement","snd_ConsentGiven":true}'
	status 200 lia GET /api/v1/cases/SND-000001
	json resp 'd["access"]=="liaison" and d["case"]["prs_FirstName"]=="Amina"'
	json resp '"services" not in d["case"] and "comments" not in d["case"] and "cas_CaseOwner" not in d["case"]'
	status 200 lia GET /api/v1/cases
	json resp '[c["snd_CaseRef"] for c in d["cases"]]==["SND-000001"]'
	status 201 cw POST /api/v1/cases/SND-000001/consents '{"snd_ConsentScope":"SharingLawEnforcement","snd_ConsentGiven":false}'
	status 404 lia GET /api/v1/cases/SND-000001
}
check "a liaison sees a case only with consent, and never its support data" liaison_firewall

# ---- the lifecycle ----
lifecycle() {
	status 200 cw POST /api/v1/cases/SND-000001/screening \
		'{"trafficking_status":"ActualVictimOfTrafficking","decision_org":"NGO","indicators":{"snd_PalermoMeans":["Deception"]}}'
	# the case already had services: the stage stays Assisted (stages only move on)
	json resp 'd["case"]["snd_Stage"]=="Assisted" and d["case"]["snd_StatusDecidedBy"]=="cw (ngo-a)" and "snd_IdentificationDate" in d["case"]'
	status 409 cw POST /api/v1/cases/SND-000001/return '{"snd_ServiceStart":"2026-01-10"}'
	json resp 'd["error"]=="risk_assessment_required"'
	status 201 cw POST /api/v1/cases/SND-000001/services '{"snd_ServiceType":"RiskAssessment","snd_ServiceStart":"2026-01-05"}'
	status 201 cw POST /api/v1/cases/SND-000001/return '{"snd_ServiceStart":"2026-01-10","snd_ServiceMode":"InPerson"}'
	json resp 'd["case"]["snd_Stage"]=="ReturnedReintegrated"'
	status 400 cw POST /api/v1/cases/SND-000001/closure '{}'
	status 200 cw POST /api/v1/cases/SND-000001/closure '{"snd_ClosureReason":"Reintegrated"}'
	json resp 'd["case"]["cas_Status"]=="Closed" and d["case"]["snd_Stage"]=="Closed"'
	status 409 cw POST /api/v1/cases/SND-000001/closure '{"snd_ClosureReason":"Reintegrated"}'
	status 200 cw POST /api/v1/cases/SND-000001/reopen '{"reason":"re-trafficked"}'
	json resp 'd["case"]["cas_Status"]=="Active" and d["case"]["snd_Stage"]=="ReturnedReintegrated" and "snd_ClosureReason" not in d["case"]'
}
check "screening, risk assessment before return, closure and reopening" lifecycle
handover_and_caseload() {
	status 201 cw POST /api/v1/cases '{"prs_FirstName":"Late","snd_NextFollowUpDate":"2021-03-04"}'
	ref=$("$PY" -c "import json; print(json.load(open('resp'))['ref'])")
	status 200 cw GET /api/v1/caseload
	json resp 'd["owner"]=="cw" and d["overdue"]==1 and d["cases"][0]["snd_CaseRef"]=="'"$ref"'" and d["cases"][0]["overdue"]'
	status 403 cw POST "/api/v1/cases/$ref/handover" '{"to":"sup"}'
	status 400 sup POST "/api/v1/cases/$ref/handover" '{"to":"cwb"}'
	status 200 sup POST "/api/v1/cases/$ref/handover" '{"to":"sup"}'
	json resp 'd["case"]["cas_CaseOwner"]=="sup"'
	status 200 cw GET /api/v1/caseload
	json resp 'd["overdue"]==0'
	status 200 sup GET "/api/v1/caseload?owner=sup"
	json resp 'd["overdue"]==1'
}
check "the caseload shows overdue follow-ups, and a supervisor hands a case over" handover_and_caseload
optimistic_concurrency() {
	status 200 cw GET /api/v1/cases/SND-000001
	v=$("$PY" -c "import json; print(json.load(open('resp'))['version'])")
	grep -qi "^ETag: \"$v\"" hdr
	status 200 cw PATCH /api/v1/cases/SND-000001 '{"prs_MiddleName":"B"}' -H "If-Match: \"$v\""
	status 409 cw PATCH /api/v1/cases/SND-000001 '{"prs_MiddleName":"C"}' -H "If-Match: \"$v\""
	json resp 'd["error"]=="conflict"'
	status 400 cw PATCH /api/v1/cases/SND-000001 '{"cas_CaseOwner":"sup"}'
}
check "a change based on a stale version is refused with 409" optimistic_concurrency

# ---- hostile input: every refusal is JSON, and the server keeps serving ----
limits() {
	head -c 1100000 /dev/zero | tr '\0' a > big
	status 413 cw POST /api/v1/cases @big
	json resp 'd["error"]=="body_too_large"'
	status 413 cw POST /api/v1/cases @big -H "Transfer-Encoding: chunked"
	json resp 'd["error"]=="body_too_large"'
	long=$(head -c 10000 /dev/zero | tr '\0' a)
	status 414 cw GET "/api/v1/cases/$long"
	json resp 'd["error"]=="uri_too_long"'
	status 431 cw GET /api/v1/me - -H "X-Filler: $long$long"
	json resp 'd["error"]=="headers_too_large"'
	# beyond the connection's buffer the library answers by itself: still the status
	huge=$(head -c 100000 /dev/zero | tr '\0' a)
	status 431 cw GET /api/v1/me - -H "X-Filler: $huge"
}
check "oversized body 413, long URL 414, huge header 431, as JSON" limits
bad_json() {
	status 400 cw POST /api/v1/cases '{"prs_FirstName": "x",}'
	json resp 'd["error"]=="malformed_json" and "line 1, column 23" in d["message"]'
	status 400 cw POST /api/v1/cases '{"prs_FirstName":"a","prs_FirstName":"b"}'
	json resp '"duplicate" in d["message"]'
	printf '{"prs_FirstName":"\377\376"}' > broken
	status 400 cw POST /api/v1/cases @broken
	json resp 'd["error"]=="invalid_utf8" and "offset 18" in d["message"]'
	status 400 cw POST /api/v1/cases '[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]'
	json resp 'd["error"]=="too_deep"'
	s=$(curl -s -o resp -w '%{http_code}' -H "Authorization: Bearer $(cat token.cw)" -H "Content-Type: text/plain" \
		--data-binary '{}' "$BASE/api/v1/cases")
	equals "$s" 415
	json resp 'd["error"]=="unsupported_media_type"'
	status 400 cw POST /api/v1/cases '{}' -H "Content-Type: text/plain"
	json resp 'd["error"]=="duplicate_header"'
	status 400 cw POST /api/v1/cases '{"prs_FirstName":"a\u0000b"}'
	status 400 cw GET "/api/v1/cases/SND%00x"
	status 400 cw GET "/api/v1/cases/../me" - --path-as-is
	status 405 cw DELETE /api/v1/cases
	grep -qi '^Allow: GET, HEAD, POST' hdr
}
check "malformed JSON, broken UTF-8, deep nesting, bad paths: 400 naming the problem" bad_json
injection() {
	evil="'; DROP TABLE cases; -- <script>alert(\"x\")</script> \" OR 1=1 --"
	body=$("$PY" -c "import json,sys; e=sys.argv[1]; print(json.dumps({'prs_FirstName':e,'prs_SecondName':e,'snd_Location':e,'vic_LocationOfRecruitment':e,'vic_DetailsOfVulnerabilities':e,'comments':[{'cco_CaseComment':e}],'events':[{'hte_Type':'Recruitment','hte_City':e,'hte_Description':e}]}))" "$evil")
	status 201 cw POST /api/v1/cases "$body"
	ref=$("$PY" -c "import json; print(json.load(open('resp'))['ref'])")
	status 200 cw GET "/api/v1/cases/$ref"
	! grep -q '<script>' resp
	"$PY" -c "
import json,sys
e=sys.argv[1]; d=json.load(open('resp'))['case']
vals=[d['prs_FirstName'],d['prs_SecondName'],d['snd_Location'],d['vic_LocationOfRecruitment'],d['vic_DetailsOfVulnerabilities'],d['comments'][0]['cco_CaseComment'],d['events'][0]['hte_City'],d['events'][0]['hte_Description']]
assert all(v==e for v in vals), vals" "$evil"
	status 200 cw GET "/api/v1/cases?q=$("$PY" -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "$evil")"
	status 200 cw GET /api/v1/cases
	json resp 'len(d["cases"])>=3'
	sanad check --db s.db > /dev/null
}
check "SQL and script injection in text fields is stored inert and returned as JSON" injection
check "the server still serves after all of that" status 200 anon GET /api/v1/health

# ---- static files ----
static_files() {
	status 200 anon GET /
	grep -qi '^Content-Type: text/html; charset=utf-8' hdr
	grep -qi "^Content-Security-Policy: default-src 'self'" hdr
	grep -qi '^X-Frame-Options: DENY' hdr
	etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *\(".*"\).*/\1/p' hdr | tr -d '\r')
	[ -n "$etag" ]
	status 304 anon GET /index.html - -H "If-None-Match: $etag"
	status 404 anon GET /no-such-file.js
	status 404 anon GET /api/v1/nothing-here
}
check "the web interface is served with its type, ETag and security headers" static_files
api_headers() {
	status 200 cw GET /api/v1/me
	grep -qi '^Cache-Control: no-store' hdr
	grep -qi '^X-Content-Type-Options: nosniff' hdr
	grep -qi '^Referrer-Policy: no-referrer' hdr
}
check "API answers carry no-store and the security headers" api_headers

# ---- shutdown: SIGTERM during a request finishes it, then exits 0 ----
# (in this shell, not in check: only the server's parent can wait for it)
rm -f fifo
mkfifo fifo
curl -s -v -o slow.out -w '%{http_code}' -X POST -H "Authorization: Bearer $(cat token.cw)" \
	-H 'Content-Type: application/json' -H 'Expect: 100-continue' -T - "$BASE/api/v1/cases" \
	< fifo > slow.code 2> slow.err &
client=$!
exec 3> fifo
# the server holds the request once it asks for the body
i=0
while ! grep -q '100 Continue' slow.err && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
grep -q '100 Continue' slow.err && asked=yes || asked=no
kill -TERM "$SERVER"
printf '{"prs_FirstName":"Slow"}' >&3
exec 3>&-
wait "$client"
wait "$SERVER"
server_rc=$?
SERVER=
check "the server was in the middle of a request when SIGTERM came" equals "$asked" yes
check "SIGTERM during a request: the request completes" sh -c '[ "$(cat slow.code)" = 201 ] && grep -q "\"prs_FirstName\":\"Slow\"" slow.out'
check "SIGTERM: the server exits 0 after a clean shutdown" sh -c "[ $server_rc = 0 ] && grep -q 'stopped (SIGTERM)' serve.out"
check "SIGTERM: new connections are refused" sh -c "! curl -s -m 5 -o /dev/null $BASE/api/v1/health"
check "the database is consistent afterwards" sanad check --db s.db
finish
