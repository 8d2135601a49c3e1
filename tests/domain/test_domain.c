/* tests/domain: canonical values, derivation, cross-field rules, name
 * normalisation. */
#include "test_support.h"
#include <stdlib.h>
#include "domain/domain.h"

static const struct field_def *field(const char *name)
{
	enum group_id g;
	int i;
	assert_int_equal(domain_field_find(name, &g, &i), 0);
	return &domain_group(g)->fields[i];
}

static void values_become_canonical(void **state)
{
	struct sanad_error err;
	char *out;
	(void)state;
	assert_int_equal(field_normalise(field("vic_TypeOfExploitation"), "SexualExploitation forcedlabour;ForcedLabour", &out, &err), 0);
	assert_string_equal(out, "ForcedLabour;SexualExploitation"); /* list order, deduplicated */
	free(out);
	assert_int_equal(field_normalise(field("prs_Citizenship"), "COL, ve", &out, &err), 0);
	assert_string_equal(out, "CO;VE");
	free(out);
	assert_int_equal(field_normalise(field("prs_Birthdate"), "1999-01-31", &out, &err), 0);
	assert_string_equal(out, "1999-01-31");
	free(out);
	assert_int_equal(field_normalise(field("con_Consent"), "TRUE", &out, &err), 0);
	assert_string_equal(out, "true");
	free(out);
	assert_int_equal(field_normalise(field("snd_YearOfRegistration"), " 2019 ", &out, &err), 0);
	assert_string_equal(out, "2019");
	free(out);
	assert_int_equal(field_normalise(field("snd_Sex"), "-", &out, &err), 0);
	assert_null(out);
	assert_int_equal(field_normalise(field("snd_Sex"), "", &out, &err), 0);
	assert_null(out);
}

