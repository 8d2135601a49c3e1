/* tests/exporter: what an export writes, and that export -> import into a
 * new database -> export gives the same bytes, for CSV and JSON. */
#include "test_support.h"
#include "exporter/exporter.h"
#include "importer/importer.h"

#include <jansson.h>

struct fixture {
	char *path;
	struct storage *st;
};

static struct storage *new_db(char **path)
{
	struct storage *st;
	struct sanad_error err = { 0 };
	*path = test_temp_path(".db");
	if (storage_open(&st, *path, STORAGE_CREATE, &err))
		fail_msg("%s", err.message);
	return st;
}

static void add_org(struct storage *st, const char *code, const char *name, const char *name_ar,
		    const char *type, const char *country, int in_pool)
{
	struct organisation o = { 0 };
	struct sanad_error err = { 0 };
	o.code = (char *)code;
	o.name = (char *)name;
	o.name_ar = (char *)name_ar;
	o.org_type = (char *)type;
	o.country = (char *)country;
	o.in_pool = in_pool;
	if (storage_org_add(st, &o, &err))
		fail_msg("%s", err.message);
}

static void drop_db(struct storage *st, char *path)
{
	char key[4200];
	storage_close(st);
	test_remove_db(path);
	snprintf(key, sizeof(key), "%s.key", path); /* the database's key file, beside it */
	remove(key);
	free(path);
}

static void set(struct case_record *c, enum group_id g, size_t item, const char *field, const char *value)
{
	struct sanad_error err = { 0 };
	int i = domain_field_index(g, field);
	if (i < 0)
		fail_msg("no field %s", field);
	if (record_set(case_record_item(c, g, item), g, i, value, &err))
		fail_msg("%s", err.message);
}

/* Values people type that CSV and spreadsheets get wrong. */
static const char *const tricky_text[] = {
	"=SUM(A1:A2)", "-minus first", "@handle", "'apostrophe", "+plus", "Ali, \"the\" elder",
	"فاطمة الزهراء", "plain", "semi;colon", "trailing comma,",
};
static const char *const tricky_long[] = {
	"line one\nline two, with \"quotes\"\n\tindented",
	"=cmd|' /C calc'!A0",
	"عملت في المنزل دون أجر، وأُخذ جواز سفرها.\nثم نُقلت إلى مدينة أخرى",
	"\tstarts with a tab",
	"ends with new line\n",
};

/* Fill every field of every group (items per group: `items`) with valid,
 * awkward values, then make the rules across fields hold. */
static void fill_case(struct case_record *c, const char *ref, const char *org, size_t items, int seed)
{
	struct sanad_error err = { 0 };
	int t = seed;

	case_record_init(c);
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		size_t n = g == GROUP_CASE ? 1 : items;
		for (size_t k = 0; k < n; k++)
			for (int i = 0; i < gd->nfields; i++) {
				const struct field_def *f = &gd->fields[i];
				const struct vocab_list *l = f->list ? vocab_list_find(f->list) : NULL;
				char buf[128];
				const char *v = NULL;
				t++;
				switch (f->kind) {
				case FK_TEXT:
					v = tricky_text[t % (int)(sizeof(tricky_text) / sizeof(*tricky_text))];
					break;
				case FK_LONGTEXT:
					v = tricky_long[t % (int)(sizeof(tricky_long) / sizeof(*tricky_long))];
					break;
				case FK_INT:
					snprintf(buf, sizeof(buf), "%lld", (long long)(f->min + t % 30));
					v = buf;
					break;
				case FK_REAL:
					v = t % 2 ? "-12.5" : "35.125";
					break;
				case FK_DATE:
					snprintf(buf, sizeof(buf), "2021-0%d-1%d", 1 + t % 9, t % 10);
					v = buf;
					break;
				case FK_BOOL:
					v = t % 2 ? "true" : "false";
					break;
				case FK_PICK:
					assert_non_null(l);
					v = l->entries[t % l->count].code;
					break;
				case FK_MULTI:
					assert_non_null(l);
					snprintf(buf, sizeof(buf), "%s;%s", l->entries[t % l->count].code,
						 l->entries[(t + 1) % l->count].code);
					v = buf;
					break;
				}
				set(c, (enum group_id)g, k, f->name, v);
			}
	}
	set(c, GROUP_CASE, 0, "snd_CaseRef", ref);
	set(c, GROUP_CASE, 0, "snd_Organisation", org);
	set(c, GROUP_CASE, 0, "prs_Birthdate", "1990-02-03");
	set(c, GROUP_CASE, 0, "snd_IdentificationDate", "2021-03-01");
	set(c, GROUP_CASE, 0, "snd_RegistrationDate", "2021-03-02");
	set(c, GROUP_CASE, 0, "snd_ClosedDate", "2022-01-05");
	set(c, GROUP_CASE, 0, "snd_YearOfRegistration", "2021");
	set(c, GROUP_CASE, 0, "snd_AgeAtIdentification", "31");
	set(c, GROUP_CASE, 0, "snd_AgeBroad", age_band_for(31));
	set(c, GROUP_CASE, 0, "snd_MajorityStatus", "Adult");
	for (size_t k = 0; k < items; k++) {
		set(c, GROUP_SERVICE, k, "snd_ServiceStart", "2021-04-01");
		set(c, GROUP_SERVICE, k, "snd_ServiceEnd", "2021-05-01");
	}
	case_record_derive(c);
	if (case_record_validate(c, &err))
		fail_msg("%s", err.message);
}

