#!/usr/bin/env python3
"""Generate the ISO parts of data/vocab.tsv and check the whole file.

data/vocab.tsv is Sanad's single source of picklists (see its header for the
format).  Most lists are written by hand; two are generated here from Debian's
iso-codes package:

  country   ISO 3166-1 alpha-2 codes, English `name`, Arabic from the
            iso_3166-1 gettext catalogue, alias = alpha-3 code.
  language  ISO 639-2 alpha-3 codes, English `name`, Arabic from the
            iso_639-2 gettext catalogue, aliases = ISO 639-1 alpha-2 code and
            the ISO 639-2/B (bibliographic) code where they exist.

Usage:
  gen-iso-vocab.py                 print the country and language lines
  gen-iso-vocab.py --check FILE    validate a whole vocab.tsv

To regenerate, replace everything from the "# list: country" comment to the
end of vocab.tsv with this script's output (the ISO lists come last):

  sed -n '/^# list: country/q;p' data/vocab.tsv > /tmp/v.tsv &&
  python3 data/gen-iso-vocab.py >> /tmp/v.tsv && mv /tmp/v.tsv data/vocab.tsv

Arabic labels: the catalogue is used first.  AR_FIX overrides catalogue
entries that are wrong or not proper Modern Standard Arabic (e.g. Xhosa given
as "Hausa"); AR_FALLBACK is a hand translation used only where the catalogue
has none.  Catalogue strings are normalised: vowel marks (tashkeel) are
removed, since the catalogue uses them sporadically, and the conjunction
"و" is joined to the next word as Arabic orthography requires.

Python 3 standard library only.
"""

import gettext
import json
import os
import re
import sys
import unicodedata

ISO_JSON_DIR = os.environ.get("ISO_CODES_JSON", "/usr/share/iso-codes/json")
LOCALE_DIR = os.environ.get("ISO_CODES_LOCALE", "/usr/share/locale")

# ISO 639-2 codes left out of the language list: the reserved local-use range
# and "no linguistic content".  mul, und and mis are kept (placed last).
LANG_SKIP = {"qaa-qtz", "zxx"}
LANG_LAST = ["mul", "mis", "und"]

# Countries that are not in ISO 3166-1 but that Sanad's data needs: Kosovo is
# ranked in the TIP report (as KOS) and XK/XKX is the user-assigned code used
# by the EU, IOM and many data sets.  (alpha-2, English, Arabic, aliases)
EXTRA_COUNTRIES = [
    ("XK", "Kosovo", "كوسوفو", ["XKX", "KOS"]),
]

# --- Arabic corrections to the iso_3166-1 catalogue (alpha-2 -> Arabic) ---
COUNTRY_AR_FIX = {
    "AQ": "القارة القطبية الجنوبية",      # catalogue: "the South Pole"
    "AS": "ساموا الأمريكية",
    "BO": "بوليفيا (دولة - المتعددة القوميات)",  # catalogue: "Republic of"
    "BY": "بيلاروس",                      # catalogue: "White Russia"
    "CW": "كوراساو",                      # catalogue: "Curaçao Islands"
    "CX": "جزيرة عيد الميلاد",            # catalogue: "Christmas Islands"
    "CZ": "تشيكيا",
    "GG": "غيرنزي",                       # catalogue misspelt
    "GP": "غوادلوب",
    "GU": "غوام",
    "IM": "جزيرة مان",                    # catalogue transliterated "Isle of"
    "IO": "إقليم المحيط الهندي البريطاني",
    "LT": "ليتوانيا",                     # catalogue misspelt
    "ME": "الجبل الأسود",                 # UN Arabic name
    "MO": "ماكاو",
    "NC": "كاليدونيا الجديدة",
    "NI": "نيكاراغوا",
    "NZ": "نيوزيلندا",
    "PN": "بيتكيرن",
    "RS": "صربيا",                        # catalogue misspelt ("صربية")
    "SB": "جزر سليمان",
    "SH": "سانت هيلينا وأسينشين وتريستان دا كونا",  # catalogue left out Ascension
    "TF": "الأقاليم الجنوبية الفرنسية",
    "TK": "توكيلاو",
    "VA": "الكرسي الرسولي (دولة مدينة الفاتيكان)",  # catalogue: literal "holy seat"
    "VG": "جزر فيرجن البريطانية",
    "VI": "جزر فيرجن الأمريكية",
    "VN": "فيتنام",
    "WS": "ساموا",
}

