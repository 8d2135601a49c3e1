/*
 * importer/read_ctdc.c: the layout of the Counter Trafficking Data
 * Collaborative's global dataset — one row per victim, flags and codes
 * rather than case records.
 *
 * Every CTDC column Sanad understands is in ctdc_columns below, the one
 * place that maps the foreign layout onto the registry: a value column
 * becomes a field, a flag column (1 / 0) adds one code to a multi-select
 * field.  Real releases differ, so the reader accepts any subset of the
 * columns in any order, names matched without regard to case and also when
 * cut to 32 characters (as Stata exports write them); "-", "-99", "unknown",
 * NA, nan and empty cells are unknown, as is the country "00" (a country
 * "NA" is Namibia); age bands may be
 * written 18--20, 18-20 or 48+; flags may also read true/false or yes/no.
 * A group of flags none of which is set leaves its field unknown: the
 * global dataset cannot tell "none" from "not recorded".
 *
 * Columns CTDC computes from others (*Concatenated, *NotSpecified,
 * isSexAndLabour, RecruiterRelationship, recruiterRelationUnknown) are
 * accepted and not read: Sanad derives what it needs from the source
 * columns, and released files are k-anonymised, so a derived column may
 * legitimately disagree with its sources.  Columns of facts Sanad keeps no
 * field for (majorityEntry, traffickMonths, typeOfSexOther) are accepted
 * with one note.
 *
 * Two defects of real files are repaired rather than refused, each with a
 * warning that counts the rows: a list column (meansOfControlConcatenated
 * and the like) whose commas were not quoted spreads over the following
 * cells — the spill is recognised because the cells after it cannot be
 * what the next column holds, and the row is realigned; and a
 * majorityStatus that contradicts ageBroad (minor band, adult status) is
 * left unknown, since the age band is the more precise of the two.
 */
#include "importer/importer_internal.h"

#include <stdlib.h>
#include <string.h>

enum ctdc_kind {
	CT_VALUE,    /* a value of the field: vocabulary code or alias, or a year */
	CT_AGE,      /* age band */
	CT_COUNTRY,  /* ISO 3166 code */
	CT_FLAG,     /* 1 adds code to the multi-select field */
	CT_BOOL,     /* 1 / 0: a yes/no field */
	CT_DERIVED,  /* computed by CTDC from other columns: accepted, not read */
	CT_LIST,     /* derived, and a list whose commas may spill (see above) */
	CT_NOT_KEPT, /* a fact Sanad has no field for */
};

struct ctdc_column {
	const char *name;
	enum ctdc_kind kind;
	const char *field;
	const char *code;
};

