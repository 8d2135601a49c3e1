/* tests/importer: the import pipeline keeps every answer, refuses bad input
 * with row, column, value and reason, and writes all or nothing. */
#include "test_support.h"
#include "importer/importer.h"
#include "importer/importer_internal.h"

struct fixture {
	char *path;
	struct storage *st;
	char *report;     /* what the import printed */
	size_t report_len;
	FILE *report_file;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sanad_error err;
	struct organisation o = { 0 };
	f->path = test_temp_path(".db");
	if (storage_open(&f->st, f->path, STORAGE_CREATE, &err))
		return -1;
	o.code = "local";
	o.name = "Local office";
	if (storage_org_add(f->st, &o, &err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char key[4200];
	storage_close(f->st);
	test_remove_db(f->path);
	snprintf(key, sizeof(key), "%s.key", f->path);
	remove(key);
	free(f->path);
	free(f->report);
	free(f);
	return 0;
}

/* Import text as one stream; the report lands in f->report. */
static int import_text(struct fixture *f, enum import_format fmt, const char *text, size_t len,
		       struct import_options *opt_in, struct import_result *res)
{
	struct import_options opt = opt_in ? *opt_in : (struct import_options){ 0 };
	struct sanad_error err = { 0 };
	FILE *in = fmemopen((void *)text, len ? len : strlen(text), "rb");
	int rc;

	free(f->report);
	f->report = NULL;
	f->report_file = open_memstream(&f->report, &f->report_len);
	opt.format = fmt;
	opt.report = f->report_file;
	rc = import_stream(f->st, in, "test", &opt, res, &err);
	if (rc)
		fprintf(f->report_file, "error: %s\n", err.message);
	fclose(in);
	fclose(f->report_file);
	return rc;
}

static int64_t case_count(struct fixture *f)
{
	struct case_query q = { 0 };
	struct sanad_error err;
	int64_t n = -1;
	assert_int_equal(storage_case_count(f->st, &q, &n, &err), 0);
	return n;
}

/* The only case, or the case with reference ref. */
static void get_case(struct fixture *f, const char *ref, struct case_record *c)
{
	struct sanad_error err;
	assert_int_equal(storage_case_get(f->st, ref, c, &err), 0);
}

static const char *item_value(struct case_record *c, enum group_id g, size_t k, const char *field)
{
	assert_true(k < c->child[g].count);
	return c->child[g].items[k].value[domain_field_index(g, field)];
}

static void contains(const char *haystack, const char *needle)
{
	if (!haystack || !strstr(haystack, needle)) {
		fprintf(stderr, "expected '%s' in:\n%s\n", needle, haystack ? haystack : "(nothing)");
		fail();
	}
}

/* ---- HTCDS CSV ---- */

static void test_csv_bom_crlf_quotes(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct case_record c;
	const char text[] =
		"\xEF\xBB\xBFsnd_CaseRef,prs_First_Name,prs_Gender,vic_TypeOfExploitation,cas_IncomingReferralDetails\r\n"
		"A-1,\"Nour, \"\"the elder\"\"\",Feminine,ForcedLabour;SexualExploitation,\"line one\r\nline two\"\r\n"
		"A-2,مريم,Masculine,,\r\n";

	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, text, 0, NULL, &res), 0);
	assert_int_equal(res.records, 2);
	assert_int_equal(res.imported, 2);
	get_case(f, "A-1", &c);
	assert_string_equal(case_get(&c, "prs_FirstName"), "Nour, \"the elder\"");
	assert_string_equal(case_get(&c, "vic_TypeOfExploitation"), "ForcedLabour;SexualExploitation");
	assert_string_equal(case_get(&c, "cas_IncomingReferralDetails"), "line one\nline two");
	assert_string_equal(case_get(&c, "snd_Organisation"), "local");
	assert_string_equal(case_get(&c, "snd_Sex"), "Female"); /* derived */
	case_record_release(&c);
	get_case(f, "A-2", &c);
	assert_string_equal(case_get(&c, "prs_FirstName"), "مريم");
	assert_null(case_get(&c, "vic_TypeOfExploitation"));
	case_record_release(&c);
}

static void test_csv_repeating_groups_and_guard(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct case_record c;
	const char text[] =
		"snd_CaseRef,hte_Type,hte_Country,hte_Type.2,hte_Country.2,hte_Type.3,hte_City.3,prs_FirstName,cco_CaseComment.1\n"
		"G-1,,,Exploitation,JO,Transit,'=Aqaba,'+Salma,'-fine\n";

	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, text, 0, NULL, &res), 0);
	get_case(f, "G-1", &c);
	/* item 1 was empty: it is no item, and the others keep their order */
	assert_int_equal(c.child[GROUP_EVENT].count, 2);
	assert_string_equal(item_value(&c, GROUP_EVENT, 0, "hte_Type"), "Exploitation");
	assert_string_equal(item_value(&c, GROUP_EVENT, 0, "hte_Country"), "JO");
	assert_string_equal(item_value(&c, GROUP_EVENT, 1, "hte_Type"), "Transit");
	/* the exporter's formula guard is taken off free text */
	assert_string_equal(item_value(&c, GROUP_EVENT, 1, "hte_City"), "=Aqaba");
	assert_string_equal(case_get(&c, "prs_FirstName"), "+Salma");
	assert_string_equal(item_value(&c, GROUP_COMMENT, 0, "cco_CaseComment"), "-fine");
	case_record_release(&c);
}