# --- hand translations where the iso_3166-1 catalogue has none ---
COUNTRY_AR_FALLBACK = {
    "TR": "تركيا",                        # catalogue predates "Türkiye"
}

# --- Arabic corrections to the iso_639-2 catalogue (alpha-3 -> Arabic) ---
LANG_AR_FIX = {
    "ain": "الآينوية",
    "ang": "الإنجليزية القديمة (450-1100 تقريبا)",
    "art": "اللغات الاصطناعية",
    "asm": "الأسامية",
    "bal": "البلوشية",
    "bam": "البامبارية",
    "bho": "البوجبورية",
    "btk": "لغات الباتاك",
    "cai": "لغات هنود أمريكا الوسطى",
    "cat": "الكتالونية؛ الفالنسية",       # catalogue: "Valencia" (the city)
    "cus": "اللغات الكوشية",
    "dzo": "الدزونغخا",
    "egy": "المصرية القديمة",
    "ell": "اليونانية الحديثة (منذ 1453)",
    "eus": "الباسكية",
    "fas": "الفارسية",
    "glv": "المنكية",
    "hau": "الهوسا",
    "him": "لغات الهيماشال؛ لغات البهاري الغربية",
    "hmn": "الهمونغية",
    "hye": "الأرمنية",
    "iba": "الإيبانية",
    "ido": "الإيدو",
    "kaa": "القراقلباقية",
    "mal": "المالايالامية",
    "mri": "الماورية",
    "mul": "لغات متعددة",
    "nau": "الناورية",                    # catalogue gave the country name
    "nob": "النرويجية (بوكمول)",
    "oci": "الأوكسيتانية (بعد 1500)؛ البروفنسية",
    "pan": "البنجابية",
    "pau": "البالاوية",
    "run": "الكيروندية",
    "sga": "الأيرلندية القديمة (حتى 900)",
    "sun": "السوندية",
    "tkl": "التوكيلاوية",                 # catalogue: "Tokelau Islands"
    "tmh": "التماشقية",
    "tvl": "التوفالية",                   # catalogue gave the country name
    "und": "لغة غير محددة",
    "urd": "الأردية",
    "vie": "الفيتنامية",
    "wen": "اللغات الصوربية",             # catalogue misspelt
    "wln": "الوالونية",
    "xho": "الخوسية",                     # catalogue: "Hausa" (wrong language)
}

