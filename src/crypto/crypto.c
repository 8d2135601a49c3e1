/*
 * crypto/crypto.c: libsodium behind crypto.h.  See the header for the
 * choices; this file adds only the why of details.
 */
#include "crypto/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof(crypto_generichash_state) <= sizeof(((struct crypto_hasher *)0)->state),
	       "crypto_hasher too small for crypto_generichash_state");
_Static_assert(crypto_pwhash_STRBYTES <= CRYPTO_PWHASH_MAX, "CRYPTO_PWHASH_MAX too small");
_Static_assert(crypto_kdf_KEYBYTES == CRYPTO_KEY_BYTES, "key size");

#define KEY_FILE_MAGIC "sanad-key-v1 "
#define KDF_CONTEXT "sanadkey" /* exactly crypto_kdf_CONTEXTBYTES (8) */
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define B64_VARIANT sodium_base64_VARIANT_ORIGINAL_NO_PADDING
/* Values are at most 20,000 code points (FK_LONGTEXT): 80 KB of UTF-8.
 * Anything sealed bigger than this is not ours. */
#define SEALED_MAX (1u << 20)

int crypto_init(struct sanad_error *err)
{
	if (sodium_init() < 0)
		return sanad_error_set(err, SANAD_EIO, "libsodium failed to start (no entropy source?)");
	return 0;
}

void crypto_key_derive(struct crypto_key *key)
{
	crypto_kdf_derive_from_key(key->field, sizeof(key->field), 1, KDF_CONTEXT, key->master);
	crypto_kdf_derive_from_key(key->search, sizeof(key->search), 2, KDF_CONTEXT, key->master);
	crypto_kdf_derive_from_key(key->check, sizeof(key->check), 3, KDF_CONTEXT, key->master);
}

void crypto_key_generate(struct crypto_key *key)
{
	crypto_kdf_keygen(key->master);
	crypto_key_derive(key);
}

void crypto_key_wipe(struct crypto_key *key)
{
	sodium_memzero(key, sizeof(*key));
}

char *crypto_key_default_path(const char *db_path)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s.key", db_path);
	return strbuf_detach(&sb);
}

int crypto_key_write_new(const char *path, const struct crypto_key *key, struct sanad_error *err)
{
	char hex[CRYPTO_KEY_BYTES * 2 + 1];
	char line[sizeof(KEY_FILE_MAGIC) + sizeof(hex) + 2];
	size_t len;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return sanad_error_set(err, SANAD_EEXIST,
					       "key file %s already exists; refusing to overwrite a key", path);
		return sanad_error_set(err, SANAD_EIO, "cannot create key file %s: %s", path, strerror(errno));
	}
	sodium_bin2hex(hex, sizeof(hex), key->master, sizeof(key->master));
	len = (size_t)snprintf(line, sizeof(line), "%s%s\n", KEY_FILE_MAGIC, hex);
	/* a umask cannot widen 0600, but an inherited ACL default could: be explicit */
	if (fchmod(fd, 0600) != 0 || write(fd, line, len) != (ssize_t)len || fsync(fd) != 0)
		rc = sanad_error_set(err, SANAD_EIO, "writing key file %s: %s", path, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = sanad_error_set(err, SANAD_EIO, "writing key file %s: %s", path, strerror(errno));
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(line, sizeof(line));
	if (rc)
		unlink(path);
	return rc;
}

