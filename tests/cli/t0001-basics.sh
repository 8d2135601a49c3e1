#!/bin/sh
# The command itself: help for every command, init, organisations, backup, check.
. "$TESTS_DIR/cli/lib.sh"

every_command_has_help() {
	sanad help > list
	for c in $(sed -n 's/^  \([a-z]*\) .*/\1/p' list); do
		sanad "$c" --help > h || return 1
		grep -q "usage: sanad $c" h || { echo "no usage line for $c"; return 1; }
	done
	[ "$(grep -c '^  [a-z]' list)" -ge 10 ]
}
check "every command answers --help with its usage" every_command_has_help
check_fails "an unknown command is refused" sanad frobnicate
check_fails "a command that needs a database says so" sanad export
check "init creates a database" sanad init --db a.db
check "the database is readable by its owner only" sh -c '[ "$(stat -c %a a.db)" = 600 ]'
check_fails "init refuses to overwrite an existing database" sanad init --db a.db
check_fails "a file that is not a Sanad database is refused" sh -c 'echo hello > x.db; "$SANAD" check --db x.db'
check "SANAD_DB names the database" sh -c 'SANAD_DB=a.db "$SANAD" org list | grep -q "^local"'
check "an organisation can be added" sanad org add --db a.db --code shelter-amal --name "Amal shelter" --type NGO --country JO
check_fails "an unknown organisation type is refused" sanad org add --db a.db --code x --name X --type Spaceship
check_fails "a duplicate organisation code is refused" sanad org add --db a.db --code shelter-amal --name Again
check "backup copies the database" sh -c '"$SANAD" backup --db a.db b.db && "$SANAD" org list --db b.db | grep -q shelter-amal'
check_fails "backup refuses to overwrite" sanad backup --db a.db b.db
check "check passes on a healthy database" sanad check --db a.db
check "vocab lists the picklists with Arabic labels" sh -c '"$SANAD" vocab exploitation_type | grep -q "^ForcedLabour	Forced labour	العمل القسري"'
finish