# --- hand translations where the iso_639-2 catalogue has none ---
LANG_AR_FALLBACK = {
    "aar": "العفرية",
    "ace": "الآتشيهية",
    "ach": "الأتشولية",
    "ada": "الأدانغمية",
    "ady": "الأديغية",
    "aka": "الأكانية",
    "akk": "الأكادية",
    "ale": "الأليوتية",
    "alg": "اللغات الألغونكية",
    "alt": "الألطائية الجنوبية",
    "amh": "الأمهرية",
    "anp": "الأنجيكية",
    "arc": "الآرامية الرسمية (700-300 ق.م)",
    "ast": "الأستورية",
    "ath": "اللغات الأثاباسكية",
    "ava": "الأوارية",
    "awa": "الأوادية",
    "bak": "الباشكيرية",
    "ban": "البالينية",
    "bas": "الباسا",
    "bej": "البجاوية",
    "bih": "اللغات البيهارية",
    "bin": "البينية (الإيدو)",
    "bra": "البراجية",
    "bua": "البورياتية",
    "bug": "البوغيسية",
    "byn": "البلينية",
    "car": "الكاريبية (غاليبي)",
    "cel": "اللغات الكلتية",
    "chn": "رطانة الشينوك",
    "chp": "الشيبوايانية",
    "chu": "السلافونية الكنسية",
    "cmc": "اللغات التشامية",
    "cnr": "لغة الجبل الأسود",
    "cor": "الكورنية",
    "cpe": "اللغات الكريولية والهجينة القائمة على الإنجليزية",
    "cpf": "اللغات الكريولية والهجينة القائمة على الفرنسية",
    "cpp": "اللغات الكريولية والهجينة القائمة على البرتغالية",
    "cre": "الكرية",
    "crh": "تتارية القرم",
    "crp": "اللغات الكريولية والهجينة",
    "dar": "الدارغينية",
    "day": "لغات الداياك البرية",
    "den": "لغة السليفي (الأثاباسكية)",
    "div": "الديفيهية (المالديفية)",
    "doi": "الدوغرية",
    "dra": "اللغات الدرافيدية",
    "dsb": "الصوربية السفلى",
    "dum": "الهولندية الوسطى (1050-1350 تقريبا)",
    "eka": "الإكاجوكية",
    "elx": "العيلامية",
    "enm": "الإنجليزية الوسطى (1100-1500)",
    "ewe": "الإيوية",
    "ewo": "الإيووندية",
    "fao": "الفاروية",
    "fat": "الفانتية",
    "fij": "الفيجية",
    "fil": "الفلبينية",
    "fiu": "اللغات الفنلندية الأوغرية",
    "frm": "الفرنسية الوسطى (1400-1600 تقريبا)",
    "fro": "الفرنسية القديمة (842-1400 تقريبا)",
    "frr": "الفريزية الشمالية",
    "frs": "الفريزية الشرقية",
    "fry": "الفريزية الغربية",
    "ful": "الفولانية",
    "fur": "الفريولية",
    "gaa": "لغة الغا",
    "gba": "الغباية",
    "gem": "اللغات الجرمانية",
    "gez": "الجعزية",
    "gil": "الغيلبرتية (الكيريباتية)",
    "gla": "الغيلية الإسكتلندية",
    "glg": "الغاليسية",
    "gmh": "الألمانية العليا الوسطى (1050-1500 تقريبا)",
    "goh": "الألمانية العليا القديمة (750-1050 تقريبا)",
    "gon": "الغوندية",
    "grb": "الغريبية",
    "grc": "اليونانية القديمة (حتى 1453)",
    "gsw": "الألمانية السويسرية",
    "gwi": "الغويتشية",
    "hat": "الكريولية الهايتية",
    "haw": "الهاوائية",
    "her": "الهيريرية",
    "hil": "الهيليغاينونية",
    "hit": "الحيثية",
    "hmo": "الهيري موتو",
    "hsb": "الصوربية العليا",
    "iii": "يي سيتشوان",
    "ijo": "لغات الإيجو",
    "iku": "الإينكتيتوتية",
    "ile": "الإنترلينغوية (أوكسيدنتال)",
    "ina": "الإنترلينغوا (رابطة اللغة المساعدة الدولية)",
    "inc": "اللغات الهندية الآرية",
    "ine": "اللغات الهندية الأوروبية",
    "inh": "الإنغوشية",
    "ira": "اللغات الإيرانية",
    "iro": "اللغات الإيروكوية",
    "jav": "الجاوية",
    "jpr": "الفارسية اليهودية",
    "jrb": "العربية اليهودية",
    "kac": "الكاتشينية",
    "kal": "الغرينلاندية",
    "kan": "الكانادية",
    "kar": "لغات الكارين",
    "kat": "الجورجية",
    "kau": "الكانورية",
    "kaw": "الكاوية",
    "kbd": "القبردية",
    "kha": "الخاسية",
    "khi": "لغات الخويسان",
    "khm": "الخميرية",
    "kho": "الختنية",
    "kik": "الكيكويو",
    "kin": "الكينيارواندية",
    "kir": "القيرغيزية",
    "kmb": "الكيمبوندو",
    "kok": "الكونكانية",
    "kom": "الكومية",
    "kon": "الكيكونغو",
    "kos": "الكوسرية",
    "kpe": "الكبيلية",
    "krc": "القراتشاي البلقارية",
    "krl": "الكاريلية",
    "kro": "لغات الكرو",
    "kru": "الكوروخية",
    "kua": "الكوانياما",
    "kum": "القموقية",
    "kut": "الكوتيناي",
    "lad": "اللادينو",
    "lah": "اللاهندا",
    "lam": "اللامبا",
    "lao": "اللاوية",
    "lez": "الليزغية",
    "lim": "الليمبورغية",
    "lin": "اللينغالا",
    "lol": "المونغو",
    "loz": "اللوزية",
    "ltz": "اللوكسمبورغية",
    "lua": "اللوبا لولوا",
    "lub": "اللوبا كاتانغا",
    "lug": "اللوغندية",
    "lui": "اللويسينيو",
    "lun": "اللوندا",
    "luo": "اللوو (كينيا وتنزانيا)",
    "lus": "الميزو (اللوشاي)",
    "mad": "المادورية",
    "mag": "الماغاهية",
    "mah": "المارشالية",
    "mai": "المايثيلية",
    "mak": "الماكاسارية",
    "man": "الماندينغية",
    "map": "اللغات الأسترونيزية",
    "mar": "الماراثية",
    "mas": "الماساي",
    "mdf": "الموكشانية",
    "mdr": "الماندارية",
    "men": "المندية",
    "mga": "الأيرلندية الوسطى (900-1200)",
    "mic": "الميكماكية",
    "min": "المينانغكاباوية",
    "mis": "لغات غير مرمزة",
    "mkh": "لغات المون خمير",
    "mlg": "الملغاشية",
    "mnc": "المانشوية",
    "mni": "المانيبورية",
    "moh": "الموهوكية",
    "mos": "الموسية",
    "mun": "لغات موندا",
    "mus": "الكريكية",
    "mwl": "الميرانديزية",
    "mwr": "المارفارية",
    "myn": "لغات المايا",
    "myv": "الإرزية",
    "nai": "لغات هنود أمريكا الشمالية",
    "nap": "النابولية",
    "nbl": "النديبيلية الجنوبية",
    "nde": "النديبيلية الشمالية",
    "ndo": "الندونغا",
    "nds": "الألمانية السفلى",
    "new": "النيوارية",
    "nic": "اللغات النيجرية الكردفانية",
    "niu": "النيوية",
    "nld": "الهولندية؛ الفلمنكية",
    "nno": "النرويجية (نينورسك)",
    "nog": "النوغاية",
    "non": "النوردية القديمة",
    "nqo": "لغة أنكو",
    "nso": "السوتو الشمالية",
    "nwc": "النيوارية الكلاسيكية",
    "nya": "الشيشيوا (النيانجا)",
    "nym": "النيامويزية",
    "nyn": "النيانكولية",
    "nyo": "النيورو",
    "nzi": "النزيمية",
    "oji": "الأوجيبوية",
    "ori": "الأورية",
    "orm": "الأورومية",
    "osa": "الأوساجية",
    "oss": "الأوسيتية",
    "ota": "التركية العثمانية (1500-1928)",
    "oto": "اللغات الأوتومية",
    "paa": "اللغات البابوية",
    "pag": "البانغاسينانية",
    "pal": "البهلوية",
    "pam": "البامبانغية",
    "peo": "الفارسية القديمة (600-400 ق.م تقريبا)",
    "phi": "اللغات الفلبينية",
    "pli": "البالية",
    "pon": "البونبية",
    "pra": "اللغات البراكريتية",
    "pro": "البروفنسية القديمة (حتى 1500)",
    "pus": "البشتو",
    "rar": "الراروتونغية (ماورية جزر كوك)",
    "roa": "اللغات الرومانسية",
    "roh": "الرومانشية",
    "rom": "لغة الروما (الغجرية)",
    "ron": "الرومانية؛ المولدوفية",
    "rup": "الأرومانية",
    "sag": "السانغو",
    "sai": "لغات هنود أمريكا الجنوبية (أخرى)",
    "sam": "الآرامية السامرية",
    "sat": "السانتالية",
    "scn": "الصقلية",
    "sco": "الإسكتلندية (سكوتس)",
    "sel": "السيلكوبية",
    "sem": "اللغات السامية",
    "shn": "الشانية",
    "sid": "السيدامية",
    "sin": "السنهالية",
    "sio": "اللغات السيوية",
    "sit": "اللغات الصينية التبتية",
    "sla": "اللغات السلافية",
    "sma": "لغة سامي الجنوبية",
    "sme": "لغة سامي الشمالية",
    "smi": "لغات سامي",
    "smj": "لغة سامي لوله",
    "smn": "لغة سامي إيناري",
    "smo": "الساموية",
    "sms": "لغة سامي سكولت",
    "sna": "الشونية",
    "snd": "السندية",
    "snk": "السونينكية",
    "sog": "الصغدية",
    "son": "لغات السونغاي",
    "sot": "السوتو الجنوبية",
    "spa": "الإسبانية؛ القشتالية",
    "sqi": "الألبانية",
    "srd": "السردينية",
    "srn": "السرانان تونغو",
    "srr": "السيريرية",
    "ssa": "اللغات النيلية الصحراوية",
    "ssw": "السواتية",
    "suk": "السوكوما",
    "sus": "السوسو",
    "sux": "السومرية",
    "syc": "السريانية الكلاسيكية",
    "tah": "التاهيتية",
    "tai": "لغات التاي",
    "tat": "التتارية",
    "tel": "التيلوغوية",
    "tem": "التيمنية",
    "ter": "التيرينو",
    "tet": "التيتومية",
    "tgk": "الطاجيكية",
    "tig": "التغرية",
    "tir": "التغرينية",
    "tiv": "التيفية",
    "tlh": "الكلينغونية",
    "tli": "التلينغيتية",
    "tog": "التونغا (نياسا)",
    "ton": "التونغية (جزر تونغا)",
    "tpi": "التوك بيسين",
    "tsi": "التسيمشيانية",
    "tsn": "التسوانية",
    "tso": "التسونغية",
    "tuk": "التركمانية",
    "tum": "التومبوكا",
    "tup": "لغات التوبي",
    "tut": "اللغات الألطائية",
    "twi": "التوي",
    "tyv": "التوفية",
    "udm": "الأودمورتية",
    "uga": "الأوغاريتية",
    "uig": "الأويغورية",
    "ukr": "الأوكرانية",
    "umb": "الأمبوندو",
    "uzb": "الأوزبكية",
    "vai": "الفاي",
    "ven": "الفيندية",
    "vol": "الفولابوك",
    "vot": "الفوتية",
    "wak": "اللغات الواكاشية",
    "wal": "الولايتية",
    "war": "الواراي",
    "was": "الواشو",
    "wol": "الولوفية",
    "xal": "الكالميكية",
    "yao": "الياو",
    "yap": "اليابية",
    "yor": "اليوروبية",
    "zbl": "رموز بليس",
    "zen": "الزناكية",
    "zha": "التشوانغية",
    "znd": "لغات الزاندي",
    "zun": "الزونية",
    "zza": "الزازاكية",
}

