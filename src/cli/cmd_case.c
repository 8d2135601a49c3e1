/*
 * cli/cmd_case.c: `sanad case list|show|add|update`, the case register for
 * scripts.  Fields are named as in the registry and in the CSV export
 * (FIELD=VALUE for case fields, FIELD.N=VALUE for item N of a repeating
 * group), so whatever a script reads from an export it can write back here.
 * Each change is normalised, derived and validated like an import, and saved
 * in one transaction.
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "exporter/exporter.h"
#include "importer/importer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char usage_case[] =
	"usage: sanad case list [--org CODE] [--owner NAME] [--limit N] [--after REF]\n"
	"                       [--format table|csv|json]\n"
	"       sanad case show REF [--format text|json] [--lang en|ar]\n"
	"       sanad case add [--org CODE] [--json FILE] FIELD=VALUE...\n"
	"       sanad case update REF [FIELD=VALUE...] [--remove-item GROUP:N]...\n"
	"\n"
	"list    one line per case, in the order cases were added: reference,\n"
	"        organisation, registration year, stage, status, sex, age band and\n"
	"        citizenship.  A listing never shows names or other identity fields.\n"
	"        --limit N shows N cases; --after REF continues after case REF (give\n"
	"        the last reference of one page to get the next).\n"
	"show    every known field of one case, repeating groups included, with the\n"
	"        label of each picklist value: code (label).  --lang ar gives Arabic\n"
	"        labels; --format json prints the case as the JSON export does.\n"
	"add     create a case and print its reference.  FIELD is a field name of\n"
	"        the HTCDS export (prs_FirstName=Amina); a repeating group's field\n"
	"        takes the item number, as in the CSV export (hte_Type.1=Recruitment,\n"
	"        hte_Country.1=NP).  Multi-selects take codes separated by ';'.\n"
	"        --org CODE sets the owning organisation (needed when the database has\n"
	"        several); --json FILE reads one case object in the shape of the JSON\n"
	"        export ('-' for standard input) before the FIELD=VALUE pairs apply.\n"
	"update  change the named fields of case REF (FIELD= with no value clears one),\n"
	"        add or change items with FIELD.N=VALUE, and remove item N of a group\n"
	"        with --remove-item GROUP:N (GROUP is events, services, comments,\n"
	"        support_plans, consents, referrals or perpetrators).  Item numbers are\n"
	"        those 'sanad case show' prints before the update.  Fields derived\n"
	"        from others (sex, age, age band, majority, registration year) follow\n"
	"        their sources unless they were entered by hand.\n"
	"\n"
	"Values are checked as an import checks them; an error names the field and\n"
	"the value, and nothing is saved.  'sanad vocab LIST' shows a picklist.\n";

#define LABEL_WIDTH 38 /* the longest field name: vic_TraffickingStatusDecisionMakingOrg */

static int case_fail(const struct sanad_error *err)
{
	cli_error("case", err);
	return 1;
}

/* ---- list ---- */

static const char *const list_fields[] = { "snd_CaseRef", "snd_Organisation",
					   "snd_YearOfRegistration", "snd_Stage", "cas_Status",
					   "snd_Sex", "snd_AgeBroad", "prs_Citizenship" };
#define NLIST ((int)(sizeof(list_fields) / sizeof(list_fields[0])))

enum list_format { LIST_TABLE, LIST_CSV, LIST_JSON };

struct list_ctx {
	enum list_format format;
	long rows;
	struct strbuf line;
};

static const struct field_def *case_field(const char *name)
{
	return &domain_group(GROUP_CASE)->fields[domain_field_index(GROUP_CASE, name)];
}

static void list_header(enum list_format format)
{
	if (format == LIST_TABLE)
		printf("%-14s %-20s %-4s %-16s %-12s %-12s %-7s %s\n", "REF", "ORGANISATION", "YEAR",
		       "STAGE", "STATUS", "SEX", "AGE", "CITIZENSHIP");
	else if (format == LIST_CSV)
		for (int i = 0; i < NLIST; i++)
			printf("%s%c", list_fields[i], i + 1 < NLIST ? ',' : '\n');
	else
		fputs("[", stdout);
}

