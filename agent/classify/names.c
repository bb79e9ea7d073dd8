// SPDX-License-Identifier: GPL-2.0
/*
 * Names as evidence: the `person_name` validator and its gazetteer.
 *
 * A rule's pattern finds capitalised word sequences (Cyrillic or Latin, with initials or not);
 * this file decides whether one is a person's name: a given name from the gazetteer next to a
 * word shaped like a surname (Kazakh and Russian endings -ов/-ова/-ев/-ин/-ский/-енко/-ұлы/
 * -қызы, their Latin transliterations, or a listed surname without such an ending), or a
 * surname-shaped word with initials. The lists below were written for pdguard (no outside list
 * is copied): the most common given names of Kazakhstan (Kazakh, Russian and other) and of
 * English-speaking countries, and the common surnames that have no telling ending.
 *
 * Words are compared folded: lower case, ё as е, and the Kazakh letters as the Russian ones
 * people type for them (ә а, ғ г, қ к, ң н, ө о, ұ ү у, һ х, і и), so Нұрлан = Нурлан. A Latin
 * word is compared with the Latin forms of the Cyrillic names, made once by transliteration and
 * then by a key that merges the spelling variants (kh = h, zh = j, y = i, q = k...): Nurlan,
 * Nursultan, Zhanar = Janar.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/validate.h"

/* The lists are data, kept dense. */
/* clang-format off */
/* Given names, folded (see above): Kazakh, Russian and other names common in Kazakhstan. */
static const char *const given_cyr[] = {
	/* male, Kazakh */
	"абай", "абылай", "адиль", "азамат", "айбек", "айбол", "айдар", "айдос", "айдын", "акылбек",
	"алмас", "алибек", "алихан", "алишер", "алпамыс", "амангельды", "амир", "арман", "арсен",
	"арслан", "асан", "асет", "асхат", "аскар", "асылбек", "ауезхан", "ахмет", "багдат", "бакыт",
	"бакытжан", "батыр", "бауыржан", "бахтияр", "бейбит", "бекзат", "болат", "галым", "даурен",
	"дамир", "данияр", "даулет", "дархан", "досжан", "думан", "елдос", "ердос", "еркебулан",
	"ерболат", "ерғали", "ергали", "ержан", "еркин", "еркын", "ерлан", "ермек",
	"ерасыл", "ертай", "ерулан", "есен", "жандос", "жанибек", "жанат", "жасулан", "жомарт",
	"кайрат", "канат", "касым", "кенжебек", "мади", "максат", "мансур", "марат", "мейрам",
	"мирас", "мурат", "мухтар", "нурбол", "нурлан", "нурсултан", "олжас", "омар", "рауан",
	"расул", "ринат", "рустем", "сабит", "санжар", "саят", "серик", "сержан", "солтан",
	"султан", "талгат", "тамерлан", "темирлан", "толеген", "улан", "усен", "шынгыс", "ыдырыс",
	/* male, Russian and other */
	"александр", "алексей", "анатолий", "андрей", "антон", "аркадий", "артем", "артур",
	"борис", "вадим", "валентин", "валерий", "василий", "виктор", "виталий", "владимир",
	"владислав", "вячеслав", "геннадий", "георгий", "глеб", "григорий", "даниил", "денис",
	"дмитрий", "евгений", "егор", "иван", "игорь", "илья", "кирилл", "константин", "леонид",
	"максим", "марк", "матвей", "михаил", "никита", "николай", "олег", "павел", "петр",
	"роман", "руслан", "сергей", "станислав", "степан", "тимур", "федор", "юрий", "ярослав",
	"рашид", "ренат", "рафаэль", "эльдар", "эдуард", "фарид",
	/* female, Kazakh */
	"айгерим", "айгуль", "айдана", "айжан", "айман", "айнур", "айсулу", "акбота", "акерке",
	"акмарал", "алия", "альмира", "асель", "асем", "баян", "ботагоз", "гаухар", "гульмира",
	"гульназ", "гульнара", "гульжан", "гульшат", "дана", "данара", "дариға", "дарига", "динара",
	"жадыра", "жазира", "жайна", "жанар", "жанель", "жибек", "жулдыз", "зарина", "зауре",
	"инкар", "индира", "камила", "карлыгаш", "куралай", "ляззат", "мадина", "макпал", "малика",
	"мариям", "меруерт", "молдир", "назерке", "назгуль", "нургуль", "разия", "раушан",
	"сабина", "салтанат", "сандугаш", "сауле", "сымбат", "томирис", "улжан", "умит", "шолпан",
	"эльмира", "айым", "асима", "балжан", "бибигуль", "гулим", "раиса", "роза", "алтынай",
	/* female, Russian and other */
	"алена", "алла", "анастасия", "анна", "валентина", "валерия", "вера", "вероника",
	"виктория", "галина", "дарья", "диана", "екатерина", "елена", "елизавета", "жанна",
	"зинаида", "зоя", "инна", "ирина", "карина", "кристина", "ксения", "лариса", "лидия",
	"любовь", "людмила", "маргарита", "марина", "мария", "надежда", "наталья", "наталия",
	"нина", "оксана", "ольга", "полина", "светлана", "софья", "тамара", "татьяна", "юлия",
	"яна", "лейла", "лилия", "эльвира", "регина", "ангелина", "алина", "милана", "нелли",
};