/* The mapping (tests/importer checks that every field and code exists). */
static const struct ctdc_column ctdc_columns[] = {
	{ "yearOfRegistration", CT_VALUE, "snd_YearOfRegistration", NULL },
	{ "Datasource", CT_VALUE, "snd_DataSource", NULL },
	{ "gender", CT_VALUE, "snd_Sex", NULL }, /* CTDC's gender is sex: Female, Male, Transgender */
	{ "ageBroad", CT_AGE, "snd_AgeBroad", NULL },
	{ "majorityStatus", CT_VALUE, "snd_MajorityStatus", NULL },
	{ "majorityStatusAtExploit", CT_VALUE, "snd_MajorityStatusAtExploit", NULL },
	{ "majorityEntry", CT_NOT_KEPT, NULL, NULL },
	{ "citizenship", CT_COUNTRY, "prs_Citizenship", NULL },
	{ "CountryOfExploitation", CT_COUNTRY, "snd_CountryOfExploitation", NULL },
	{ "isAbduction", CT_BOOL, "snd_IsAbduction", NULL },
	{ "traffickMonths", CT_NOT_KEPT, NULL, NULL },

	{ "meansOfControlDebtBondage", CT_FLAG, "vic_MethodsOfControl", "DebtBondage" },
	{ "meansOfControlTakesEarnings", CT_FLAG, "vic_MethodsOfControl", "TakesEarnings" },
	{ "meansOfControlRestrictsFinancialAccess", CT_FLAG, "vic_MethodsOfControl", "RestrictsFinancialAccess" },
	{ "meansOfControlThreats", CT_FLAG, "vic_MethodsOfControl", "PhysicalThreats" },
	{ "meansOfControlPsychologicalAbuse", CT_FLAG, "vic_MethodsOfControl", "PsychologicalAbuse" },
	{ "meansOfControlPhysicalAbuse", CT_FLAG, "vic_MethodsOfControl", "PhysicalAbuse" },
	{ "meansOfControlSexualAbuse", CT_FLAG, "vic_MethodsOfControl", "SexualAbuse" },
	{ "meansOfControlFalsePromises", CT_FLAG, "vic_MethodsOfControl", "FalsePromises" },
	{ "meansOfControlPsychoactiveSubstances", CT_FLAG, "vic_MethodsOfControl", "PsychoactiveSubstance" },
	{ "meansOfControlRestrictsMovement", CT_FLAG, "vic_MethodsOfControl", "RestrictsMovement" },
	{ "meansOfControlRestrictsMedicalCare", CT_FLAG, "vic_MethodsOfControl", "RestrictsMedicalCare" },
	{ "meansOfControlExcessiveWorkingHours", CT_FLAG, "vic_MethodsOfControl", "ExcessiveWorkingHours" },
	{ "meansOfControlUsesChildren", CT_FLAG, "vic_MethodsOfControl", "UsesChildren" },
	{ "meansOfControlThreatOfLawEnforcement", CT_FLAG, "vic_MethodsOfControl", "ThreatsLawEnforcement" },
	{ "meansOfControlWithholdsNecessities", CT_FLAG, "vic_MethodsOfControl", "WithholdsNecessities" },
	{ "meansOfControlWithholdsDocuments", CT_FLAG, "vic_MethodsOfControl", "WithholdsDocuments" },
	{ "meansOfControlOther", CT_FLAG, "vic_MethodsOfControl", "Other" },
	{ "meansOfControlNotSpecified", CT_DERIVED, NULL, NULL },
	{ "meansOfControlConcatenated", CT_LIST, NULL, NULL },

	{ "isForcedLabour", CT_FLAG, "vic_TypeOfExploitation", "ForcedLabour" },
	{ "isSexualExploit", CT_FLAG, "vic_TypeOfExploitation", "SexualExploitation" },
	{ "isOtherExploit", CT_FLAG, "vic_TypeOfExploitation", "Other" },
	{ "isSexAndLabour", CT_DERIVED, NULL, NULL },
	{ "isForcedMarriage", CT_FLAG, "vic_TypeOfExploitation", "ForcedMarriage" },
	{ "isForcedMilitary", CT_FLAG, "vic_TypeOfExploitation", "ForcedMilitaryByNonStateActors" },
	{ "isOrganRemoval", CT_FLAG, "vic_TypeOfExploitation", "OrganRemoval" },
	{ "isSlaveryAndPractices", CT_FLAG, "vic_TypeOfExploitation", "SlaveryAndSimilarPractices" },
	{ "typeOfExploitConcatenated", CT_LIST, NULL, NULL },

	{ "typeOfLabourAgriculture", CT_FLAG, "snd_LabourType", "Agriculture" },
	{ "typeOfLabourAquafarming", CT_FLAG, "snd_LabourType", "Aquafarming" },
	{ "typeOfLabourBegging", CT_FLAG, "snd_LabourType", "Begging" },
	{ "typeOfLabourConstruction", CT_FLAG, "snd_LabourType", "Construction" },
	{ "typeOfLabourDomesticWork", CT_FLAG, "snd_LabourType", "DomesticWork" },
	{ "typeOfLabourHospitality", CT_FLAG, "snd_LabourType", "Hospitality" },
	{ "typeOfLabourIllicitActivities", CT_FLAG, "snd_LabourType", "IllicitActivities" },
	{ "typeOfLabourManufacturing", CT_FLAG, "snd_LabourType", "Manufacturing" },
	{ "typeOfLabourMiningOrDrilling", CT_FLAG, "snd_LabourType", "MiningOrDrilling" },
	{ "typeOfLabourPeddling", CT_FLAG, "snd_LabourType", "Peddling" },
	{ "typeOfLabourTransportation", CT_FLAG, "snd_LabourType", "Transportation" },
	{ "typeOfLabourOther", CT_FLAG, "snd_LabourType", "Other" },
	{ "typeOfLabourNotSpecified", CT_DERIVED, NULL, NULL },
	{ "typeOfLabourConcatenated", CT_LIST, NULL, NULL },

	{ "typeOfSexProstitution", CT_FLAG, "vic_TypeOfSexExploitation", "Prostitution" },
	{ "typeOfSexPornography", CT_FLAG, "vic_TypeOfSexExploitation", "Pornography" },
	{ "typeOfSexRemoteInteractiveServices", CT_FLAG, "vic_TypeOfSexExploitation", "RemoteInteractiveServices" },
	{ "typeOfSexPrivateSexualServices", CT_FLAG, "vic_TypeOfSexExploitation", "PrivateSexualServices" },
	{ "typeOfSexOther", CT_NOT_KEPT, NULL, NULL }, /* the HTCDS list has no "other" */
	{ "typeOfSexNotSpecified", CT_DERIVED, NULL, NULL },
	{ "typeOfSexConcatenated", CT_LIST, NULL, NULL },

	{ "RecruiterRelationship", CT_LIST, NULL, NULL },
	{ "recruiterRelationIntimatePartner", CT_FLAG, "snd_RecruiterRelation", "IntimatePartner" },
	{ "recruiterRelationFriend", CT_FLAG, "snd_RecruiterRelation", "Friend" },
	{ "recruiterRelationFamily", CT_FLAG, "snd_RecruiterRelation", "Family" },
	{ "recruiterRelationOther", CT_FLAG, "snd_RecruiterRelation", "Other" },
	{ "recruiterRelationUnknown", CT_DERIVED, NULL, NULL },
};

