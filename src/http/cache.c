/*
 * http/cache.c: the server's short memory of who is calling and of the
 * cases it has just read.
 *
 * Why: a case read used to cost about 0.6 ms of CPU, nearly all of it
 * repeated work — finding the bearer token's account, reading the case
 * row and its seven repeating groups, decrypting the identities and
 * serialising the same JSON again.  And every audit commit (one per batch
 * of reads) makes SQLite throw away the page cache of every other
 * connection, so those lookups went back to the file each time.  The
 * same caseworkers read the same open cases all day; remembering them for
 * a moment takes that work off the common path.
 *
 * What stays exactly as it was: every request is still authenticated (a
 * remembered caller is the answer of auth_token_check/auth_session_check
 * for that very token), the policy still decides on every request from
 * the caller and the case, every view is still audited and committed
 * before its answer is sent.  Only the database reads are skipped.
 *
 * When a remembered answer is dropped:
 *   - the server changed anything: every POST/PUT/PATCH/DELETE that reaches
 *     a handler moves the generation on (http_cache_changed, from the
 *     gate, after the handler's commit), and entries of an older
 *     generation are never used again.  A change made through this server
 *     is therefore seen by the very next request, whatever it changed
 *     (a case, a consent, a user, an organisation's rules, a session);
 *   - ttl_ms after it was read (1 s by default, `sanad serve
 *     --cache-ttl`): the bound on how long a change made by another
 *     process (the sanad command: `sanad user disable`, an import) can go
 *     unseen.  0 turns the cache off;
 *   - to stay within its size (least recently used first).
 *
 * A generation is read before the database is (http_cache_generation at
 * the start of a request) and stored with what was read: an answer read
 * before a change committed carries the older generation, so it can never
 * outlive the change, even when it is stored after it.
 *
 * Decrypted identities are held here as they are held by a request in
 * flight, in this process's memory only; the entries are freed when
 * dropped.
 *
 * Every request looks here two or three times from every worker thread, so
 * one lock for the whole memory was contended (a fifth of the server's
 * futex calls in a case-read profile): the memory is split into shards by
 * key, each with its own lock, buckets and recency list, and the
 * generation is an atomic counter read without a lock.
 */
#include "http/http_internal.h"

#include "crypto/crypto.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_SHARDS 16
#define SHARD_BUCKETS 256

enum { ENTRY_CASE, ENTRY_CALLER };

struct entry {
	struct entry *hnext;          /* hash chain */
	struct entry *newer, *older;  /* recency list */
	char *key;
	uint32_t hash;
	uint64_t generation;
	int64_t born_ms;
	int refs;                     /* takers, plus one while in the table (shard lock) */
	int in_table;
	int kind;                     /* ENTRY_CASE or ENTRY_CALLER */
	/* ENTRY_CASE */
	struct http_cached_case c;
	/* ENTRY_CALLER */
	struct auth_user user;
	char *csrf;
};

struct table {
	struct entry *bucket[SHARD_BUCKETS];
	struct entry *newest, *oldest;
	size_t count, max;
};

struct shard {
	pthread_mutex_t lock;
	struct table cases, callers;
};