static void test_csv_unknown_columns_warned_once(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	const char text[] = "snd_CaseRef,favourite_colour,prs_Gender,shoe_size\nU-1,blue,Feminine,38\nU-2,red,,40\n";

	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, text, 0, NULL, &res), 0);
	assert_int_equal(res.imported, 2);
	assert_int_equal(res.warnings, 1);
	contains(f->report, "2 unknown columns ignored: favourite_colour, shoe_size");
}

static void test_csv_problems_named(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	const char text[] =
		"snd_CaseRef,prs_Gender,prs_Birthdate,prs_FirstName\n"
		"P-1,Feminine,2001-02-03,ok\n"
		"P-2,Robot,2001-02-03,ok\n"                /* unknown code */
		"P-3,Feminine,2021-02-30,ok\n"             /* impossible date */
		"P-4,Feminine,2001-02-03\n"                /* a cell missing */
		"P-5,Feminine,2001-02-03,bad\xC3\x28utf8\n" /* broken UTF-8 */
		"P-6,Feminine,2001-02-03,esc\x1b[31mape\n" /* a control character */
		"P-7,Feminine,2001-02-03,ok,extra\n";      /* a cell too many */

	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, text, 0, NULL, &res), SANAD_EINVAL);
	assert_int_equal(res.records, 7);
	assert_int_equal(res.rejected, 6);
	assert_int_equal(res.imported, 0);
	assert_int_equal(case_count(f), 0);
	contains(f->report, "test: row 2, column prs_Gender, value 'Robot': 'Robot' is not a value of list 'gender'");
	contains(f->report, "test: row 3, column prs_Birthdate, value '2021-02-30'");
	contains(f->report, "test: row 4: 3 cells, but the header has 4 columns");
	contains(f->report, "test: row 5, column prs_FirstName, value 'bad\\xc3(utf8': not valid UTF-8");
	contains(f->report, "test: row 6, column prs_FirstName, value 'esc\\x1b[31mape'");
	contains(f->report, "test: row 7: 5 cells, but the header has 4 columns");
	/* nothing raw reaches the terminal */
	assert_null(strchr(f->report, '\x1b'));
	assert_null(strstr(f->report, "\xC3\x28"));
}

static void test_csv_limits(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct strbuf text = STRBUF_INIT;

	/* a cell over 1 MiB, and a quote left open to the end of the file */
	strbuf_addstr(&text, "snd_CaseRef,cas_IncomingReferralDetails\nL-1,");
	for (int i = 0; i < (1 << 20) + 10; i++)
		strbuf_addch(&text, 'x');
	strbuf_addstr(&text, "\nL-2,fine\nL-3,\"never closed\n");
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, text.buf, text.len, NULL, &res), SANAD_EINVAL);
	assert_int_equal(res.rejected, 2);
	contains(f->report, "row 1, column cas_IncomingReferralDetails");
	contains(f->report, "over 1048576 bytes");
	contains(f->report, "row 3: a quoted cell is not closed before the end of the file");
	strbuf_release(&text);

	/* more than 2000 columns: the header itself is refused */
	for (int i = 0; i < 2001; i++)
		strbuf_addf(&text, "%sc%d", i ? "," : "", i);
	strbuf_addstr(&text, "\n1\n");
	assert_int_not_equal(import_text(f, IMPORT_HTCDS_CSV, text.buf, text.len, NULL, &res), 0);
	contains(f->report, "more than 2000 cells");
	strbuf_release(&text);

	/* a NUL byte */
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, "snd_CaseRef,prs_FirstName\nN-1,a\0b\n",
				     sizeof("snd_CaseRef,prs_FirstName\nN-1,a\0b\n") - 1, NULL, &res),
			 SANAD_EINVAL);
	contains(f->report, "row 1, column prs_FirstName, value 'a': contains a NUL byte at offset 1");
	assert_int_equal(case_count(f), 0);
}