# Arabic vowel marks and other combining marks used in the catalogues.
_TASHKEEL = re.compile("[\u064B-\u065F\u0670]")
# "و " standing alone before a word: the conjunction, which joins the word.
_LOOSE_WAW = re.compile(r"(^|\s)و\s+(?=\S)")


def normalise_ar(s):
    """Return catalogue Arabic with tashkeel removed and "و" joined."""
    s = _TASHKEEL.sub("", s)
    s = _LOOSE_WAW.sub(lambda m: m.group(1) + "و", s)
    return " ".join(s.split())


def sort_key(name):
    """Fold accents and case so that Åland sorts with A and Côte with Co."""
    d = unicodedata.normalize("NFKD", name)
    return "".join(c for c in d if not unicodedata.combining(c)).casefold()


def load_json(name, key):
    with open(os.path.join(ISO_JSON_DIR, name), encoding="utf-8") as f:
        return json.load(f)[key]


def load_catalogue(domain):
    path = os.path.join(LOCALE_DIR, "ar", "LC_MESSAGES", domain + ".mo")
    with open(path, "rb") as f:
        return gettext.GNUTranslations(f)


def arabic_for(code, english, cat, fixes, fallback, missing):
    """Pick the Arabic label: correction, else catalogue, else hand fallback."""
    if code in fixes:
        return fixes[code]
    tr = cat.gettext(english)
    if tr and tr != english:
        return normalise_ar(tr)
    if code in fallback:
        return fallback[code]
    missing.append(f"{code} ({english})")
    return ""