struct http_cache {
	_Atomic uint64_t generation;
	unsigned ttl_ms;
	struct shard shards[CACHE_SHARDS];
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t hash_of(const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a: keys are case references and hashes */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static struct shard *shard_of(struct http_cache *k, uint32_t hash)
{
	return &k->shards[hash % CACHE_SHARDS];
}

static unsigned bucket_of(uint32_t hash)
{
	return (hash / CACHE_SHARDS) % SHARD_BUCKETS;
}

struct http_cache *http_cache_new(unsigned ttl_ms, size_t max_cases, size_t max_callers)
{
	struct http_cache *k;
	if (!ttl_ms || (!max_cases && !max_callers))
		return NULL;
	k = xcalloc(1, sizeof(*k));
	k->ttl_ms = ttl_ms;
	atomic_init(&k->generation, 1);
	for (int i = 0; i < CACHE_SHARDS; i++) {
		pthread_mutex_init(&k->shards[i].lock, NULL);
		/* each shard its share, rounded up: at least one when any */
		k->shards[i].cases.max = (max_cases + CACHE_SHARDS - 1) / CACHE_SHARDS;
		k->shards[i].callers.max = (max_callers + CACHE_SHARDS - 1) / CACHE_SHARDS;
	}
	return k;
}

static void entry_free(struct entry *e)
{
	if (e->kind == ENTRY_CASE) {
		case_record_release(&e->c.record);
		free(e->c.body);
		free(e->c.answer[0]);
		free(e->c.answer[1]);
	} else {
		auth_user_release(&e->user);
		free(e->csrf);
	}
	free(e->key);
	free(e);
}

static void entry_unref(struct entry *e)
{
	if (--e->refs == 0)
		entry_free(e);
}

/* Take e out of t (its table reference goes).  Under the shard's lock. */
static void table_remove(struct table *t, struct entry *e)
{
	struct entry **pp = &t->bucket[bucket_of(e->hash)];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	if (e->newer)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	t->count--;
	e->in_table = 0;
	entry_unref(e);
}

static void table_clear(struct table *t)
{
	while (t->newest)
		table_remove(t, t->newest);
}

void http_cache_free(struct http_cache *k)
{
	if (!k)
		return;
	for (int i = 0; i < CACHE_SHARDS; i++) {
		table_clear(&k->shards[i].cases);
		table_clear(&k->shards[i].callers);
		pthread_mutex_destroy(&k->shards[i].lock);
	}
	free(k);
}

uint64_t http_cache_generation(struct http_cache *k)
{
	return k ? atomic_load(&k->generation) : 0;
}

void http_cache_changed(struct http_cache *k)
{
	if (!k)
		return;
	/* first the generation: from here no entry of the old one is used or
	 * put; then free them now rather than holding identities until they
	 * are evicted */
	atomic_fetch_add(&k->generation, 1);
	for (int i = 0; i < CACHE_SHARDS; i++) {
		pthread_mutex_lock(&k->shards[i].lock);
		table_clear(&k->shards[i].cases);
		table_clear(&k->shards[i].callers);
		pthread_mutex_unlock(&k->shards[i].lock);
	}
}

/* The live entry for key, moved to the front, or NULL; one of an older
 * generation is dropped.  One older than the TTL is dropped too unless
 * expired is given: then it is returned with *expired set.  Under the
 * shard's lock. */
static struct entry *table_find(struct http_cache *k, struct table *t, const char *key, uint32_t hash,
				int *expired)
{
	struct entry *e = t->bucket[bucket_of(hash)];
	int old;
	while (e && (e->hash != hash || strcmp(e->key, key)))
		e = e->hnext;
	if (!e)
		return NULL;
	old = now_ms() - e->born_ms >= (int64_t)k->ttl_ms;
	if (e->generation != atomic_load(&k->generation) || (old && !expired)) {
		table_remove(t, e);
		return NULL;
	}
	if (expired)
		*expired = old;
	if (t->newest != e) { /* to the front */
		e->newer->older = e->older;
		if (e->older)
			e->older->newer = e->newer;
		else
			t->oldest = e->newer;
		e->older = t->newest;
		e->newer = NULL;
		t->newest->newer = e;
		t->newest = e;
	}
	return e;
}

/* Put e (one reference, the table's) in t, replacing an entry of the same
 * key, when its generation is still current; 0 if it was not put.  Under
 * the shard's lock. */
static int table_put(struct http_cache *k, struct table *t, struct entry *e)
{
	struct entry *old;
	unsigned b;
	if (e->generation != atomic_load(&k->generation) || !t->max)
		return 0;
	b = bucket_of(e->hash);
	for (old = t->bucket[b]; old && (old->hash != e->hash || strcmp(old->key, e->key)); old = old->hnext)
		;
	if (old)
		table_remove(t, old);
	while (t->count >= t->max && t->oldest)
		table_remove(t, t->oldest);
	e->hnext = t->bucket[b];
	t->bucket[b] = e;
	e->older = t->newest;
	e->newer = NULL;
	if (t->newest)
		t->newest->newer = e;
	else
		t->oldest = e;
	t->newest = e;
	t->count++;
	e->in_table = 1;
	return 1;
}

static int64_t born_now(struct http_cache *k)
{
	/* up to a quarter older than it is: what was read together is not
	 * all checked again at the same moment */
	uint32_t r;
	crypto_random_bytes(&r, sizeof(r));
	return now_ms() - (int64_t)(r % (k->ttl_ms / 4 + 1));
}

static struct entry *entry_new(struct http_cache *k, int kind, const char *key, uint64_t generation)
{
	struct entry *e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->key = xstrdup(key);
	e->hash = hash_of(key);
	e->generation = generation;
	e->born_ms = born_now(k);
	e->refs = 1;
	return e;
}

/* ---- callers ---- */

/* The key of a credential: its hash, so that the memory holds no token. */
static void caller_key(const char *kind, const char *credential, char key[CRYPTO_HASH_HEX + 2])
{
	key[0] = kind[0];
	crypto_hash_hex(credential, strlen(credential), key + 1);
}

static void user_copy(struct auth_user *dst, const struct auth_user *src)
{
	*dst = *src;
	dst->username = src->username ? xstrdup(src->username) : NULL;
	dst->display_name = src->display_name ? xstrdup(src->display_name) : NULL;
	dst->org_code = src->org_code ? xstrdup(src->org_code) : NULL;
	dst->org_type = src->org_type ? xstrdup(src->org_type) : NULL;
	dst->language = src->language ? xstrdup(src->language) : NULL;
}

int http_cache_caller_get(struct http_cache *k, const char *kind, const char *credential,
			  struct auth_user *user, char **csrf)
{
	char key[CRYPTO_HASH_HEX + 2];
	struct shard *sh;
	struct entry *e;
	uint32_t hash;
	if (!k)
		return 0;
	caller_key(kind, credential, key);
	hash = hash_of(key);
	sh = shard_of(k, hash);
	pthread_mutex_lock(&sh->lock);
	e = table_find(k, &sh->callers, key, hash, NULL);
	if (e) {
		user_copy(user, &e->user);
		if (csrf)
			*csrf = e->csrf ? xstrdup(e->csrf) : NULL;
	}
	pthread_mutex_unlock(&sh->lock);
	return e != NULL;
}

void http_cache_caller_put(struct http_cache *k, uint64_t generation, const char *kind, const char *credential,
			   const struct auth_user *user, const char *csrf)
{
	char key[CRYPTO_HASH_HEX + 2];
	struct shard *sh;
	struct entry *e;
	if (!k)
		return;
	caller_key(kind, credential, key);
	e = entry_new(k, ENTRY_CALLER, key, generation);
	user_copy(&e->user, user);
	e->csrf = csrf ? xstrdup(csrf) : NULL;
	sh = shard_of(k, e->hash);
	pthread_mutex_lock(&sh->lock);
	if (!table_put(k, &sh->callers, e))
		entry_unref(e);
	pthread_mutex_unlock(&sh->lock);
}

/* ---- cases ---- */

static struct entry *entry_of(const struct http_cached_case *c)
{
	return (struct entry *)(void *)((char *)(void *)c - offsetof(struct entry, c));
}

/* The entry of a taken case, its shard locked: the caller unlocks *sh. */
static struct entry *entry_locked(struct http_cache *k, const struct http_cached_case *c, struct shard **sh)
{
	struct entry *e = entry_of(c);
	*sh = shard_of(k, e->hash);
	pthread_mutex_lock(&(*sh)->lock);
	return e;
}

const struct http_cached_case *http_cache_case_take(struct http_cache *k, const char *ref, int *expired)
{
	struct shard *sh;
	struct entry *e;
	uint32_t hash;
	*expired = 0;
	if (!k)
		return NULL;
	hash = hash_of(ref);
	sh = shard_of(k, hash);
	pthread_mutex_lock(&sh->lock);
	e = table_find(k, &sh->cases, ref, hash, expired);
	if (e)
		e->refs++;
	pthread_mutex_unlock(&sh->lock);
	return e ? &e->c : NULL;
}

void http_cache_case_renew(struct http_cache *k, const struct http_cached_case *c)
{
	struct entry *e;
	struct shard *sh;
	if (!k || !c)
		return;
	e = entry_locked(k, c, &sh);
	e->born_ms = born_now(k);
	pthread_mutex_unlock(&sh->lock);
}

void http_cache_case_forget(struct http_cache *k, const struct http_cached_case *c)
{
	struct entry *e;
	struct shard *sh;
	if (!k || !c)
		return;
	e = entry_locked(k, c, &sh);
	if (e->in_table)
		table_remove(&sh->cases, e);
	entry_unref(e); /* the taker's */
	pthread_mutex_unlock(&sh->lock);
}

const struct http_cached_case *http_cache_case_put(struct http_cache *k, uint64_t generation, const char *ref,
						   const struct case_record *record, int64_t updated_at,
						   int64_t read_at)
{
	struct shard *sh;
	struct entry *e;
	if (!k || !k->shards[0].cases.max)
		return NULL;
	e = entry_new(k, ENTRY_CASE, ref, generation);
	e->refs = 2; /* the table's and the caller's */
	case_record_copy(&e->c.record, record);
	e->c.updated_at = updated_at;
	e->c.read_at = read_at;
	sh = shard_of(k, e->hash);
	pthread_mutex_lock(&sh->lock);
	if (!table_put(k, &sh->cases, e)) {
		pthread_mutex_unlock(&sh->lock);
		entry_free(e);
		return NULL;
	}
	pthread_mutex_unlock(&sh->lock);
	return &e->c;
}

void http_cache_case_set_body(struct http_cache *k, const struct http_cached_case *c, const char *body,
			      size_t len, const char *version)
{
	struct entry *e;
	struct shard *sh;
	if (!k || !c)
		return;
	e = entry_locked(k, c, &sh);
	/* set once: a taker reads it under the lock, and it stays while taken */
	if (!e->c.body) {
		e->c.body_len = len;
		snprintf(e->c.version, sizeof(e->c.version), "%s", version);
		e->c.body = xstrndup(body, len);
	}
	pthread_mutex_unlock(&sh->lock);
}

const char *http_cached_case_body(struct http_cache *k, const struct http_cached_case *c, size_t *len)
{
	struct entry *e;
	struct shard *sh;
	const char *body;
	if (!k || !c)
		return NULL;
	e = entry_locked(k, c, &sh);
	body = e->c.body;
	*len = e->c.body_len;
	pthread_mutex_unlock(&sh->lock);
	return body;
}

const char *http_cache_case_answer_hold(struct http_cache *k, const struct http_cached_case *c, int which,
					size_t *len)
{
	struct entry *e;
	struct shard *sh;
	const char *text;
	if (!k || !c || which < 0 || which > 1)
		return NULL;
	e = entry_locked(k, c, &sh);
	text = e->c.answer[which];
	*len = e->c.answer_len[which];
	if (text)
		e->refs++; /* under the same lock: one acquisition per read */
	pthread_mutex_unlock(&sh->lock);
	return text;
}

void http_cache_case_set_answer(struct http_cache *k, const struct http_cached_case *c, int which, const char *text,
				size_t len)
{
	struct entry *e;
	struct shard *sh;
	if (!k || !c || which < 0 || which > 1)
		return;
	e = entry_locked(k, c, &sh);
	/* set once, like the body: a holder may be sending the first */
	if (!e->c.answer[which]) {
		e->c.answer[which] = xmalloc(len);
		memcpy(e->c.answer[which], text, len);
		e->c.answer_len[which] = len;
	}
	pthread_mutex_unlock(&sh->lock);
}

void http_cache_case_drop(struct http_cache *k, const struct http_cached_case *c)
{
	struct entry *e;
	struct shard *sh;
	if (!k || !c)
		return;
	e = entry_locked(k, c, &sh);
	entry_unref(e);
	pthread_mutex_unlock(&sh->lock);
}