static void bad_values_are_named(void **state)
{
	struct sanad_error err;
	char *out, big[300];
	(void)state;
	assert_int_not_equal(field_normalise(field("prs_Gender"), "Robot", &out, &err), 0);
	assert_non_null(strstr(err.message, "prs_Gender"));
	assert_non_null(strstr(err.message, "Robot"));
	assert_int_not_equal(field_normalise(field("prs_Birthdate"), "2021-02-30", &out, &err), 0);
	assert_non_null(strstr(err.message, "prs_Birthdate"));
	assert_int_not_equal(field_normalise(field("prs_FirstName"), "bad\xC3", &out, &err), 0);
	assert_non_null(strstr(err.message, "UTF-8"));
	assert_int_not_equal(field_normalise(field("prs_FirstName"), "a\x01" "b", &out, &err), 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(field_normalise(field("prs_FirstName"), big, &out, &err), SANAD_ELIMIT);
	assert_non_null(strstr(err.message, "limit of 200"));
	assert_int_not_equal(field_normalise(field("vic_AgeWhenTrafficked"), "130", &out, &err), 0);
	assert_int_not_equal(field_normalise(field("vic_MethodsOfControl"), "DebtBondage Nonsense", &out, &err), 0);
	assert_non_null(strstr(err.message, "Nonsense"));
}

static void xform_spellings_find_fields(void **state)
{
	enum group_id g;
	int i;
	(void)state;
	assert_int_equal(domain_field_find("prs_First_Name", &g, &i), 0);
	assert_string_equal(domain_group(g)->fields[i].name, "prs_FirstName");
	assert_int_equal(domain_field_find("vic_Methods_of_Control", &g, &i), 0);
	assert_string_equal(domain_group(g)->fields[i].name, "vic_MethodsOfControl");
	assert_int_equal(domain_field_find("hte_Type", &g, &i), 0);
	assert_int_equal(g, GROUP_EVENT);
	assert_int_not_equal(domain_field_find("prs_Shoe_Size", &g, &i), 0);
}

static void derivation_fills_only_what_is_missing(void **state)
{
	struct case_record c;
	struct sanad_error err;
	(void)state;
	case_record_init(&c);
	assert_int_equal(case_set(&c, "prs_Gender", "Feminine", &err), 0);
	assert_int_equal(case_set(&c, "prs_Birthdate", "2005-07-01", &err), 0);
	assert_int_equal(case_set(&c, "snd_IdentificationDate", "2021-06-30", &err), 0);
	case_record_derive(&c);
	assert_string_equal(case_get(&c, "snd_Sex"), "Female");
	assert_string_equal(case_get(&c, "snd_AgeAtIdentification"), "15");
	assert_string_equal(case_get(&c, "snd_AgeBroad"), "9--17");
	assert_string_equal(case_get(&c, "snd_MajorityStatus"), "Minor");
	assert_string_equal(case_get(&c, "snd_YearOfRegistration"), "2021");
	assert_int_equal(case_record_validate(&c, &err), 0);
	case_record_release(&c);
}

static void cross_field_rules(void **state)
{
	struct case_record c;
	struct sanad_error err;
	(void)state;
	case_record_init(&c);
	case_set(&c, "prs_Birthdate", "2010-01-01", &err);
	case_set(&c, "snd_IdentificationDate", "2009-01-01", &err);
	assert_int_not_equal(case_record_validate(&c, &err), 0);
	assert_non_null(strstr(err.message, "prs_Birthdate"));
	case_record_release(&c);

	case_record_init(&c);
	case_set(&c, "snd_AgeAtIdentification", "30", &err);
	case_set(&c, "snd_AgeBroad", "9--17", &err);
	assert_int_not_equal(case_record_validate(&c, &err), 0);
	assert_non_null(strstr(err.message, "snd_AgeBroad"));
	case_record_release(&c);

	case_record_init(&c);
	case_set(&c, "snd_AgeBroad", "48+", &err);
	case_set(&c, "snd_MajorityStatus", "Minor", &err);
	assert_int_not_equal(case_record_validate(&c, &err), 0);
	case_record_release(&c);

	case_record_init(&c);
	case_record_add_item(&c, GROUP_CONSENT); /* scope and date are required */
	assert_int_not_equal(case_record_validate(&c, &err), 0);
	assert_non_null(strstr(err.message, "consents item 1"));
	case_record_release(&c);
}

static void names_match_across_spellings(void **state)
{
	static const char *const same[][2] = {
		{ "أحمد", "احمد" },
		{ "إيمان", "ايمان" },
		{ "فاطمة", "فاطمه" },
		{ "مُحَمَّد", "محمد" },
		{ "مـــحمد", "محمد" },
		{ "مصطفى", "مصطفي" },
		{ "José ÁLVAREZ", "jose alvarez" },
		{ "O'Brien-Smith", "obrien smith" },
		{ "  Amal   Haddad ", "amal haddad" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char *a = name_normalise(same[i][0]), *b = name_normalise(same[i][1]);
		if (strcmp(a, b))
			fail_msg("'%s' -> '%s' but '%s' -> '%s'", same[i][0], a, same[i][1], b);
		free(a);
		free(b);
	}
	{
		char *a = name_normalise("سارة"), *b = name_normalise("سعاد");
		assert_string_not_equal(a, b);
		free(a);
		free(b);
	}
}

/* Each group is one name spelt the ways organisations record it; every
 * member must give the group's skeleton, or the two records of one person
 * get different match keys. */
static void skeletons_join_spellings_of_one_name(void **state)
{
	static const struct {
		const char *want;
		const char *names[8];
	} groups[] = {
		{ "bdl", { "عبد الله", "Abdullah", "Abdallah", "Abd Allah", "عبدالله", "Abdulla", "ABD-ALLAH" } },
		{ "bdrhmn", { "Abd al-Rahman", "Abdulrahman", "عبد الرحمن", "Abdurrahman", "Abdel Rahman",
			      "عبدالرحمن", "Abd el Rahman" } },
		{ "bdzyz", { "Abdulaziz", "عبد العزيز", "Abdel Aziz", "Abd al-Aziz" } },
		{ "mhmd", { "Mohammed", "Muhammad", "Mohamed", "محمد", "مُحَمَّد", "مـــحمد", "MOHAMMAD" } },
		{ "sf", { "Yousef", "Youssef", "Yusuf", "يوسف", "Yosef" } },
		{ "ftm", { "Fatima", "Fatimah", "فاطمة", "فاطمه", "Fátima" } },
		{ "hsyn", { "Al-Hussein", "Elhussein", "الحسين", "Hussein", "Husain", "Husayn", "حسين",
			    "Hüseyin" } },
		{ "hsn", { "Hassan", "Hasan", "حسن", "El Hassan", "الحسن", "Al-Hassan" } },
		{ "bkr", { "Abu Bakr", "Abubakar", "أبو بكر", "ابو بكر", "Abou Bakr", "Abu-Bakar" } },
		{ "hmd", { "Alahmad", "الأحمد", "Ahmed", "Ahmad", "أحمد", "إحمد", "Al Ahmad" } },
		{ "mstf", { "مصطفى", "مصطفي", "Mustafa", "Moustapha", "Mostafa" } },
		{ "krym", { "Karim", "Kareem", "كريم" } },
		{ "kdj", { "Khadija", "Khadijah", "Khadeeja", "خديجة" } },
		{ "syd", { "Said", "Saeed", "Sayed", "سعيد" } },
		{ "kld", { "Khaled", "خالد" } },
		{ "brhym", { "Ibrahim", "Ebrahim", "ابراهيم", "إبراهيم" } },
		{ "myn", { "Amine", "Amin", "أمين", "Al-Amin" } },
		{ "js", { "José", "jose", "JOSÉ" } },
		{ "l", { "Ali", "علي", "Alia", "عليا" } },
		{ "rb", { "Rabih", "Rabie", "ربيع" } },
	};
	(void)state;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (size_t i = 0; i < 8 && groups[g].names[i]; i++) {
			char *s = name_skeleton(groups[g].names[i]);
			if (strcmp(s, groups[g].want))
				fail_msg("'%s' -> '%s', expected '%s'", groups[g].names[i], s, groups[g].want);
			free(s);
		}
}

static void skeletons_keep_distinct_names_apart(void **state)
{
	static const char *const pairs[][2] = {
		{ "Hassan", "Hussein" }, /* twins: must never share a match key */
		{ "حسن", "حسين" },
		{ "Hassan", "حسين" },
		{ "Saad", "Saeed" },
		{ "سعد", "سعيد" },
		{ "Abd al-Rahman", "Abd al-Rahim" },
		{ "Abdullah", "Abdo" },
		{ "Ahmed", "Mohammed" },
		{ "Abu Bakr", "Bakr Abu" }, /* the compound is Abu with the word after it */
		{ "Khalid", "Khaled" },     /* the documented cost of keeping the long i */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char *a = name_skeleton(pairs[i][0]), *b = name_skeleton(pairs[i][1]);
		if (!strcmp(a, b))
			fail_msg("'%s' and '%s' both -> '%s'", pairs[i][0], pairs[i][1], a);
		free(a);
		free(b);
	}
}

static void skeletons_have_exact_shape(void **state)
{
	static const char *const cases[][2] = {
		{ "Amina Yusuf", "mn sf" },
		{ "  Abd   al-Rahman   Hassan ", "bdrhmn hsn" },
		{ "Abd", "bd" },                 /* nothing to join: kept as a word */
		{ "Abu al-Khair", "bkyr" },
		{ "Al", "" },                    /* only an article */
		{ "Alaa", "l" },                 /* too short to lose its al */
		{ "Ελένη", "ελενη" },            /* no transliteration: kept normalised */
		{ "Abd Ελένη", "bdελενη" },
		{ "Room 101", "rm 101" },
		{ "", "" },
		{ "- '", "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = name_skeleton(cases[i][0]);
		if (strcmp(s, cases[i][1]))
			fail_msg("'%s' -> '%s', expected '%s'", cases[i][0], s, cases[i][1]);
		free(s);
	}
}

static void every_field_is_found_by_name(void **state)
{
	(void)state;
	/* names are unique across groups: the lookup table depends on it */
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		for (int i = 0; i < gd->nfields; i++) {
			enum group_id fg;
			int fi;
			assert_int_equal(domain_field_index((enum group_id)g, gd->fields[i].name), i);
			assert_int_equal(domain_field_find(gd->fields[i].name, &fg, &fi), 0);
			assert_int_equal(fg, g);
			assert_int_equal(fi, i);
			for (int h = 0; h < GROUP_COUNT; h++)
				if (h != g)
					assert_int_equal(domain_field_index((enum group_id)h, gd->fields[i].name), -1);
		}
	}
	assert_int_equal(domain_field_index(GROUP_CASE, "no_such_field"), -1);
}

/* A flattened record (the importer's hand-over to its writer) reads the
 * same, copies the same, and may still be changed: a value set afterwards,
 * or set again, is released with it (ASan checks the frees). */
static void flat_records_read_and_change_like_others(void **state)
{
	struct case_record c, copy;
	struct sanad_error err;
	char before[64];
	(void)state;
	case_record_init(&c);
	assert_int_equal(case_set(&c, "snd_Sex", "female", &err), 0);
	assert_int_equal(case_set(&c, "prs_Citizenship", "SY;LB", &err), 0);
	assert_int_equal(case_set(&c, "snd_YearOfRegistration", "2019", &err), 0);
	snprintf(before, sizeof(before), "%s", case_get(&c, "prs_Citizenship"));
	case_record_flatten(&c);
	assert_true(c.main.flat > 0);
	assert_string_equal(case_get(&c, "snd_Sex"), "Female");
	assert_string_equal(case_get(&c, "prs_Citizenship"), before);
	assert_string_equal(case_get(&c, "snd_YearOfRegistration"), "2019");
	assert_null(case_get(&c, "prs_Birthdate"));
	case_record_flatten(&c); /* twice is once */
	case_record_copy(&copy, &c);
	assert_int_equal(copy.main.flat, 0);
	assert_string_equal(case_get(&copy, "prs_Citizenship"), before);
	/* replaced in the block, then replaced again outside it */
	assert_int_equal(case_set(&c, "snd_Sex", "male", &err), 0);
	assert_int_equal(case_set(&c, "snd_Sex", "female", &err), 0);
	assert_string_equal(case_get(&c, "snd_Sex"), "Female");
	case_record_release(&c);
	case_record_release(&copy);

	/* built flat from values by index; with a list, only the listed are read */
	{
		const struct group_def *gd = domain_group(GROUP_CASE);
		const char **vals = calloc((size_t)gd->nfields, sizeof(*vals));
		int sex = domain_field_index(GROUP_CASE, "snd_Sex"), year = domain_field_index(GROUP_CASE, "snd_YearOfRegistration");
		int only[] = { sex, sex, year };
		vals[sex] = "Male";
		vals[year] = "2020";
		vals[domain_field_index(GROUP_CASE, "snd_AgeBroad")] = "18--20";
		case_record_init_flat(&c, vals, NULL, 0);
		assert_string_equal(case_get(&c, "snd_AgeBroad"), "18--20");
		assert_string_equal(case_get(&c, "snd_Sex"), "Male");
		case_record_release(&c);
		case_record_init_flat(&c, vals, only, 3);
		assert_null(case_get(&c, "snd_AgeBroad"));
		assert_string_equal(case_get(&c, "snd_Sex"), "Male");
		assert_string_equal(case_get(&c, "snd_YearOfRegistration"), "2020");
		assert_int_equal(case_set(&c, "snd_Sex", "female", &err), 0);
		case_record_release(&c);
		free(vals);
	}
}

static void age_bands(void **state)
{
	(void)state;
	assert_string_equal(age_band_for(0), "0--8");
	assert_string_equal(age_band_for(17), "9--17");
	assert_string_equal(age_band_for(18), "18--20");
	assert_string_equal(age_band_for(47), "39--47");
	assert_string_equal(age_band_for(48), "48+");
	assert_null(age_band_for(-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_become_canonical),
		cmocka_unit_test(bad_values_are_named),
		cmocka_unit_test(xform_spellings_find_fields),
		cmocka_unit_test(derivation_fills_only_what_is_missing),
		cmocka_unit_test(cross_field_rules),
		cmocka_unit_test(names_match_across_spellings),
		cmocka_unit_test(skeletons_join_spellings_of_one_name),
		cmocka_unit_test(skeletons_keep_distinct_names_apart),
		cmocka_unit_test(skeletons_have_exact_shape),
		cmocka_unit_test(age_bands),
		cmocka_unit_test(flat_records_read_and_change_like_others),
		cmocka_unit_test(every_field_is_found_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
