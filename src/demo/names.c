/*
 * demo/names.c: names, languages and ethnicities by nationality.
 *
 * Arabic names are kept as one entry per name with its Arabic spelling and
 * the Latin transliterations in use ("Mohammed|Muhammad|Mohamed|Mohammad"),
 * so a transliterated demo person exercises the search across spellings the
 * way real case files do.  The other names are common given and family
 * names of each country; none belongs to a real case.
 */
#include "demo/demo_internal.h"

#include <stdio.h>
#include <string.h>

struct arabic_name {
	const char *arabic;
	const char *latin; /* variants separated by '|' */
};

static const struct arabic_name arabic_female[] = {
	{ "فاطمة", "Fatima|Fatma|Fatimah" }, { "مريم", "Mariam|Maryam|Meriem" },
	{ "آمنة", "Amina|Aminah|Amna" }, { "هدى", "Huda|Houda|Hoda" },
	{ "زينب", "Zainab|Zeinab|Zaynab" }, { "خديجة", "Khadija|Khadijah|Khadiga" },
	{ "ليلى", "Layla|Leila|Laila" }, { "نور", "Nour|Noor|Nur" },
	{ "رنا", "Rana" }, { "سارة", "Sara|Sarah" }, { "هبة", "Heba|Hiba" },
	{ "إسراء", "Israa|Esraa|Isra" }, { "سلمى", "Salma|Selma" }, { "رهف", "Rahaf" },
	{ "دعاء", "Doaa|Duaa|Dua" }, { "أسماء", "Asmaa|Asma" }, { "رقية", "Ruqaya|Roqaya|Ruqayyah" },
	{ "ياسمين", "Yasmin|Yasmine|Jasmin" }, { "شيماء", "Shaimaa|Shaima" }, { "حنان", "Hanan" },
	{ NULL, NULL }
};

static const struct arabic_name arabic_male[] = {
	{ "محمد", "Mohammed|Muhammad|Mohamed|Mohammad|Mohamad" }, { "أحمد", "Ahmed|Ahmad" },
	{ "علي", "Ali" }, { "عمر", "Omar|Umar" }, { "خالد", "Khaled|Khalid" },
	{ "حسن", "Hassan|Hasan" }, { "يوسف", "Youssef|Yousef|Yusuf" },
	{ "إبراهيم", "Ibrahim|Ebrahim" }, { "مصطفى", "Mustafa|Mostafa" },
	{ "عبد الله", "Abdullah|Abdallah|Abdulla" }, { "محمود", "Mahmoud|Mahmud" },
	{ "سامر", "Samer" }, { "طارق", "Tareq|Tarek|Tariq" }, { "حمزة", "Hamza|Hamzah" },
	{ "عمار", "Ammar" }, { "ياسين", "Yassin|Yasin|Yaseen" }, { "عبد الرحمن", "Abdelrahman|Abdul Rahman|Abdulrahman" },
	{ "حسين", "Hussein|Husain|Hussain" }, { "صالح", "Saleh|Salih" }, { "آدم", "Adam|Adem" },
	{ NULL, NULL }
};

static const struct arabic_name arabic_family[] = {
	{ "الأحمد", "Al-Ahmad|Alahmad|El Ahmad" }, { "الحسن", "Al-Hassan|Alhasan|El-Hassan" },
	{ "الخطيب", "Al-Khatib|Elkhatib|Al Khateeb" }, { "حداد", "Haddad" },
	{ "المصري", "Al-Masri|El-Masry|Elmasri" }, { "عثمان", "Othman|Osman|Uthman" },
	{ "عبد الرحمن", "Abdelrahman|Abdul Rahman" }, { "الزعبي", "Al-Zoubi|Alzoubi|Al Zu'bi" },
	{ "النجار", "Al-Najjar|Elnaggar|Najjar" }, { "الشامي", "Al-Shami|Elshamy" },
	{ "إدريس", "Idris|Idriss|Edrees" }, { "منصور", "Mansour|Mansur" },
	{ "السيد", "El-Sayed|Al-Sayyid|Elsayed" }, { "العلي", "Al-Ali|Alali" },
	{ "الحلبي", "Al-Halabi|Halabi" }, { "قاسم", "Qasim|Kassem|Qassem" },
	{ "الجبوري", "Al-Jubouri|Aljuboori" }, { "بن علي", "Ben Ali|Benali" },
	{ "الأنصاري", "Al-Ansari|Alansari" }, { "عبد الله", "Abdallah|Abdullah" },
	{ NULL, NULL }
};