def country_rows(missing):
    cat = load_catalogue("iso_3166-1")
    rows = []
    for c in load_json("iso_3166-1.json", "3166-1"):
        a2, name = c["alpha_2"], c["name"]
        ar = arabic_for(a2, name, cat, COUNTRY_AR_FIX, COUNTRY_AR_FALLBACK,
                        missing)
        rows.append((a2, name, ar, [c["alpha_3"]]))
    for a2, name, ar, aliases in EXTRA_COUNTRIES:
        rows.append((a2, name, ar, list(aliases)))
    rows.sort(key=lambda r: sort_key(r[1]))
    return rows


def language_rows(missing):
    cat = load_catalogue("iso_639-2")
    rows, last = [], {}
    for entry in load_json("iso_639-2.json", "639-2"):
        a3, name = entry["alpha_3"], entry["name"]
        if a3 in LANG_SKIP:
            continue
        ar = arabic_for(a3, name, cat, LANG_AR_FIX, LANG_AR_FALLBACK, missing)
        aliases = [entry[k] for k in ("alpha_2", "bibliographic") if k in entry]
        row = (a3, name, ar, aliases)
        if a3 in LANG_LAST:
            last[a3] = row
        else:
            rows.append(row)
    rows.sort(key=lambda r: sort_key(r[1]))
    rows.extend(last[c] for c in LANG_LAST if c in last)
    return rows


