/*
 * audit/audit.c: the hash chain over the audit_log rows (see audit.h).
 *
 * canonical(row) is, for each of id, at, actor, org_code, action, case_ref,
 * detail in this order: the byte length in decimal, ':', the bytes, ';' —
 * and "-;" for NULL.  Length prefixes make the encoding unambiguous (no
 * choice of separator inside a value can make two rows serialise alike).
 */
#include "audit/audit.h"

#include "crypto/crypto.h"

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define DETAIL_MAX 1000

/* The canonical form goes either into a buffer (audit_canonical) or
 * straight into the hash (row_hash, for every record the server copies
 * from its journal): one writer, two sinks, so the two cannot drift. */
typedef void (*canon_sink)(void *ctx, const void *data, size_t len);

static void sink_strbuf(void *ctx, const void *data, size_t len)
{
	strbuf_add(ctx, data, len);
}

static void sink_hasher(void *ctx, const void *data, size_t len)
{
	crypto_hasher_add(ctx, data, len);
}

/* n in decimal into buf (at least 21 bytes), NUL-terminated; its length.
 * By hand: printf was a tenth of hashing a record. */
static size_t decimal(char *buf, uint64_t n)
{
	char tmp[24];
	size_t len = 0, i = 0;
	do
		tmp[len++] = (char)('0' + n % 10);
	while ((n /= 10));
	while (len)
		buf[i++] = tmp[--len];
	buf[i] = '\0';
	return i;
}

static void canon_field(canon_sink add, void *ctx, const char *v)
{
	char num[24];
	size_t len, n;
	if (!v) {
		add(ctx, "-;", 2);
		return;
	}
	len = strlen(v);
	n = decimal(num, len);
	num[n++] = ':';
	add(ctx, num, n);
	add(ctx, v, len);
	add(ctx, ";", 1);
}

static void canonical(canon_sink add, void *ctx, const struct audit_row *r)
{
	char id[32];
	if (r->id < 0)
		snprintf(id, sizeof(id), "%lld", (long long)r->id);
	else
		decimal(id, (uint64_t)r->id);
	canon_field(add, ctx, id);
	canon_field(add, ctx, r->at);
	canon_field(add, ctx, r->actor);
	canon_field(add, ctx, r->org_code);
	canon_field(add, ctx, r->action);
	canon_field(add, ctx, r->case_ref);
	canon_field(add, ctx, r->detail);
}

void audit_canonical(const struct audit_row *r, struct strbuf *sb)
{
	canonical(sink_strbuf, sb, r);
}

/* hash = BLAKE2b-256(raw prev_hash || canonical(row)); 0 on success, -1 if
 * prev_hash is not 64 hex digits. */
static int row_hash(const struct audit_row *r, const char *prev_hex, char out[CRYPTO_HASH_HEX])
{
	unsigned char prev[32];
	struct crypto_hasher h;
	if (!prev_hex || strlen(prev_hex) != 64)
		return -1;
	for (int i = 0; i < 64; i++) {
		int c = tolower((unsigned char)prev_hex[i]);
		int v = isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
		if (v < 0)
			return -1;
		prev[i / 2] = (unsigned char)(i % 2 ? (prev[i / 2] << 4) | v : v);
	}
	crypto_hasher_init(&h);
	crypto_hasher_add(&h, prev, sizeof(prev));
	canonical(sink_hasher, &h, r);
	crypto_hasher_final_hex(&h, out);
	return 0;
}

const char *audit_cli_actor(void)
{
	static char buf[96];
	struct passwd *pw = getpwuid(getuid());
	snprintf(buf, sizeof(buf), "cli:%.80s", pw && pw->pw_name ? pw->pw_name : "unknown");
	return buf;
}

static int check_text(const char *what, const char *v, size_t max, struct sanad_error *err)
{
	if (!v)
		return 0;
	if (strlen(v) > max)
		return sanad_error_set(err, SANAD_ELIMIT, "audit %s longer than %zu bytes", what, max);
	if (!utf8_valid(v, strlen(v), NULL))
		return sanad_error_set(err, SANAD_EINVAL, "audit %s is not valid UTF-8", what);
	return 0;
}

/* Append one record in the open transaction, after chain's end (read from
 * the database when chain does not know it). */