static void test_csv_duplicate_and_empty_header(void **state)
{
	struct fixture *f = *state;
	struct import_result res;

	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, "prs_FirstName,prs_First_Name\na,b\n", 0, NULL, &res),
			 SANAD_EINVAL);
	contains(f->report, "columns prs_FirstName and prs_First_Name are the same field");
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, "", 0, NULL, &res), SANAD_EINVAL);
	contains(f->report, "the file is empty");
	/* the wrong format is refused whole, not imported as empty cases */
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, "yearOfRegistration,gender\n2015,Female\n", 0, NULL, &res),
			 SANAD_EINVAL);
	contains(f->report, "no column is an HTCDS field");
	assert_int_equal(import_text(f, IMPORT_CTDC, "prs_Gender,snd_CaseRef\nFeminine,A\n", 0, NULL, &res),
			 SANAD_EINVAL);
	contains(f->report, "no column is a CTDC column");
	assert_int_equal(import_text(f, IMPORT_XFORM, "<data id=\"x\"><start>2024-01-01</start></data>", 0, NULL, &res),
			 SANAD_EINVAL);
	contains(f->report, "submission 1: the submission holds no HTCDS answer");
	assert_int_equal(case_count(f), 0);
	/* rows of empty cells, as spreadsheets leave them, are no records */
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, "snd_CaseRef,prs_Gender\n,\nE-1,Feminine\n,\n", 0, NULL, &res), 0);
	assert_int_equal(res.records, 1);
	assert_int_equal(case_count(f), 1);
}

static void test_org_created_with_name(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct organisation o;
	struct sanad_error err;
	const char text[] = "snd_CaseRef,snd_Organisation,org_Name\nO-1,shelter-amal,Amal shelter\n"
			    "O-2,shelter-amal,Amal shelter\nO-3,local,\n";

	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, text, 0, NULL, &res), 0);
	assert_int_equal(res.imported, 3);
	assert_int_equal(res.warnings, 1);
	contains(f->report, "organisation 'shelter-amal' did not exist and was created, named 'Amal shelter'");
	assert_int_equal(storage_org_get(f->st, "shelter-amal", &o, &err), 0);
	assert_string_equal(o.name, "Amal shelter");
	organisation_release(&o);

	/* a bad organisation code is a problem of its row */
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, "snd_CaseRef,snd_Organisation\nO-4,bad code!\n", 0,
				     NULL, &res),
			 SANAD_EINVAL);
	contains(f->report, "row 1, column snd_Organisation, value 'bad code!'");
}

static void test_default_org_needed(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct organisation o = { 0 };
	struct sanad_error err;
	struct import_options opt = { 0 };

	o.code = "second";
	o.name = "Second";
	assert_int_equal(storage_org_add(f->st, &o, &err), 0);
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, "prs_Gender\nFeminine\n", 0, NULL, &res), SANAD_EINVAL);
	contains(f->report, "say which with --org CODE");
	assert_int_equal(case_count(f), 0);
	opt.org_code = "second";
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, "prs_Gender\nFeminine\n", 0, &opt, &res), 0);
	assert_int_equal(case_count(f), 1);
	opt.org_code = "nobody";
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, "prs_Gender\nFeminine\n", 0, &opt, &res), SANAD_ENOTFOUND);
	contains(f->report, "no organisation 'nobody'");
}

/* ---- all or nothing ---- */

static char *thousand_rows(long bad_row)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "yearOfRegistration,gender,ageBroad,isForcedLabour\n");
	for (long i = 1; i <= 1000; i++)
		strbuf_addf(&sb, "%ld,%s,18--20,%s\n", 2000 + i % 20, i % 3 ? "Female" : "Male",
			    i == bad_row ? "yes please" : "1");
	return strbuf_detach(&sb);
}

static void test_one_bad_row_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	char *good = thousand_rows(0), *bad = thousand_rows(637);

	assert_int_equal(import_text(f, IMPORT_CTDC, good, 0, NULL, &res), 0);
	assert_int_equal(case_count(f), 1000);
	assert_int_equal(import_text(f, IMPORT_CTDC, bad, 0, NULL, &res), SANAD_EINVAL);
	assert_int_equal(res.rejected, 1);
	assert_int_equal(res.imported, 0);
	contains(f->report, "test: row 637, column isForcedLabour, value 'yes please': not a flag");
	contains(f->report, "nothing was imported: 1 of 1000 records is invalid");
	assert_int_equal(case_count(f), 1000); /* the database is as it was */
	free(good);
	free(bad);
}

static void test_skip_invalid_writes_rejects(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct import_options opt = { .skip_invalid = 1 };
	char *bad = thousand_rows(12), *rejects = NULL;
	size_t rejects_len;

	opt.rejects = open_memstream(&rejects, &rejects_len);
	assert_int_equal(import_text(f, IMPORT_CTDC, bad, 0, &opt, &res), 0);
	fclose(opt.rejects);
	assert_int_equal(res.imported, 999);
	assert_int_equal(res.rejected, 1);
	assert_int_equal(case_count(f), 999);
	assert_string_equal(rejects, "file,row,column,value,reason,record\n"
				     "test,12,isForcedLabour,yes please,\"not a flag (1, 0, or - for unknown)\","
				     "\"2012,Male,18--20,yes please\"\n");
	free(rejects);
	free(bad);
}