/* English given names (lower case), for staff lists kept in English. */
static const char *const given_en[] = {
	"james", "john", "robert", "michael", "william", "david", "richard", "joseph", "thomas",
	"charles", "christopher", "daniel", "matthew", "anthony", "donald", "steven", "paul",
	"andrew", "joshua", "kenneth", "kevin", "brian", "george", "edward", "ronald", "timothy",
	"jason", "jeffrey", "ryan", "jacob", "gary", "nicholas", "eric", "jonathan", "stephen",
	"larry", "justin", "scott", "brandon", "benjamin", "samuel", "gregory", "frank", "patrick",
	"raymond", "jack", "dennis", "jerry", "peter", "harry", "oliver", "henry", "simon",
	"mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica",
	"sarah", "karen", "nancy", "lisa", "betty", "margaret", "sandra", "ashley", "kimberly",
	"emily", "donna", "michelle", "dorothy", "carol", "amanda", "melissa", "deborah",
	"stephanie", "rebecca", "sharon", "laura", "cynthia", "kathleen", "amy", "angela",
	"helen", "anna", "brenda", "pamela", "nicole", "emma", "samantha", "katherine", "christine",
	"rachel", "catherine", "olivia", "sophie", "charlotte", "lucy", "hannah", "julia", "kate",
};

/* Surnames without a telling ending, folded (Korean surnames of Kazakhstan among them). */
static const char *const surname_cyr[] = {
	"ким", "пак", "цой", "ли", "тен", "хан", "нам", "шин", "когай", "югай", "хегай", "огай",
	"шевченко", "бондаренко", "коваль", "мельник", "гусейн",
};

/* English surnames (lower case). */
static const char *const surname_en[] = {
	"smith", "johnson", "williams", "brown", "jones", "miller", "davis", "wilson", "anderson",
	"taylor", "thomas", "moore", "martin", "jackson", "white", "harris", "clark", "lewis",
	"walker", "hall", "allen", "young", "king", "wright", "scott", "green", "baker", "adams",
	"nelson", "hill", "campbell", "mitchell", "roberts", "carter", "phillips", "evans",
	"turner", "parker", "collins", "edwards", "stewart", "morris", "murphy", "cook", "rogers",
	"morgan", "cooper", "peterson", "reed", "bailey", "bell", "kelly", "howard", "ward", "cox",
	"richardson", "wood", "watson", "brooks", "bennett", "gray", "hughes", "price", "foster",
	"kim", "park", "pak", "tsoi", "li", "ten", "lee",
};

/* Endings of Kazakh and Russian surnames, folded; then their Latin forms (after latin_key()). */
static const char *const surname_end_cyr[] = {
	"ов", "ова", "ев", "ева", "ин", "ина", "ын", "ына", "ский", "ская", "цкий", "цкая",
	"енко", "улы", "кызы", "ук", "юк", "ян", "швили", "дзе",
};
static const char *const surname_end_lat[] = {
	"ov", "ova", "ev", "eva", "in", "ina", "ski", "skaia", "enko", "uli", "kizi", "uk",
	"ian", "shvili", "dze",
};
/* Patronymic endings (folded; Latin after latin_key()). */
static const char *const patr_end_cyr[] = { "ович", "евич", "овна", "евна", "ична", "улы", "кызы" };
static const char *const patr_end_lat[] = { "ovich", "evich", "ovna", "evna", "ichna", "uli", "kizi" };

/* clang-format on */

#define KEY_MAX 64

/*
 * One folded letter of UTF-8 text: ASCII letters lower-cased, Cyrillic as in the comment on top,
 * as UTF-8 into @out (2 bytes at most). Returns the bytes consumed, 0 for anything that is not
 * a letter.
 */
