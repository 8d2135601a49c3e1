#!/bin/sh
# The README's first command: install what is missing, build, create the
# demo database with an administrator (first run only), and start the web
# server on http://localhost:8080 (stop it with Ctrl-C).
#   SANAD_DB=path  DEMO_CASES=n  PORT=n  change the defaults.
set -eu
cd "$(dirname "$0")/.."
DB=${SANAD_DB:-demo.sanad}
PORT=${PORT:-8080}

scripts/install-deps.sh
make -j"$(nproc 2>/dev/null || echo 2)" build/sanad
if [ ! -e "$DB" ]; then
	echo "creating demo database $DB ..."
	build/sanad demo --db "$DB" --cases "${DEMO_CASES:-2000}"
	# the first administrator; the password is printed once and kept beside
	# the database (owner-only) so a second run can show it again
	build/sanad user add --db "$DB" --username admin --role sysadmin > "$DB.first-login"
	build/sanad user add --db "$DB" --username supervisor --role supervisor --org shelter-karama >> "$DB.first-login"
	build/sanad user add --db "$DB" --username caseworker --role caseworker --org shelter-karama >> "$DB.first-login"
	# the national coordinator sees the national pool's statistics dashboard
	build/sanad user add --db "$DB" --username coordinator --role coordinator >> "$DB.first-login"
	chmod 600 "$DB.first-login"
fi
echo
echo "Sanad $(build/sanad version) — demo database $DB"
build/sanad stats --db "$DB" --by year --format table | tail -n 4
echo
echo "Open  http://localhost:$PORT/"
echo "First logins (change the passwords after signing in):"
sed -n "s/^added user '\([^']*\)'.*/  user: \1/p; s/^password: /  password: /p" "$DB.first-login"
echo
exec build/sanad serve --db "$DB" --listen "127.0.0.1:$PORT"