static void insert(struct storage *st, struct case_record *c)
{
	struct sanad_error err = { 0 };
	if (storage_case_insert(st, c, &err))
		fail_msg("%s", err.message);
	case_record_release(c);
}

/* A small case whose every cell the tests can name. */
static void insert_plain(struct storage *st)
{
	struct case_record c;
	case_record_init(&c);
	set(&c, GROUP_CASE, 0, "snd_CaseRef", "Q-1");
	set(&c, GROUP_CASE, 0, "snd_Organisation", "ngo-a");
	set(&c, GROUP_CASE, 0, "prs_FirstName", "=SUM(A1:A2)");
	set(&c, GROUP_CASE, 0, "prs_SecondName", "Ali, \"the\" elder");
	set(&c, GROUP_CASE, 0, "cas_CaseOwner", "-rania");
	set(&c, GROUP_CASE, 0, "prs_MailingLongitude", "-12.5");
	set(&c, GROUP_CASE, 0, "prs_NumberOfChildren", "3");
	set(&c, GROUP_CASE, 0, "prs_Deceased", "true");
	set(&c, GROUP_CASE, 0, "prs_Citizenship", "JO;ET");
	set(&c, GROUP_CASE, 0, "snd_RegistrationDate", "2021-03-02");
	set(&c, GROUP_CASE, 0, "cas_IncomingReferralDetails", "first line\nsecond line");
	set(&c, GROUP_EVENT, 0, "hte_Type", "Recruitment");
	set(&c, GROUP_EVENT, 0, "hte_City", "@Amman");
	case_record_derive(&c);
	insert(st, &c);
}

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static char *export_text(struct storage *st, enum export_format fmt, const struct export_options *opt)
{
	struct sanad_error err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int rc = export_cases(st, fmt, opt, out, &err);
	fclose(out);
	if (rc)
		fail_msg("export: %s", err.message);
	return buf;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->st = new_db(&f->path);
	add_org(f->st, "ngo-a", "NGO A", "جمعية أ", "NGO", "JO", 1);
	add_org(f->st, "ngo-b", "NGO B, \"Amal\"", NULL, NULL, NULL, 0);
	add_org(f->st, "idle", "No cases here", NULL, NULL, NULL, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	drop_db(f->st, f->path);
	free(f);
	return 0;
}

static void test_format_names(void **state)
{
	(void)state;
	assert_int_equal(export_format_parse("htcds-csv"), EXPORT_HTCDS_CSV);
	assert_int_equal(export_format_parse("json"), EXPORT_JSON);
	assert_int_equal(export_format_parse("xlsx"), -1);
}

static void test_csv_quoting_and_guard(void **state)
{
	struct fixture *f = *state;
	char *csv, *row;

	insert_plain(f->st);
	csv = export_text(f->st, EXPORT_HTCDS_CSV, NULL);
	/* the header: case fields in registry order, then numbered items */
	assert_true(starts_with(csv, "snd_CaseRef,snd_Organisation,snd_YearOfRegistration,snd_DataSource,"));
	assert_non_null(strstr(csv, ",con_Consent,hte_Type.1,hte_Country.1,"));
	assert_null(strstr(csv, "hte_Type.2"));   /* one event at most */
	assert_null(strstr(csv, "snd_ServiceType")); /* no case has services */
	row = strchr(csv, '\n') + 1;
	assert_true(starts_with(row, "Q-1,ngo-a,2021,,2021-03-02,"));
	/* text: formula guard and quoting */
	assert_non_null(strstr(row, ",'=SUM(A1:A2),"));
	assert_non_null(strstr(row, ",\"Ali, \"\"the\"\" elder\","));
	assert_non_null(strstr(row, ",'-rania,"));
	assert_non_null(strstr(row, ",'@Amman,"));
	assert_non_null(strstr(row, ",\"first line\nsecond line\","));
	/* numbers, codes and booleans are never guarded */
	assert_non_null(strstr(row, ",-12.5,"));
	assert_non_null(strstr(row, ",3,"));
	assert_non_null(strstr(row, ",true,"));
	assert_non_null(strstr(row, ",JO;ET,") ? strstr(row, ",JO;ET,") : strstr(row, ",ET;JO,"));
	/* LF line ends, no BOM, one header and one row */
	assert_null(strchr(csv, '\r'));
	assert_int_not_equal((unsigned char)csv[0], 0xEF);
	assert_int_equal(csv[strlen(csv) - 1], '\n');
	free(csv);
}

static void test_json_types(void **state)
{
	struct fixture *f = *state;
	json_error_t jerr;
	json_t *doc, *c, *orgs, *ev;
	char *text;
	const char *key;
	json_t *v;
	int last = -1;

	insert_plain(f->st);
	text = export_text(f->st, EXPORT_JSON, NULL);
	assert_true(starts_with(text, "{\"format\":\"sanad-cases\",\"version\":1,\n\"organisations\":[\n{\"code\":\"ngo-a\","));
	doc = json_loads(text, 0, &jerr);
	assert_non_null(doc);
	orgs = json_object_get(doc, "organisations");
	/* only organisations that own exported cases */
	assert_int_equal(json_array_size(orgs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(orgs, 0), "code")), "ngo-a");
	assert_string_equal(json_string_value(json_object_get(json_array_get(orgs, 0), "name_ar")), "جمعية أ");
	assert_true(json_is_true(json_object_get(json_array_get(orgs, 0), "in_pool")));
	assert_int_equal(json_array_size(json_object_get(doc, "cases")), 1);
	c = json_array_get(json_object_get(doc, "cases"), 0);
	assert_true(json_is_integer(json_object_get(c, "prs_NumberOfChildren")));
	assert_int_equal(json_integer_value(json_object_get(c, "prs_NumberOfChildren")), 3);
	assert_int_equal(json_integer_value(json_object_get(c, "snd_YearOfRegistration")), 2021);
	assert_true(json_is_true(json_object_get(c, "prs_Deceased")));
	assert_true(json_is_array(json_object_get(c, "prs_Citizenship")));
	assert_int_equal(json_array_size(json_object_get(c, "prs_Citizenship")), 2);
	assert_string_equal(json_string_value(json_object_get(c, "prs_MailingLongitude")), "-12.5");
	assert_string_equal(json_string_value(json_object_get(c, "prs_FirstName")), "=SUM(A1:A2)");
	assert_string_equal(json_string_value(json_object_get(c, "snd_RegistrationDate")), "2021-03-02");
	assert_null(json_object_get(c, "prs_Birthdate"));  /* unknown: left out */
	assert_null(json_object_get(c, "services"));       /* empty group: left out */
	ev = json_object_get(c, "events");
	assert_int_equal(json_array_size(ev), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "hte_City")), "@Amman");
	/* keys in registry order */
	json_object_foreach(c, key, v) {
		int i = domain_field_index(GROUP_CASE, key);
		if (i < 0)
			break;
		assert_true(i > last);
		last = i;
	}
	json_decref(doc);
	free(text);
}