struct latin_names {
	const char *country;
	const char *const *female, *const *male, *const *family;
};

#define LIST(...) (const char *const[]){ __VA_ARGS__, NULL }

static const struct latin_names latin[] = {
	{ "PH", LIST("Maria", "Ana", "Rosalie", "Jennifer", "Marites", "Liza", "Grace", "Analyn", "Cristina",
		     "Rowena", "Jocelyn", "Maricel"),
	  LIST("Jose", "Mark", "John Paul", "Rodel", "Ramon", "Jun", "Arnel"),
	  LIST("Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Dela Cruz", "Villanueva",
	       "Aquino", "Ramos", "Castillo") },
	{ "LK", LIST("Nimali", "Kumari", "Sanduni", "Dilani", "Chamari", "Malani", "Thushari", "Kalaivani",
		     "Selvi", "Tharshini", "Priyanka"),
	  LIST("Nuwan", "Kasun", "Chaminda", "Pradeep", "Suresh", "Ravi", "Tharindu"),
	  LIST("Perera", "Fernando", "Silva", "Jayasinghe", "Bandara", "Wijesinghe", "Kumarasamy",
	       "Herath", "Dissanayake", "Rajendran") },
	{ "BD", LIST("Rahima", "Shirin", "Nasima", "Fatema", "Rokeya", "Shahana", "Moriom", "Taslima",
		     "Rupa", "Shilpi"),
	  LIST("Rahim", "Karim", "Jahangir", "Shafiqul", "Rafiqul", "Mizanur", "Alamgir", "Sohel"),
	  LIST("Begum", "Akter", "Khatun", "Hossain", "Islam", "Rahman", "Uddin", "Miah", "Sarkar") },
	{ "NP", LIST("Sita", "Gita", "Sunita", "Maya", "Kamala", "Laxmi", "Sarita", "Anita", "Puja"),
	  LIST("Ram", "Bikash", "Suman", "Rajesh", "Dipak", "Krishna", "Bishnu"),
	  LIST("Tamang", "Gurung", "Magar", "Rai", "Shrestha", "Thapa", "Tharu", "Limbu", "Sherpa") },
	{ "ET", LIST("Tigist", "Meron", "Hiwot", "Selam", "Almaz", "Bethlehem", "Tsehay", "Mekdes", "Hanna",
		     "Genet", "Aster"),
	  LIST("Dawit", "Abebe", "Tesfaye", "Yonas", "Bereket", "Getachew", "Solomon"),
	  LIST("Bekele", "Tadesse", "Girma", "Alemu", "Haile", "Kebede", "Wolde", "Desta", "Ayele",
	       "Tefera") },
	{ "UG", LIST("Grace", "Sarah", "Esther", "Prossy", "Florence", "Annet", "Harriet", "Juliet"),
	  LIST("Moses", "Ivan", "Brian", "Ronald", "Isaac"),
	  LIST("Nakato", "Nansubuga", "Namutebi", "Atim", "Akello", "Mugisha", "Okello", "Tumusiime") },
	{ "KE", LIST("Mercy", "Faith", "Caroline", "Purity", "Esther", "Lucy", "Winnie", "Joyce"),
	  LIST("Kevin", "Brian", "Dennis", "Collins", "Peter"),
	  LIST("Wanjiru", "Achieng", "Otieno", "Kamau", "Njeri", "Mwangi", "Chebet", "Wambui") },
	{ "NG", LIST("Blessing", "Joy", "Precious", "Favour", "Gift", "Esther", "Osas", "Peace"),
	  LIST("Emeka", "Chinedu", "Osaro", "Godwin", "Sunday"),
	  LIST("Okafor", "Eze", "Osagie", "Omoruyi", "Ogbeide", "Adeyemi", "Nwosu") },
	{ "UA", LIST("Olena", "Iryna", "Tetiana", "Oksana", "Nataliia", "Yuliia", "Kateryna", "Svitlana"),
	  LIST("Oleksandr", "Andrii", "Serhii", "Dmytro", "Ivan"),
	  LIST("Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Boiko", "Kravchenko") },
	{ "IN", LIST("Priya", "Lakshmi", "Anjali", "Sunita", "Kavita", "Rekha", "Deepa"),
	  LIST("Rajesh", "Suresh", "Manoj", "Ravi", "Vijay", "Anil"),
	  LIST("Kumar", "Singh", "Das", "Nair", "Pillai", "Yadav", "Reddy") },
	{ "ID", LIST("Siti", "Sri", "Dewi", "Nur", "Rina", "Yuni", "Wati", "Ani"),
	  LIST("Agus", "Budi", "Eko", "Joko"),
	  LIST("Rahayu", "Wulandari", "Lestari", "Susanti", "Handayani", "Purnama") },
	{ "PK", LIST("Nasreen", "Shazia", "Rubina", "Samina", "Naila"),
	  LIST("Asif", "Imran", "Waseem", "Shahid", "Zubair"),
	  LIST("Khan", "Hussain", "Butt", "Malik", "Iqbal", "Qureshi") },
	{ NULL, NULL, NULL, NULL }
};

