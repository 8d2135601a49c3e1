/*
 * storage/db_sqlite_crypto.c: encryption at rest for the SQLite backend —
 * the key file beside the database, sealing and opening of identity and
 * narrative values, keyed name tokens for search, and rekeying.
 *
 * Invariants:
 *   - with a key attached, every non-NULL value of a field flagged
 *     FF_IDENTITY or FF_NARRATIVE is stored sealed (crypto_seal), bound to
 *     its table, column and case id;
 *   - without a key, such values are never written (the write fails), so
 *     no code path can store a name in clear by forgetting the key;
 *   - case_name_token holds only keyed hashes; the name never appears;
 *   - cases.match_key (issue 5: one person recorded by two organisations
 *     counts once nationally) is a keyed hash too, so the coordinator, or
 *     anyone holding the file without the key, cannot test a guess.
 * Values that are not sealed (a database written before encryption
 * existed) are returned as they are, and `sanad rekey` seals them.
 */
#include "storage/storage_internal.h"

#include "crypto/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The fields whose words become name tokens. */
static const char *const name_fields[] = { "prs_FirstName", "prs_MiddleName", "prs_SecondName" };
#define NNAME_FIELDS (int)(sizeof(name_fields) / sizeof(name_fields[0]))
/* A name query or a name yields at most this many tokens. */
#define MAX_TOKENS 64

static int match_key_of(const struct crypto_key *key, const char *const names[], const char *birthdate,
			const char *citizenship, char out[CRYPTO_TOKEN_HEX]);
static int write_match_key(struct storage *st, int64_t case_id, const char *hex, int is_new,
			   struct sanad_error *err);

int storage_sql_error(struct storage *st, struct sanad_error *err, const char *what)
{
	return sanad_error_set(err, SANAD_EDB, "%s: %s", what, sqlite3_errmsg(st->db));
}

static int prep(struct storage *st, const char *sql, sqlite3_stmt **s, struct sanad_error *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK) {
		*s = NULL;
		return storage_sql_error(st, err, "preparing statement");
	}
	return 0;
}

int storage_field_sealed(const struct field_def *f)
{
	return (f->flags & (FF_IDENTITY | FF_NARRATIVE)) != 0;
}

int storage_has_key(struct storage *st)
{
	return st->key != NULL;
}

const char *storage_key_path(struct storage *st)
{
	return st->key_path;
}

void storage_crypto_close(struct storage *st)
{
	sqlite3_finalize(st->token_delete);
	sqlite3_finalize(st->token_insert);
	sqlite3_finalize(st->match_update);
	st->token_delete = st->token_insert = NULL;
	st->match_update = NULL;
	if (st->key) {
		crypto_key_wipe(st->key);
		free(st->key);
		st->key = NULL;
	}
	free(st->key_path);
	st->key_path = NULL;
}

static int meta_get(struct storage *st, const char *k, char **v, struct sanad_error *err)
{
	return storage_meta_get(st, k, v, err);
}

int storage_attach_key(struct storage *st, const struct crypto_key *key, struct sanad_error *err)
{
	char check[CRYPTO_HASH_HEX];
	char *stored = NULL;
	int rc;

	crypto_key_check_value(key, check);
	if ((rc = meta_get(st, "key_check", &stored, err)))
		return rc;
	if (stored && !crypto_str_equal(stored, check)) {
		free(stored);
		return sanad_error_set(err, SANAD_EPERM,
				       "the key %s does not belong to this database (%s); "
				       "use the key file created with it (--key PATH)",
				       st->key_path ? st->key_path : "given", st->path);
	}
	if (!stored && !sqlite3_db_readonly(st->db, "main") &&
	    (rc = storage_meta_set(st, "key_check", check, err)))
		return rc;
	free(stored);
	if (!st->key)
		st->key = xmalloc(sizeof(*st->key));
	memcpy(st->key, key, sizeof(*key));
	return 0;
}

int storage_key_setup(struct storage *st, unsigned flags, const char *key_path, struct sanad_error *err)
{
	struct crypto_key key;
	int rc;

	if ((rc = crypto_init(err)))
		return rc;
	free(st->key_path);
	st->key_path = key_path ? xstrdup(key_path) : crypto_key_default_path(st->path);
	if (flags & STORAGE_CREATE) {
		crypto_key_generate(&key);
		rc = crypto_key_write_new(st->key_path, &key, err);
	} else {
		rc = crypto_key_load(st->key_path, &key, err);
		if (rc == SANAD_ENOTFOUND) /* no key: only non-identity data is usable */
			return 0;
	}
	if (!rc)
		rc = storage_attach_key(st, &key, err);
	crypto_key_wipe(&key);
	return rc;
}