static size_t fold_letter(const unsigned char *s, size_t len, char *out, size_t *olen)
{
	unsigned int cp;

	if (s[0] < 0x80) {
		if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
			return 0;
		out[0] = s[0] | 0x20;
		*olen = 1;
		return 1;
	}
	if (len < 2 || (s[0] & 0xe0) != 0xc0 || (s[1] & 0xc0) != 0x80)
		return 0;
	cp = ((s[0] & 0x1fU) << 6) | (s[1] & 0x3fU);
	if (cp >= 0x410 && cp <= 0x42f)
		cp += 0x20;
	switch (cp) {
	case 0x401:
	case 0x451: cp = 0x435; break; /* Ё ё -> е */
	case 0x406:
	case 0x456: cp = 0x438; break; /* І і -> и */
	case 0x4d8:
	case 0x4d9: cp = 0x430; break; /* Ә ә -> а */
	case 0x492:
	case 0x493: cp = 0x433; break; /* Ғ ғ -> г */
	case 0x49a:
	case 0x49b: cp = 0x43a; break; /* Қ қ -> к */
	case 0x4a2:
	case 0x4a3: cp = 0x43d; break; /* Ң ң -> н */
	case 0x4e8:
	case 0x4e9: cp = 0x43e; break; /* Ө ө -> о */
	case 0x4b0:
	case 0x4b1:
	case 0x4ae:
	case 0x4af: cp = 0x443; break; /* Ұ Ү -> у */
	case 0x4ba:
	case 0x4bb: cp = 0x445; break; /* Һ һ -> х */
	default: break;
	}
	if (cp < 0x430 || cp > 0x44f)
		return 0;
	out[0] = (char)(0xc0 | (cp >> 6));
	out[1] = (char)(0x80 | (cp & 0x3f));
	*olen = 2;
	return 2;
}

/* Fold a word (letters only; a hyphen ends it) into @key; 0 when it is empty or too long. */
static size_t fold_word(const char *s, size_t len, char key[KEY_MAX])
{
	size_t i = 0, k = 0, n, ol;
	char o[2];

	while (i < len) {
		n = fold_letter((const unsigned char *)s + i, len - i, o, &ol);
		if (!n)
			break;
		if (k + ol >= KEY_MAX)
			return 0;
		memcpy(key + k, o, ol);
		k += ol;
		i += n;
	}
	key[k] = '\0';
	return k;
}

/* Latin transliteration of a folded Cyrillic letter (its second UTF-8 byte decides). */
static const char *cyr_latin(unsigned char b0, unsigned char b1)
{
	static const char *const tab[32] = {
		"a",  "b",  "v",  "g",	 "d", "e", "zh", "z", "i",  "i",  "k",
		"l",  "m",  "n",  "o",	 "p", "r", "s",	 "t", "u",  "f",  "kh",
		"ts", "ch", "sh", "sch", "",  "y", "",	 "e", "yu", "ya",
	};
	unsigned int cp = ((b0 & 0x1fU) << 6) | (b1 & 0x3fU);

	return (cp >= 0x430 && cp <= 0x44f) ? tab[cp - 0x430] : "";
}

/*
 * The key Latin spellings are compared by: transliteration systems differ in kh/h, zh/j, y/i,
 * q/k, ya/ia, so those are merged (and doubled letters made single).
 */
static size_t latin_key(const char *in, char key[KEY_MAX])
{
	size_t i, k = 0;

	for (i = 0; in[i] && k < KEY_MAX - 1; i++) {
		char c = in[i], n = in[i + 1];

		if ((c == 'k' || c == 'z') && n == 'h') {
			c = c == 'k' ? 'h' : 'j';
			i++;
		} else if (c == 'd' && n == 'j') {
			continue;
		} else if (c == 'y' || c == 'j') {
			c = c == 'y' ? 'i' : 'j';
		} else if (c == 'q') {
			c = 'k';
		} else if (c == 'w') {
			c = 'v';
		}
		if (k && key[k - 1] == c)
			continue;
		key[k++] = c;
	}
	key[k] = '\0';
	return k;
}

/* Folded Cyrillic to its Latin key. */
static void cyr_to_latin_key(const char *folded, char key[KEY_MAX])
{
	char lat[KEY_MAX * 2];
	size_t i, k = 0;

	for (i = 0; folded[i] && folded[i + 1]; i += 2) {
		const char *t = cyr_latin(folded[i], folded[i + 1]);
		size_t tl = strlen(t);

		if (k + tl >= sizeof(lat))
			break;
		memcpy(lat + k, t, tl);
		k += tl;
	}
	lat[k] = '\0';
	latin_key(lat, key);
}

/*
 * The sorted tables: Cyrillic given names and surnames as folded, and every name's Latin key.
 * Built once (pthread_once) from the lists above and never changed after, so lookups from any
 * thread need no lock.
 */