#define NCOLUMNS ((int)(sizeof(ctdc_columns) / sizeof(ctdc_columns[0])))

/* A column of the file, resolved against the registry at the header. */
struct ctdc_map {
	const struct ctdc_column *def; /* NULL: not a CTDC column we know */
	int field;                     /* case field index, or -1 */
	const struct field_def *fdef;
	const struct vocab_list *list;
	const struct vocab_entry *code;
	int target;                    /* CT_FLAG: index into the reader's targets */
};

/* The cells a value column saw last and what they meant.  A CTDC file
 * repeats a few values per column (years, sexes, age bands, countries) a
 * million times: a cell seen before costs a compare instead of the
 * unknown-spellings checks and a vocabulary probe (about 1,000 of the
 * reading thread's instructions a row; bench/README.md, eighth session).
 * A slot holds one cell; another cell with the same hash replaces it. */
#define MEMO_SLOTS 64 /* a power of two */
#define MEMO_CELL 24

struct cell_memo {
	unsigned char len;   /* the cell's length + 1; 0: empty */
	char cell[MEMO_CELL];
	const char *value;   /* what the cell sets: a vocabulary code, num, or NULL (unknown) */
	char num[24];        /* a number in decimal (FK_INT fields) */
};

/* A multi-select field filled from flags. */
struct flag_target {
	int field;
	const struct vocab_list *list;
	unsigned char *set;   /* [list->count] */
	int known;            /* some flag of the group was 0 or 1 */
	int any;
	struct strbuf joined; /* the codes set, ';'-separated */
};

struct ctdc_reader {
	const char *name;
	struct import_sink *sink;
	struct ctdc_map *cols;
	char **names;            /* the header, as written */
	int ncols, named, header_cells;
	struct flag_target targets[8];
	int ntargets;
	/* the row's values by case field index (vocabulary codes, or texts in
	 * num and the targets' joined), copied into the record at the end */
	const char **vals;
	char (*num)[24];         /* by column: a number in decimal */
	char **view;             /* cells after realignment */
	int view_alloc;
	long realigned, first_realigned;
	long contradicted, first_contradicted;
	int band_field, majority_field, org_field;
	int *set_fields, nset_fields; /* the fields a row may set: mapped columns' and the organisation */
	struct cell_memo **memo;      /* by column: value columns' memos, else NULL */
};