int crypto_key_load(const char *path, struct crypto_key *key, struct sanad_error *err)
{
	char buf[128];
	struct stat sb;
	ssize_t n;
	size_t bin_len = 0;
	const char *hex_end = NULL;
	int fd, rc = 0;

	memset(key, 0, sizeof(*key));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return sanad_error_set(err, SANAD_ENOTFOUND, "no key file at %s", path);
		return sanad_error_set(err, SANAD_EIO, "cannot read key file %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &sb) != 0) {
		rc = sanad_error_set(err, SANAD_EIO, "cannot read key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (sb.st_mode & 077) {
		rc = sanad_error_set(err, SANAD_EPERM,
				     "key file %s is readable by others (mode %03o); run 'chmod 600 %s'", path,
				     (unsigned)(sb.st_mode & 0777), path);
		goto out;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		rc = sanad_error_set(err, SANAD_EIO, "cannot read key file %s: %s", path, strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	if (strncmp(buf, KEY_FILE_MAGIC, strlen(KEY_FILE_MAGIC)) ||
	    sodium_hex2bin(key->master, sizeof(key->master), buf + strlen(KEY_FILE_MAGIC),
			   (size_t)n - strlen(KEY_FILE_MAGIC), NULL, &bin_len, &hex_end) != 0 ||
	    bin_len != CRYPTO_KEY_BYTES || (*hex_end && strcmp(hex_end, "\n"))) {
		rc = sanad_error_set(err, SANAD_EINVAL,
				     "%s is not a Sanad key file (expected '%s' and 64 hex digits)", path,
				     KEY_FILE_MAGIC);
		goto out;
	}
	crypto_key_derive(key);
out:
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	if (rc)
		crypto_key_wipe(key);
	return rc;
}

void crypto_key_check_value(const struct crypto_key *key, char out[CRYPTO_HASH_HEX])
{
	static const char what[] = "sanad key check v1";
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)what, sizeof(what) - 1, key->check,
			   sizeof(key->check));
	sodium_bin2hex(out, CRYPTO_HASH_HEX, h, sizeof(h));
}

int crypto_is_sealed(const char *s)
{
	return s && !strncmp(s, CRYPTO_SEALED_PREFIX, strlen(CRYPTO_SEALED_PREFIX));
}

/* The associated data: NUL-separated so that ("ab","c") and ("a","bc")
 * differ; the case id as decimal text. */
static void associated_data(struct strbuf *ad, const char *table, const char *column, int64_t case_id)
{
	strbuf_addstr(ad, "sanad-field-v1");
	strbuf_addch(ad, '\0');
	strbuf_addstr(ad, table);
	strbuf_addch(ad, '\0');
	strbuf_addstr(ad, column);
	strbuf_addch(ad, '\0');
	strbuf_addf(ad, "%lld", (long long)case_id);
}

int crypto_seal(const struct crypto_key *key, const char *table, const char *column, int64_t case_id,
		const char *plain, char **out, struct sanad_error *err)
{
	size_t plen = strlen(plain), blen = NONCE_BYTES + plen + TAG_BYTES;
	unsigned char *bin;
	unsigned long long clen;
	struct strbuf ad = STRBUF_INIT;
	size_t b64len, pre = strlen(CRYPTO_SEALED_PREFIX);
	char *s;

	*out = NULL;
	if (plen > SEALED_MAX)
		return sanad_error_set(err, SANAD_ELIMIT, "%s.%s: value of %zu bytes is too long to seal",
				       table, column, plen);
	bin = xmalloc(blen);
	randombytes_buf(bin, NONCE_BYTES);
	associated_data(&ad, table, column, case_id);
	crypto_aead_xchacha20poly1305_ietf_encrypt(bin + NONCE_BYTES, &clen, (const unsigned char *)plain,
						   plen, (const unsigned char *)ad.buf, ad.len, NULL, bin,
						   key->field);
	b64len = sodium_base64_encoded_len(blen, B64_VARIANT);
	s = xmalloc(pre + b64len);
	memcpy(s, CRYPTO_SEALED_PREFIX, pre);
	sodium_bin2base64(s + pre, b64len, bin, blen, B64_VARIANT);
	strbuf_release(&ad);
	free(bin);
	*out = s;
	return 0;
}

int crypto_open(const struct crypto_key *key, const char *table, const char *column, int64_t case_id,
		const char *sealed, char **out, struct sanad_error *err)
{
	const char *b64;
	size_t b64len, bin_len = 0, pre = strlen(CRYPTO_SEALED_PREFIX);
	unsigned char *bin;
	unsigned long long plen = 0;
	struct strbuf ad = STRBUF_INIT;
	char *plain;
	int rc = 0;

	*out = NULL;
	if (!crypto_is_sealed(sealed))
		return sanad_error_set(err, SANAD_EINVAL, "%s.%s of case %lld: value is not sealed", table,
				       column, (long long)case_id);
	b64 = sealed + pre;
	b64len = strlen(b64);
	if (b64len > SEALED_MAX * 2)
		return sanad_error_set(err, SANAD_ELIMIT, "%s.%s of case %lld: sealed value too long", table,
				       column, (long long)case_id);
	bin = xmalloc(b64len + 1);
	if (sodium_base642bin(bin, b64len + 1, b64, b64len, NULL, &bin_len, NULL, B64_VARIANT) != 0 ||
	    bin_len < NONCE_BYTES + TAG_BYTES) {
		free(bin);
		return sanad_error_set(err, SANAD_EINVAL, "%s.%s of case %lld: sealed value is malformed",
				       table, column, (long long)case_id);
	}
	plain = xmalloc(bin_len - NONCE_BYTES - TAG_BYTES + 1);
	associated_data(&ad, table, column, case_id);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)plain, &plen, NULL, bin + NONCE_BYTES,
						       bin_len - NONCE_BYTES, (const unsigned char *)ad.buf,
						       ad.len, bin, key->field) != 0) {
		rc = sanad_error_set(err, SANAD_EINVAL,
				     "%s.%s of case %lld: cannot decrypt (altered, moved from another field, "
				     "or sealed with another key)",
				     table, column, (long long)case_id);
		free(plain);
		plain = NULL;
	} else {
		plain[plen] = '\0';
	}
	strbuf_release(&ad);
	free(bin);
	*out = plain;
	return rc;
}

