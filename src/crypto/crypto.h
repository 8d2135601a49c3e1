/*
 * crypto: every cryptographic operation Sanad performs, in one small module
 * over libsodium, so that no other module picks primitives or handles key
 * bytes itself.
 *
 *   key file      32 random bytes (the master key), kept OUTSIDE the
 *                 database, mode 0600.  Subkeys for each purpose are derived
 *                 from it (crypto_kdf_derive_from_key), so one key file
 *                 serves field encryption, search tokens and the key check.
 *   fields        XChaCha20-Poly1305 (IETF) with a random 24-byte nonce per
 *                 value.  The associated data names the table, the column
 *                 and the case id, so a sealed value copied into another
 *                 field or another case fails to open.  Stored form:
 *                 "enc1:" + base64(nonce || ciphertext || tag), text.
 *   search        keyed BLAKE2b (crypto_generichash) of normalised name
 *                 tokens: equality search without storing the name.
 *   passwords     Argon2id (crypto_pwhash_str_alg, libsodium's interactive
 *                 limits: 2 passes, 64 MiB).
 *   secrets       session ids and bearer tokens are 256 random bits; only
 *                 their unkeyed BLAKE2b-256 is stored (crypto_hash_hex).
 *
 * Call crypto_init() once before anything else (storage_open does).
 * Nothing here logs or prints key material; struct crypto_key is wiped by
 * crypto_key_wipe.
 */
#ifndef SANAD_CRYPTO_H
#define SANAD_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define CRYPTO_KEY_BYTES 32
/* A hex BLAKE2b-256 digest and its NUL. */
#define CRYPTO_HASH_HEX 65
/* Longest Argon2id hash string, NUL included (crypto_pwhash_STRBYTES). */
#define CRYPTO_PWHASH_MAX 128
/* Prefix of a sealed field value. */
#define CRYPTO_SEALED_PREFIX "enc1:"

struct crypto_key {
	unsigned char master[CRYPTO_KEY_BYTES];
	unsigned char field[CRYPTO_KEY_BYTES];  /* AEAD subkey (kdf id 1) */
	unsigned char search[CRYPTO_KEY_BYTES]; /* name-token subkey (kdf id 2) */
	unsigned char check[CRYPTO_KEY_BYTES];  /* key-check subkey (kdf id 3) */
};

/* sodium_init(); safe to call more than once.  SANAD_EIO if libsodium
 * cannot start (no entropy source). */
int crypto_init(struct sanad_error *err);

/* ---- the key file ---- */

/* A new random master key (subkeys derived). */
void crypto_key_generate(struct crypto_key *key);
/* Derive the subkeys of key->master (after filling master by hand). */
void crypto_key_derive(struct crypto_key *key);
void crypto_key_wipe(struct crypto_key *key);
/* Write key to a NEW file at path, mode 0600, fsynced; refuses an existing
 * file (SANAD_EEXIST).  The file holds "sanad-key-v1 " + 64 hex digits + "\n". */
int crypto_key_write_new(const char *path, const struct crypto_key *key, struct sanad_error *err);
/* Read the key file at path.  Refuses a file that group or others may read
 * (SANAD_EPERM), a missing one (SANAD_ENOTFOUND) and a malformed one
 * (SANAD_EINVAL).  On error key is wiped. */
int crypto_key_load(const char *path, struct crypto_key *key, struct sanad_error *err);
/* The default key path for a database: "<db_path>.key".  New string. */
char *crypto_key_default_path(const char *db_path);
/* A short non-secret value identifying the key (hex of a keyed hash of a
 * constant): stored in the database so that a wrong key is detected at once
 * rather than as a thousand failed decryptions. */
void crypto_key_check_value(const struct crypto_key *key, char out[CRYPTO_HASH_HEX]);

/* ---- field encryption ---- */

/* 1 if s is in the sealed form ("enc1:..."). */
int crypto_is_sealed(const char *s);
/* Seal plain text for (table, column, case_id).  *out is a new string. */
int crypto_seal(const struct crypto_key *key, const char *table, const char *column, int64_t case_id,
		const char *plain, char **out, struct sanad_error *err);
/* Open a sealed value; fails (SANAD_EINVAL, naming table and column) when
 * the value was altered, moved from another field or case, or sealed with
 * another key.  *out is a new string. */
int crypto_open(const struct crypto_key *key, const char *table, const char *column, int64_t case_id,
		const char *sealed, char **out, struct sanad_error *err);

/* ---- keyed hashing for search ---- */

/* Keyed BLAKE2b-128 of (domain, text) as 32 hex digits + NUL.  domain
 * separates kinds of token ("n" normalised token, "s" skeleton token). */
#define CRYPTO_TOKEN_HEX 33
void crypto_search_token(const struct crypto_key *key, const char *domain, const char *text,
			 char out[CRYPTO_TOKEN_HEX]);

/* ---- plain hashing ---- */

/* Unkeyed BLAKE2b-256 of data as 64 hex digits + NUL. */
void crypto_hash_hex(const void *data, size_t len, char out[CRYPTO_HASH_HEX]);
/* Incremental BLAKE2b-256 (audit chain).  The state is opaque storage big
 * enough for crypto_generichash_state. */
struct crypto_hasher {
	_Alignas(64) unsigned char state[384];
};
void crypto_hasher_init(struct crypto_hasher *h);
void crypto_hasher_add(struct crypto_hasher *h, const void *data, size_t len);
/* The digest as 64 hex digits + NUL; not in constant time: for digests of
 * data that is not secret. */
void crypto_hasher_final_hex(struct crypto_hasher *h, char out[CRYPTO_HASH_HEX]);

/* ---- passwords ---- */

/* Argon2id hash string of password into out (NUL-terminated).  SANAD_ELIMIT
 * if the machine lacks the memory. */
int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX], struct sanad_error *err);
/* 1 if password matches hash, 0 otherwise (also for a malformed hash). */
int crypto_password_verify(const char *hash, const char *password);

/* ---- randomness ---- */

void crypto_random_bytes(void *buf, size_t n);
/* nbytes random bytes as URL-safe base64 without padding: a new string
 * (session ids, CSRF tokens, bearer tokens, generated passwords). */
char *crypto_random_token(size_t nbytes);
/* Constant-time equality of two NUL-terminated strings (lengths may leak). */
int crypto_str_equal(const char *a, const char *b);

#endif