int import_ctdc_mapping(int i, const char **column, const char **field, const char **code)
{
	if (i < 0 || i >= NCOLUMNS)
		return -1;
	*column = ctdc_columns[i].name;
	*field = ctdc_columns[i].field;
	*code = ctdc_columns[i].code;
	return 0;
}

static const struct ctdc_column *find_column(const char *name)
{
	const struct ctdc_column *prefix_match = NULL;
	size_t n = strlen(name);
	int prefixes = 0;

	for (int i = 0; i < NCOLUMNS; i++) {
		if (!ascii_strcasecmp(ctdc_columns[i].name, name))
			return &ctdc_columns[i];
		/* Stata cuts names to 32 characters */
		if (n >= 24 && n < strlen(ctdc_columns[i].name)) {
			size_t k = 0;
			while (k < n && (ctdc_columns[i].name[k] | 32) == (name[k] | 32))
				k++;
			if (k == n) {
				prefix_match = &ctdc_columns[i];
				prefixes++;
			}
		}
	}
	return prefixes == 1 ? prefix_match : NULL;
}

/* The ways released files and the tools that touched them write "unknown":
 * CTDC's "-99" and "-", R's NA, pandas' nan.  (A country column reads
 * "NA" as Namibia: see is_country_unknown.) */
static int is_unknown(const char *s)
{
	/* most cells are values: only "unknown", "n/a", "nan", "null" and
	 * "NA" start with a letter that needs the comparisons below */
	if (s[0] && s[0] != '-' && (s[0] | 32) != 'u' && (s[0] | 32) != 'n')
		return 0;
	return !s[0] || (s[0] == '-' && (!s[1] || !strcmp(s, "-99"))) || !strcmp(s, "NA") ||
	       !ascii_strcasecmp(s, "unknown") || !ascii_strcasecmp(s, "n/a") || !ascii_strcasecmp(s, "nan") ||
	       !ascii_strcasecmp(s, "null");
}

static int is_unknown_not_na(const char *s)
{
	return strcmp(s, "NA") && is_unknown(s);
}

/* parse_flag past its one-byte spellings. */
static int parse_flag_spelled(const char *s)
{
	if (is_unknown(s))
		return -1;
	if (!strcmp(s, "1.0") || !ascii_strcasecmp(s, "true") || !ascii_strcasecmp(s, "yes"))
		return 1;
	if (!strcmp(s, "0.0") || !ascii_strcasecmp(s, "false") || !ascii_strcasecmp(s, "no"))
		return 0;
	return -2;
}

/* 1 set, 0 not set, -1 unknown, -2 not a flag.  Inline: forty flag cells a
 * row, nearly all "-", "0" or "1". */
static inline int parse_flag(const char *s)
{
	if (s[0] && !s[1]) {
		if (s[0] == '-')
			return -1;
		if (s[0] == '0')
			return 0;
		if (s[0] == '1')
			return 1;
	}
	return parse_flag_spelled(s); /* "" is unknown there */
}

/* "18-20", "18 -- 20", "48 +" -> "18--20", "48+" in out (at most 16 bytes). */
static void age_band_spelling(const char *s, char *out, size_t n)
{
	size_t k = 0;
	int dashes = 0;
	for (; *s && k + 3 < n; s++) {
		if (*s == ' ')
			continue;
		if (*s == '-') {
			dashes++;
			continue;
		}
		if (dashes) {
			out[k++] = '-';
			out[k++] = '-';
			dashes = 0;
		}
		out[k++] = *s;
	}
	if (dashes && k + 2 < n) {
		out[k++] = '-';
		out[k++] = '-';
	}
	out[k] = '\0';
}

static const struct vocab_entry *lookup_age(const struct vocab_list *l, const char *s)
{
	char band[16];
	const struct vocab_entry *e = vocab_lookup(l, s);
	if (e || strlen(s) >= sizeof(band) - 4)
		return e;
	age_band_spelling(s, band, sizeof(band));
	return vocab_lookup(l, band);
}

static const struct vocab_entry *lookup_country(const struct vocab_list *l, const char *s)
{
	return vocab_lookup(l, s);
}

static int is_country_unknown(const char *s)
{
	return is_unknown_not_na(s) || !strcmp(s, "00") || !strcmp(s, "0");
}