static int list_row(const struct case_record *c, void *ctx)
{
	struct list_ctx *lc = ctx;
	const char *v[NLIST];

	for (int i = 0; i < NLIST; i++)
		v[i] = case_get(c, list_fields[i]);
	strbuf_reset(&lc->line);
	if (lc->format == LIST_TABLE) {
		for (int i = 0; i < NLIST; i++)
			v[i] = v[i] ? v[i] : "-";
		strbuf_addf(&lc->line, "%-14s %-20s %-4s %-16s %-12s %-12s %-7s %s\n", v[0], v[1], v[2],
			    v[3], v[4], v[5], v[6], v[7]);
	} else if (lc->format == LIST_CSV) {
		for (int i = 0; i < NLIST; i++) {
			const struct field_def *f = case_field(list_fields[i]);
			if (i)
				strbuf_addch(&lc->line, ',');
			csv_cell(&lc->line, v[i] ? v[i] : "", f->kind == FK_TEXT || f->kind == FK_LONGTEXT);
		}
		strbuf_addch(&lc->line, '\n');
	} else {
		json_t *obj = json_object();
		char *text;
		for (int i = 0; i < NLIST; i++)
			if (v[i])
				json_object_set_new(obj, list_fields[i],
						    export_value_json(case_field(list_fields[i]), v[i]));
		text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
		strbuf_addstr(&lc->line, lc->rows ? ",\n" : "\n");
		strbuf_addstr(&lc->line, text);
		free(text);
		json_decref(obj);
	}
	fwrite(lc->line.buf, 1, lc->line.len, stdout);
	lc->rows++;
	return 0;
}

static int case_list(int argc, char **argv, struct cli_context *ctx)
{
	struct case_query q = { 0 };
	struct list_ctx lc = { LIST_TABLE, 0, STRBUF_INIT };
	struct sanad_error err = { 0 };
	const char *format = cli_option(argc, argv, "format");
	const char *limit = cli_option(argc, argv, "limit");
	const char *after = cli_option(argc, argv, "after");
	int rc;

	if (format && !strcmp(format, "csv"))
		lc.format = LIST_CSV;
	else if (format && !strcmp(format, "json"))
		lc.format = LIST_JSON;
	else if (format && strcmp(format, "table")) {
		fprintf(stderr, "sanad case: unknown list format '%s' (use table, csv or json)\n", format);
		return 2;
	}
	if (limit && parse_int64(limit, 1, INT64_MAX, &q.limit)) {
		fprintf(stderr, "sanad case: --limit takes a whole number of at least 1, not '%s'\n", limit);
		return 2;
	}
	q.org_code = cli_option(argc, argv, "org");
	q.owner = cli_option(argc, argv, "owner");
	if (after) {
		struct case_record c;
		if ((rc = storage_case_get(ctx->st, after, &c, &err))) {
			case_record_release(&c);
			return case_fail(&err);
		}
		q.after_id = c.id;
		case_record_release(&c);
	}
	if (q.org_code) {
		struct organisation o;
		if (storage_org_get(ctx->st, q.org_code, &o, &err))
			return case_fail(&err);
		organisation_release(&o);
	}
	list_header(lc.format);
	rc = storage_case_each(ctx->st, &q, list_row, &lc, &err);
	strbuf_release(&lc.line);
	if (lc.format == LIST_JSON)
		fputs("\n]\n", stdout);
	return rc ? case_fail(&err) : 0;
}

/* ---- show ---- */

/* value with the label of each picklist code: "NP (Nepal); IN (India)" */
static void add_labelled(struct strbuf *sb, const struct field_def *f, const char *v, enum vocab_lang lang)
{
	if (f->kind != FK_PICK && f->kind != FK_MULTI) {
		/* continuation lines of long text line up under the value */
		for (const char *p = v; *p; p++) {
			strbuf_addch(sb, *p);
			if (*p == '\n')
				strbuf_addf(sb, "%*s", LABEL_WIDTH + 4, "");
		}
		return;
	}
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ";");
		char *code = xstrndup(p, n);
		if (p != v)
			strbuf_addstr(sb, "; ");
		strbuf_addf(sb, "%s (%s)", code, vocab_label(f->list, code, lang));
		free(code);
		p += n;
		if (*p)
			p++;
	}
}