/* ---- the two-thread pipeline and bulk inserts ----
 * Two thousand rows span several batches of the reader-writer queue and of
 * the writer's one-statement inserts; every third row has no reference, so
 * generated references follow each duplicate (a duplicate undoes the
 * references given to the rows after it in its batch). */

static char *bulk_rows(void)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "snd_CaseRef,snd_YearOfRegistration\n");
	for (long i = 1; i <= 2000; i++) {
		if (i == 1501)
			strbuf_addstr(&sb, "B-701,2015\n"); /* row 701's */
		else if (i == 1801)
			strbuf_addstr(&sb, "B-1799,2015\n"); /* row 1799's */
		else if (i == 900)
			strbuf_addstr(&sb, "B-900,20x5\n"); /* not a year */
		else if (i % 3 == 0)
			strbuf_addf(&sb, ",%ld\n", 2000 + i % 20);
		else
			strbuf_addf(&sb, "B-%ld,%ld\n", i, 2000 + i % 20);
	}
	return strbuf_detach(&sb);
}

static void check_bulk_duplicates(struct fixture *f)
{
	struct import_result res;
	struct import_options opt = { .skip_invalid = 1 };
	char *text = bulk_rows(), *rejects = NULL;
	const char *year_line, *dup_line;
	size_t rejects_len;

	/* all or nothing: three problems reported in row order, nothing written */
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, text, 0, NULL, &res), SANAD_EINVAL);
	assert_int_equal(res.records, 2000);
	assert_int_equal(res.imported, 0);
	assert_int_equal(case_count(f), 0);
	contains(f->report, "test: row 900, column snd_YearOfRegistration, value '20x5'");
	contains(f->report, "nothing was imported: 1 of 2000 records is invalid");

	/* skip invalid: duplicates found by the insert are named at their rows,
	 * after the rows before them, and the rest is written */
	opt.rejects = open_memstream(&rejects, &rejects_len);
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, text, 0, &opt, &res), 0);
	fclose(opt.rejects);
	assert_int_equal(res.records, 2000);
	assert_int_equal(res.rejected, 3);
	assert_int_equal(res.imported, 1997);
	assert_int_equal(case_count(f), 1997);
	year_line = strstr(f->report, "test: row 900, column snd_YearOfRegistration");
	dup_line = strstr(f->report, "test: row 1501, column snd_CaseRef, value 'B-701': a case 'B-701' already exists");
	assert_non_null(year_line);
	assert_non_null(dup_line);
	assert_true(year_line < dup_line);
	assert_true(dup_line < strstr(f->report, "test: row 1801, column snd_CaseRef, value 'B-1799'"));
	contains(rejects, "test,1501,snd_CaseRef,B-701,a case 'B-701' already exists,\"B-701,2015\"\n");
	contains(rejects, "test,1801,snd_CaseRef,B-1799,");
	{
		/* generated references go on from the highest id, with no gap
		 * left by the rows after a duplicate */
		struct case_record c;
		get_case(f, "SND-001995", &c);
		case_record_release(&c);
	}

	/* the same file again: every row with a reference is a duplicate now */
	assert_int_equal(import_text(f, IMPORT_HTCDS_CSV, text, 0, NULL, &res), SANAD_EINVAL);
	contains(f->report, "test: row 1, column snd_CaseRef, value 'B-1': a case 'B-1' already exists");
	assert_int_equal(case_count(f), 1997);
	free(rejects);
	free(text);
}

static void test_bulk_duplicates_named(void **state)
{
	check_bulk_duplicates(*state);
}

/* The same, with the writer on the calling thread (as on one core). */
static void test_bulk_duplicates_one_thread(void **state)
{
	setenv("SANAD_IMPORT_THREADS", "1", 1);
	check_bulk_duplicates(*state);
	unsetenv("SANAD_IMPORT_THREADS");
}

static void test_dry_run_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct import_options opt = { .dry_run = 1 };
	char *good = thousand_rows(0);

	assert_int_equal(import_text(f, IMPORT_CTDC, good, 0, &opt, &res), 0);
	assert_int_equal(res.records, 1000);
	assert_int_equal(case_count(f), 0);
	free(good);
}

/* ---- CTDC ---- */

static void test_ctdc_mapping_codes_exist(void **state)
{
	const char *column, *field, *code;
	int n = 0;
	(void)state;
	for (int i = 0; import_ctdc_mapping(i, &column, &field, &code) == 0; i++, n++) {
		int idx;
		const struct field_def *fd;
		if (!field) {
			assert_null(code);
			continue;
		}
		idx = domain_field_index(GROUP_CASE, field);
		if (idx < 0)
			fail_msg("CTDC column %s: no case field %s", column, field);
		fd = &domain_group(GROUP_CASE)->fields[idx];
		if (code) {
			const struct vocab_entry *e = vocab_find(fd->list, code);
			if (!e || strcmp(e->code, code))
				fail_msg("CTDC column %s: '%s' is not a code of list %s", column, code, fd->list);
			assert_int_equal(fd->kind, FK_MULTI);
		}
	}
	assert_true(n >= 60);
}