/* Could s be a cell of column m?  Used to find where a spilled list ends;
 * a column whose cells cannot be judged says yes. */
static int plausible(const struct ctdc_map *m, const char *s)
{
	int64_t v;
	if (!m->def)
		return 1;
	switch (m->def->kind) {
	case CT_FLAG:
	case CT_BOOL:
		return parse_flag(s) != -2;
	case CT_COUNTRY:
		return is_country_unknown(s) || lookup_country(m->list, s) != NULL;
	case CT_AGE:
		return is_unknown(s) || lookup_age(m->list, s) != NULL;
	case CT_VALUE:
		if (is_unknown(s))
			return 1;
		if (m->fdef->kind == FK_INT)
			return parse_int64(s, m->fdef->min, m->fdef->max, &v) == 0;
		return m->list && vocab_lookup(m->list, s) != NULL;
	default:
		return 1;
	}
}

static int target_for(struct ctdc_reader *r, int field, const struct vocab_list *list)
{
	for (int t = 0; t < r->ntargets; t++)
		if (r->targets[t].field == field)
			return t;
	if (r->ntargets == (int)(sizeof(r->targets) / sizeof(r->targets[0])))
		return -1; /* NEVER: the table has five flag fields */
	r->targets[r->ntargets].field = field;
	r->targets[r->ntargets].list = list;
	r->targets[r->ntargets].set = xcalloc((size_t)list->count, 1);
	strbuf_init(&r->targets[r->ntargets].joined);
	return r->ntargets++;
}

/* The file's column for a field, when exactly one column fills it. */
static const char *column_for_field(void *ctx, const char *field)
{
	struct ctdc_reader *r = ctx;
	const char *found = NULL;
	for (int j = 0; j < r->ncols; j++)
		if (r->cols[j].def && r->cols[j].def->field && !strcmp(r->cols[j].def->field, field)) {
			if (found)
				return NULL;
			found = r->names[j];
		}
	return found;
}