static int append_in_tx(struct storage *st, struct audit_chain *chain, const char *at, const char *actor,
			const char *org_code, const char *action, const char *case_ref, const char *detail,
			struct sanad_error *err)
{
	struct audit_row r = { 0 };
	char hash[CRYPTO_HASH_HEX];
	int rc;

	if (!chain->known) {
		if ((rc = storage_audit_last(st, &chain->last, chain->prev, err)))
			return rc;
		if (!chain->prev[0])
			snprintf(chain->prev, sizeof(chain->prev), "%s", ZERO_HASH);
		chain->known = 1;
	}
	r.id = chain->last + 1;
	r.at = (char *)at;
	r.actor = (char *)actor;
	r.org_code = (char *)org_code;
	r.action = (char *)action;
	r.case_ref = (char *)case_ref;
	r.detail = (char *)detail;
	if (row_hash(&r, chain->prev, hash)) {
		chain->known = 0;
		return sanad_error_set(err, SANAD_EDB, "audit row %lld has a malformed hash; run 'sanad audit verify'",
				       (long long)chain->last);
	}
	r.prev_hash = chain->prev;
	r.hash = hash;
	if ((rc = storage_audit_insert(st, &r, err))) {
		chain->known = 0;
		return rc;
	}
	chain->last = r.id;
	memcpy(chain->prev, hash, sizeof(chain->prev));
	return 0;
}

int audit_record_check(const char *actor, const char *org_code, const char *action, const char *case_ref,
		       const char *detail, struct sanad_error *err)
{
	int rc;
	if (!actor || !*actor || !action || !*action)
		return sanad_error_set(err, SANAD_EINVAL, "an audit record needs an actor and an action");
	if ((rc = check_text("actor", actor, 200, err)) || (rc = check_text("organisation", org_code, 200, err)) ||
	    (rc = check_text("action", action, 64, err)) || (rc = check_text("case reference", case_ref, 200, err)) ||
	    (rc = check_text("detail", detail, DETAIL_MAX, err)))
		return rc;
	return 0;
}

int audit_append_chained(struct storage *st, struct audit_chain *chain, const char *at, const char *actor,
			 const char *org_code, const char *action, const char *case_ref, const char *detail,
			 struct sanad_error *err)
{
	int rc;
	if (!storage_in_transaction(st))
		return sanad_error_set(err, SANAD_EINVAL, "audit_append_chained needs an open transaction");
	if ((rc = audit_record_check(actor, org_code, action, case_ref, detail, err)))
		return rc;
	return append_in_tx(st, chain, at, actor, org_code, action, case_ref, detail, err);
}

int audit_append_at(struct storage *st, const char *at, const char *actor, const char *org_code,
		    const char *action, const char *case_ref, const char *detail, struct sanad_error *err)
{
	struct audit_chain chain = AUDIT_CHAIN_INIT;
	int own_tx = !storage_in_transaction(st), rc;

	if ((rc = audit_record_check(actor, org_code, action, case_ref, detail, err)))
		return rc;
	if (own_tx && (rc = storage_begin(st, err)))
		return rc;
	rc = append_in_tx(st, &chain, at, actor, org_code, action, case_ref, detail, err);
	if (own_tx) {
		if (!rc)
			rc = storage_commit(st, err);
		if (rc)
			storage_rollback(st);
	}
	return rc;
}

void audit_now(char at[32])
{
	/* every audited request asks, thousands a second: each thread
	 * formats a second once */
	static _Thread_local time_t last = -1;
	static _Thread_local char text[32];
	time_t now = time(NULL);
	if (now != last) {
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
		last = now;
	}
	memcpy(at, text, sizeof(text));
}

int audit_append(struct storage *st, const char *actor, const char *org_code, const char *action,
		 const char *case_ref, const char *detail, struct sanad_error *err)
{
	char at[32];
	audit_now(at);
	return audit_append_at(st, at, actor, org_code, action, case_ref, detail, err);
}

struct verify_ctx {
	struct audit_verify_result *r;
	char prev[CRYPTO_HASH_HEX];
	int64_t expect_id;
	int64_t anchor_id;                 /* 0: no anchor */
	char anchor_seen[CRYPTO_HASH_HEX]; /* the hash of row anchor_id, once verified */
};