static void test_ctdc_values_and_flags(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct case_record c;
	struct sanad_error err;
	struct case_query q = { .limit = 10 };
	const char text[] =
		"yearOfRegistration,Datasource,gender,ageBroad,majorityStatus,citizenship,"
		"meansOfControlDebtBondage,meansOfControlThreats,meansOfControlOther,meansOfControlNotSpecified,"
		"isForcedLabour,isSexualExploit,isForcedMilitary,isSexAndLabour,typeOfLabourDomesticWork,"
		"typeOfSexProstitution,recruiterRelationFamily,recruiterRelationUnknown,isAbduction,"
		"CountryOfExploitation,meansOfControlConcatenated\n"
		"2016,Case Management,Female,18-20,Adult,PH,1,1,0,0,1,0,1,0,1,-,1,0,0,AE,Debt bondage;Threats\n"
		"2017.0,Hotline,Male,48+,-99,00,-,-,-,1,0,0,0,0,-,-,0,1,-,-,\n";

	assert_int_equal(import_text(f, IMPORT_CTDC, text, 0, NULL, &res), 0);
	assert_int_equal(res.imported, 2);
	get_case(f, "SND-000001", &c);
	assert_string_equal(case_get(&c, "snd_YearOfRegistration"), "2016");
	assert_string_equal(case_get(&c, "snd_DataSource"), "CaseManagement");
	assert_string_equal(case_get(&c, "snd_Sex"), "Female");
	assert_null(case_get(&c, "prs_Gender")); /* CTDC's gender is sex */
	assert_string_equal(case_get(&c, "snd_AgeBroad"), "18--20");
	assert_string_equal(case_get(&c, "snd_MajorityStatus"), "Adult");
	assert_string_equal(case_get(&c, "prs_Citizenship"), "PH");
	/* codes in list order */
	assert_string_equal(case_get(&c, "vic_MethodsOfControl"), "PhysicalThreats;DebtBondage");
	assert_string_equal(case_get(&c, "vic_TypeOfExploitation"), "ForcedLabour;ForcedMilitaryByNonStateActors");
	assert_string_equal(case_get(&c, "snd_LabourType"), "DomesticWork");
	assert_null(case_get(&c, "vic_TypeOfSexExploitation"));
	assert_string_equal(case_get(&c, "snd_RecruiterRelation"), "Family");
	assert_string_equal(case_get(&c, "snd_IsAbduction"), "false");
	assert_string_equal(case_get(&c, "snd_CountryOfExploitation"), "AE");
	case_record_release(&c);
	get_case(f, "SND-000002", &c);
	assert_string_equal(case_get(&c, "snd_YearOfRegistration"), "2017");
	assert_string_equal(case_get(&c, "snd_AgeBroad"), "48+");
	assert_null(case_get(&c, "snd_MajorityStatus"));
	assert_null(case_get(&c, "prs_Citizenship"));
	assert_null(case_get(&c, "vic_MethodsOfControl"));  /* all unknown */
	assert_null(case_get(&c, "vic_TypeOfExploitation")); /* all 0: nothing to say */
	assert_null(case_get(&c, "snd_RecruiterRelation"));
	assert_null(case_get(&c, "snd_IsAbduction"));
	case_record_release(&c);
	(void)err;
	(void)q;
}

/* The reader remembers the cells of each value column; a cell read again,
 * in whatever spelling, and cells that push others out of its memory must
 * mean what they meant the first time, and a bad cell is refused each time
 * it comes. */
static void test_ctdc_repeated_cells_read_alike(void **state)
{
	struct fixture *f = *state;
	const struct vocab_list *countries = vocab_list_find("country");
	static const char *years[] = { "2015", "2015.0", "2016", "-99", "2015" };
	static const char *want_year[] = { "2015", "2015", "2016", NULL, "2015" };
	static const char *sexes[] = { "Female", "female", "Male", "-", "MALE" };
	static const char *want_sex[] = { "Female", "Female", "Male", NULL, "Male" };
	struct import_options opt = { .skip_invalid = 1 };
	struct import_result res;
	struct strbuf text = STRBUF_INIT;
	char *rejects = NULL;
	size_t rejects_len;
	int rows = 600, n = 0;

	assert_non_null(countries);
	assert_true(countries->count > 150);
	strbuf_addstr(&text, "yearOfRegistration,gender,citizenship\n");
	for (int i = 0; i < rows; i++) {
		if (i == 100 || i == 400)
			strbuf_addstr(&text, "20x6,Female,US\n"); /* rows 101 and 402 */
		strbuf_addf(&text, "%s,%s,%s\n", years[i % 5], sexes[(i / 5) % 5],
			    countries->entries[(i * 7) % 150].code);
	}
	opt.rejects = open_memstream(&rejects, &rejects_len);
	assert_int_equal(import_text(f, IMPORT_CTDC, text.buf, 0, &opt, &res), 0);
	fclose(opt.rejects);
	assert_int_equal(res.imported, rows);
	assert_int_equal(res.rejected, 2);
	contains(rejects, "test,101,yearOfRegistration,20x6,");
	contains(rejects, "test,402,yearOfRegistration,20x6,");
	for (int i = 0; i < rows; i++) {
		char ref[32];
		struct case_record c;
		const char *y = want_year[i % 5], *sx = want_sex[(i / 5) % 5];
		snprintf(ref, sizeof(ref), "SND-%06d", ++n);
		get_case(f, ref, &c);
		if (y)
			assert_string_equal(case_get(&c, "snd_YearOfRegistration"), y);
		else
			assert_null(case_get(&c, "snd_YearOfRegistration"));
		if (sx)
			assert_string_equal(case_get(&c, "snd_Sex"), sx);
		else
			assert_null(case_get(&c, "snd_Sex"));
		assert_string_equal(case_get(&c, "prs_Citizenship"), countries->entries[(i * 7) % 150].code);
		case_record_release(&c);
	}
	free(rejects);
	strbuf_release(&text);
}