static int on_header(void *ctx, const struct csv_row *h, struct sanad_error *err)
{
	struct ctdc_reader *r = ctx;
	struct strbuf unknown = STRBUF_INIT, not_kept = STRBUF_INIT;
	int nunknown = 0, rc = 0;

	r->org_field = domain_field_index(GROUP_CASE, "snd_Organisation");
	r->band_field = domain_field_index(GROUP_CASE, "snd_AgeBroad");
	r->majority_field = domain_field_index(GROUP_CASE, "snd_MajorityStatus");
	r->header_cells = h->ncells;
	r->named = csv_named_columns(h);
	r->ncols = r->named;
	r->cols = xcalloc((size_t)r->named + 1, sizeof(*r->cols));
	r->vals = xcalloc((size_t)domain_group(GROUP_CASE)->nfields, sizeof(*r->vals));
	r->num = xcalloc((size_t)r->named + 1, sizeof(*r->num));
	r->names = xcalloc((size_t)r->named + 1, sizeof(char *));
	for (int j = 0; j < r->named; j++)
		r->names[j] = xstrdup(h->cell[j]);
	import_sink_column_namer(r->sink, column_for_field, r);
	for (int j = 0; j < r->named && !rc; j++) {
		struct ctdc_map *m = &r->cols[j];
		const struct ctdc_column *def;

		m->field = -1;
		if (!h->cell[j][0])
			continue; /* a column without a name: nothing to read */
		def = find_column(h->cell[j]);
		if (!def) {
			if (nunknown < 20)
				strbuf_addf(&unknown, "%s%s", nunknown ? ", " : "", h->cell[j]);
			nunknown++;
			continue;
		}
		for (int k = 0; k < j; k++)
			if (r->cols[k].def == def) {
				rc = sanad_error_set(err, SANAD_EINVAL, "%s: columns %s and %s are the same CTDC column",
						     r->name, h->cell[k], h->cell[j]);
				break;
			}
		m->def = def;
		if (def->kind == CT_NOT_KEPT)
			strbuf_addf(&not_kept, "%s%s", not_kept.len ? ", " : "", def->name);
		if (!def->field)
			continue;
		m->field = domain_field_index(GROUP_CASE, def->field);
		if (m->field < 0) {
			rc = sanad_error_set(err, SANAD_EINVAL, "internal: CTDC column %s maps to unknown field %s",
					     def->name, def->field);
			break;
		}
		m->fdef = &domain_group(GROUP_CASE)->fields[m->field];
		m->list = m->fdef->list ? vocab_list_find(m->fdef->list) : NULL;
		if (def->kind == CT_FLAG) {
			m->code = m->list ? vocab_lookup(m->list, def->code) : NULL;
			if (!m->code || (m->target = target_for(r, m->field, m->list)) < 0) {
				rc = sanad_error_set(err, SANAD_EINVAL,
						     "internal: CTDC column %s maps to unknown code %s of %s",
						     def->name, def->code, def->field);
				break;
			}
		}
	}
	if (!rc) {
		int known = 0;
		r->memo = xcalloc((size_t)r->named + 1, sizeof(*r->memo));
		for (int j = 0; j < r->named; j++) {
			enum ctdc_kind k = r->cols[j].def && r->cols[j].field >= 0 ? r->cols[j].def->kind : CT_NOT_KEPT;
			if (k == CT_VALUE || k == CT_AGE || k == CT_COUNTRY || k == CT_BOOL)
				r->memo[j] = xcalloc(MEMO_SLOTS, sizeof(**r->memo));
		}
		r->set_fields = xcalloc((size_t)r->named + 1, sizeof(int));
		for (int j = 0; j < r->named; j++) {
			int f = r->cols[j].field, seen = f < 0;
			known += r->cols[j].def != NULL;
			for (int k = 0; k < r->nset_fields && !seen; k++)
				seen = r->set_fields[k] == f;
			if (!seen)
				r->set_fields[r->nset_fields++] = f;
		}
		r->set_fields[r->nset_fields++] = r->org_field;
		if (!known)
			rc = sanad_error_set(err, SANAD_EINVAL,
					     "%s: no column is a CTDC column (is it another format? see 'sanad import --help')",
					     r->name);
	}
	if (!rc && nunknown)
		import_sink_warn(r->sink, "%d column%s that CTDC does not define ignored: %s%s", nunknown,
				 nunknown == 1 ? "" : "s", unknown.buf, nunknown > 20 ? ", ..." : "");
	if (!rc && not_kept.len)
		import_sink_warn(r->sink, "Sanad keeps no field for %s; not imported", not_kept.buf);
	strbuf_release(&unknown);
	strbuf_release(&not_kept);
	return rc;
}

/* Point r->view at the cells of the named columns, realigning a row whose
 * list column spilled over (see the top of the file).  Returns 0, or -1
 * when the cells cannot be made to fit the header. */
static int align(struct ctdc_reader *r, struct csv_row *row)
{
	int last = row->ncells - 1, extra, offset = 0;

	if (r->view_alloc < r->named) {
		r->view = xrealloc(r->view, (size_t)r->named * sizeof(char *));
		r->view_alloc = r->named;
	}
	while (last >= r->named && !row->cell[last][0])
		last--;
	extra = last + 1 - r->named;
	if (row->ncells < r->named || (extra <= 0 && row->ncells > r->header_cells))
		return -1;
	for (int j = 0; j < r->named; j++) {
		r->view[j] = row->cell[j + offset];
		if (extra > 0 && r->cols[j].def && r->cols[j].def->kind == CT_LIST)
			while (extra > 0 && j + 1 < r->named && !plausible(&r->cols[j + 1], row->cell[j + 1 + offset])) {
				offset++;
				extra--;
			}
	}
	if (extra > 0)
		return -1;
	if (offset) {
		if (!r->realigned++)
			r->first_realigned = row->row;
	}
	return 0;
}

static int reject(struct ctdc_reader *r, long row, const char *column, const char *value, const char *msg)
{
	return import_sink_accept(r->sink, row, NULL, column, value, msg);
}

/* v in decimal into out[24]: snprintf was a tenth of a row's checking. */
static const char *decimal(int64_t v, char *out)
{
	char digits[24];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int n = 0, k = 0;

	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[k++] = '-';
	while (n)
		out[k++] = digits[--n];
	out[k] = '\0';
	return out;
}