static int verify_row(const struct audit_row *row, void *vctx)
{
	struct verify_ctx *v = vctx;
	char hash[CRYPTO_HASH_HEX];
	v->r->rows++;
	if (row->id != v->expect_id) {
		snprintf(v->r->reason, sizeof(v->r->reason), "row %lld follows row %lld: rows are missing",
			 (long long)row->id, (long long)(v->expect_id - 1));
		v->r->first_bad = row->id;
		return 1;
	}
	if (!row->prev_hash || strcmp(row->prev_hash, v->prev)) {
		snprintf(v->r->reason, sizeof(v->r->reason), "its previous-hash does not match row %lld",
			 (long long)(row->id - 1));
		v->r->first_bad = row->id;
		return 1;
	}
	if (row_hash(row, v->prev, hash) || !row->hash || strcmp(hash, row->hash)) {
		snprintf(v->r->reason, sizeof(v->r->reason), "its content does not match its hash");
		v->r->first_bad = row->id;
		return 1;
	}
	snprintf(v->prev, sizeof(v->prev), "%s", row->hash);
	snprintf(v->r->head, sizeof(v->r->head), "%s", row->hash);
	if (row->id == v->anchor_id)
		snprintf(v->anchor_seen, sizeof(v->anchor_seen), "%s", row->hash);
	v->expect_id++;
	return 0;
}

int audit_verify(struct storage *st, struct audit_verify_result *r, struct sanad_error *err)
{
	return audit_verify_anchored(st, 0, NULL, r, err);
}

int audit_verify_anchored(struct storage *st, int64_t anchor_count, const char *anchor_hash,
			  struct audit_verify_result *r, struct sanad_error *err)
{
	struct verify_ctx v;
	int rc;
	memset(r, 0, sizeof(*r));
	memset(&v, 0, sizeof(v));
	v.r = r;
	v.expect_id = 1;
	v.anchor_id = anchor_hash ? anchor_count : 0;
	snprintf(v.prev, sizeof(v.prev), "%s", ZERO_HASH);
	rc = storage_audit_each(st, verify_row, &v, err);
	if (rc < 0)
		return rc;
	if (!r->first_bad) {
		int64_t from, to;
		if ((rc = storage_audit_index_check(st, &from, &to, err)))
			return rc;
		if (from) {
			snprintf(r->reason, sizeof(r->reason),
				 "the browse index of records %lld-%lld does not match them: an index row was "
				 "altered or removed, which hides records from the browse", (long long)from,
				 (long long)to);
			r->first_bad = from;
		}
	}
	if (r->first_bad || !v.anchor_id)
		return 0;
	/* a chain that verifies may still have been cut back, or rewritten
	 * from some row on with fresh hashes: only a head recorded elsewhere
	 * shows that */
	if (r->rows < anchor_count) {
		snprintf(r->reason, sizeof(r->reason),
			 "the trail has %lld records, fewer than the %lld of the anchor: records were removed",
			 (long long)r->rows, (long long)anchor_count);
		r->first_bad = r->rows + 1;
	} else if (ascii_strcasecmp(v.anchor_seen, anchor_hash)) {
		snprintf(r->reason, sizeof(r->reason),
			 "record %lld is not the one anchored (its hash is %.16s..., the anchor's %.16s...): the "
			 "trail was rewritten", (long long)anchor_count, v.anchor_seen, anchor_hash);
		r->first_bad = anchor_count;
	}
	return 0;
}

int audit_parse_anchor(const char *text, int64_t *count, char hash[65], struct sanad_error *err)
{
	const char *colon = text ? strrchr(text, ':') : NULL;
	size_t n = colon ? (size_t)(colon - text) : 0;
	if (!colon || n != 64 || parse_int64(colon + 1, 0, INT64_MAX, count))
		return sanad_error_set(err, SANAD_EINVAL, "--anchor: give HASH:COUNT as 'sanad audit head' prints it "
				       "(64 hex digits, a colon, the number of records)");
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)text[i]))
			return sanad_error_set(err, SANAD_EINVAL, "--anchor: '%.64s' is not 64 hex digits", text);
	memcpy(hash, text, 64);
	hash[64] = '\0';
	return 0;
}

int audit_list(struct storage *st, const struct audit_query *q, struct audit_row **rows, size_t *count,
	       struct sanad_error *err)
{
	return storage_audit_query(st, q, rows, count, err);
}