static void test_no_identity(void **state)
{
	struct fixture *f = *state;
	struct export_options opt = { .no_identity = 1 };
	struct case_record c;
	char *csv, *json;

	fill_case(&c, "N-1", "ngo-a", 1, 0);
	insert(f->st, &c);
	csv = export_text(f->st, EXPORT_HTCDS_CSV, &opt);
	json = export_text(f->st, EXPORT_JSON, &opt);
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		for (int i = 0; i < gd->nfields; i++) {
			const struct field_def *fd = &gd->fields[i];
			char quoted[96];
			snprintf(quoted, sizeof(quoted), "\"%s\"", fd->name);
			if (fd->flags & (FF_IDENTITY | FF_NARRATIVE)) {
				if (strstr(csv, fd->name) || strstr(json, quoted))
					fail_msg("%s is in an export without identities", fd->name);
			} else if (!strstr(csv, fd->name) || !strstr(json, quoted)) {
				fail_msg("%s is missing from the export", fd->name);
			}
		}
	}
	free(csv);
	free(json);
}

static void test_org_filter(void **state)
{
	struct fixture *f = *state;
	struct export_options opt = { .org_code = "ngo-b" };
	struct sanad_error err = { 0 };
	struct case_record c;
	char *csv, *json, *buf = NULL;
	size_t len;
	FILE *out;

	fill_case(&c, "A-1", "ngo-a", 3, 1);
	insert(f->st, &c);
	fill_case(&c, "B-1", "ngo-b", 1, 2);
	insert(f->st, &c);
	csv = export_text(f->st, EXPORT_HTCDS_CSV, &opt);
	json = export_text(f->st, EXPORT_JSON, &opt);
	assert_null(strstr(csv, "A-1"));
	assert_non_null(strstr(csv, "\nB-1,ngo-b,"));
	/* the columns fit the organisation's cases, not the widest overall */
	assert_non_null(strstr(csv, "hte_Type.1"));
	assert_null(strstr(csv, "hte_Type.2"));
	assert_null(strstr(json, "\"ngo-a\""));
	assert_non_null(strstr(json, "\"code\":\"ngo-b\""));
	free(csv);
	free(json);

	opt.org_code = "nobody";
	out = open_memstream(&buf, &len);
	assert_int_equal(export_cases(f->st, EXPORT_JSON, &opt, out, &err), SANAD_ENOTFOUND);
	fclose(out);
	assert_non_null(strstr(err.message, "nobody"));
	free(buf);
}