/* The value of column j (mapped by m) into r->vals. */
static int set_value(struct ctdc_reader *r, int j, const struct ctdc_map *m, const char *cell,
		     struct sanad_error *e)
{
	const struct vocab_entry *ent = NULL;
	int64_t v;
	char num[24];

	switch (m->def->kind) {
	case CT_AGE:
		if (is_unknown(cell))
			return 0;
		ent = lookup_age(m->list, cell);
		break;
	case CT_COUNTRY:
		if (is_country_unknown(cell))
			return 0;
		ent = lookup_country(m->list, cell);
		break;
	case CT_BOOL:
		switch (parse_flag(cell)) {
		case 1: ent = vocab_lookup(m->list, "true"); break;
		case 0: ent = vocab_lookup(m->list, "false"); break;
		case -1: return 0;
		default:
			return sanad_error_set(e, SANAD_EINVAL, "'%.40s' is not a flag (1, 0, or - for unknown)", cell);
		}
		break;
	default:
		if (is_unknown(cell))
			return 0;
		if (m->fdef->kind == FK_INT) {
			size_t n = strlen(cell);
			/* "2016.0": how pandas writes a year column that has gaps */
			if (n > 2 && n < sizeof(num) && !strcmp(cell + n - 2, ".0")) {
				memcpy(num, cell, n - 2);
				num[n - 2] = '\0';
				cell = num;
			}
			if (parse_int64(cell, m->fdef->min, m->fdef->max, &v))
				return sanad_error_set(e, SANAD_EINVAL, "'%.40s' is not a year from %lld to %lld",
						       cell, (long long)m->fdef->min, (long long)m->fdef->max);
			r->vals[m->field] = decimal(v, r->num[j]);
			return 0;
		}
		ent = m->list ? vocab_lookup(m->list, cell) : NULL;
		break;
	}
	if (!ent)
		return sanad_error_set(e, SANAD_EINVAL, "'%.60s' is not a value of list '%s'", cell,
				       m->fdef->list);
	r->vals[m->field] = ent->code; /* the vocabulary's: copied with the record */
	return 0;
}

static unsigned memo_slot(const char *cell, size_t n)
{
	const unsigned char *c = (const unsigned char *)cell;
	unsigned h = (unsigned)n * 7u;
	if (n)
		h += c[0] * 31u + c[n - 1] * 17u + c[n / 2] * 5u + c[n > 1] * 3u;
	return h & (MEMO_SLOTS - 1);
}

/* set_value through the column's memo, if it has one. */
static int set_value_memo(struct ctdc_reader *r, int j, const struct ctdc_map *m, const char *cell,
			  struct sanad_error *e)
{
	struct cell_memo *slot;
	size_t n;
	int rc;

	if (!r->memo[j] || (n = strlen(cell)) >= MEMO_CELL)
		return set_value(r, j, m, cell, e);
	slot = &r->memo[j][memo_slot(cell, n)];
	if (slot->len == n + 1 && !memcmp(slot->cell, cell, n)) {
		if (slot->value)
			r->vals[m->field] = slot->value;
		return 0;
	}
	if ((rc = set_value(r, j, m, cell, e)))
		return rc; /* a rejection: not remembered */
	slot->len = (unsigned char)(n + 1);
	memcpy(slot->cell, cell, n);
	slot->value = r->vals[m->field];
	if (slot->value == r->num[j]) {
		memcpy(slot->num, r->num[j], sizeof(slot->num));
		slot->value = r->vals[m->field] = slot->num;
	}
	return 0;
}

static int minor_band(const char *band)
{
	return !strcmp(band, "0--8") || !strcmp(band, "9--17");
}