static void show_record(struct strbuf *sb, enum group_id g, const struct record *r, enum vocab_lang lang,
			int indent)
{
	const struct group_def *gd = domain_group(g);
	for (int i = 0; i < gd->nfields; i++) {
		if (!r->value[i])
			continue;
		strbuf_addf(sb, "%*s%-*s  ", indent, "", LABEL_WIDTH + 2 - indent, gd->fields[i].name);
		add_labelled(sb, &gd->fields[i], r->value[i], lang);
		strbuf_addch(sb, '\n');
	}
}

static int case_show(int argc, char **argv, const char *ref, struct cli_context *ctx)
{
	const char *format = cli_option(argc, argv, "format");
	const char *lang_s = cli_option(argc, argv, "lang");
	enum vocab_lang lang = lang_s ? vocab_lang_parse(lang_s) : VOCAB_EN;
	struct sanad_error err = { 0 };
	struct case_record c;
	int json;

	if (format && strcmp(format, "text") && strcmp(format, "json")) {
		fprintf(stderr, "sanad case: unknown show format '%s' (use text or json)\n", format);
		return 2;
	}
	if (lang_s && strcmp(lang_s, "en") && strncmp(lang_s, "ar", 2)) {
		fprintf(stderr, "sanad case: unknown language '%s' (use en or ar)\n", lang_s);
		return 2;
	}
	json = format && !strcmp(format, "json");
	if (storage_case_get(ctx->st, ref, &c, &err) ||
	    audit_append(ctx->st, audit_cli_actor(), case_get(&c, "snd_Organisation"), AUDIT_VIEW,
			 case_get(&c, "snd_CaseRef"), NULL, &err)) {
		case_record_release(&c);
		return case_fail(&err);
	}
	if (json) {
		json_t *obj = export_case_json(&c, 0);
		char *text = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", text);
		free(text);
		json_decref(obj);
	} else {
		struct strbuf sb = STRBUF_INIT;
		show_record(&sb, GROUP_CASE, &c.main, lang, 0);
		for (int g = 1; g < GROUP_COUNT; g++)
			for (size_t k = 0; k < c.child[g].count; k++) {
				strbuf_addf(&sb, "\n%s %zu\n", domain_group((enum group_id)g)->name, k + 1);
				show_record(&sb, (enum group_id)g, &c.child[g].items[k], lang, 2);
			}
		fwrite(sb.buf, 1, sb.len, stdout);
		strbuf_release(&sb);
	}
	case_record_release(&c);
	return 0;
}

/* ---- add and update: FIELD=VALUE pairs ---- */

/* Items of each group that this command touched (index from 0), so that an
 * item left with no values is caught and older items are left as they are. */
struct touched {
	unsigned char *item[GROUP_COUNT];
};

static void touched_release(struct touched *t)
{
	for (int g = 0; g < GROUP_COUNT; g++)
		free(t->item[g]);
}

/* Split "name.N=value": *field and *value point into a copy the caller
 * frees (returned); *item is N (0 when absent). Returns NULL when the
 * argument has no '=' or a bad N. */
static char *split_pair(const char *arg, char **field, char **value, int64_t *item)
{
	char *copy = xstrdup(arg), *eq = strchr(copy, '='), *dot;
	if (!eq || eq == copy) {
		free(copy);
		return NULL;
	}
	*eq = '\0';
	*field = copy;
	*value = eq + 1;
	*item = 0;
	dot = strrchr(copy, '.');
	if (dot) {
		*dot = '\0';
		if (parse_int64(dot + 1, 1, INT64_MAX, item)) {
			free(copy);
			return NULL;
		}
	}
	return copy;
}

/* Apply one FIELD[.N]=VALUE to c.  *set_case_field (if given) gets the index
 * of a case field that was set, else -1. */
static int apply_pair(struct case_record *c, const char *arg, struct touched *t, int *set_case_field,
		      struct sanad_error *err)
{
	char *field, *value, *copy;
	int64_t n;
	enum group_id g;
	const struct group_def *gd;
	struct record *rec;
	int i, rc;