void crypto_search_token(const struct crypto_key *key, const char *domain, const char *text,
			 char out[CRYPTO_TOKEN_HEX])
{
	crypto_generichash_state st;
	unsigned char h[16];
	crypto_generichash_init(&st, key->search, sizeof(key->search), sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain) + 1);
	crypto_generichash_update(&st, (const unsigned char *)text, strlen(text));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, CRYPTO_TOKEN_HEX, h, sizeof(h));
}

void crypto_hash_hex(const void *data, size_t len, char out[CRYPTO_HASH_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(out, CRYPTO_HASH_HEX, h, sizeof(h));
}

void crypto_hasher_init(struct crypto_hasher *h)
{
	crypto_generichash_init((crypto_generichash_state *)(void *)h->state, NULL, 0, 32);
}

void crypto_hasher_add(struct crypto_hasher *h, const void *data, size_t len)
{
	crypto_generichash_update((crypto_generichash_state *)(void *)h->state, data, len);
}

void crypto_hasher_final_hex(struct crypto_hasher *h, char out[CRYPTO_HASH_HEX])
{
	/* The hasher digests audit records, which are public within the
	 * deployment: sodium_bin2hex's constant time protects nothing here and
	 * was a quarter of hashing a record, for every read the server copies. */
	static const char digits[] = "0123456789abcdef";
	unsigned char d[32];
	crypto_generichash_final((crypto_generichash_state *)(void *)h->state, d, sizeof(d));
	for (size_t i = 0; i < sizeof(d); i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * sizeof(d)] = '\0';
}

/* libsodium's interactive limits (2 passes over 64 MiB): about 0.1 s on a
 * server core, which an online guesser feels and a user logging in does
 * not; throttling (auth.c) bounds online guessing further. */
#define PW_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX], struct sanad_error *err)
{
	if (crypto_pwhash_str_alg(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return sanad_error_set(err, SANAD_ELIMIT, "not enough memory to hash the password");
	return 0;
}

int crypto_password_verify(const char *hash, const char *password)
{
	if (!hash || strncmp(hash, crypto_pwhash_argon2id_STRPREFIX, strlen(crypto_pwhash_argon2id_STRPREFIX)))
		return 0;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void crypto_random_bytes(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

char *crypto_random_token(size_t nbytes)
{
	unsigned char *b = xmalloc(nbytes ? nbytes : 1);
	size_t len = sodium_base64_encoded_len(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = xmalloc(len);
	randombytes_buf(b, nbytes);
	sodium_bin2base64(s, len, b, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(b, nbytes);
	free(b);
	return s;
}

int crypto_str_equal(const char *a, const char *b)
{
	size_t la, lb;
	if (!a || !b)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}