static int on_row(void *ctx, struct csv_row *row)
{
	struct ctdc_reader *r = ctx;
	struct case_record rec;
	struct sanad_error e;
	int stop;

	{
		/* a row of empty cells (spreadsheets leave them at the end) is no record */
		int j = 0;
		while (j < row->ncells && !row->len[j])
			j++;
		if (j == row->ncells)
			return 0;
	}
	import_sink_raw(r->sink, row->cell, row->ncells);
	if (align(r, row)) {
		char msg[96];
		snprintf(msg, sizeof(msg), "%d cells, but the header has %d columns", row->ncells, r->named);
		stop = import_sink_accept(r->sink, row->row, NULL, NULL, NULL, msg);
		import_sink_raw(r->sink, NULL, 0);
		return stop;
	}
	/* only mapped fields are ever set: clear just those */
	for (int k = 0; k < r->nset_fields; k++)
		r->vals[r->set_fields[k]] = NULL;
	for (int t = 0; t < r->ntargets; t++) {
		memset(r->targets[t].set, 0, (size_t)r->targets[t].list->count);
		r->targets[t].known = r->targets[t].any = 0;
	}
	for (int j = 0; j < r->named; j++) {
		const struct ctdc_map *m = &r->cols[j];
		const char *cell = r->view[j];
		if (!m->def || m->field < 0)
			continue;
		if (m->def->kind == CT_FLAG) {
			struct flag_target *t = &r->targets[m->target];
			int flag = parse_flag(cell);
			if (flag == -2) {
				stop = reject(r, row->row, m->def->name, cell, "not a flag (1, 0, or - for unknown)");
				import_sink_raw(r->sink, NULL, 0);
				return stop;
			}
			if (flag >= 0)
				t->known = 1;
			if (flag == 1) {
				t->set[m->code->index] = 1;
				t->any = 1;
			}
			continue;
		}
		if (set_value_memo(r, j, m, cell, &e)) {
			stop = reject(r, row->row, m->def->name, cell, e.message);
			import_sink_raw(r->sink, NULL, 0);
			return stop;
		}
	}
	for (int t = 0; t < r->ntargets; t++) {
		struct flag_target *ft = &r->targets[t];
		if (!ft->any)
			continue;
		strbuf_reset(&ft->joined);
		for (int i = 0; i < ft->list->count; i++)
			if (ft->set[i]) {
				if (ft->joined.len)
					strbuf_addch(&ft->joined, ';');
				strbuf_addstr(&ft->joined, ft->list->entries[i].code);
			}
		r->vals[ft->field] = ft->joined.buf;
	}
	{
		const char *band = r->vals[r->band_field], *major = r->vals[r->majority_field];
		if (band && major && minor_band(band) != !strcmp(major, "Minor")) {
			r->vals[r->majority_field] = NULL;
			if (!r->contradicted++)
				r->first_contradicted = row->row;
		}
	}
	/* CTDC names no organisation: the sink's default, in the one block
	 * rather than added to the record after it */
	r->vals[r->org_field] = import_sink_default_org(r->sink);
	case_record_init_flat(&rec, r->vals, r->set_fields, r->nset_fields);
	stop = import_sink_accept(r->sink, row->row, &rec, NULL, NULL, NULL);
	import_sink_raw(r->sink, NULL, 0);
	return stop;
}

int import_read_ctdc(FILE *in, const char *name, struct import_sink *sink, struct sanad_error *err)
{
	struct ctdc_reader r = { .name = name, .sink = sink };
	struct csv_reader_spec spec = { on_header, on_row, &r, 1 };
	int rc = csv_read_stream(in, name, sink, &spec, err);

	if (!rc && r.realigned)
		import_sink_warn(sink,
				 "%ld row%s had more cells than the header because a list column's commas were not quoted; realigned (first: row %ld)",
				 r.realigned, r.realigned == 1 ? "" : "s", r.first_realigned);
	if (!rc && r.contradicted)
		import_sink_warn(sink,
				 "%ld row%s had a majorityStatus that contradicts ageBroad; majorityStatus left unknown (first: row %ld)",
				 r.contradicted, r.contradicted == 1 ? "" : "s", r.first_contradicted);
	for (int t = 0; t < r.ntargets; t++) {
		free(r.targets[t].set);
		strbuf_release(&r.targets[t].joined);
	}
	for (int j = 0; r.memo && j < r.named; j++)
		free(r.memo[j]);
	free(r.memo);
	free(r.vals);
	free(r.num);
	free(r.set_fields);
	for (int j = 0; r.names && j < r.ncols; j++)
		free(r.names[j]);
	free(r.names);
	free(r.cols);
	free(r.view);
	return rc;
}