/* Export st, import into a new database (which has an organisation of its
 * own, as `sanad init` makes), export again: the bytes must not change. */
static void assert_round_trip(struct storage *st, enum export_format efmt, enum import_format ifmt)
{
	struct import_options iopt = { .format = ifmt };
	struct import_result res = { 0 };
	struct sanad_error err = { 0 };
	char *first = export_text(st, efmt, NULL), *second, *report = NULL;
	char *file = test_temp_path(efmt == EXPORT_JSON ? ".json" : ".csv"), *path2;
	const char *paths[] = { file, NULL };
	struct storage *st2 = new_db(&path2);
	size_t report_len = 0;
	FILE *out = fopen(file, "wb");
	int rc;

	add_org(st2, "local", "Local organisation", NULL, NULL, NULL, 0);
	fputs(first, out);
	fclose(out);
	iopt.report = open_memstream(&report, &report_len);
	rc = import_files(st2, paths, &iopt, &res, &err);
	fclose(iopt.report);
	if (rc)
		fail_msg("import: %s\n%s", err.message, report);
	second = export_text(st2, efmt, NULL);
	if (strcmp(first, second)) {
		size_t i = 0;
		while (first[i] == second[i])
			i++;
		fail_msg("exports differ at byte %zu:\n first: %.200s\nsecond: %.200s", i,
			 first + (i > 40 ? i - 40 : 0), second + (i > 40 ? i - 40 : 0));
	}
	free(first);
	free(second);
	free(report);
	remove(file);
	free(file);
	drop_db(st2, path2);
}

