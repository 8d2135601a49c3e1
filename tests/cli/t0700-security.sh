#!/bin/sh
# Security from the shell: the key file, identities encrypted at rest (the
# database file alone reveals no name), rekey, user accounts, and the
# hash-chained audit trail that detects tampering.
. "$TESTS_DIR/cli/lib.sh"
mkdir -p "$T/bin" && ln -s "$SANAD" "$T/bin/sanad" && PATH="$T/bin:$PATH" && export PATH
unset SANAD_KEY SANAD_DB

# ---- the key file ----
init_makes_key() {
	sanad init --db s.db --org ngo-a > out &&
	contains out "key file s.db.key" &&
	[ "$(stat -c %a s.db.key)" = 600 ] &&
	grep -Eqx 'sanad-key-v1 [0-9a-f]{64}' s.db.key
}
check "init creates a private key file beside the database" init_makes_key
check_fails "init refuses a key file that exists" sh -c 'rm -f s2.db; cp s.db.key s2.db.key; sanad init --db s2.db'
check "after a refused init no database is left" sh -c '[ ! -e s2.db ]'
custom_key() {
	sanad init --db k.db --key "$T/keys/k.key" 2> err && return 1
	mkdir -p "$T/keys" && sanad init --db k.db --key "$T/keys/k.key" > /dev/null &&
	[ ! -e k.db.key ] && [ -s "$T/keys/k.key" ] &&
	sanad case add --db k.db --key "$T/keys/k.key" prs_FirstName=Leyla > /dev/null &&
	SANAD_KEY="$T/keys/k.key" sanad case show --db k.db SND-000001 | grep -q Leyla
}
check "--key and SANAD_KEY name a key kept elsewhere" custom_key

# ---- nothing identifying in the database file ----
sanad org add --db s.db --code ngo-b --name "NGO B" --type NGO > /dev/null
sanad org add --db s.db --code police --name "Police" --type LawEnforcement > /dev/null
cat > names.csv <<'CSV'
snd_CaseRef,prs_FirstName,prs_MiddleName,prs_SecondName,prs_MobilePhone,prs_IdentityNumber,prs_Email,vic_DetailsOfVulnerabilities
R-1,فاطمة,بنت محمد,الزهراء,+962790000111,JO-88123,fatima.z@example.org,owes the recruiter two thousand dinars
R-2,Mohammed,Khalil,Haddad,+962790000222,PX-4471,,
R-3,Zenebech,,Tesfaye,+251911000333,ET-55012,zenebech@example.org,
R-4,Marisol,,Quispe,,PE-77310,,speaks only Quechua at home
CSV
check "named cases import" sh -c 'sanad import --db s.db --org ngo-a --format htcds-csv names.csv | grep -q "imported 4 of 4"'

# grep -a for each name, in UTF-8, in UTF-16 and in its normalised forms,
# in the database and its write-ahead log
reveals_nothing() {
	for f in "$@"; do [ -e "$f" ] || continue
		for w in فاطمة فاطمه الزهراء "بنت محمد" Mohammed mohammed Khalil Haddad haddad Zenebech zenebech \
			Tesfaye Marisol marisol Quispe 962790000111 JO-88123 PX-4471 ET-55012 fatima.z@example \
			"owes the recruiter" Quechua; do
			if grep -qaF -- "$w" "$f"; then echo "$f reveals '$w'"; return 1; fi
			u16=$(printf '%s' "$w" | iconv -f UTF-8 -t UTF-16LE | od -An -tx1 | tr -d ' \n')
			if od -An -tx1 -v "$f" | tr -d ' \n' | grep -q "$u16"; then echo "$f reveals '$w' in UTF-16"; return 1; fi
		done
	done
}
check "the database file alone reveals no name, number or narrative" reveals_nothing s.db s.db-wal
checkpointed() { sqlite3 s.db 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null && reveals_nothing s.db s.db-wal; }
check "and after a checkpoint neither" checkpointed
check "identity columns hold sealed values" sh -c '
	[ "$(sqlite3 s.db "SELECT count(*) FROM cases WHERE prs_FirstName LIKE '\''enc1:%'\''")" = 4 ] &&
	[ "$(sqlite3 s.db "SELECT count(*) FROM cases WHERE prs_IdentityNumber LIKE '\''enc1:%'\''")" = 4 ]'