static int no_key_error(struct storage *st, struct sanad_error *err, const char *field, int writing)
{
	return sanad_error_set(err, SANAD_EPERM,
			       writing ? "%s: refusing to store an identity value in clear: no key file at %s "
					 "(give the database's key with --key PATH or SANAD_KEY)"
				       : "%s is encrypted and no key file was found at %s "
					 "(give the database's key with --key PATH or SANAD_KEY)",
			       field, st->key_path ? st->key_path : "(none)");
}

static int seal_record(struct storage *st, struct record *r, enum group_id g, int64_t case_id,
		       struct sanad_error *err)
{
	const struct group_def *gd = domain_group(g);
	for (int i = 0; i < gd->nfields; i++) {
		char *sealed;
		int rc;
		if (!r->value[i] || !storage_field_sealed(&gd->fields[i]))
			continue;
		if (!st->key)
			return no_key_error(st, err, gd->fields[i].name, 1);
		if ((rc = crypto_seal(st->key, gd->table, gd->fields[i].name, case_id, r->value[i], &sealed, err)))
			return rc;
		free(r->value[i]);
		r->value[i] = sealed;
	}
	return 0;
}

static int unseal_record(struct storage *st, struct record *r, enum group_id g, int64_t case_id,
			 struct sanad_error *err)
{
	const struct group_def *gd = domain_group(g);
	for (int i = 0; i < gd->nfields; i++) {
		char *plain;
		int rc;
		if (!crypto_is_sealed(r->value[i]) || !storage_field_sealed(&gd->fields[i]))
			continue;
		if (!st->key)
			return no_key_error(st, err, gd->fields[i].name, 0);
		if ((rc = crypto_open(st->key, gd->table, gd->fields[i].name, case_id, r->value[i], &plain, err)))
			return rc;
		free(r->value[i]);
		r->value[i] = plain;
	}
	return 0;
}

static int record_needs_seal(const struct record *r, enum group_id g)
{
	const struct group_def *gd = domain_group(g);
	for (int i = 0; i < gd->nfields; i++)
		if (r->value[i] && storage_field_sealed(&gd->fields[i]))
			return 1;
	return 0;
}

int storage_case_needs_seal(const struct case_record *c)
{
	if (record_needs_seal(&c->main, GROUP_CASE))
		return 1;
	for (int g = 1; g < GROUP_COUNT; g++)
		for (size_t k = 0; k < c->child[g].count; k++)
			if (record_needs_seal(&c->child[g].items[k], (enum group_id)g))
				return 1;
	return 0;
}

int storage_seal_case(struct storage *st, const struct case_record *c, int64_t case_id,
		      struct case_record *sealed, struct sanad_error *err)
{
	int rc;
	case_record_copy(sealed, c);
	sealed->id = case_id;
	rc = seal_record(st, &sealed->main, GROUP_CASE, case_id, err);
	for (int g = 1; g < GROUP_COUNT && !rc; g++)
		for (size_t k = 0; k < sealed->child[g].count && !rc; k++)
			rc = seal_record(st, &sealed->child[g].items[k], (enum group_id)g, case_id, err);
	if (rc)
		case_record_release(sealed);
	return rc;
}

int storage_unseal_case(struct storage *st, struct case_record *c, struct sanad_error *err)
{
	int rc = unseal_record(st, &c->main, GROUP_CASE, c->id, err);
	for (int g = 1; g < GROUP_COUNT && !rc; g++)
		for (size_t k = 0; k < c->child[g].count && !rc; k++)
			rc = unseal_record(st, &c->child[g].items[k], (enum group_id)g, c->id, err);
	if (rc) {
		const char *ref = case_get(c, "snd_CaseRef");
		sanad_error_prefix(err, "case %s: ", ref ? ref : "?");
	}
	return rc;
}

/* ---- name tokens ---- */

struct token_set {
	char tok[MAX_TOKENS][CRYPTO_TOKEN_HEX];
	int n;
};