def generate():
    """Return the generated vocab.tsv text for the country and language lists."""
    missing = []
    countries = country_rows(missing)
    languages = language_rows(missing)
    if missing:
        raise SystemExit("gen-iso-vocab: no Arabic label for: "
                         + ", ".join(missing)
                         + "\nadd them to COUNTRY_AR_FALLBACK / LANG_AR_FALLBACK")
    out = [
        "# list: country -- ISO 3166-1 alpha-2 (plus XK Kosovo, user-assigned),",
        "# sorted by English name; alias = alpha-3.",
        "# GENERATED by data/gen-iso-vocab.py from Debian iso-codes: do not edit by hand.",
    ]
    out += [f"country\t{c}\t{en}\t{ar}\t{','.join(al)}"
            for c, en, ar, al in countries]
    out += [
        "",
        "# list: language -- ISO 639-2 alpha-3 (B/T codes: the T code is the code,",
        "# the B code an alias), sorted by English name, mul/mis/und last;",
        "# aliases = ISO 639-1 alpha-2 and ISO 639-2/B.",
        "# GENERATED by data/gen-iso-vocab.py from Debian iso-codes: do not edit by hand.",
    ]
    out += [f"language\t{c}\t{en}\t{ar}\t{','.join(al)}"
            for c, en, ar, al in languages]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- checking