check "with the key the names read back" sh -c '
	sanad case show --db s.db R-1 > show && grep -q "فاطمة" show && grep -q "owes the recruiter" show &&
	sanad export --db s.db --format htcds-csv | grep -q "R-3,ngo-a,.*Zenebech"'

check "case add and update work through the encryption" sh -c '
	sanad case add --db s.db --org ngo-a prs_FirstName=Noor prs_SecondName=Saleh | grep -qx SND-000005 &&
	sanad case update --db s.db SND-000005 prs_SecondName=Salih > /dev/null &&
	sanad case show --db s.db SND-000005 | grep -q Salih && ! grep -qa Salih s.db'

# ---- without the key ----
no_key() {
	mv s.db.key away.key
	! sanad case show --db s.db R-1 > out 2> err; rc=$?
	mv away.key s.db.key
	[ $rc = 0 ] && contains err "encrypted" && contains err "s.db.key" && ! grep -q "فاطمة" out
}
check "without its key a case does not open" no_key
refuse_clear() {
	mv s.db.key away.key
	! sanad case add --db s.db --org ngo-a prs_FirstName=Clear 2> err; rc=$?
	mv away.key s.db.key
	[ $rc = 0 ] && contains err "refusing to store an identity value in clear" &&
	! grep -qa Clear s.db
}
check "without its key no name is stored in clear" refuse_clear
wrong_key() {
	! sanad case show --db s.db --key k.db.key R-1 2> err 2>&1 && true
	mkdir -p other && sanad init --db other/o.db > /dev/null &&
	! sanad case show --db s.db --key other/o.db.key R-1 2> err && contains err "does not belong to this database"
}
check "another database's key is refused" wrong_key

# ---- rekey ----
rekey() {
	sqlite3 s.db "SELECT prs_FirstName || prs_SecondName FROM cases ORDER BY id" > before &&
	cp s.db.key old.key && cp s.db old-copy.db &&
	sanad rekey --db s.db > out && contains out "re-encrypted 23 values" &&
	sqlite3 s.db "SELECT prs_FirstName || prs_SecondName FROM cases ORDER BY id" > after &&
	! grep -qxFf before after &&
	! cmp -s old.key s.db.key && [ "$(stat -c %a s.db.key)" = 600 ] && [ ! -e s.db.key.old ] && [ ! -e s.db.key.new ] &&
	sanad case show --db s.db R-2 | grep -q "Mohammed" &&
	sanad export --db s.db --format json | grep -q "Quispe"
}
check "rekey changes every ciphertext and keeps the data readable" rekey
check_fails "the old key no longer opens the database" sanad case show --db s.db --key old.key R-1
check "a copy taken before the rekey still opens with the old key" sh -c '
	sanad case show --db old-copy.db --key old.key R-4 | grep -q Marisol'
rekey_elsewhere() {
	sanad rekey --db s.db --new-key "$T/keys/s-2025.key" > out && contains out "destroy it" &&
	sanad case show --db s.db --key "$T/keys/s-2025.key" R-3 | grep -q Zenebech
}
check "rekey --new-key writes the new key elsewhere" rekey_elsewhere
mv "$T/keys/s-2025.key" s.db.key
check_fails "rekey refuses a new-key file that exists" sanad rekey --db s.db --new-key s.db.key
check "a refused rekey leaves the data readable" sh -c 'sanad case show --db s.db R-1 | grep -q "فاطمة"'

