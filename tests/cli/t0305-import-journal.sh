#!/bin/sh
# sanad import with the database to itself writes through a rollback journal
# (each new page once) and leaves a WAL database; a command that starts
# meanwhile waits for it or says clearly why it cannot; --wal, or anybody
# else having the file open, keeps the import in WAL with readers going on.
. "$TESTS_DIR/cli/lib.sh"

CTDC="$REFERENCE_DIR/ctdc/ctdc-global-2020-subset.csv"
# 146,319 rows: long enough to find the import in the middle
{ cat "$CTDC"; tail -n +2 "$CTDC"; tail -n +2 "$CTDC"; } > big.csv

# wait while process $1 runs (at most 30 s) for file $2 to appear
appears() {
	i=0
	while [ $i -lt 600 ]; do
		[ -e "$2" ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

alone_uses_a_rollback_journal() {
	sanad init --db d.db > /dev/null
	sanad import --db d.db --format ctdc --quiet big.csv > imp.out 2>&1 &
	pid=$!
	appears $pid d.db-journal
	# a command that writes, started meanwhile: it waits for the import,
	# or (if the import outlasts its wait) says why; never anything else
	if sanad org list --db d.db > orgs 2> err; then
		contains orgs "Local organisation"
	else
		contains err "is busy: another process is writing to it without the write-ahead log"
	fi
	wait $pid
	equals "$(sqlite3 d.db 'PRAGMA journal_mode')" wal
	equals "$(sqlite3 d.db 'SELECT count(*) FROM cases')" 146319
	test ! -e d.db-journal
	sanad check --db d.db > /dev/null
}
check "an import alone with the database uses a rollback journal and leaves WAL behind" alone_uses_a_rollback_journal

wal_keeps_readers_going() {
	sanad init --db w.db > /dev/null
	sanad import --db w.db --format ctdc --wal --quiet big.csv > imp.out 2>&1 &
	pid=$!
	appears $pid w.db-wal
	test ! -e w.db-journal
	# readers and writers are not held up (the count is of what was committed)
	sanad stats --db w.db --by sex --format csv > counts
	sanad org list --db w.db > orgs
	contains orgs "Local organisation"
	wait $pid
	equals "$(sqlite3 w.db 'SELECT count(*) FROM cases')" 146319
	equals "$(sqlite3 w.db 'PRAGMA journal_mode')" wal
}
check "with --wal the import keeps the write-ahead log and readers go on" wal_keeps_readers_going

# a crash in the middle: the next open rolls the journal back and nothing of
# the import is there
crash_rolls_back() {
	sanad init --db k.db > /dev/null
	# the binary itself, not the shell function: $! must be the process killed
	"$SANAD" import --db k.db --format ctdc --quiet big.csv > imp.out 2>&1 &
	pid=$!
	appears $pid k.db-journal
	kill -9 $pid
	wait $pid || true
	test -e k.db-journal
	equals "$(sanad stats --db k.db --by sex --format json | sed -n 's/.*"total_victims": \([0-9]*\).*/\1/p')" 0
	sanad org list --db k.db > /dev/null
	equals "$(sqlite3 k.db 'SELECT count(*) FROM cases')" 0
	equals "$(sqlite3 k.db 'PRAGMA journal_mode')" wal
	sanad check --db k.db > /dev/null
}
check "an import killed in the middle leaves the database as it was" crash_rolls_back