static void test_ctdc_any_order_and_case(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct case_record c;
	/* any order, any case, names cut to 32 characters by Stata */
	const char text[] = "countryofexploitation,GENDER,meansOfControlPsychoactiveSubsta,yearofregistration,ageBroad,Notes\n"
			    "US,Transgender,1,2019,9--17,whatever\n";

	assert_int_equal(import_text(f, IMPORT_CTDC, text, 0, NULL, &res), 0);
	assert_int_equal(res.warnings, 1);
	contains(f->report, "1 column that CTDC does not define ignored: Notes");
	get_case(f, "SND-000001", &c);
	assert_string_equal(case_get(&c, "snd_Sex"), "Transgender");
	assert_string_equal(case_get(&c, "vic_MethodsOfControl"), "PsychoactiveSubstance");
	assert_string_equal(case_get(&c, "snd_CountryOfExploitation"), "US");
	case_record_release(&c);
}

static void test_ctdc_spilled_list_realigned(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct case_record c;
	/* a real release's defect: the concatenated list's commas were not
	 * quoted, so its items spill into the next cells; the header was
	 * padded with empty names */
	const char text[] =
		"yearOfRegistration,gender,meansOfControlConcatenated,isForcedLabour,isSexualExploit,,,\n"
		"2015,Female,Threats,1,0,,,\n"
		"2015,Male,False promises,Physical abuse,Threats,0,1,\n"
		"2016,Female,-99,-99,1,,,\n";

	assert_int_equal(import_text(f, IMPORT_CTDC, text, 0, NULL, &res), 0);
	assert_int_equal(res.imported, 3);
	contains(f->report, "1 row had more cells than the header");
	get_case(f, "SND-000002", &c);
	assert_string_equal(case_get(&c, "snd_Sex"), "Male");
	assert_string_equal(case_get(&c, "vic_TypeOfExploitation"), "SexualExploitation");
	case_record_release(&c);

	/* cells that no list can explain are still a wrong number of cells */
	assert_int_equal(import_text(f, IMPORT_CTDC, "yearOfRegistration,gender\n2015,Female,surprise\n", 0, NULL,
				     &res),
			 SANAD_EINVAL);
	contains(f->report, "row 1: 3 cells, but the header has 2 columns");
}

static void test_ctdc_contradiction_and_future(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct case_record c;
	char text[200];

	assert_int_equal(import_text(f, IMPORT_CTDC, "yearOfRegistration,ageBroad,majorityStatus\n2012,9--17,Adult\n",
				     0, NULL, &res),
			 0);
	contains(f->report, "majorityStatus that contradicts ageBroad");
	get_case(f, "SND-000001", &c);
	assert_string_equal(case_get(&c, "snd_AgeBroad"), "9--17");
	assert_null(case_get(&c, "snd_MajorityStatus"));
	case_record_release(&c);

	snprintf(text, sizeof(text), "yearOfRegistration,gender\n%d,Female\n", date_today().year + 1);
	assert_int_equal(import_text(f, IMPORT_CTDC, text, 0, NULL, &res), SANAD_EINVAL);
	contains(f->report, "row 1, column yearOfRegistration");
	contains(f->report, "is in the future");
}

/* ---- XForm ---- */