static const char *const arabic_countries[] = { "JO", "SY", "EG", "SD", "IQ", "YE", "MA", "PS", "LB", NULL };

int demo_arabic_country(const char *country)
{
	for (int i = 0; arabic_countries[i]; i++)
		if (!strcmp(arabic_countries[i], country))
			return 1;
	return 0;
}

static const struct arabic_name *arabic_one(struct rng *r, const struct arabic_name *list)
{
	int n = 0;
	while (list[n].arabic)
		n++;
	return &list[rng_below(r, (uint32_t)n)];
}

/* One of the '|'-separated variants, copied into out. */
static void latin_variant(struct rng *r, const char *variants, char *out, size_t size)
{
	int n = 1, pick;
	const char *p = variants, *end;
	for (const char *c = variants; *c; c++)
		n += *c == '|';
	pick = (int)rng_below(r, (uint32_t)n);
	while (pick--)
		p = strchr(p, '|') + 1;
	end = strchr(p, '|');
	snprintf(out, size, "%.*s", (int)(end ? (size_t)(end - p) : strlen(p)), p);
}

void demo_name(struct rng *r, const char *country, enum demo_sex sex, struct person_name *out)
{
	memset(out, 0, sizeof(*out));
	if (demo_arabic_country(country)) {
		const struct arabic_name *first = arabic_one(r, sex == DEMO_FEMALE ? arabic_female : arabic_male);
		const struct arabic_name *father = arabic_one(r, arabic_male);
		const struct arabic_name *family = arabic_one(r, arabic_family);
		if (rng_chance(r, 0.25)) {
			latin_variant(r, first->latin, out->first, sizeof(out->first));
			latin_variant(r, father->latin, out->middle, sizeof(out->middle));
			latin_variant(r, family->latin, out->family, sizeof(out->family));
		} else {
			snprintf(out->first, sizeof(out->first), "%s", first->arabic);
			snprintf(out->middle, sizeof(out->middle), "%s", father->arabic);
			snprintf(out->family, sizeof(out->family), "%s", family->arabic);
			out->arabic_script = 1;
		}
		return;
	}
	for (const struct latin_names *l = latin; l->country; l++)
		if (!strcmp(l->country, country)) {
			snprintf(out->first, sizeof(out->first), "%s",
				 rng_one(r, sex == DEMO_FEMALE ? l->female : l->male));
			snprintf(out->family, sizeof(out->family), "%s", rng_one(r, l->family));
			return;
		}
	/* a nationality without its own list: a neutral placeholder name */
	snprintf(out->first, sizeof(out->first), "%s", sex == DEMO_FEMALE ? "Anna" : "Daniel");
	snprintf(out->family, sizeof(out->family), "Doe");
}

const char *demo_language(const char *country)
{
	static const struct { const char *country, *language; } map[] = {
		{ "PH", "tl" }, { "LK", "si" }, { "BD", "bn" }, { "NP", "ne" }, { "ET", "am" },
		{ "UG", "en" }, { "KE", "sw" }, { "NG", "en" }, { "UA", "uk" }, { "IN", "hi" },
		{ "ID", "id" }, { "PK", "ur" },
	};
	if (demo_arabic_country(country))
		return "ar";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].country, country))
			return map[i].language;
	return "en";
}