static void fill_for_round_trip(struct storage *st)
{
	struct case_record c;
	fill_case(&c, "R-1", "ngo-a", 3, 0);   /* every group with three items */
	insert(st, &c);
	fill_case(&c, "R-2", "ngo-b", 1, 7);   /* fewer items: empty cells in CSV */
	insert(st, &c);
	fill_case(&c, "R-3", "ngo-a", 0, 3);   /* no items at all */
	insert(st, &c);
	insert_plain(st);
}

static void test_round_trip_csv(void **state)
{
	struct fixture *f = *state;
	fill_for_round_trip(f->st);
	assert_round_trip(f->st, EXPORT_HTCDS_CSV, IMPORT_HTCDS_CSV);
}

static void test_round_trip_json(void **state)
{
	struct fixture *f = *state;
	fill_for_round_trip(f->st);
	assert_round_trip(f->st, EXPORT_JSON, IMPORT_JSON);
}

/* ---- the JSON reader ---- */

/* Dry-run import of text (no database): returns the status, fills res and
 * the report. */
static int read_json_text(const char *text, struct import_result *res, char **report,
			  struct sanad_error *err)
{
	struct import_options opt = { .format = IMPORT_JSON, .dry_run = 1 };
	size_t len = 0;
	FILE *in = fmemopen((void *)text, strlen(text), "rb");
	int rc;
	*report = NULL;
	opt.report = open_memstream(report, &len);
	rc = import_stream(NULL, in, "t.json", &opt, res, err);
	fclose(opt.report);
	fclose(in);
	return rc;
}

#define HEAD "{\"format\":\"sanad-cases\",\"version\":1,\"cases\":["

static void test_json_reader_names_field_and_case(void **state)
{
	struct import_result res;
	struct sanad_error err = { 0 };
	char *report;
	(void)state;

	assert_int_equal(read_json_text(HEAD
		"{\"snd_CaseRef\":\"A\",\"prs_NumberOfChildren\":\"many\"},\n"
		"{\"snd_CaseRef\":\"B\",\"prs_Citizenship\":\"JO\",\"prs_Deceased\":false},\n"
		"{\"snd_CaseRef\":\"C\",\"events\":{\"hte_Type\":\"Recruitment\"}},\n"
		"{\"snd_CaseRef\":\"D\",\"prs_Citizenship\":[\"JO\",7]},\n"
		"{\"snd_CaseRef\":\"E\",\"events\":[{\"hte_Type\":\"Recruitment\"},{\"hte_Type\":\"Nope\"}]},\n"
		"{\"snd_CaseRef\":\"F\",\"prs_FirstName\":{\"a\":1}},\n"
		"[1,2]]}", &res, &report, &err), SANAD_EINVAL);
	assert_int_equal(res.records, 7);
	assert_int_equal(res.rejected, 6);
	assert_non_null(strstr(report, "case 1, field prs_NumberOfChildren, value 'many'"));
	assert_null(strstr(report, "case 2"));
	assert_non_null(strstr(report, "case 3, field events"));
	assert_non_null(strstr(report, "case 4, field prs_Citizenship"));
	assert_non_null(strstr(report, "case 5, field hte_Type.2, value 'Nope'"));
	assert_non_null(strstr(report, "case 6, field prs_FirstName"));
	assert_non_null(strstr(report, "case 7"));
	free(report);
}

static void test_json_reader_warns_unknown_keys_once(void **state)
{
	struct import_result res;
	struct sanad_error err = { 0 };
	char *report;
	(void)state;

	assert_int_equal(read_json_text(HEAD
		"{\"snd_CaseRef\":\"A\",\"colour\":\"red\"},"
		"{\"snd_CaseRef\":\"B\",\"colour\":\"blue\",\"events\":[{\"hte_Type\":\"Recruitment\",\"x\":1}]}"
		"],\"extra\":[1,{\"a\":\"]\"}]}", &res, &report, &err), 0);
	assert_int_equal(res.records, 2);
	assert_int_equal(res.rejected, 0);
	assert_int_equal(res.warnings, 3); /* colour, events.x, extra */
	assert_non_null(strstr(report, "'colour'"));
	assert_non_null(strstr(report, "'events.x'"));
	free(report);
}