	if (set_case_field)
		*set_case_field = -1;
	if (!(copy = split_pair(arg, &field, &value, &n)))
		return sanad_error_set(err, SANAD_EINVAL,
				       "'%.100s' is not FIELD=VALUE or FIELD.N=VALUE (N counts from 1)", arg);
	if (domain_field_find(field, &g, &i)) {
		rc = sanad_error_set(err, SANAD_EINVAL, "'%.100s' is not a field (see 'sanad case --help')", field);
		goto out;
	}
	gd = domain_group(g);
	if (g == GROUP_CASE && n) {
		rc = sanad_error_set(err, SANAD_EINVAL, "%s is a case field: write %s=VALUE, without '.%lld'",
				     gd->fields[i].name, gd->fields[i].name, (long long)n);
		goto out;
	}
	if (g != GROUP_CASE && !n) {
		rc = sanad_error_set(err, SANAD_EINVAL,
				     "%s is a field of %s: give the item number, e.g. %s.1=VALUE",
				     gd->fields[i].name, gd->name, gd->fields[i].name);
		goto out;
	}
	if (n > gd->max_items) {
		rc = sanad_error_set(err, SANAD_ELIMIT, "%s.%lld: a case has at most %d %s",
				     gd->fields[i].name, (long long)n, gd->max_items, gd->name);
		goto out;
	}
	rec = case_record_item(c, g, n ? (size_t)n - 1 : 0);
	if ((rc = record_set(rec, g, i, value, err))) {
		if (g != GROUP_CASE)
			sanad_error_prefix(err, "%s item %lld: ", gd->name, (long long)n);
		goto out;
	}
	if (g == GROUP_CASE) {
		if (set_case_field)
			*set_case_field = i;
	} else {
		if (!t->item[g])
			t->item[g] = xcalloc((size_t)gd->max_items, 1);
		t->item[g][n - 1] = 1;
	}
out:
	free(copy);
	return rc;
}

static int record_empty(const struct record *r, enum group_id g)
{
	for (int i = 0; i < domain_group(g)->nfields; i++)
		if (r->value[i])
			return 0;
	return 1;
}

/* An item the command touched or created must hold something: an empty one
 * would be a gap in the numbering, or a value cleared by mistake. */
static int check_items(const struct case_record *c, const size_t *before, const struct touched *t,
		       struct sanad_error *err)
{
	for (int g = 1; g < GROUP_COUNT; g++)
		for (size_t k = 0; k < c->child[g].count; k++) {
			int touched = k >= before[g] || (t->item[g] && t->item[g][k]);
			if (touched && record_empty(&c->child[g].items[k], (enum group_id)g)) {
				const char *name = domain_group((enum group_id)g)->name;
				if (k >= before[g])
					return sanad_error_set(err, SANAD_EINVAL,
							       "%s item %zu has no values: number new items "
							       "from %zu without gaps", name, k + 1, before[g] + 1);
				return sanad_error_set(err, SANAD_EINVAL,
						       "%s item %zu would have no values left: remove it with "
						       "--remove-item %s:%zu", name, k + 1, name, k + 1);
			}
		}
	return 0;
}

/* Positional FIELD=VALUE arguments from pos[first..npos). */
static int apply_pairs(struct case_record *c, char **pos, int first, int npos, struct touched *t,
		       unsigned char *set_fields, struct sanad_error *err)
{
	for (int k = first; k < npos; k++) {
		int set;
		int rc = apply_pair(c, pos[k], t, &set, err);
		if (rc)
			return rc;
		if (set >= 0 && set_fields)
			set_fields[set] = 1;
	}
	return 0;
}

/* Read a whole file ("-": standard input), at most limit bytes. */
static int read_file(const char *path, size_t limit, struct strbuf *out, struct sanad_error *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char buf[65536];
	size_t n;

	if (!f)
		return sanad_error_set(err, SANAD_EIO, "cannot open %s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (out->len + n > limit) {
			if (f != stdin)
				fclose(f);
			return sanad_error_set(err, SANAD_ELIMIT, "%s is over %zu MiB, too big for one case",
					       path, limit >> 20);
		}
		strbuf_add(out, buf, n);
	}
	n = (size_t)ferror(f);
	if (f != stdin)
		fclose(f);
	return n ? sanad_error_set(err, SANAD_EIO, "reading %s failed", path) : 0;
}