_LIST_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_BAD_IN_CODE = re.compile(r"[ \t,;]")
_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def check_text(data, fname="vocab.tsv"):
    """Validate vocab.tsv content (bytes).  Return a list of error strings."""
    errs = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return [f"{fname}: not valid UTF-8 at byte {e.start}"]
    if text.startswith("\ufeff"):
        errs.append(f"{fname}: starts with a byte-order mark")
    if "\r" in text:
        errs.append(f"{fname}: contains CR characters (line ends must be LF)")
    if text and not text.endswith("\n"):
        errs.append(f"{fname}: last line has no LF")

    codes = {}        # list -> {casefolded code: line number}
    names = {}        # list -> {casefolded code or alias: (what, line)}
    seen_lists = []   # lists in order of first appearance
    for n, line in enumerate(text.split("\n"), 1):
        where = f"{fname}:{n}"
        if line.strip() == "" or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 5:
            errs.append(f"{where}: {len(cols)} columns, expected 5")
            continue
        lst, code, en, ar, aliases = cols
        if not _LIST_NAME.match(lst):
            errs.append(f"{where}: bad list name {lst!r}")
        if not seen_lists or seen_lists[-1] != lst:
            if lst in seen_lists:
                errs.append(f"{where}: list {lst!r} resumes after another list"
                            " (each list must be one block: order is display order)")
            seen_lists.append(lst)
        if code == "" or _BAD_IN_CODE.search(code) or code != code.strip():
            errs.append(f"{where}: bad code {code!r} (empty, or has space, "
                        "tab, comma or semicolon)")
        if en.strip() == "" or en != en.strip():
            errs.append(f"{where}: English label empty or padded: {en!r}")
        if ar.strip() == "" or ar != ar.strip():
            errs.append(f"{where}: Arabic label empty or padded: {ar!r}")
        elif _LATIN.search(ar) or not _ARABIC.search(ar):
            errs.append(f"{where}: Arabic label has Latin letters or no Arabic: {ar!r}")

        lcodes = codes.setdefault(lst, {})
        lnames = names.setdefault(lst, {})
        key = code.casefold()
        if key in lcodes:
            errs.append(f"{where}: duplicate code {lst}/{code} "
                        f"(first on line {lcodes[key]}, case-insensitive)")
        else:
            lcodes[key] = n
        if key in lnames and lnames[key][0] != "code":
            errs.append(f"{where}: code {lst}/{code} equals {lnames[key][0]} "
                        f"on line {lnames[key][1]}")
        lnames.setdefault(key, ("code", n))

        if aliases == "":
            continue
        for a in aliases.split(","):
            if a == "" or a != a.strip() or ";" in a:
                errs.append(f"{where}: bad alias {a!r} in {aliases!r}")
                continue
            k = a.casefold()
            if k in lnames:
                what, ln = lnames[k]
                errs.append(f"{where}: alias {a!r} of {lst}/{code} clashes with "
                            f"the {what} on line {ln} (case-insensitive)")
            else:
                lnames[k] = (f"alias {a!r}", n)
    # An alias seen before a code that equals it is caught above, since codes
    # also look up `names`; a code seen before an alias is caught by the alias.
    return errs


def check_file(path):
    with open(path, "rb") as f:
        data = f.read()
    errs = check_text(data, path)
    # Drift: if iso-codes is installed, the generated lists should match.
    try:
        generated = generate()
    except (OSError, SystemExit) as e:
        print(f"gen-iso-vocab: note: cannot compare ISO lists ({e})",
              file=sys.stderr)
    else:
        text = data.decode("utf-8", "replace")
        want = [l for l in generated.split("\n")
                if l.startswith(("country\t", "language\t"))]
        have = [l for l in text.split("\n")
                if l.startswith(("country\t", "language\t"))]
        if have and want != have:
            print(f"gen-iso-vocab: warning: country/language lines in {path} "
                  "differ from what this script generates; regenerate them",
                  file=sys.stderr)
    for e in errs:
        print(e, file=sys.stderr)
    if errs:
        print(f"{path}: {len(errs)} error(s)", file=sys.stderr)
        return 1
    counts = {}
    for line in data.decode("utf-8").split("\n"):
        if line and not line.startswith("#"):
            lst = line.split("\t", 1)[0]
            counts[lst] = counts.get(lst, 0) + 1
    print(f"{path}: OK, {len(counts)} lists, {sum(counts.values())} values")
    return 0


def main(argv):
    if len(argv) == 1:
        out = generate()
        errs = check_text(out.encode("utf-8"), "<generated>")
        if errs:
            for e in errs:
                print(e, file=sys.stderr)
            return 1
        sys.stdout.write(out)
        return 0
    if len(argv) == 3 and argv[1] == "--check":
        return check_file(argv[2])
    print("usage: gen-iso-vocab.py [--check FILE]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