static void test_json_reader_refuses_other_files(void **state)
{
	static const struct { const char *text, *needle; } bad[] = {
		{ "[1,2,3]", "not a Sanad JSON export" },
		{ "{\"cases\":[]}", "first key should be \"format\"" },
		{ "{\"format\":\"other\",\"cases\":[]}", "\"format\" should be \"sanad-cases\"" },
		{ "{\"format\":\"sanad-cases\",\"version\":2,\"cases\":[]}", "version" },
		{ HEAD "{\"snd_CaseRef\":\"A\"}", "end of file" },
		{ HEAD "{\"snd_CaseRef\":\"A\"} {\"snd_CaseRef\":\"B\"}]}", "expected ',' or ']'" },
		{ HEAD "]} trailing", "after the end" },
		{ "", "not a Sanad JSON export" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct import_result res;
		struct sanad_error err = { 0 };
		char *report;
		int rc = read_json_text(bad[i].text, &res, &report, &err);
		if (rc == 0 || !strstr(err.message, bad[i].needle))
			fail_msg("input %zu: rc %d, message '%s'", i, rc, err.message);
		free(report);
	}
}

static void test_json_reader_strings_escapes_and_nesting(void **state)
{
	struct import_result res;
	struct sanad_error err = { 0 };
	char *report;
	(void)state;
	/* brackets and quotes inside strings must not confuse the scanner */
	assert_int_equal(read_json_text(HEAD
		"{\"snd_CaseRef\":\"A]}\\\"{[\",\"cas_CaseOwner\":\"x\\\\\"},\n"
		"  {\"snd_CaseRef\":\"\\u0641\\u0627\"}\n ] }\n", &res, &report, &err), 0);
	assert_int_equal(res.records, 2);
	free(report);
	/* a byte-order mark and CRLF line ends, as Windows editors save */
	assert_int_equal(read_json_text("\xEF\xBB\xBF{\"format\":\"sanad-cases\",\r\n\"version\":1,\r\n"
					"\"cases\":[{\"snd_CaseRef\":\"A\"}]}\r\n", &res, &report, &err), 0);
	assert_int_equal(res.records, 1);
	free(report);
}

static void test_json_case_for_cli(void **state)
{
	struct case_record c;
	struct sanad_error err = { 0 };
	const char *ok = "{\"prs_FirstName\":\"Amina\",\"prs_Citizenship\":[\"JO\"],\"prs_NumberOfChildren\":2,"
			 "\"events\":[{\"hte_Type\":\"Recruitment\"}]}";
	const char *bad_item = "{\"events\":[{\"hte_Type\":\"Recruitment\"},{\"hte_Type\":\"Nope\"}]}";
	(void)state;

	assert_int_equal(import_json_case(ok, strlen(ok), &c, &err), 0);
	assert_string_equal(case_get(&c, "prs_FirstName"), "Amina");
	assert_string_equal(case_get(&c, "prs_NumberOfChildren"), "2");
	assert_int_equal(c.child[GROUP_EVENT].count, 1);
	case_record_release(&c);

	assert_int_not_equal(import_json_case(bad_item, strlen(bad_item), &c, &err), 0);
	assert_non_null(strstr(err.message, "events item 2"));
	assert_non_null(strstr(err.message, "Nope"));
	case_record_release(&c);

	assert_int_not_equal(import_json_case("{\"hte_Type\":\"x\"}", 16, &c, &err), 0);
	assert_non_null(strstr(err.message, "field of the items of \"events\""));
	case_record_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test_setup_teardown(test_csv_quoting_and_guard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_json, setup, teardown),
		cmocka_unit_test(test_json_reader_names_field_and_case),
		cmocka_unit_test(test_json_reader_warns_unknown_keys_once),
		cmocka_unit_test(test_json_reader_refuses_other_files),
		cmocka_unit_test(test_json_reader_strings_escapes_and_nesting),
		cmocka_unit_test(test_json_case_for_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