/* Save c in one transaction: insert (adding) or update. */
static int save_case(struct storage *st, struct case_record *c, int adding, struct sanad_error *err)
{
	int rc = adding ? storage_case_insert(st, c, err) : storage_case_update(st, c, err);
	if (!rc) /* in the same transaction: no change without its record */
		rc = audit_append(st, audit_cli_actor(), case_get(c, "snd_Organisation"),
				  adding ? AUDIT_CREATE : AUDIT_UPDATE, case_get(c, "snd_CaseRef"), NULL, err);
	if (!rc)
		rc = storage_commit(st, err);
	if (rc)
		storage_rollback(st);
	return rc;
}

static int case_add(int argc, char **argv, char **pos, int npos, struct cli_context *ctx)
{
	const char *org = cli_option(argc, argv, "org");
	const char *json_path = cli_option(argc, argv, "json");
	struct sanad_error err = { 0 };
	struct touched t = { { 0 } };
	size_t before[GROUP_COUNT] = { 0 };
	struct case_record c;
	int rc;

	if (npos < 2 && !json_path) {
		/* nothing to say about the case: surely a mistake */
		fprintf(stderr, "sanad case add: give FIELD=VALUE pairs or --json FILE\n");
		return 2;
	}
	if (json_path) {
		/* items from the file count as new, like numbered pairs: before[] stays 0 */
		struct strbuf text = STRBUF_INIT;
		if ((rc = read_file(json_path, (size_t)128 << 20, &text, &err))) {
			strbuf_release(&text);
			return case_fail(&err);
		}
		rc = import_json_case(strbuf_str(&text), text.len, &c, &err);
		strbuf_release(&text);
		if (rc) {
			sanad_error_prefix(&err, "%s: ", json_path);
			goto fail;
		}
	} else {
		case_record_init(&c);
	}
	if (org && (rc = case_set(&c, "snd_Organisation", org, &err)))
		goto fail;
	if ((rc = apply_pairs(&c, pos, 1, npos, &t, NULL, &err)))
		goto fail;
	if (!case_get(&c, "snd_Organisation")) {
		/* a database with one organisation needs no --org */
		struct organisation *orgs;
		size_t n;
		if ((rc = storage_org_list(ctx->st, &orgs, &n, &err)))
			goto fail;
		if (n == 1)
			rc = case_set(&c, "snd_Organisation", orgs[0].code, &err);
		else
			rc = sanad_error_set(&err, SANAD_EINVAL,
					     "snd_Organisation: the database has %zu organisations; say which "
					     "one owns the case with --org CODE", n);
		for (size_t i = 0; i < n; i++)
			organisation_release(&orgs[i]);
		free(orgs);
		if (rc)
			goto fail;
	}
	if ((rc = check_items(&c, before, &t, &err)))
		goto fail;
	case_record_derive(&c);
	if ((rc = case_record_validate(&c, &err)))
		goto fail;
	if ((rc = storage_begin(ctx->st, &err)) || (rc = save_case(ctx->st, &c, 1, &err)))
		goto fail;
	printf("%s\n", case_get(&c, "snd_CaseRef"));
	touched_release(&t);
	case_record_release(&c);
	return 0;
fail:
	touched_release(&t);
	case_record_release(&c);
	return case_fail(&err);
}

/* The fields case_record_derive fills, sources first so that a chain
 * (birth date -> age -> age band) re-derives in one pass. */
static const char *const derived_fields[] = { "snd_Sex", "snd_AgeAtIdentification", "snd_AgeBroad",
					      "snd_MajorityStatus", "snd_YearOfRegistration" };

/* Clear in c each derived field that the update did not set and whose old
 * value is what derivation gives from the old sources, so that derivation
 * recomputes it from the new ones.  A value entered by hand (one that
 * derivation would not give) is kept. */
static void clear_stale_derived(struct case_record *c, const struct case_record *old,
				const unsigned char *set_fields)
{
	for (size_t k = 0; k < sizeof(derived_fields) / sizeof(derived_fields[0]); k++) {
		int i = domain_field_index(GROUP_CASE, derived_fields[k]);
		struct case_record probe;
		int derived;
		if (set_fields[i] || !old->main.value[i])
			continue;
		case_record_copy(&probe, old);
		/* drop this field and those after it in the chain, then derive */
		for (size_t j = k; j < sizeof(derived_fields) / sizeof(derived_fields[0]); j++) {
			int d = domain_field_index(GROUP_CASE, derived_fields[j]);
			free(probe.main.value[d]);
			probe.main.value[d] = NULL;
		}
		case_record_derive(&probe);
		derived = probe.main.value[i] && !strcmp(probe.main.value[i], old->main.value[i]);
		case_record_release(&probe);
		if (derived) {
			free(c->main.value[i]);
			c->main.value[i] = NULL;
		}
	}
}

