#!/bin/sh
# The audit journal, end to end on a real `sanad serve`: the record of a
# case read is in the trail for `sanad audit` while the server runs, after
# it is killed outright (kill -9), and after a clean stop; a server started
# after a crash copies what the dead one left; --audit-sync commit answers
# only once the record is in the database itself.
. "$TESTS_DIR/cli/lib.sh"

sanad init --db s.db --org ngo-a --org-name "NGO A" > /dev/null
add_user cw caseworker ngo-a
add_user oadm org_admin ngo-a

journals() { ls "$T" | grep -c '^s\.db\.audit-journal\.' || true; }
views_of() { # REF: how many view records of REF the trail has (as `sanad audit` sees it)
	sanad audit list --db "$T/s.db" --case "$1" --limit 1000 | awk -F'\t' '$5 == "view"' | wc -l | tr -d ' '
}
trail_intact() { sanad audit verify --db "$T/s.db" | grep -q '^audit trail intact'; }
in_database() { # REF: view records of REF in the database file itself, without copying any journal
	sqlite3 "$T/s.db" "SELECT count(*) FROM audit_log WHERE action = 'view' AND case_ref = '$1'"
}
stop_server() { kill -TERM "$SERVER"; wait "$SERVER"; SERVER=; }

# the server copies its journal once a minute here, so that a kill -9
# right after an answer always finds the read's record still in it
check_server_starts "sanad serve starts" 2 --audit-window 60000
check "the server writes its audit journal beside the database" equals "$(journals)" 1

create() {
	status 201 cw POST /api/v1/cases '{"prs_FirstName":"Amina"}'
	status 201 cw POST /api/v1/cases '{"prs_FirstName":"Basma"}'
	status 201 cw POST /api/v1/cases '{"prs_FirstName":"Camelia"}'
}
check "three cases" create

read_live() {
	status 200 cw GET /api/v1/cases/SND-000001
	status 200 cw GET /api/v1/cases/SND-000001
	# sanad audit copies what the running server has not yet copied
	equals "$(views_of SND-000001)" 2
	trail_intact
}
check "while the server runs, sanad audit sees each read of a case at once" read_live

# another process holding the write lock (a long import, here the sqlite3
# shell) longer than sanad's 5 s wait: the trail is shown as it is, saying so
locked_trail() {
	status 200 cw GET /api/v1/cases/SND-000001
	{ echo "BEGIN IMMEDIATE;"; sleep 8; echo "COMMIT;"; } | sqlite3 "$T/s.db" &
	holder=$!
	sleep 1
	sanad audit list --db "$T/s.db" --case SND-000001 > out 2> err
	wait "$holder"
	contains err "could not be copied into the trail"
	contains err "the newest records of reads may be missing"
	equals "$(awk -F'\t' '$5 == "view"' out | wc -l | tr -d ' ')" 2
	# once the lock is gone, the read is there
	equals "$(views_of SND-000001)" 3
}
check "while another process holds the write lock, sanad audit shows the trail as it is and says so" locked_trail

browse_live() {
	status 200 cw GET /api/v1/cases/SND-000002
	status 200 oadm GET "/api/v1/audit?case=SND-000002"
	json resp 'len([r for r in d["rows"] if r["action"] == "view" and r["actor"] == "cw"]) == 1'
}
check "the organisation's administrator browsing the trail sees a read made a moment ago" browse_live

# a crash: the server dies right after answering, before it copies
# anything.  (Servers are started and stopped outside check: they must be
# children of this shell.)
kill_server() { kill -9 "$SERVER"; wait "$SERVER" 2> /dev/null; SERVER=; }
check "a read answered" status 200 cw GET /api/v1/cases/SND-000002
backup_has_the_read() {
	sanad backup --db "$T/s.db" "$T/copy.db" > /dev/null &&
		[ "$(sqlite3 "$T/copy.db" "SELECT count(*) FROM audit_log WHERE action = 'view' AND case_ref = 'SND-000002'")" = 2 ]
}
check "a backup taken while the server runs has the read still in its journal" backup_has_the_read
kill_server
check "the server killed with SIGKILL leaves its journal" equals "$(journals)" 1
check "the killed server's read is in the trail" equals "$(views_of SND-000002)" 2
check "and its journal, once copied, is removed" equals "$(journals)" 0
check "the trail still verifies" trail_intact

# a crash, then a new server: it copies the dead one's records as it starts
check_server_starts "sanad serve starts again" 2 --audit-window 60000
check "another read answered" status 200 cw GET /api/v1/cases/SND-000003
kill_server
start_server 2 || { cat "$T/serve.err"; finish; }
check "a server started after a crash copies what the dead one left" \
	contains "$T/serve.out" "copied 1 audit record(s) from the audit journal"
check "and then writes only its own journal" equals "$(journals)" 1
check "so the read before the crash is in the trail once" equals "$(views_of SND-000003)" 1

check "a last read" status 200 cw GET /api/v1/cases/SND-000003
stop_server
check "a clean stop copies everything and leaves no journal" equals "$(journals)" 0
check "nothing was left to copy: the database itself has every read" \
	equals "$(in_database SND-000003)" 2
check "the trail verifies after all of it" trail_intact

# --audit-sync commit: no journal; the record is committed before the answer
start_server 2 --audit-sync commit || { cat "$T/serve.err"; finish; }
check "with --audit-sync commit there is no journal" equals "$(journals)" 0
check "a read with --audit-sync commit" status 200 cw GET /api/v1/cases/SND-000001
check "its record is in the database when the answer comes" \
	equals "$(in_database SND-000001)" 4
stop_server

# a crash, then a new server while another process holds the write lock
# (a long import): the new server starts all the same, and the dead one's
# record stays in its journal until it can be copied
check_server_starts "sanad serve starts a third time" 2 --audit-window 60000
check "a read before another crash" status 200 cw GET /api/v1/cases/SND-000002
kill_server
{ echo "BEGIN IMMEDIATE;"; sleep 8; echo "COMMIT;"; } | sqlite3 "$T/s.db" &
holder=$!
sleep 1
start_server 2 || { cat "$T/serve.err"; finish; }
check "a server starts while another process holds the write lock, saying it could not copy yet" \
	contains "$T/serve.err" "the audit journal cannot be copied into the trail now"
wait "$holder"
check "once the lock is gone, the dead server's read reaches the trail" equals "$(views_of SND-000002)" 3
stop_server
check "and nothing is left in a journal" equals "$(journals)" 0

# no room for a journal file (a nearly full disk; here a limit on file
# sizes, below the 32 MiB a journal file reserves): the server starts,
# says so, and records each read by committing it before the answer
printf '#!/bin/sh\ntrap "" XFSZ\nulimit -f 16384\nexec "%s" "$@"\n' "$SANAD" > "$T/small-files"
chmod +x "$T/small-files"
real_sanad=$SANAD
SANAD=$T/small-files
start_server 2 || { cat "$T/serve.err"; finish; }
SANAD=$real_sanad
check "with no room for a journal file, the server starts and says how reads are recorded instead" \
	contains "$T/serve.err" "will be committed before its answer instead"
check "and writes no journal" equals "$(journals)" 0
check "a read without a journal" status 200 cw GET /api/v1/cases/SND-000001
check "its record is in the database when the answer comes" \
	equals "$(in_database SND-000001)" 5
stop_server

bad_mode() {
	! sanad serve --db "$T/s.db" --audit-sync later 2> err
	contains err "--audit-sync takes 'journal' or 'commit', not 'later'"
}
check "an unknown --audit-sync is refused, naming the choices" bad_mode

finish