static char *fixture_text(const char *name, size_t *len)
{
	char path[4096];
	const char *dir = __FILE__;
	const char *slash = strrchr(dir, '/');
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%.*sfixtures/%s", slash ? (int)(slash - dir + 1) : 0, dir, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void test_xform_single_keeps_every_answer(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct case_record c;
	size_t len;
	char *xml = fixture_text("xform-single.xml", &len);

	assert_int_equal(import_text(f, IMPORT_XFORM, xml, len, NULL, &res), 0);
	assert_int_equal(res.imported, 1);
	assert_int_equal(res.warnings, 0);
	get_case(f, "uuid:6f1c2b7e-0d4a-4b8e-9a51-3c2f0e9d7a10", &c);
	assert_string_equal(case_get(&c, "con_Consent"), "true");
	assert_string_equal(case_get(&c, "prs_FirstName"), "فاطمة");
	assert_string_equal(case_get(&c, "prs_SecondName"), "الزهراء");
	assert_string_equal(case_get(&c, "prs_Birthdate"), "2006-11-20");
	assert_string_equal(case_get(&c, "prs_Gender"), "Feminine");
	assert_string_equal(case_get(&c, "prs_Citizenship"), "SY");
	assert_string_equal(case_get(&c, "prs_MobilePhone"), "+962 79 000 0000");
	assert_string_equal(case_get(&c, "prs_MailingCity"), "إربد");
	assert_string_equal(case_get(&c, "prs_MailingCountry"), "JO");
	assert_string_equal(case_get(&c, "vic_MethodOfRecruitment"),
			    "ThroughOnlineSocialNetworks;ThroughFriendsOrSocialEvents");
	assert_string_equal(case_get(&c, "vic_LocationOfRecruitment"), "مخيم الزعتري، المفرق");
	assert_string_equal(case_get(&c, "vic_TraffickingStatus"), "PossibleVictimOfTrafficking");
	assert_string_equal(case_get(&c, "vic_TraffickingStatusDecisionMakingOrg"), "NGO");
	assert_string_equal(case_get(&c, "vic_MethodsOfControl"),
			    "DebtBondage;FalsePromises;PsychologicalAbuse;WithholdsDocuments");
	assert_string_equal(case_get(&c, "vic_TypeOfExploitation"), "ForcedLabour;ForcedMarriage");
	assert_string_equal(case_get(&c, "vic_ForcedLabourIndustry"),
			    "A_AgricultureForestryAndFishing;T_ActivitiesOfHouseholdsAsEmployers");
	assert_null(case_get(&c, "vic_TypeOfSexExploitation"));
	assert_string_equal(case_get(&c, "vic_LocationOfExploitation"), "عمّان، ماركا");
	assert_string_equal(case_get(&c, "cas_Status"), "Active");
	assert_string_equal(case_get(&c, "cas_ReferringOrganisation"), "Tamkeen");
	assert_string_equal(case_get(&c, "cas_IncomingReferralDate"), "2024-02-28");
	assert_string_equal(case_get(&c, "cas_ReferringPrimaryCaseWorker"), "ليلى حداد");
	assert_string_equal(case_get(&c, "cas_IncomingReferralDetails"),
			    "أحالتها منظمة شريكة بعد اتصال على الخط الساخن.\nتحتاج إلى سكن آمن ومترجم.");
	assert_string_equal(case_get(&c, "snd_Sex"), "Female");
	case_record_release(&c);

	/* the same submission again is a duplicate, and nothing is written */
	assert_int_equal(import_text(f, IMPORT_XFORM, xml, len, NULL, &res), SANAD_EINVAL);
	contains(f->report, "submission 1, element snd_CaseRef, value 'uuid:6f1c2b7e-0d4a-4b8e-9a51-3c2f0e9d7a10'");
	assert_int_equal(case_count(f), 1);
	free(xml);
}

static void test_xform_batch(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct case_record c;
	size_t len;
	char *xml = fixture_text("xform-batch.xml", &len);

	assert_int_equal(import_text(f, IMPORT_XFORM, xml, len, NULL, &res), 0);
	assert_int_equal(res.imported, 3);
	get_case(f, "uuid:2c9d8e7f-1a3b-4c5d-8e9f-0a1b2c3d4e5f", &c);
	assert_string_equal(case_get(&c, "con_Consent"), "false");
	assert_string_equal(case_get(&c, "vic_MethodOfRecruitment"), "AtWork;ThroughFamilyOrFamilyEvents;Other");
	assert_string_equal(case_get(&c, "vic_MethodsOfControl"),
			    "PhysicalThreats;PhysicalAbuse;SexualAbuse;PsychoactiveSubstance");
	assert_string_equal(case_get(&c, "vic_TypeOfExploitation"), "ForcedLabour;SexualExploitation;Servitude");
	assert_string_equal(case_get(&c, "vic_TypeOfSexExploitation"),
			    "Prostitution;Pornography;RemoteInteractiveServices");
	case_record_release(&c);
	get_case(f, "uuid:9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b", &c);
	assert_string_equal(case_get(&c, "prs_FirstName"), "مريم");
	assert_string_equal(case_get(&c, "vic_MethodsOfControl"),
			    "ThreatensChildrenFamily;DebtBondage;RestrictsMedicalCare;WithholdsNecessities;Other");
	assert_string_equal(case_get(&c, "vic_TypeOfExploitation"), "ChildLabour;OrganRemoval;ForcedBegging");
	case_record_release(&c);
	free(xml);
}