struct removal {
	enum group_id group;
	size_t item; /* from 1 */
};

static int removal_cmp(const void *a, const void *b)
{
	const struct removal *x = a, *y = b;
	return x->item < y->item ? 1 : x->item > y->item ? -1 : 0; /* highest first */
}

/* The --remove-item GROUP:N options, which may repeat. */
static int parse_removals(int argc, char **argv, const struct case_record *c, struct removal **out,
			  size_t *count, struct sanad_error *err)
{
	size_t alloc = 0;
	*out = NULL;
	*count = 0;
	for (int k = 1; k < argc; k++) {
		const char *spec = NULL, *colon;
		int g;
		int64_t n;
		char name[64];
		if (!strcmp(argv[k], "--"))
			break;
		if (!strcmp(argv[k], "--remove-item") && k + 1 < argc)
			spec = argv[++k];
		else if (!strncmp(argv[k], "--remove-item=", 14))
			spec = argv[k] + 14;
		if (!spec)
			continue;
		colon = strrchr(spec, ':');
		if (!colon || (size_t)(colon - spec) >= sizeof(name))
			return sanad_error_set(err, SANAD_EINVAL,
					       "--remove-item '%.80s': write GROUP:N, e.g. events:2", spec);
		snprintf(name, sizeof(name), "%.*s", (int)(colon - spec), spec);
		for (g = 1; g < GROUP_COUNT && strcmp(domain_group((enum group_id)g)->name, name); g++)
			;
		if (g == GROUP_COUNT)
			return sanad_error_set(err, SANAD_EINVAL,
					       "--remove-item: '%s' is not a repeating group (events, services, "
					       "comments, support_plans, consents, referrals, perpetrators)", name);
		if (parse_int64(colon + 1, 1, INT64_MAX, &n) || (size_t)n > c->child[g].count)
			return sanad_error_set(err, SANAD_EINVAL,
					       "--remove-item %s: the case has %zu %s; '%.20s' is not one of them",
					       spec, c->child[g].count, name, colon + 1);
		for (size_t i = 0; i < *count; i++)
			if ((*out)[i].group == (enum group_id)g && (*out)[i].item == (size_t)n)
				return sanad_error_set(err, SANAD_EINVAL, "--remove-item %s is given twice", spec);
		ALLOC_GROW(*out, *count + 1, alloc);
		(*out)[*count].group = (enum group_id)g;
		(*out)[(*count)++].item = (size_t)n;
	}
	if (*count > 1)
		qsort(*out, *count, sizeof(**out), removal_cmp);
	return 0;
}

static void remove_item(struct case_record *c, enum group_id g, size_t index)
{
	struct record_list *l = &c->child[g];
	for (int i = 0; i < domain_group(g)->nfields; i++)
		free(l->items[index].value[i]);
	free(l->items[index].value);
	memmove(&l->items[index], &l->items[index + 1], (l->count - index - 1) * sizeof(*l->items));
	l->count--;
}