struct gaz {
	char (*keys)[KEY_MAX];
	size_t n;
};
static struct gaz gaz_given_cyr, gaz_given_lat, gaz_sur_cyr, gaz_sur_lat;
static pthread_once_t gaz_once = PTHREAD_ONCE_INIT;

static int key_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void gaz_add(struct gaz *g, const char *key)
{
	if (key[0])
		strcpy(g->keys[g->n++], key);
}

static void gaz_fill(struct gaz *cyr, struct gaz *lat, const char *const *c, size_t nc,
		     const char *const *e, size_t ne)
{
	char key[KEY_MAX];
	size_t i;

	cyr->keys = calloc(nc ? nc : 1, KEY_MAX);
	lat->keys = calloc(nc + ne ? nc + ne : 1, KEY_MAX);
	if (!cyr->keys || !lat->keys)
		return; /* every lookup then fails: no names found, never a crash */
	for (i = 0; i < nc; i++) {
		fold_word(c[i], strlen(c[i]), key);
		gaz_add(cyr, key);
		cyr_to_latin_key(key, key);
		gaz_add(lat, key);
	}
	for (i = 0; i < ne; i++) {
		latin_key(e[i], key);
		gaz_add(lat, key);
	}
	qsort(cyr->keys, cyr->n, KEY_MAX, key_cmp);
	qsort(lat->keys, lat->n, KEY_MAX, key_cmp);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void gaz_build(void)
{
	gaz_fill(&gaz_given_cyr, &gaz_given_lat, given_cyr, N(given_cyr), given_en, N(given_en));
	gaz_fill(&gaz_sur_cyr, &gaz_sur_lat, surname_cyr, N(surname_cyr), surname_en,
		 N(surname_en));
}

static bool gaz_has(const struct gaz *g, const char *key)
{
	return g->keys && bsearch(key, g->keys, g->n, KEY_MAX, key_cmp);
}

static bool ends_with_any(const char *key, const char *const *ends, size_t n, size_t min_stem)
{
	size_t kl = strlen(key), i;

	for (i = 0; i < n; i++) {
		size_t el = strlen(ends[i]);

		if (kl >= el + min_stem && !strcmp(key + kl - el, ends[i]))
			return true;
	}
	return false;
}

enum tok_kind { TOK_WORD, TOK_INITIAL };

struct tok {
	int kind;
	bool latin;
	char key[KEY_MAX]; /* folded (Cyrillic) or latin_key() (Latin); first part if hyphenated */
};

#define MAX_TOKS 6

/* Split a match into words and initials ("А." "J."); false on anything else. */
static bool tokenize(const char *s, size_t len, struct tok *t, size_t *nt)
{
	size_t i = 0, n = 0, ol = 0;
	char o[2];

	while (i < len) {
		unsigned char c = s[i];
		size_t st = i, k = 0;
		char raw[KEY_MAX];

		if (c == ' ' || c == '\t') {
			i++;
			continue;
		}
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0xa0) {
			i += 2; /* no-break space */
			continue;
		}
		if (n == MAX_TOKS)
			return false;
		t[n].latin = c < 0x80;
		while (i < len) {
			size_t m = fold_letter((const unsigned char *)s + i, len - i, o, &ol);

			if (!m)
				break;
			if (k + ol < KEY_MAX) {
				memcpy(raw + k, o, ol);
				k += ol;
			}
			i += m;
		}
		raw[k] = '\0';
		if (i == st)
			return false;
		if (i < len && s[i] == '.' && k == ol) {
			t[n].kind = TOK_INITIAL;
			i++;
		} else {
			t[n].kind = TOK_WORD;
			/* the rest of a hyphenated name (Мухамед-Али, Smith-Jones) is skipped */
			while (i < len && s[i] != ' ' && s[i] != '\t' &&
			       (unsigned char)s[i] != 0xc2)
				i++;
		}
		if (t[n].latin)
			latin_key(raw, t[n].key);
		else
			strcpy(t[n].key, raw);
		n++;
	}
	*nt = n;
	return n > 0;
}

static bool is_given(const struct tok *t)
{
	return t->kind == TOK_WORD && gaz_has(t->latin ? &gaz_given_lat : &gaz_given_cyr, t->key);
}

static bool is_surname(const struct tok *t)
{
	if (t->kind != TOK_WORD)
		return false;
	if (t->latin)
		return gaz_has(&gaz_sur_lat, t->key) ||
		       ends_with_any(t->key, surname_end_lat, N(surname_end_lat), 2);
	/* a stem of two letters at least (4 bytes): Ахмет-ов, not Ов */
	return gaz_has(&gaz_sur_cyr, t->key) ||
	       ends_with_any(t->key, surname_end_cyr, N(surname_end_cyr), 4);
}