static void test_xform_repeats_and_problems(void **state)
{
	struct fixture *f = *state;
	struct import_result res;
	struct case_record c;
	const char repeats[] =
		"<data id=\"x\"><snd_CaseRef>X-1</snd_CaseRef>"
		"<event><hte_Type>Recruitment</hte_Type><hte_Country>SY</hte_Country></event>"
		"<event><hte_Type>Exploitation</hte_Type><hte_City>عمّان</hte_City></event>"
		"<favourite_colour>blue</favourite_colour></data>";
	const char bad[] = "<data id=\"x\"><prs_Gender>Robot</prs_Gender></data>";
	const char broken[] = "<s><data id=\"a\"><prs_Gender>Feminine</prs_Gender></data><data id=\"b\"><prs_Gender>";
	const char free_text[] =
		"<s><data id=\"f\"><snd_CaseRef>X-2</snd_CaseRef><prs_MailingCountry>jordan</prs_MailingCountry>"
		"<cas_ReasonForIncomingReferral>needs a safe place to stay</cas_ReasonForIncomingReferral>"
		"<cas_IncomingReferralDetails>Called the hotline.</cas_IncomingReferralDetails></data>"
		"<data id=\"f\"><snd_CaseRef>X-3</snd_CaseRef><prs_MailingCountry>الأردن</prs_MailingCountry>"
		"<cas_ReasonForIncomingReferral>Migration or change of location</cas_ReasonForIncomingReferral></data></s>";
	const char doctype[] = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x \"boom\">]><data id=\"x\">&x;</data>";

	assert_int_equal(import_text(f, IMPORT_XFORM, repeats, 0, NULL, &res), 0);
	contains(f->report, "1 unknown element ignored: favourite_colour");
	get_case(f, "X-1", &c);
	assert_int_equal(c.child[GROUP_EVENT].count, 2);
	assert_string_equal(item_value(&c, GROUP_EVENT, 0, "hte_Country"), "SY");
	assert_string_equal(item_value(&c, GROUP_EVENT, 1, "hte_Type"), "Exploitation");
	assert_string_equal(item_value(&c, GROUP_EVENT, 1, "hte_City"), "عمّان");
	case_record_release(&c);

	assert_int_equal(import_text(f, IMPORT_XFORM, bad, 0, NULL, &res), SANAD_EINVAL);
	contains(f->report, "test: submission 1, element prs_Gender, value 'Robot': 'Robot' is not a value");

	assert_int_equal(import_text(f, IMPORT_XFORM, broken, 0, NULL, &res), SANAD_EINVAL);
	contains(f->report, "test: submission 2: not well-formed XML");
	assert_int_equal(res.records, 2);

	/* picklists the form asks as free text: labels count, a reason that
	 * matches nothing is Other with its words kept in the details */
	assert_int_equal(import_text(f, IMPORT_XFORM, free_text, 0, NULL, &res), 0);
	get_case(f, "X-2", &c);
	assert_string_equal(case_get(&c, "prs_MailingCountry"), "JO");
	assert_string_equal(case_get(&c, "cas_ReasonForIncomingReferral"), "Other");
	assert_string_equal(case_get(&c, "cas_IncomingReferralDetails"),
			    "Called the hotline.\ncas_ReasonForIncomingReferral: needs a safe place to stay");
	case_record_release(&c);
	get_case(f, "X-3", &c);
	assert_string_equal(case_get(&c, "prs_MailingCountry"), "JO");
	assert_string_equal(case_get(&c, "cas_ReasonForIncomingReferral"), "MigrationOrChangeOfLocation");
	case_record_release(&c);

	assert_int_not_equal(import_text(f, IMPORT_XFORM, doctype, 0, NULL, &res), 0);
	contains(f->report, "DOCTYPE or ENTITY declaration is not allowed");
	assert_int_not_equal(import_text(f, IMPORT_XFORM, "yearOfRegistration,gender\n", 0, NULL, &res), 0);
	assert_int_equal(case_count(f), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_csv_bom_crlf_quotes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_repeating_groups_and_guard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_unknown_columns_warned_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_problems_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_duplicate_and_empty_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org_created_with_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_org_needed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_bad_row_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skip_invalid_writes_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_duplicates_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_duplicates_one_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_writes_nothing, setup, teardown),
		cmocka_unit_test(test_ctdc_mapping_codes_exist),
		cmocka_unit_test_setup_teardown(test_ctdc_values_and_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctdc_any_order_and_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctdc_repeated_cells_read_alike, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctdc_spilled_list_realigned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctdc_contradiction_and_future, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xform_single_keeps_every_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xform_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xform_repeats_and_problems, setup, teardown),
	};
	struct sanad_error err;
	if (vocab_load(&err)) {
		fprintf(stderr, "vocabulary: %s\n", err.message);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