static int case_update(int argc, char **argv, char **pos, int npos, struct cli_context *ctx)
{
	const char *ref = pos[1];
	int ref_i = domain_field_index(GROUP_CASE, "snd_CaseRef");
	struct sanad_error err = { 0 };
	struct touched t = { { 0 } };
	size_t before[GROUP_COUNT] = { 0 };
	unsigned char *set_fields = xcalloc((size_t)domain_group(GROUP_CASE)->nfields, 1);
	struct case_record c, old;
	struct removal *removals = NULL;
	size_t nremovals = 0;
	int rc, have_old = 0;

	/* the write lock first, so nobody changes the case between read and write */
	if ((rc = storage_begin(ctx->st, &err))) {
		free(set_fields);
		return case_fail(&err);
	}
	if ((rc = storage_case_get(ctx->st, ref, &c, &err)))
		goto fail;
	case_record_copy(&old, &c);
	have_old = 1;
	for (int g = 1; g < GROUP_COUNT; g++)
		before[g] = c.child[g].count;
	if ((rc = parse_removals(argc, argv, &c, &removals, &nremovals, &err)))
		goto fail;
	if (npos < 3 && !nremovals) {
		storage_rollback(ctx->st);
		fprintf(stderr, "sanad case update: give FIELD=VALUE pairs or --remove-item GROUP:N\n");
		rc = 2;
		goto out;
	}
	if ((rc = apply_pairs(&c, pos, 2, npos, &t, set_fields, &err)))
		goto fail;
	if ((rc = check_items(&c, before, &t, &err)))
		goto fail;
	for (size_t k = 0; k < nremovals; k++)
		remove_item(&c, removals[k].group, removals[k].item - 1);
	if (!c.main.value[ref_i]) {
		rc = sanad_error_set(&err, SANAD_EINVAL, "snd_CaseRef: a case's reference cannot be cleared");
		goto fail;
	}
	if (strcmp(c.main.value[ref_i], ref)) {
		struct case_record other;
		struct sanad_error e2 = { 0 };
		int found = storage_case_get(ctx->st, c.main.value[ref_i], &other, &e2);
		case_record_release(&other);
		if (found == 0) {
			rc = sanad_error_set(&err, SANAD_EEXIST,
					     "snd_CaseRef: another case already has the reference '%s'",
					     c.main.value[ref_i]);
			goto fail;
		}
		if (found != SANAD_ENOTFOUND) {
			err = e2;
			rc = found;
			goto fail;
		}
	}
	clear_stale_derived(&c, &old, set_fields);
	case_record_derive(&c);
	if ((rc = case_record_validate(&c, &err)) || (rc = save_case(ctx->st, &c, 0, &err)))
		goto fail;
	printf("updated %s\n", c.main.value[ref_i]);
	rc = 0;
	goto out;
fail:
	storage_rollback(ctx->st);
	cli_error("case", &err);
	rc = 1;
out:
	free(removals);
	free(set_fields);
	touched_release(&t);
	case_record_release(&c);
	if (have_old)
		case_record_release(&old);
	return rc;
}

int cmd_case(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const all_opts[] = { "org=", "owner=", "limit=", "after=", "format=",
						"lang=", "json=", "remove-item=", NULL };
	static const char *const list_opts[] = { "org=", "owner=", "limit=", "after=", "format=", NULL };
	static const char *const show_opts[] = { "format=", "lang=", NULL };
	static const char *const add_opts[] = { "org=", "json=", NULL };
	static const char *const update_opts[] = { "remove-item=", NULL };
	static const struct {
		const char *name;
		const char *const *opts;
		int min_pos, max_pos; /* positional arguments, the sub-command included */
	} subs[] = {
		{ "list", list_opts, 1, 1 },
		{ "show", show_opts, 2, 2 },
		{ "add", add_opts, 1, -1 },
		{ "update", update_opts, 2, -1 },
	};
	char **pos;
	int npos, rc, s;

	/* first find the sub-command among the positionals, skipping option
	 * values; then check the options against what that sub-command takes */
	if ((rc = cli_parse("case", argc, argv, all_opts, &pos, &npos)))
		return rc;
	for (s = 0; npos && s < (int)(sizeof(subs) / sizeof(subs[0])); s++)
		if (!strcmp(pos[0], subs[s].name))
			break;
	free(pos);
	if (!npos || s == (int)(sizeof(subs) / sizeof(subs[0]))) {
		fprintf(stderr, "sanad case: say list, show, add or update (see 'sanad case --help')\n");
		return 2;
	}
	if ((rc = cli_parse("case", argc, argv, subs[s].opts, &pos, &npos)))
		return rc;
	if (npos < subs[s].min_pos || (subs[s].max_pos >= 0 && npos > subs[s].max_pos)) {
		fprintf(stderr, "sanad case %s: %s (see 'sanad case --help')\n", subs[s].name,
			npos < subs[s].min_pos ? "which case? give its reference" : "unexpected argument");
		free(pos);
		return 2;
	}
	switch (s) {
	case 0: rc = case_list(argc, argv, ctx); break;
	case 1: rc = case_show(argc, argv, pos[1], ctx); break;
	case 2: rc = case_add(argc, argv, pos, npos, ctx); break;
	default: rc = case_update(argc, argv, pos, npos, ctx); break;
	}
	free(pos);
	return rc;
}