# ---- accounts ----
add_admin() {
	sanad user add --db s.db --username Root --role sysadmin > out &&
	contains out "added user 'Root' (sysadmin)" &&
	pw=$(sed -n 's/^password: //p' out) && [ ${#pw} -eq 24 ] &&
	! grep -qaF "$pw" s.db
}
check "user add generates and prints a strong password once" add_admin
add_worker() {
	printf 'a long passphrase for amal\n' > pw.txt &&
	sanad user add --db s.db --username amal --role caseworker --org ngo-a --name "أمل" --lang ar \
		--password-file pw.txt > out && ! grep -q "password:" out &&
	printf 'liaison passphrase 1\n' | sanad user add --db s.db --username lt.sami --role liaison --org police \
		--password-file - > /dev/null
}
check "user add reads a password file" add_worker
check_fails "a short password is refused" sh -c 'printf "short\n" > p && sanad user add --db s.db --username x --role caseworker --org ngo-a --password-file p'
liaison_org() { ! sanad user add --db s.db --username y --role liaison --org ngo-b 2> err && contains err "law-enforcement or immigration"; }
check "a liaison must belong to law enforcement or immigration" liaison_org
check_fails "an unknown role is refused" sanad user add --db s.db --username z --role king --org ngo-a
check_fails "a duplicate user is refused" sanad user add --db s.db --username AMAL --role caseworker --org ngo-a
list_users() {
	sanad user list --db s.db > out
	printf 'amal\tcaseworker\tngo-a\tar\tactive\tأمل\nlt.sami\tliaison\tpolice\ten\tactive\t\nroot\tsysadmin\t-\ten\tactive\t\n' > want
	same out want
}
check "user list shows each account" list_users
change_users() {
	sanad user disable --db s.db amal > /dev/null && sanad user role --db s.db lt.sami supervisor --org ngo-b > /dev/null &&
	sanad user token --db s.db root > token && grep -Eqx 'sndt_[A-Za-z0-9_-]{43}' token &&
	! grep -qaF "$(cat token)" s.db &&
	sanad user list --db s.db > out &&
	printf 'amal\tcaseworker\tngo-a\tar\tdisabled\tأمل\nlt.sami\tsupervisor\tngo-b\ten\tactive\t\nroot\tsysadmin\t-\ten\tactive\t\n' > want &&
	same out want
}
check "user disable, role and token" change_users
check_fails "a disabled user gets no token" sanad user token --db s.db amal
check_fails "user role needs a known user" sanad user role --db s.db nobody caseworker

# ---- the audit trail ----
audit_records() {
	sanad audit list --db s.db --limit 1000 > out &&
	contains out "	import	" && contains out "	export	" && contains out "	view	R-1	" &&
	contains out "	user_admin	-	added user amal role caseworker org ngo-a" &&
	contains out "	rekey	" && contains out "	create	SND-000005	" && contains out "	update	SND-000005	" &&
	! grep -q "فاطمة\|Zenebech\|passphrase" out
}
check "reading, exporting, importing and administering leave audit records" audit_records
check "audit list filters by case" sh -c '
	sanad audit list --db s.db --case R-1 > out && [ -s out ] && ! grep -qv "	R-1	" out'
check "an untouched audit trail verifies" sh -c 'sanad audit verify --db s.db | grep -Eq "^audit trail intact: [0-9]+ records, last hash [0-9a-f]{64}$"'
check_fails "the database refuses to change an audit row" sqlite3 s.db "UPDATE audit_log SET actor = 'nobody' WHERE id = 3"
check_fails "the database refuses to delete an audit row" sqlite3 s.db "DELETE FROM audit_log WHERE id = 3"
tamper() {
	cp s.db t.db && cp s.db.key t.db.key &&
	sqlite3 t.db "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'nothing to see' WHERE id = 3" &&
	! sanad audit verify --db t.db 2> err > out; rc=$?
	[ $rc = 0 ] && contains err "broken at record 3" && [ ! -s out ]
}
check "audit verify fails naming the record altered with the sqlite3 shell" tamper
remove_row() {
	cp s.db r.db && cp s.db.key r.db.key &&
	sqlite3 r.db "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2" &&
	! sanad audit verify --db r.db 2> err && contains err "broken at record 3"
}
check "audit verify finds a deleted record" remove_row
check "every command answers --help" sh -c 'for c in user rekey audit; do sanad $c --help | grep -q "^usage: sanad $c"; done'

finish