static const struct { const char *country; const struct weighted *groups; } ethnicities[] = {
	{ "SY", (const struct weighted[]){ { "Arab", 80 }, { "Kurdish", 12 }, { "Dom", 6 },
					 { "Turkmen", 2 }, { NULL, 0 } } },
	{ "JO", (const struct weighted[]){ { "Arab", 92 }, { "Dom", 6 }, { "Circassian", 2 }, { NULL, 0 } } },
	{ "IQ", (const struct weighted[]){ { "Arab", 70 }, { "Kurdish", 20 }, { "Yazidi", 10 }, { NULL, 0 } } },
	{ "SD", (const struct weighted[]){ { "Arab", 50 }, { "Fur", 25 }, { "Nuba", 25 }, { NULL, 0 } } },
	{ "ET", (const struct weighted[]){ { "Oromo", 40 }, { "Amhara", 35 }, { "Tigrayan", 15 },
					 { "Somali", 10 }, { NULL, 0 } } },
	{ "LK", (const struct weighted[]){ { "Sinhalese", 70 }, { "Tamil", 25 }, { "Moor", 5 }, { NULL, 0 } } },
	{ "NP", (const struct weighted[]){ { "Tamang", 30 }, { "Magar", 25 }, { "Tharu", 20 },
					 { "Chhetri", 25 }, { NULL, 0 } } },
	{ "NG", (const struct weighted[]){ { "Edo", 60 }, { "Igbo", 25 }, { "Yoruba", 15 }, { NULL, 0 } } },
};

const char *demo_ethnicity(struct rng *r, const char *country)
{
	/* most case files do not record ethnicity */
	if (!rng_chance(r, 0.45))
		return NULL;
	for (size_t i = 0; i < sizeof(ethnicities) / sizeof(ethnicities[0]); i++)
		if (!strcmp(ethnicities[i].country, country))
			return rng_pick(r, ethnicities[i].groups);
	return NULL;
}

/* ---- the same name in the other script (issue 5: one person recorded by
 * two organisations, the second writing the name differently) ---- */

static const struct arabic_name *arabic_by_arabic(const char *s)
{
	const struct arabic_name *lists[] = { arabic_female, arabic_male, arabic_family };
	for (int l = 0; l < 3; l++)
		for (const struct arabic_name *a = lists[l]; a->arabic; a++)
			if (!strcmp(a->arabic, s))
				return a;
	return NULL;
}

static const struct arabic_name *arabic_by_latin(const char *s)
{
	const struct arabic_name *lists[] = { arabic_female, arabic_male, arabic_family };
	size_t n = strlen(s);
	for (int l = 0; l < 3; l++)
		for (const struct arabic_name *a = lists[l]; a->arabic; a++)
			for (const char *p = a->latin; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
				if (!strncmp(p, s, n) && (p[n] == '|' || !p[n]))
					return a;
	return NULL;
}

/* One part of a name in the other script; 0 if it is not an Arabic name. */
static int other_script(struct rng *r, const char *in, int arabic, char *out, size_t size)
{
	const struct arabic_name *a;
	if (!in[0]) {
		out[0] = '\0';
		return 1;
	}
	a = arabic ? arabic_by_arabic(in) : arabic_by_latin(in);
	if (!a)
		return 0;
	if (arabic)
		latin_variant(r, a->latin, out, size);
	else
		snprintf(out, size, "%s", a->arabic);
	return 1;
}

int demo_name_other_script(struct rng *r, const struct person_name *in, struct person_name *out)
{
	struct person_name t;
	memset(&t, 0, sizeof(t));
	if (!other_script(r, in->first, in->arabic_script, t.first, sizeof(t.first)) ||
	    !other_script(r, in->middle, in->arabic_script, t.middle, sizeof(t.middle)) ||
	    !other_script(r, in->family, in->arabic_script, t.family, sizeof(t.family)))
		return 0;
	t.arabic_script = !in->arabic_script;
	*out = t;
	return 1;
}