static bool is_patronymic(const struct tok *t)
{
	if (t->kind != TOK_WORD)
		return false;
	if (t->latin)
		return ends_with_any(t->key, patr_end_lat, N(patr_end_lat), 3);
	return ends_with_any(t->key, patr_end_cyr, N(patr_end_cyr), 6);
}

/*
 * Is t[0..n) a person's name? Forms: Surname Given [Patronymic], Given [Patronymic] Surname,
 * Given Middle Surname (English), Given Patronymic, Surname I.[O.], I.[O.] Surname.
 */
static bool name_at(const struct tok *t, size_t n)
{
	size_t inits = 0, i;

	for (i = 0; i < n; i++)
		inits += t[i].kind == TOK_INITIAL;
	if (inits) {
		if (inits > 2 || inits == n)
			return false;
		if (t[0].kind == TOK_WORD) { /* Surname I. O. */
			for (i = 1; i < n; i++)
				if (t[i].kind != TOK_INITIAL)
					return false;
			return is_surname(&t[0]) && !is_given(&t[0]);
		}
		for (i = 0; i < n - 1; i++) /* I. O. Surname */
			if (t[i].kind != TOK_INITIAL)
				return false;
		return is_surname(&t[n - 1]) && !is_given(&t[n - 1]);
	}
	if (n == 2)
		return (is_given(&t[0]) && (is_surname(&t[1]) || is_patronymic(&t[1]))) ||
		       (is_given(&t[1]) && is_surname(&t[0]));
	if (n == 3)
		return (is_given(&t[1]) && is_patronymic(&t[2])) ||
		       (is_given(&t[0]) && is_patronymic(&t[1])) ||
		       (is_given(&t[0]) && is_surname(&t[2]) && t[0].latin) ||
		       (is_given(&t[1]) && is_surname(&t[0]));
	return false;
}

int validate_person_name(const char *s, size_t len, int strictness, const char **why)
{
	struct tok t[MAX_TOKS];
	size_t n, i;

	pthread_once(&gaz_once, gaz_build);
	if (!tokenize(s, len, t, &n) || n < 2) {
		if (why)
			*why = "not a name: one word, or not words and initials";
		return VALIDATE_BAD;
	}
	if (name_at(t, n))
		return VALIDATE_OK;
	/* a word before or after the name (a position, a department): try the pairs inside */
	for (i = 0; n == 3 && i < 2; i++)
		if (name_at(t + i, 2))
			return VALIDATE_OK;
	if (why) {
		bool given = false, sur = false;

		for (i = 0; i < n; i++) {
			given |= is_given(&t[i]);
			sur |= is_surname(&t[i]);
		}
		*why = !given && !sur ? "no given name of the gazetteer and no surname ending"
		       : !given	      ? "no given name of the gazetteer next to the surname"
		       : !sur	      ? "a given name without a surname or patronymic next to it"
				      : "words not in a name's order";
	}
	return VALIDATE_BAD;
}

size_t person_key(const char *s, size_t len, char *out, size_t cap)
{
	struct tok t[MAX_TOKS];
	size_t n, i, sur = 0, ini = MAX_TOKS, kl;
	int k;

	pthread_once(&gaz_once, gaz_build);
	if (!cap || !tokenize(s, len, t, &n))
		return 0;
	/* the surname: the word that is not a given name nor a patronymic (else the first word) */
	for (i = 0; i < n; i++)
		if (t[i].kind == TOK_WORD && !is_given(&t[i]) && !is_patronymic(&t[i])) {
			sur = i;
			break;
		}
	for (i = 0; i < n; i++)
		if (i != sur) {
			ini = i;
			break;
		}
	kl = strlen(t[sur].key);
	/* Ахметова and Ахметов (a wife, a genitive) are one family name here: drop a final а/a */
	if (kl >= 2 && !t[sur].latin && !strcmp(t[sur].key + kl - 2, "а"))
		t[sur].key[kl - 2] = '\0';
	else if (kl >= 1 && t[sur].latin && t[sur].key[kl - 1] == 'a')
		t[sur].key[kl - 1] = '\0';
	k = snprintf(out, cap, "%s|%.*s", t[sur].key, t[ini < n ? ini : sur].latin ? 1 : 2,
		     ini < n ? t[ini].key : "");
	return k < 0 ? 0 : ((size_t)k < cap ? (size_t)k : cap - 1);
}