static void token_add(struct token_set *ts, const struct crypto_key *key, const char *domain,
		      const char *word, size_t len)
{
	char buf[256], hex[CRYPTO_TOKEN_HEX];
	if (!len || len >= sizeof(buf) || ts->n >= MAX_TOKENS)
		return;
	memcpy(buf, word, len);
	buf[len] = '\0';
	crypto_search_token(key, domain, buf, hex);
	for (int i = 0; i < ts->n; i++)
		if (!strcmp(ts->tok[i], hex))
			return;
	memcpy(ts->tok[ts->n++], hex, CRYPTO_TOKEN_HEX);
}

static void tokens_of_words(struct token_set *ts, const struct crypto_key *key, const char *domain,
			    const char *words)
{
	const char *p = words;
	while (*p) {
		size_t n = strcspn(p, " ");
		token_add(ts, key, domain, p, n);
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* Tokens of a name text: each word normalised ("n") and as skeleton ("s"). */
static void tokens_of_name(struct token_set *ts, const struct crypto_key *key, const char *name)
{
	char *norm = name_normalise(name), *skel = name_skeleton(name);
	tokens_of_words(ts, key, "n", norm);
	tokens_of_words(ts, key, "s", skel);
	free(norm);
	free(skel);
}

static int write_tokens(struct storage *st, int64_t case_id, const struct token_set *ts, int is_new,
			struct sanad_error *err)
{
	int rc;
	if (is_new && !ts->n)
		return 0; /* the bulk-import common case: nothing to drop, nothing to add */
	if (!st->token_delete &&
	    (rc = prep(st, "DELETE FROM case_name_token WHERE case_id = ?", &st->token_delete, err)))
		return rc;
	if (!st->token_insert &&
	    (rc = prep(st, "INSERT OR IGNORE INTO case_name_token (case_id, token) VALUES (?, ?)",
		       &st->token_insert, err)))
		return rc;
	if (!is_new) {
		sqlite3_bind_int64(st->token_delete, 1, case_id);
		rc = sqlite3_step(st->token_delete);
		sqlite3_reset(st->token_delete);
		if (rc != SQLITE_DONE)
			return storage_sql_error(st, err, "replacing name tokens");
	}
	for (int i = 0; i < ts->n; i++) {
		sqlite3_bind_int64(st->token_insert, 1, case_id);
		sqlite3_bind_text(st->token_insert, 2, ts->tok[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(st->token_insert);
		sqlite3_reset(st->token_insert);
		if (rc != SQLITE_DONE)
			return storage_sql_error(st, err, "writing name tokens");
	}
	return 0;
}

static void case_name_tokens(const struct crypto_key *key, const char *const names[NNAME_FIELDS],
			     struct token_set *ts)
{
	ts->n = 0;
	for (int f = 0; f < NNAME_FIELDS; f++)
		if (names[f])
			tokens_of_name(ts, key, names[f]);
}

int storage_name_tokens_write(struct storage *st, const struct case_record *c, int is_new,
			      struct sanad_error *err)
{
	struct token_set ts;
	const char *names[NNAME_FIELDS];
	int any = 0;
	for (int f = 0; f < NNAME_FIELDS; f++)
		any |= (names[f] = case_get(c, name_fields[f])) != NULL;
	char match[CRYPTO_TOKEN_HEX];
	int has_match = 0, rc;
	ts.n = 0;
	if (any) {
		if (!st->key)
			return no_key_error(st, err, "prs_FirstName", 1);
		case_name_tokens(st->key, names, &ts);
		has_match = match_key_of(st->key, names, case_get(c, "prs_Birthdate"),
					 case_get(c, "prs_Citizenship"), match);
	}
	if ((rc = write_tokens(st, c->id, &ts, is_new, err)))
		return rc;
	return write_match_key(st, c->id, has_match ? match : NULL, is_new, err);
}

/* ---- match keys (issue 5) ---- */

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Split s at sep into pointers into s (modified), skipping empty pieces. */
static int split_words(char *s, char sep, char **words, int max)
{
	int n = 0;
	char *p = s;
	while (*p && n < max) {
		char *end = strchr(p, sep);
		if (end)
			*end = '\0';
		if (*p)
			words[n++] = p;
		if (!end)
			break;
		p = end + 1;
	}
	return n;
}

/* The match key of a person: keyed hash (domain "match") of the skeleton
 * words of every name field sorted (so "Mohammed Ali", "ALI  Mohammed" and
 * "علي محمد" agree as far as the skeleton allows), the birth date and the
 * sorted nationality codes.  The parts are joined with U+001F, which no
 * canonical text value contains (crypto_search_token hashes a C string, so
 * a NUL cannot separate them).  Returns 1 and fills out when the person has
 * a name and a birth date, 0 otherwise. */
static int match_key_of(const struct crypto_key *key, const char *const names[],
			const char *birthdate, const char *citizenship, char out[CRYPTO_TOKEN_HEX])
{
	struct strbuf all = STRBUF_INIT, text = STRBUF_INIT;
	char *words[MAX_TOKENS], *cit = NULL, *codes[MAX_TOKENS];
	int nwords, ncodes = 0, any = 0;

	if (!birthdate || !*birthdate)
		return 0;
	for (int f = 0; f < NNAME_FIELDS; f++) {
		char *skel;
		if (!names[f])
			continue;
		skel = name_skeleton(names[f]);
		strbuf_addstr(&all, skel);
		strbuf_addch(&all, ' ');
		free(skel);
	}
	nwords = split_words(all.buf ? all.buf : (char *)"", ' ', words, MAX_TOKENS);
	if (!nwords) {
		strbuf_release(&all);
		return 0;
	}
	qsort(words, (size_t)nwords, sizeof(words[0]), strcmp_ptr);
	for (int i = 0; i < nwords; i++) {
		strbuf_addstr(&text, i ? " " : "");
		strbuf_addstr(&text, words[i]);
		any = 1;
	}
	strbuf_addch(&text, '\x1f');
	strbuf_addstr(&text, birthdate);
	strbuf_addch(&text, '\x1f');
	if (citizenship) {
		cit = xstrdup(citizenship);
		ncodes = split_words(cit, ';', codes, MAX_TOKENS);
		qsort(codes, (size_t)ncodes, sizeof(codes[0]), strcmp_ptr);
		for (int i = 0; i < ncodes; i++) {
			strbuf_addstr(&text, i ? ";" : "");
			strbuf_addstr(&text, codes[i]);
		}
	}
	if (any)
		crypto_search_token(key, "match", text.buf, out);
	free(cit);
	strbuf_release(&all);
	strbuf_release(&text);
	return any;
}

/* Store the match key (or NULL) of case case_id.  is_new with no key: the
 * column is already NULL, nothing to write (the bulk-import common case). */
static int write_match_key(struct storage *st, int64_t case_id, const char *hex, int is_new,
			   struct sanad_error *err)
{
	int rc;
	if (is_new && !hex)
		return 0;
	if (!st->match_update &&
	    (rc = prep(st, "UPDATE cases SET match_key = ? WHERE id = ?", &st->match_update, err)))
		return rc;
	if (hex)
		sqlite3_bind_text(st->match_update, 1, hex, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st->match_update, 1);
	sqlite3_bind_int64(st->match_update, 2, case_id);
	rc = sqlite3_step(st->match_update);
	sqlite3_reset(st->match_update);
	sqlite3_clear_bindings(st->match_update);
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "writing the match key");
	return 0;
}

int storage_match_key(struct storage *st, const char *first, const char *middle, const char *second,
		      const char *birthdate, const char *citizenship, char out[33])
{
	const char *names[NNAME_FIELDS] = { first, middle, second };
	if (!st->key)
		return 0;
	return match_key_of(st->key, names, birthdate, citizenship, out);
}

void name_matches_free(struct name_match *m, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(m[i].case_ref);
		free(m[i].org_code);
	}
	free(m);
}

int storage_case_search_name(struct storage *st, const char *query, const char *org_code, int64_t limit,
			     struct name_match **matches, size_t *count, struct sanad_error *err)
{
	struct token_set ts;
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *s;
	size_t alloc = 0;
	int rc;

	*matches = NULL;
	*count = 0;
	if (!st->key)
		return no_key_error(st, err, "name search", 0);
	if (!utf8_valid(query, strlen(query), NULL))
		return sanad_error_set(err, SANAD_EINVAL, "name search: the query is not valid UTF-8");
	ts.n = 0;
	tokens_of_name(&ts, st->key, query);
	if (!ts.n)
		return 0;
	if (limit <= 0)
		limit = 100;
	strbuf_addstr(&sql, "SELECT t.case_id, " STORAGE_CASE_REF("c") ", o.code, count(*) AS score "
			    "FROM case_name_token t JOIN cases c ON c.id = t.case_id "
			    "JOIN organisation o ON o.id = c.org_id WHERE t.token IN (");
	for (int i = 0; i < ts.n; i++)
		strbuf_addstr(&sql, i ? ", ?" : "?");
	strbuf_addf(&sql, ") AND (?%d IS NULL OR o.code = ?%d) GROUP BY t.case_id "
			  "ORDER BY score DESC, t.case_id LIMIT ?%d",
		    ts.n + 1, ts.n + 1, ts.n + 2);
	rc = prep(st, sql.buf, &s, err);
	strbuf_release(&sql);
	if (rc)
		return rc;
	for (int i = 0; i < ts.n; i++)
		sqlite3_bind_text(s, i + 1, ts.tok[i], -1, SQLITE_STATIC);
	if (org_code)
		sqlite3_bind_text(s, ts.n + 1, org_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, ts.n + 2, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct name_match *m;
		ALLOC_GROW(*matches, *count + 1, alloc);
		m = &(*matches)[(*count)++];
		m->case_id = sqlite3_column_int64(s, 0);
		m->case_ref = xstrdup((const char *)sqlite3_column_text(s, 1));
		m->org_code = xstrdup((const char *)sqlite3_column_text(s, 2));
		m->score = sqlite3_column_int(s, 3);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		name_matches_free(*matches, *count);
		*matches = NULL;
		*count = 0;
		return storage_sql_error(st, err, "searching names");
	}
	return 0;
}

/* ---- rekey ---- */

/* Re-seal the sealed columns of one table.  For the cases table the plain
 * names are collected on the way and their tokens rewritten. */
static int rekey_table(struct storage *st, enum group_id g, const struct crypto_key *new_key,
		       int64_t *values, struct sanad_error *err)
{
	const struct group_def *gd = domain_group(g);
	struct strbuf sel = STRBUF_INIT, upd = STRBUF_INIT;
	sqlite3_stmt *s = NULL, *u = NULL;
	int cols[64], ncols = 0, name_col[NNAME_FIELDS], birth_col = -1;
	int rc = 0, step;

	for (int f = 0; f < NNAME_FIELDS; f++)
		name_col[f] = -1;
	strbuf_addf(&sel, "SELECT id, %s", g == GROUP_CASE ? "id" : "case_id");
	strbuf_addf(&upd, "UPDATE %s SET ", gd->table);
	for (int i = 0; i < gd->nfields; i++) {
		if (!storage_field_sealed(&gd->fields[i]))
			continue;
		if (ncols == 64)
			return sanad_error_set(err, SANAD_ELIMIT, "rekey: too many sealed columns in %s", gd->table);
		for (int f = 0; f < NNAME_FIELDS; f++)
			if (g == GROUP_CASE && !strcmp(gd->fields[i].name, name_fields[f]))
				name_col[f] = ncols;
		if (g == GROUP_CASE && !strcmp(gd->fields[i].name, "prs_Birthdate"))
			birth_col = ncols;
		strbuf_addf(&sel, ", %s", gd->fields[i].name);
		strbuf_addf(&upd, "%s%s = ?", ncols ? ", " : "", gd->fields[i].name);
		cols[ncols++] = i;
	}
	/* the match key also hashes the nationality, which is not sealed */
	if (g == GROUP_CASE)
		strbuf_addstr(&sel, ", prs_Citizenship");
	strbuf_addf(&sel, " FROM %s ORDER BY id", gd->table);
	strbuf_addf(&upd, " WHERE id = ?");
	if (!ncols)
		goto out;
	if ((rc = prep(st, sel.buf, &s, err)) || (rc = prep(st, upd.buf, &u, err)))
		goto out;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t row_id = sqlite3_column_int64(s, 0), case_id = sqlite3_column_int64(s, 1);
		char *plain[64] = { 0 };
		for (int k = 0; k < ncols && !rc; k++) {
			const char *v = (const char *)sqlite3_column_text(s, k + 2);
			const char *col = gd->fields[cols[k]].name;
			char *sealed = NULL;
			if (!v) {
				sqlite3_bind_null(u, k + 1);
				continue;
			}
			if (crypto_is_sealed(v)) {
				if (!st->key)
					rc = no_key_error(st, err, col, 0);
				else
					rc = crypto_open(st->key, gd->table, col, case_id, v, &plain[k], err);
			} else {
				plain[k] = xstrdup(v); /* written before encryption: seal it now */
			}
			if (!rc)
				rc = crypto_seal(new_key, gd->table, col, case_id, plain[k], &sealed, err);
			if (!rc) {
				sqlite3_bind_text(u, k + 1, sealed, -1, free);
				(*values)++;
			}
		}
		if (!rc) {
			sqlite3_bind_int64(u, ncols + 1, row_id);
			if (sqlite3_step(u) != SQLITE_DONE)
				rc = storage_sql_error(st, err, "rekey: rewriting a value");
			sqlite3_reset(u);
			sqlite3_clear_bindings(u);
		}
		if (!rc && g == GROUP_CASE) {
			const char *names[NNAME_FIELDS];
			struct token_set ts;
			for (int f = 0; f < NNAME_FIELDS; f++)
				names[f] = name_col[f] >= 0 ? plain[name_col[f]] : NULL;
			char match[CRYPTO_TOKEN_HEX];
			int has_match;
			case_name_tokens(new_key, names, &ts);
			has_match = match_key_of(new_key, names, birth_col >= 0 ? plain[birth_col] : NULL,
						 (const char *)sqlite3_column_text(s, ncols + 2), match);
			rc = write_tokens(st, case_id, &ts, 0, err);
			if (!rc)
				rc = write_match_key(st, case_id, has_match ? match : NULL, 0, err);
		}
		for (int k = 0; k < ncols; k++)
			if (plain[k]) {
				free(plain[k]);
			}
		if (rc)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = storage_sql_error(st, err, "rekey: reading values");
out:
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	strbuf_release(&sel);
	strbuf_release(&upd);
	return rc;
}

int storage_rekey(struct storage *st, const struct crypto_key *new_key, int64_t *values,
		  struct sanad_error *err)
{
	char check[CRYPTO_HASH_HEX];
	int rc;

	*values = 0;
	if (!sqlite3_get_autocommit(st->db))
		return sanad_error_set(err, SANAD_EINVAL, "rekey: a transaction is already open");
	if ((rc = storage_begin(st, err)))
		return rc;
	for (int g = 0; g < GROUP_COUNT && !rc; g++)
		rc = rekey_table(st, (enum group_id)g, new_key, values, err);
	if (!rc) {
		crypto_key_check_value(new_key, check);
		rc = storage_meta_set(st, "key_check", check, err);
	}
	if (!rc)
		rc = storage_commit(st, err);
	if (rc) {
		storage_rollback(st);
		return rc;
	}
	if (!st->key)
		st->key = xmalloc(sizeof(*st->key));
	memcpy(st->key, new_key, sizeof(*new_key));
	/* old ciphertexts live on in WAL frames until a checkpoint rewrites them */
	sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return 0;
}

int storage_refresh_name_tokens(struct storage *st, int64_t *values, struct sanad_error *err)
{
	struct crypto_key same;
	int rc;
	*values = 0;
	if (!st->key)
		return no_key_error(st, err, "refreshing name tokens", 0);
	/* a rekey to the same key: every name token and match key is built
	 * again by today's name rules on the way (values get fresh nonces) */
	memcpy(&same, st->key, sizeof(same));
	rc = storage_rekey(st, &same, values, err);
	crypto_key_wipe(&same);
	return rc;
}

int storage_in_transaction(struct storage *st)
{
	return !sqlite3_get_autocommit(st->db);
}

int storage_case_get_by_id(struct storage *st, int64_t id, struct case_record *out,
			   struct sanad_error *err)
{
	sqlite3_stmt *s;
	char *ref = NULL;
	int rc;
	case_record_init(out);
	if ((rc = prep(st, "SELECT " STORAGE_CASE_REF("c") " FROM cases c WHERE c.id = ?", &s, err)))
		return rc;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		ref = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no case with id %lld", (long long)id);
	if (rc != SQLITE_ROW)
		return storage_sql_error(st, err, "reading case");
	case_record_release(out);
	rc = storage_case_get(st, ref, out, err);
	free(ref);
	return rc;
}

int storage_key_absent(const char *path, const char *key_path, struct sanad_error *err)
{
	char *kp = key_path ? xstrdup(key_path) : crypto_key_default_path(path);
	struct stat sb;
	int rc = 0;
	if (stat(kp, &sb) == 0)
		rc = sanad_error_set(err, SANAD_EEXIST,
				     "key file %s already exists; refusing to reuse or overwrite a key "
				     "(move it away, or choose another with --key)",
				     kp);
	free(kp);
	return rc;
}
