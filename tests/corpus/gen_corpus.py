#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate a labelled corpus of files with and without personal data (PD), and its truth.json.

The corpus imitates what sits on the file shares of a Kazakhstan company: HR lists, payroll
sheets (also as 1C's CP1251 CSV exports), sick-leave certificates, ID copies, bank details,
HR orders, personal-file sheets, resumes, timesheets, reviews, ДМС lists, in Russian, Kazakh and English, as text, CSV, DOCX, XLSX, ODT, PDF and ZIP; and, at
least 40% of the files, realistic look-alikes that are NOT personal data: logs full of 12-digit
request ids, invoice registers, company registries with BINs, policies that talk about IINs and
salaries without containing any, source code, product catalogues, numbers that fail check digits.

Everything is a function of --seed: the same seed gives byte-identical files.
"""

import argparse
import datetime
import json
import os
import random
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import formats  # noqa: E402
import kzid  # noqa: E402
from formats import Doc  # noqa: E402

TRUTH_FORMAT = "pdguard-corpus-truth/1"

# ------------------------------------------------------------------------------------ vocabulary
M_FIRST = ["Айдар", "Ерлан", "Нурлан", "Асхат", "Данияр", "Бауыржан", "Ерболат", "Тимур", "Алексей",
           "Сергей", "Дмитрий", "Андрей", "Руслан", "Марат", "Серик", "Арман", "Канат", "Жандос",
           "Алмас", "Игорь", "Ержан", "Максат", "Дархан", "Виктор", "Олжас", "Азамат", "Еркебулан"]
F_FIRST = ["Айгерим", "Гульнара", "Динара", "Асель", "Жанар", "Мадина", "Сауле", "Алия", "Ольга",
           "Елена", "Наталья", "Татьяна", "Анна", "Айжан", "Гульмира", "Камила", "Ботагоз",
           "Меруерт", "Жулдыз", "Светлана", "Дана", "Акмарал", "Индира", "Салтанат"]
SURNAMES = ["Ахметов", "Сейткалиев", "Нурпеисов", "Жумабаев", "Касымов", "Искаков", "Ибраев",
            "Мухамеджанов", "Смагулов", "Оспанов", "Иванов", "Петров", "Кузнецов", "Байжанов",
            "Тулегенов", "Абдрахманов", "Сулейменов", "Есенов", "Мусин", "Садыков", "Кенжебаев",
            "Омаров", "Бекмуханов", "Жаксылыков", "Алиев", "Федоров", "Рахимов", "Утепов"]
UNCHANGED = ["Ким", "Пак", "Ли", "Цой", "Шевченко", "Бондаренко"]
FATHERS = ["Нурлан", "Серик", "Бахыт", "Марат", "Болат", "Кайрат", "Ерлан", "Асан", "Сергей",
           "Владимир", "Николай", "Амангельды", "Талгат", "Ермек", "Жанат", "Мурат"]
LAT = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
       "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
       "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ы": "y",
       "э": "e", "ю": "yu", "я": "ya", "ь": "", "ъ": "", "ё": "e"}

POS = {
    "ru": ["Бухгалтер", "Главный бухгалтер", "Менеджер по продажам", "Инженер", "Водитель",
           "Специалист отдела кадров", "Программист", "Юрист", "Кассир", "Экономист", "Кладовщик",
           "Оператор call-центра", "Механик", "Администратор", "Начальник склада"],
    "kk": ["Бухгалтер", "Бас бухгалтер", "Инженер", "Жүргізуші", "Сатушы", "Менеджер", "Заңгер",
           "Экономист", "Бағдарламашы", "Кадр бөлімінің маманы", "Кассир", "Қойма меңгерушісі"],
    "en": ["Accountant", "Chief accountant", "Engineer", "Driver", "Sales manager", "HR specialist",
           "Software developer", "Lawyer", "Cashier", "Economist", "Warehouse manager"],
}
DEPT = {"ru": ["Бухгалтерия", "Отдел кадров", "Отдел продаж", "ИТ-отдел", "Склад", "Юридический отдел",
               "Производство", "Транспортный цех"],
        "kk": ["Бухгалтерия", "Кадр бөлімі", "Сату бөлімі", "АТ бөлімі", "Қойма", "Заң бөлімі"],
        "en": ["Accounting", "HR", "Sales", "IT", "Warehouse", "Legal", "Production"]}
COMPANIES = ["ТОО «Астана Логистик»", "АО «КазТрансСервис»", "ТОО «Алматы Софт»", "ТОО «Степь Агро»",
             "ТОО «Каспий Нефтесервис»", "АО «Шымкент Фарм»", "ТОО «Арка Строй»", "ТОО «Жетысу Трейд»",
             "ТОО «Сары-Арка Энерго»", "ТОО «Алтын Дала»", "АО «Павлодар Машзавод»", "ТОО «Qazaq Digital»"]
CITIES = ["г. Алматы", "г. Астана", "г. Шымкент", "г. Караганда", "г. Актобе", "г. Атырау",
          "г. Павлодар", "г. Усть-Каменогорск", "г. Костанай", "г. Тараз"]
STREETS = ["ул. Абая", "пр. Республики", "ул. Толе би", "пр. Назарбаева", "ул. Жибек жолы",
           "ул. Сатпаева", "пр. Абылай хана", "ул. Кенесары", "ул. Байтурсынова"]
ICD10 = [("J06.9", "Острая инфекция верхних дыхательных путей", "Жоғарғы тыныс жолдарының жедел инфекциясы"),
         ("J20.9", "Острый бронхит", "Жедел бронхит"),
         ("M54.5", "Боль внизу спины", "Белдің төменгі бөлігіндегі ауырсыну"),
         ("K29.7", "Гастрит неуточненный", "Нақтыланбаған гастрит"),
         ("I10", "Эссенциальная гипертензия", "Эссенциалды гипертензия"),
         ("S93.4", "Растяжение связок голеностопного сустава", "Тобық буынының байламдарының созылуы"),
         ("A09", "Гастроэнтерит инфекционный", "Жұқпалы гастроэнтерит"),
         ("J11.1", "Грипп с респираторными проявлениями", "Респираторлық көріністері бар тұмау")]
MRP_2024 = 3692
MZP_2024 = 85000


class Person:
    def __init__(self, rng, lang="ru", young=False, birth_range=(1962, 2006)):
        self.male = rng.random() < 0.5
        y = rng.randrange(2000, 2006) if young else rng.randrange(*birth_range)
        self.birth = datetime.date(y, rng.randrange(1, 13), rng.randrange(1, 29))
        self.iin = kzid.make_iin(rng, self.birth, self.male)
        first = rng.choice(M_FIRST if self.male else F_FIRST)
        if rng.random() < 0.15:
            sur = rng.choice(UNCHANGED)
        else:
            sur = rng.choice(SURNAMES)
            if not self.male:
                sur += "а"
        father = rng.choice(FATHERS)
        if lang == "kk" and rng.random() < 0.6:
            kkf = father.replace("Нурлан", "Нұрлан").replace("Бахыт", "Бақыт")
            pat = kkf + ("ұлы" if self.male else "қызы")
        else:
            suffix = ("евич" if father[-1] in "йь" else "ович") if self.male else \
                     ("евна" if father[-1] in "йь" else "овна")
            base = father[:-1] if father[-1] in "йь" else father
            pat = base + suffix
        self.sur, self.first, self.pat = sur, first, pat
        self.fio = "%s %s %s" % (sur, first, pat)
        self.short = "%s %s.%s." % (sur, first[0], pat[0])
        self.latin = "%s %s" % (translit(first), translit(sur))
        self.position = {k: rng.choice(v) for k, v in POS.items()}
        self.dept = {k: rng.choice(v) for k, v in DEPT.items()}
        self.tab = "%05d" % rng.randrange(1, 3000)
        self.phone = kzid.make_mobile(rng)
        self.salary = rng.randrange(120, 1200) * 1000


def translit(s):
    out = "".join(LAT.get(c.lower(), c.lower()) if c.lower() in LAT else c for c in s)
    return out[:1].upper() + out[1:]


def rdate(rng, y0=2022, y1=2025):
    return datetime.date(rng.randrange(y0, y1), rng.randrange(1, 13), rng.randrange(1, 29))


def dmy(d):
    return d.strftime("%d.%m.%Y")


def money(x):
    return "{:,.2f}".format(x).replace(",", " ").replace(".", ",")


def company(rng):
    return rng.choice(COMPANIES)


def address(rng):
    return "%s, %s, д. %d" % (rng.choice(CITIES), rng.choice(STREETS), rng.randrange(1, 300))


def iin_cell(rng, p, numeric):
    """An IIN as a spreadsheet holds it: a string, or a number (a leading 0 is then lost)."""
    return int(p.iin) if numeric else p.iin


def pick_lang(rng, langs):
    return rng.choice(langs)


# ------------------------------------------------------------------------------------ positives
def g_personnel_list(rng, lang, fmt):
    n = rng.randrange(5, 120)
    young = fmt == "xlsx" and rng.random() < 0.35
    people = [Person(rng, lang, young=young) for _ in range(n)]
    numeric = fmt == "xlsx" and (young or rng.random() < 0.5)
    d = Doc("personnel_list", lang, "pd", ["basic", "personnel"])
    if numeric:
        d.tags.add("iin-numeric-cell")
        if young:
            d.tags.add("iin-11-digits")
        elif any(p.iin.startswith("0") for p in people):
            d.tags.add("some-iin-11-digits")
    hired = [dmy(rdate(rng, 2010, 2025)) for _ in people]
    if lang == "ru":
        d.title = "Список сотрудников %s на %s" % (company(rng), dmy(rdate(rng)))
        d.table(["Табельный номер", "ФИО", "ИИН", "Должность", "Подразделение", "Дата приема"],
                [[p.tab, p.fio, iin_cell(rng, p, numeric), p.position["ru"], p.dept["ru"], h]
                 for p, h in zip(people, hired)])
    elif lang == "kk":
        d.title = "Қызметкерлер тізімі"
        d.table(["Т/н", "Тегі, аты, әкесінің аты", "ЖСН", "Лауазымы", "Бөлім", "Жұмысқа қабылданған күні"],
                [[p.tab, p.fio, iin_cell(rng, p, numeric), p.position["kk"], p.dept["kk"], h]
                 for p, h in zip(people, hired)])
    else:
        d.title = "Employee list"
        d.table(["Employee ID", "Full name", "IIN", "Position", "Department", "Hire date"],
                [[p.tab, p.latin, iin_cell(rng, p, numeric), p.position["en"], p.dept["en"], h]
                 for p, h in zip(people, hired)])
    return d


def payroll_row(p, worked_ratio=1.0):
    accrued = round(p.salary * worked_ratio, 2)
    opv = round(min(accrued, 50 * MZP_2024) * 0.10, 2)
    vosms = round(min(accrued, 10 * MZP_2024) * 0.02, 2)
    base = max(accrued - opv - vosms - 14 * MRP_2024, 0)
    ipn = round(base * 0.10, 2)
    held = round(opv + vosms + ipn, 2)
    return accrued, opv, vosms, ipn, held, round(accrued - held, 2)


def g_payroll(rng, lang, fmt):
    n = rng.randrange(4, 80)
    people = [Person(rng, lang) for _ in range(n)]
    numeric = fmt == "xlsx"
    d = Doc("payroll", lang, "pd", ["basic", "financial"])
    month = rdate(rng)
    rows = []
    for p in people:
        a, opv, vosms, ipn, held, net = payroll_row(p, rng.choice([1.0, 1.0, 1.0, 0.75, 0.5]))
        iin = iin_cell(rng, p, numeric and rng.random() < 0.5)
        if isinstance(iin, int):
            d.tags.add("iin-numeric-cell" if iin >= 10**11 else "some-iin-11-digits")
        if numeric:
            rows.append([p.tab, p.fio, iin, p.salary, a, opv, vosms, ipn, held, net])
        else:
            rows.append([p.tab, p.fio, iin, money(p.salary), money(a), money(opv), money(vosms),
                         money(ipn), money(held), money(net)])
    if lang == "ru":
        d.title = "Расчетная ведомость по заработной плате за %s" % month.strftime("%m.%Y")
        d.table(["Табельный номер", "ФИО", "ИИН", "Оклад", "Начислено", "ОПВ", "ВОСМС", "ИПН",
                 "Удержано", "К выплате"], rows)
    elif lang == "kk":
        d.title = "Жалақы бойынша есеп айырысу ведомосы, %s" % month.strftime("%m.%Y")
        d.table(["Т/н", "Т.А.Ә.", "ЖСН", "Лауазымдық айлықақы", "Есептелді", "МЗЖ", "МӘМСЖ", "ЖТС",
                 "Ұсталды", "Төленуге тиіс"], rows)
    else:
        d.title = "Payroll register, %s" % month.strftime("%B %Y")
        d.table(["Emp. ID", "Name", "IIN", "Base salary", "Gross pay", "Pension (OPV)", "VOSMS",
                 "Income tax (IPN)", "Deductions", "Net pay"],
                [[r[0], p.latin] + r[2:] for r, p in zip(rows, people)])
    return d


def g_payroll_1c(rng, lang, fmt):
    """The header the brief quotes: 1C's export of salaries, ';'-separated."""
    people = [Person(rng, "ru") for _ in range(rng.randrange(3, 60))]
    d = Doc("payroll_1c", "ru", "pd", ["basic", "financial"])
    rows = []
    for p in people:
        a, opv, vosms, ipn, held, net = payroll_row(p)
        rows.append([p.tab, p.fio, p.iin, ("%.2f" % p.salary).replace(".", ","),
                     ("%.2f" % opv).replace(".", ","), ("%.2f" % ipn).replace(".", ",")])
    d.table(["Табельный номер", "ФИО", "ИИН", "Оклад", "ОПВ", "ИПН"], rows)
    return d


def g_sick_leave(rng, lang, fmt):
    p = Person(rng, lang)
    code, ru, kk = rng.choice(ICD10)
    start = rdate(rng)
    end = start + datetime.timedelta(days=rng.randrange(3, 15))
    doctor = Person(rng, lang)
    num = "%d" % rng.randrange(100000, 999999)
    # a sick-leave certificate is personnel and medical data (shared/DESIGN.md, the data map)
    d = Doc("sick_leave", lang, "pd", ["basic", "medical", "personnel"])
    if lang == "kk":
        d.title = "Еңбекке уақытша жарамсыздық парағы № %s" % num
        d.p("Медициналық ұйым: №%d қалалық емхана, %s" % (rng.randrange(1, 40), rng.choice(CITIES)))
        d.p("Науқастың тегі, аты, әкесінің аты: %s" % p.fio)
        d.p("ЖСН: %s" % p.iin)
        d.p("Жұмыс орны: %s, лауазымы: %s" % (company(rng), p.position["kk"]))
        d.p("Диагноз: %s (ХАЖ-10 коды %s)" % (kk, code))
        d.p("Жұмыстан босатылды: %s бастап %s дейін" % (dmy(start), dmy(end)))
        d.p("Емдеуші дәрігер: %s" % doctor.short)
    elif lang == "en":
        d.title = "Certificate of temporary incapacity for work No. %s" % num
        d.p("Patient: %s, IIN %s, date of birth %s" % (p.latin, p.iin, dmy(p.birth)))
        d.p("Employer: %s" % translit(company(rng).split("«")[1].rstrip("»")))
        d.p("Diagnosis: ICD-10 %s" % code)
        d.p("Off work from %s to %s. Attending physician: %s" % (dmy(start), dmy(end), doctor.latin))
    else:
        d.title = "Лист временной нетрудоспособности № %s" % num
        d.p("Медицинская организация: Городская поликлиника №%d, %s" % (rng.randrange(1, 40), rng.choice(CITIES)))
        d.p("Ф.И.О. пациента: %s" % p.fio)
        d.p("ИИН: %s   Дата рождения: %s" % (p.iin, dmy(p.birth)))
        d.p("Место работы: %s, должность: %s" % (company(rng), p.position["ru"]))
        d.p("Диагноз: %s, код по МКБ-10: %s" % (ru, code))
        d.p("Освобождение от работы: с %s по %s" % (dmy(start), dmy(end)))
        d.p("Лечащий врач: %s        Печать медицинской организации" % doctor.short)
    return d


def g_id_copy(rng, lang, fmt):
    p = Person(rng, lang)
    with_iin = rng.random() < 0.6
    cats = ["basic"]
    d = Doc("id_copy", lang, "pd", cats)
    idnum = "0" + kzid.random_digits(rng, 8)
    passport = "N" + kzid.random_digits(rng, 8, first_nonzero=False)
    issued = rdate(rng, 2014, 2024)
    until = issued.replace(year=issued.year + 10)
    kind = rng.choice(["id", "passport"])
    if not with_iin:
        d.tags.add("no-iin")
    if lang == "kk":
        d.title = "Жеке куәліктің көшірмесі" if kind == "id" else "Төлқұжаттың көшірмесі"
        d.p("Тегі / Фамилия: %s" % p.sur)
        d.p("Аты / Имя: %s" % p.first)
        d.p("Әкесінің аты / Отчество: %s" % p.pat)
        d.p("Туған күні / Дата рождения: %s" % dmy(p.birth))
        if kind == "id":
            d.p("Жеке куәлік № %s, берілген күні %s, ҚР ІІМ" % (idnum, dmy(issued)))
        else:
            d.p("Төлқұжат № %s, берілген күні %s, жарамдылық мерзімі %s" % (passport, dmy(issued), dmy(until)))
        if with_iin:
            d.p("ЖСН / ИИН: %s" % p.iin)
    elif lang == "en":
        d.title = "Passport copy"
        d.p("Surname: %s   Given names: %s" % (translit(p.sur), translit(p.first)))
        d.p("Nationality: KAZAKHSTAN   Date of birth: %s" % dmy(p.birth))
        d.p("Passport No. %s   Date of issue: %s   Date of expiry: %s" % (passport, dmy(issued), dmy(until)))
        if with_iin:
            d.p("Personal No. (IIN): %s" % p.iin)
        kind = "passport"
    else:
        if kind == "id":
            d.title = "Копия удостоверения личности"
            d.p("Удостоверение личности № %s выдано МВД РК %s, действительно до %s" % (idnum, dmy(issued), dmy(until)))
        else:
            d.title = "Копия паспорта гражданина Республики Казахстан"
            d.p("Паспорт № %s выдан МВД РК %s, действителен до %s" % (passport, dmy(issued), dmy(until)))
        d.p("Фамилия: %s" % p.sur)
        d.p("Имя: %s" % p.first)
        d.p("Отчество: %s" % p.pat)
        d.p("Дата рождения: %s   Место рождения: %s" % (dmy(p.birth), rng.choice(CITIES)))
        if with_iin:
            d.p("ИИН: %s" % p.iin)
        d.p("Копия верна. Специалист отдела кадров ____________")
    d.tags.add("id-card" if kind == "id" else "passport")
    return d


def g_bank_details(rng, lang, fmt):
    single = fmt not in ("csv", "csv1251", "xlsx") and rng.random() < 0.5
    people = [Person(rng, lang) for _ in range(1 if single else rng.randrange(3, 40))]
    with_iin = rng.random() < 0.7
    d = Doc("bank_details", lang, "pd", ["basic", "financial"] if with_iin else ["financial"])
    if not with_iin:
        d.tags.add("no-iin")
    rows = []
    for p in people:
        code, bic, bank = rng.choice(kzid.KZ_BANKS)
        rows.append((p, kzid.make_iban(rng, code), bic, bank))
    if len(people) == 1:
        p, iban, bic, bank = rows[0]
        if lang == "kk":
            d.title = "Жалақы аудару үшін деректемелер"
            d.p("Қызметкер: %s" % p.fio)
            if with_iin:
                d.p("ЖСН: %s" % p.iin)
            d.p("ЖСК (IBAN): %s" % iban)
            d.p("Банк: %s, БСК: %s" % (bank, bic))
        elif lang == "en":
            d.title = "Bank details for salary payment"
            d.p("Employee: %s" % p.latin)
            if with_iin:
                d.p("IIN: %s" % p.iin)
            d.p("IBAN: %s   BIC: %s" % (iban, bic))
        else:
            d.title = "Заявление о перечислении заработной платы"
            d.p("Прошу перечислять мою заработную плату на карточный счет.")
            d.p("ФИО: %s" % p.fio)
            if with_iin:
                d.p("ИИН: %s" % p.iin)
            d.p("ИИК (IBAN): %s, %s, БИК %s" % (iban, bank, bic))
            d.p("Дата: %s   Подпись: ________" % dmy(rdate(rng)))
    else:
        hdr = {"ru": ["ФИО", "ИИН", "ИИК", "БИК", "Банк"], "kk": ["Т.А.Ә.", "ЖСН", "ЖСК", "БСК", "Банк"],
               "en": ["Name", "IIN", "IBAN", "BIC", "Bank"]}[lang]
        d.title = {"ru": "Реквизиты сотрудников для зачисления заработной платы",
                   "kk": "Қызметкерлердің банктік деректемелері", "en": "Employee bank accounts"}[lang]
        if not with_iin:
            hdr = hdr[:1] + hdr[2:]
        d.table(hdr, [[p.latin if lang == "en" else p.fio] + ([p.iin] if with_iin else []) + [iban, bic, bank]
                      for p, iban, bic, bank in rows])
    return d


def g_card_list(rng, lang, fmt):
    people = [Person(rng, lang) for _ in range(rng.randrange(3, 30))]
    d = Doc("card_list", lang, "pd", ["financial"])
    def card(c):
        return " ".join(c[i:i + 4] for i in range(0, 16, 4)) if rng.random() < 0.6 else c
    rows = [[p.latin if lang == "en" else p.fio, card(kzid.make_card(rng)),
             "%02d/%02d" % (rng.randrange(1, 13), rng.randrange(25, 30)),
             money(rng.randrange(50, 500) * 1000)] for p in people]
    hdr = {"ru": ["Держатель карты", "Номер карты", "Срок действия", "Лимит"],
           "kk": ["Карта иесі", "Карта нөмірі", "Жарамдылық мерзімі", "Лимит"],
           "en": ["Cardholder", "Card number", "Expiry", "Limit"]}[lang]
    d.title = {"ru": "Реестр корпоративных платежных карт сотрудников",
               "kk": "Қызметкерлердің корпоративтік төлем карталарының тізілімі",
               "en": "Corporate cards issued to employees"}[lang]
    d.table(hdr, rows)
    return d


def g_hr_order(rng, lang, fmt):
    p = Person(rng, lang)
    num = "%d-%s" % (rng.randrange(1, 400), "к" if lang == "ru" else ("ж" if lang == "kk" else "p"))
    start = rdate(rng)
    d = Doc("hr_order", lang, "pd", ["basic", "personnel"])
    comp = company(rng)
    boss = Person(rng, lang)
    if lang == "kk":
        d.title = "БҰЙРЫҚ № %s" % num
        d.p("%s, %s" % (rng.choice(CITIES), dmy(start - datetime.timedelta(days=3))))
        d.p("Жұмысқа қабылдау туралы")
        d.p("%s (ЖСН %s) %s бастап %s лауазымына %s теңге лауазымдық айлықақымен жұмысқа қабылдансын."
            % (p.fio, p.iin, dmy(start), p.position["kk"].lower(), money(p.salary)))
        d.p("Сынақ мерзімі: 3 ай. Негіздеме: қызметкердің өтініші, %s жылғы еңбек шарты № %d."
            % (start.year, rng.randrange(1, 500)))
        d.p("Директор ____________ %s" % boss.short)
        d.p("Бұйрықпен таныстым: ____________ %s" % p.short)
    elif lang == "en":
        d.title = "ORDER No. %s on hiring" % num
        d.p("%s is hired as %s from %s with a monthly salary of KZT %s. IIN %s."
            % (p.latin, p.position["en"], dmy(start), money(p.salary), p.iin))
        d.p("Grounds: employment contract No. %d, application of the employee." % rng.randrange(1, 500))
    else:
        kind = rng.choice(["hire", "hire", "vacation", "dismiss"])
        if kind == "hire":
            d.title = "ПРИКАЗ № %s о приеме на работу" % num
            d.p("%s    %s" % (rng.choice(CITIES), dmy(start - datetime.timedelta(days=3))))
            d.p("ПРИКАЗЫВАЮ: Принять %s, ИИН %s, на должность %s в %s с %s с должностным окладом %s тенге."
                % (p.fio, p.iin, p.position["ru"].lower(), p.dept["ru"], dmy(start), money(p.salary)))
            d.p("Установить испытательный срок 3 (три) месяца.")
            d.p("Основание: заявление работника, трудовой договор № %d от %s." % (rng.randrange(1, 500), dmy(start)))
        elif kind == "vacation":
            d.title = "ПРИКАЗ № %s о предоставлении ежегодного оплачиваемого трудового отпуска" % num
            d.p("Предоставить %s (ИИН %s), %s, ежегодный оплачиваемый трудовой отпуск на %d календарных дней с %s."
                % (p.fio, p.iin, p.position["ru"].lower(), rng.choice([14, 24, 30]), dmy(start)))
        else:
            d.title = "ПРИКАЗ № %s о расторжении трудового договора" % num
            d.p("Расторгнуть трудовой договор с %s, ИИН %s, %s, по инициативе работника (подпункт 5) "
                "пункта 1 статьи 49 Трудового кодекса РК) с %s." % (p.fio, p.iin, p.position["ru"].lower(), dmy(start)))
        d.p("Директор %s ____________ %s" % (comp, boss.short))
        d.p("С приказом ознакомлен(а): ____________ %s" % p.short)
    return d


def g_phone_list(rng, lang, fmt):
    people = [Person(rng, lang) for _ in range(rng.randrange(5, 60))]
    d = Doc("phone_list", lang, "pd", ["basic"])
    hdr = {"ru": ["ФИО", "Должность", "Мобильный телефон", "Дата рождения"],
           "kk": ["Т.А.Ә.", "Лауазымы", "Ұялы телефон", "Туған күні"],
           "en": ["Name", "Position", "Mobile phone", "Date of birth"]}[lang]
    d.title = {"ru": "Телефонный справочник сотрудников (с личными номерами)",
               "kk": "Қызметкерлердің телефон анықтамалығы",
               "en": "Staff contact list (personal mobiles)"}[lang]
    d.table(hdr, [[p.latin if lang == "en" else p.fio, p.position[lang], kzid.format_phone(rng, p.phone),
                   dmy(p.birth)] for p in people])
    return d


def g_hr_app_log(rng, lang, fmt):
    """An application log that leaks IINs of employees: a realistic PD file in .log form."""
    people = [Person(rng, "ru") for _ in range(rng.randrange(3, 25))]
    d = Doc("hr_app_log", "en", "pd", ["basic"])
    t = datetime.datetime(2024, rng.randrange(1, 13), rng.randrange(1, 28), 8, 0, 0)
    lines = []
    for _ in range(rng.randrange(80, 600)):
        t += datetime.timedelta(seconds=rng.randrange(1, 90))
        r = rng.random()
        if r < 0.12:
            p = rng.choice(people)
            lines.append('%s INFO  [hr-portal] GET /api/v1/employees?iin=%s user=hr.%s status=200 ms=%d'
                         % (t.isoformat(), p.iin, rng.choice(["aigerim", "olga", "dana"]), rng.randrange(5, 400)))
        elif r < 0.18:
            p = rng.choice(people)
            lines.append('%s WARN  [payroll-sync] employee "%s" iin=%s: bank account missing'
                         % (t.isoformat(), p.latin, p.iin))
        else:
            lines.append('%s INFO  [hr-portal] GET /static/%s status=200 ms=%d req=%s'
                         % (t.isoformat(), rng.choice(["app.js", "logo.png", "style.css"]),
                            rng.randrange(1, 50), kzid.random_digits(rng, 12)))
    d.raw("\n".join(lines))
    return d


def g_biometric(rng, lang, fmt):
    people = [Person(rng, "ru") for _ in range(rng.randrange(5, 50))]
    d = Doc("biometric", "ru", "pd", ["basic", "biometric"])
    d.title = "Выгрузка СКУД: биометрические шаблоны сотрудников"
    d.table(["ФИО", "ИИН", "Шаблон отпечатка пальца (ISO 19794-2, base64)", "Шаблон лица", "Турникет"],
            [[p.fio, p.iin, "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/")
                                    for _ in range(64)) + "==",
              "face:%032x" % rng.getrandbits(128), "КПП-%d" % rng.randrange(1, 5)] for p in people])
    return d


def g_personnel_card(rng, lang, fmt):
    """A personnel record card (форма Т-2) with the employee's 3x4 photo: biometric."""
    p = Person(rng, lang)
    d = Doc("personnel_card", lang, "pd", ["basic", "personnel", "biometric"])
    w = rng.randrange(240, 600)
    d.pictures.append(formats.jpeg(rng, w, w * 4 // 3))
    if rng.random() < 0.5:  # a company logo in the header too: wide, not a photo
        d.pictures.append(formats.jpeg(rng, 600, 150))
    if lang == "kk":
        d.title = "Қызметкердің жеке карточкасы"
        d.p("Табель нөмірі: %s" % p.tab)
        d.p("Тегі, аты, әкесінің аты: %s" % p.fio)
        d.p("ЖСН: %s, туған күні: %s" % (p.iin, dmy(p.birth)))
        d.p("Лауазымы: %s, бөлім: %s" % (p.position["kk"], p.dept["kk"]))
    elif lang == "en":
        d.title = "Employee record card"
        d.p("Employee ID: %s" % p.tab)
        d.p("Full name: %s" % p.latin)
        d.p("IIN: %s, date of birth: %s" % (p.iin, p.birth.isoformat()))
        d.p("Position: %s, department: %s" % (p.position["en"], p.dept["en"]))
    else:
        d.title = "Личная карточка работника (форма Т-2)"
        d.p("Табельный номер: %s" % p.tab)
        d.p("Фамилия, имя, отчество: %s" % p.fio)
        d.p("ИИН: %s, дата рождения: %s" % (p.iin, dmy(p.birth)))
        d.p("Должность: %s, подразделение: %s" % (p.position["ru"], p.dept["ru"]))
        d.p("Отдел кадров: карточка заполнена %s" % dmy(rdate(rng)))
    return d


# Kinds added in 2026-12 (issue 14): the data map's personnel and medical documents by their
# kind. They are drawn from a random stream of their own (generate()), so that the files of the
# kinds above stay byte-identical for a given seed.
SCHOOLS = {"ru": ["Казахский национальный университет им. аль-Фараби", "Евразийский национальный университет",
                  "Карагандинский технический университет", "Алматинский колледж связи"],
           "kk": ["Әл-Фараби атындағы Қазақ ұлттық университеті", "Л.Н. Гумилев атындағы Еуразия ұлттық университеті",
                  "Қарағанды техникалық университеті", "Алматы байланыс колледжі"],
           "en": ["Al-Farabi Kazakh National University", "L.N. Gumilyov Eurasian National University",
                  "Karaganda Technical University", "Almaty College of Communications"]}


def work_history(rng, lang, p):
    rows = []
    y = p.birth.year + rng.randrange(21, 25)
    for _ in range(rng.randrange(1, 4)):
        y2 = y + rng.randrange(1, 6)
        rows.append(["%d–%d" % (y, y2), company(rng), rng.choice(POS[lang])])
        y = y2
    return rows


def g_personal_file(rng, lang, fmt):
    """A personal file's sheet (личный листок по учёту кадров, жеке іс парағы): personnel."""
    p = Person(rng, lang)
    d = Doc("personal_file", lang, "pd", ["basic", "personnel"])
    school = rng.choice(SCHOOLS[lang])
    grad = p.birth.year + rng.randrange(21, 24)
    hist = work_history(rng, lang, p)
    if lang == "kk":
        d.title = rng.choice(["Кадрлар есебі жөніндегі жеке парақ", "Жеке іс парағы",
                              "Кадр есебі жөніндегі жеке парақ"])
        d.p("Жеке іс № %d" % rng.randrange(1, 900))
        d.p("1. Тегі, аты, әкесінің аты: %s" % p.fio)
        d.p("2. ЖСН: %s" % p.iin)
        d.p("3. Туған жылы, айы, күні: %s, туған жері: %s" % (dmy(p.birth), rng.choice(CITIES)))
        d.p("4. Білімі: жоғары, %s, %d жылы бітірді" % (school, grad))
        d.p("5. Еңбек жолы:")
        d.table(["Жылдары", "Ұйымның атауы", "Атқарған жұмысы"], hist)
        d.p("6. Мекенжайы: %s" % address(rng))
    elif lang == "en":
        d.title = "Personnel record sheet"
        d.p("Full name: %s" % p.latin)
        d.p("IIN: %s   Date of birth: %s   Place of birth: %s"
            % (p.iin, dmy(p.birth), translit(rng.choice(CITIES)[3:])))
        d.p("Education: %s, graduated %d" % (school, grad))
        d.p("Work history:")
        d.table(["Years", "Organisation", "Role"], hist)
    else:
        d.title = "Личный листок по учету кадров"
        d.p("1. Фамилия, имя, отчество: %s" % p.fio)
        d.p("2. ИИН: %s" % p.iin)
        d.p("3. Дата рождения: %s   4. Место рождения: %s" % (dmy(p.birth), rng.choice(CITIES)))
        d.p("5. Образование: высшее, %s, окончил(а) в %d году" % (school, grad))
        d.p("6. Выполняемая работа с начала трудовой деятельности:")
        d.table(["Годы", "Организация", "Работа"], hist)
        d.p("7. Домашний адрес: %s" % address(rng))
    return d


def g_resume(rng, lang, fmt):
    """A candidate's resume with an IIN, as Kazakh application forms ask for it: personnel."""
    p = Person(rng, lang)
    d = Doc("resume", lang, "pd", ["basic", "personnel"])
    school = rng.choice(SCHOOLS[lang])
    hist = work_history(rng, lang, p)
    phone = kzid.format_phone(rng, p.phone)
    if lang == "kk":
        d.title = "Түйіндеме"
        d.p("%s" % p.fio)
        d.p("Туған күні: %s, ЖСН %s" % (dmy(p.birth), p.iin))
        d.p("Байланыс: %s" % phone)
        d.p("Білімі: %s" % school)
        d.p("Жұмыс тәжірибесі:")
        d.table(["Кезең", "Ұйым", "Қызметі"], hist)
    elif lang == "en":
        d.title = rng.choice(["Curriculum vitae", "CV"])
        d.p("%s, born %s, IIN %s" % (p.latin, p.birth.isoformat(), p.iin))
        d.p("Contact: %s" % phone)
        d.p("Education: %s" % school)
        d.p("Experience:")
        d.table(["Period", "Company", "Role"], hist)
    else:
        d.title = "Резюме"
        d.p("%s, дата рождения %s, ИИН %s" % (p.fio, dmy(p.birth), p.iin))
        d.p("Контакты: %s" % phone)
        d.p("Образование: %s" % school)
        d.p("Опыт работы:")
        d.table(["Период", "Организация", "Обязанности"], hist)
    return d


def g_timesheet(rng, lang, fmt):
    """A working-time sheet (табель, form Т-12 style) with tab numbers and IINs: personnel."""
    people = [Person(rng, lang) for _ in range(rng.randrange(4, 40))]
    d = Doc("timesheet", lang, "pd", ["basic", "personnel"])
    month = rdate(rng)
    days = 28 + rng.randrange(0, 4)
    marks = {"ru": ["8", "8", "8", "8", "В", "Б", "О"], "kk": ["8", "8", "8", "8", "Д", "А", "Е"],
             "en": ["8", "8", "8", "8", "W", "S", "V"]}[lang]
    rows = []
    for p in people:
        row = [rng.choice(marks) for _ in range(days)]
        rows.append([p.tab, p.latin if lang == "en" else p.fio, p.iin] + row + [str(sum(m == "8" for m in row))])
    dayh = [str(i) for i in range(1, days + 1)]
    if lang == "kk":
        d.title = "Жұмыс уақытын есепке алу табелі, %s" % month.strftime("%m.%Y")
        d.table(["Табель нөмірі", "Т.А.Ә.", "ЖСН"] + dayh + ["Барлығы"], rows)
    elif lang == "en":
        d.title = "Timesheet for %s" % month.strftime("%B %Y")
        d.table(["Employee No.", "Name", "IIN"] + dayh + ["Days worked"], rows)
    else:
        d.title = "Табель учета рабочего времени за %s" % month.strftime("%m.%Y")
        d.table(["Таб. №", "ФИО", "ИИН"] + dayh + ["Отработано дней"], rows)
    return d


def g_hr_review(rng, lang, fmt):
    """A disciplinary order or a performance review (attestation) of one employee: personnel."""
    p = Person(rng, lang)
    boss = Person(rng, lang)
    d = Doc("hr_review", lang, "pd", ["basic", "personnel"])
    when = rdate(rng)
    discipline = rng.random() < 0.5
    if lang == "kk":
        if discipline:
            d.title = "Тәртіптік жаза қолдану туралы БҰЙРЫҚ № %d" % rng.randrange(1, 300)
            d.p("%s (ЖСН %s) %s жұмысқа дәлелсіз себеппен келмегені үшін сөгіс жариялансын."
                % (p.fio, p.iin, dmy(when)))
        else:
            d.title = "Аттестаттау парағы"
            d.p("Аты-жөні: %s, ЖСН %s, туған күні %s" % (p.fio, p.iin, dmy(p.birth)))
            d.p("Комиссияның шешімі: атқарып отырған қызметіне сай келеді. Күні: %s" % dmy(when))
        d.p("Басшы ____________ %s" % boss.short)
    elif lang == "en":
        if discipline:
            d.title = "Disciplinary action: written warning"
            d.p("%s (IIN %s) was absent from work without a valid reason on %s." % (p.latin, p.iin, dmy(when)))
        else:
            d.title = "Annual performance review %d" % when.year
            d.p("Reviewee: %s, IIN %s. Rating: %s." % (p.latin, p.iin, rng.choice(["meets expectations",
                                                                                  "exceeds expectations"])))
        d.p("Manager: %s" % boss.latin)
    else:
        if discipline:
            d.title = "ПРИКАЗ № %d о применении дисциплинарного взыскания" % rng.randrange(1, 300)
            d.p("За отсутствие на работе без уважительной причины %s объявить %s, ИИН %s, выговор."
                % (dmy(when), p.fio, p.iin))
        else:
            d.title = "Аттестационный лист"
            d.p("Ф.И.О.: %s, ИИН %s, год рождения %d" % (p.fio, p.iin, p.birth.year))
            d.p("Решение комиссии: соответствует занимаемой должности. Дата аттестации: %s" % dmy(when))
        d.p("Руководитель ____________ %s" % boss.short)
    return d


def g_vmi_list(rng, lang, fmt):
    """Insured employees of a voluntary medical insurance (ДМС) contract: medical."""
    people = [Person(rng, lang) for _ in range(rng.randrange(5, 60))]
    d = Doc("vmi_list", lang, "pd", ["basic", "medical"])
    series = rng.choice(["ДМС", "VMI"]) if lang != "en" else "VMI"
    year = rdate(rng).year
    rows = [[i + 1, p.latin if lang == "en" else p.fio, p.iin, "%s-%d-%06d" % (series, year, rng.randrange(1, 10 ** 6)),
             rng.choice(["Стандарт", "Премиум"] if lang != "en" else ["Standard", "Premium"])]
            for i, p in enumerate(people)]
    if lang == "kk":
        d.title = "Ерікті медициналық сақтандыру шарты бойынша сақтандырылғандар тізімі, %d" % year
        d.table(["№", "Т.А.Ә.", "ЖСН", "Полис нөмірі", "Бағдарлама"], rows)
    elif lang == "en":
        d.title = "Voluntary medical insurance: insured persons, %d" % year
        d.table(["No.", "Name", "IIN", "Policy No.", "Programme"], rows)
    else:
        d.title = "Список застрахованных по договору добровольного медицинского страхования (ДМС), %d" % year
        d.table(["№", "ФИО", "ИИН", "Номер полиса", "Программа"], rows)
    return d


# ------------------------------------------------------------------------------------ negatives
def g_app_log(rng, lang, fmt):
    d = Doc("app_log", "en", "none", [])
    t = datetime.datetime(2024, rng.randrange(1, 13), rng.randrange(1, 28), 0, 0, 0)
    svc = rng.choice(["billing", "gateway", "nginx", "order-svc", "1c-sync"])
    lines = []
    for _ in range(rng.randrange(200, 3000)):
        t += datetime.timedelta(milliseconds=rng.randrange(5, 20000))
        rid = kzid.random_digits(rng, 12)
        ms = int(t.timestamp() * 1000)
        kind = rng.random()
        if kind < 0.5:
            lines.append("%s [%s] INFO request_id=%s trace=%016x method=GET path=/api/v2/orders/%d status=200 dur_ms=%d"
                         % (t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], svc, rid, rng.getrandbits(64),
                            rng.randrange(1, 10**7), rng.randrange(1, 900)))
        elif kind < 0.8:
            lines.append('10.%d.%d.%d - - [%s +0600] "POST /sync HTTP/1.1" 200 %d "-" "1C:Enterprise/8.3" rid=%s ts=%d'
                         % (rng.randrange(256), rng.randrange(256), rng.randrange(256),
                            t.strftime("%d/%b/%Y:%H:%M:%S"), rng.randrange(100, 90000), rid, ms))
        else:
            lines.append("%s [%s] ERROR job=%s attempt=%d err=\"timeout after %dms\" batch=%s"
                         % (t.isoformat(), svc, rid, rng.randrange(1, 5), rng.randrange(1000, 30000),
                            kzid.random_digits(rng, 12)))
    d.raw("\n".join(lines))
    return d


def g_invoice_register(rng, lang, fmt):
    d = Doc("invoice_register", lang, "none", [])
    rows = []
    for _ in range(rng.randrange(10, 200)):
        amount = rng.randrange(10000, 50000000) / 100
        rows.append([kzid.random_digits(rng, 12), dmy(rdate(rng)), kzid.make_bin(rng), company(rng),
                     money(amount), money(amount * 12 / 112)])
    if lang == "kk":
        d.title = "Шот-фактуралар тізілімі"
        d.table(["Шот-фактура №", "Күні", "Контрагенттің БСН", "Контрагент", "Сомасы", "ҚҚС"], rows)
    elif lang == "en":
        d.title = "Invoice register"
        d.table(["Invoice No.", "Date", "Counterparty BIN", "Counterparty", "Amount, KZT", "VAT"], rows)
    else:
        d.title = "Реестр счетов-фактур"
        d.table(["Номер ЭСФ", "Дата", "БИН контрагента", "Контрагент", "Сумма с НДС", "НДС"], rows)
    return d


def g_bin_registry(rng, lang, fmt):
    d = Doc("bin_registry", lang, "none", [])
    rows = [[kzid.make_bin(rng), company(rng), address(rng), "%05d" % rng.randrange(1000, 99999),
             dmy(rdate(rng, 1998, 2024))] for _ in range(rng.randrange(10, 150))]
    hdr = {"ru": ["БИН", "Наименование", "Юридический адрес", "ОКЭД", "Дата регистрации"],
           "kk": ["БСН", "Атауы", "Заңды мекенжайы", "ЭҚЖЖ", "Тіркелген күні"],
           "en": ["BIN", "Company", "Registered address", "OKED", "Registered"]}[lang]
    d.title = {"ru": "Справочник контрагентов (юридические лица)", "kk": "Контрагенттер анықтамалығы",
               "en": "Counterparty registry (legal entities)"}[lang]
    d.table(hdr, rows)
    return d


POLICY_RU = [
    "1. Общие положения",
    "1.1. Настоящее Положение определяет порядок сбора, обработки и защиты персональных данных работников "
    "в соответствии с Законом Республики Казахстан «О персональных данных и их защите».",
    "1.2. К персональным данным работника относятся: фамилия, имя, отчество, индивидуальный "
    "идентификационный номер (ИИН), данные документа, удостоверяющего личность (паспорт, удостоверение "
    "личности), адрес, номер телефона, сведения об образовании, трудовой деятельности, составе семьи.",
    "1.3. Сведения о должностном окладе, начисленной и выплаченной заработной плате, удержаниях (ИПН, ОПВ, "
    "ВОСМС) составляют конфиденциальную информацию и доступны только работникам бухгалтерии.",
    "1.4. Листы временной нетрудоспособности, справки с указанием диагноза и кода по МКБ-10 хранятся в "
    "отделе кадров в запираемом шкафу и не передаются третьим лицам.",
    "2. Порядок обработки",
    "2.1. Копии паспорта и удостоверения личности снимаются только с письменного согласия работника.",
    "2.2. Передача файлов, содержащих ИИН, на съемные носители и в облачные хранилища запрещена.",
    "2.3. Расчетные листки выдаются работнику лично или направляются на корпоративную почту.",
    "2.4. Срок хранения журналов доступа к персональным данным составляет не менее трех лет.",
    "3. Ответственность",
    "3.1. Работники, виновные в нарушении порядка обработки персональных данных, несут дисциплинарную, "
    "административную и уголовную ответственность в соответствии с законодательством Республики Казахстан.",
]
PAYPOLICY_RU = [
    "Положение об оплате труда",
    "1. Заработная плата работника состоит из должностного оклада, доплат, надбавок и премий.",
    "2. Должностной оклад устанавливается штатным расписанием и не может быть ниже минимальной заработной "
    "платы, установленной законом о республиканском бюджете на соответствующий год.",
    "3. Из начисленной заработной платы удерживаются обязательные пенсионные взносы (ОПВ) в размере 10%, "
    "взносы на ОСМС (ВОСМС) 2% и индивидуальный подоходный налог (ИПН) 10% после вычетов.",
    "4. Работодатель за счет собственных средств уплачивает социальные отчисления (СО), ОПВР и ООСМС.",
    "5. Заработная плата выплачивается не реже одного раза в месяц, не позднее 10 числа следующего месяца, "
    "путем перечисления на банковский счет работника.",
    "6. Расчетный листок с указанием сумм начислено, удержано и к выплате выдается ежемесячно.",
    "7. Больничный лист оплачивается за счет работодателя в размере среднего заработка за первые дни "
    "временной нетрудоспособности в пределах, установленных законодательством.",
]
POLICY_KK = [
    "Дербес деректерді қорғау туралы ереже",
    "1. Жеке сәйкестендіру нөмірі (ЖСН), жеке куәлік пен төлқұжат деректері, мекенжай және телефон нөмірі "
    "қызметкердің дербес деректеріне жатады.",
    "2. Жалақы, еңбекақы, есептелді және ұсталды сомалары туралы мәліметтер құпия болып табылады.",
    "3. Еңбекке уақытша жарамсыздық парақтары және ХАЖ-10 бойынша диагноз туралы мәліметтер кадр бөлімінде "
    "сақталады.",
    "4. ЖСН бар файлдарды алынбалы тасығыштарға және бұлттық қоймаларға көшіруге тыйым салынады.",
    "5. Ережені бұзған қызметкерлер Қазақстан Республикасының заңнамасына сәйкес жауапты болады.",
]
POLICY_EN = [
    "Personal Data Protection Policy",
    "1. Scope. This policy applies to all employees who process personal data of staff and customers.",
    "2. Personal data include the full name, the individual identification number (IIN), passport and ID "
    "card numbers, home address, phone numbers, salary, bank account (IBAN) and health information such as "
    "sick-leave certificates and ICD-10 diagnoses.",
    "3. Files containing IINs must not be copied to USB sticks or personal cloud folders.",
    "4. Payroll data (base salary, gross pay, pension contributions, income tax) is available to the "
    "accounting department only.",
    "5. Access logs are kept for at least three years and reviewed quarterly by the security officer.",
]


def g_policy_text(rng, lang, fmt):
    d = Doc("policy_text", lang, "none", [])
    if lang == "kk":
        d.title = POLICY_KK[0]
        for x in POLICY_KK[1:]:
            d.p(x)
    elif lang == "en":
        d.title = POLICY_EN[0]
        for x in POLICY_EN[1:]:
            d.p(x)
    else:
        src = rng.choice([POLICY_RU, PAYPOLICY_RU])
        if src is POLICY_RU:
            d.title = "Положение о защите персональных данных работников %s" % company(rng)
            body = src
        else:
            d.title, body = src[0], src[1:]
        for x in body:
            d.p(x)
        d.p("Утверждено приказом № %d-п от %s." % (rng.randrange(1, 200), dmy(rdate(rng))))
        d.p("Пример заполнения поля ИИН: 12 цифр без пробелов (XXXXXXXXXXXX).")
    return d


CODE_SNIPPETS = {
    "py": '''# SPDX-License-Identifier: MIT
"""Payroll export helpers."""
import csv

IIN_LEN = 12
OPV_RATE = 0.10
IPN_RATE = 0.10
MAX_ROWS = 100000
BATCH_ID = {batch}


def is_iin(s):
    return len(s) == IIN_LEN and s.isdigit()


def net_pay(oklad, deductions):
    """Оклад минус удержания (ОПВ, ИПН)."""
    return round(oklad - sum(deductions), 2)


def export(rows, path):
    with open(path, "w", newline="", encoding="cp1251") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Табельный номер", "ФИО", "ИИН", "Оклад", "ОПВ", "ИПН"])
        for r in rows[:MAX_ROWS]:
            w.writerow(r)
''',
    "c": '''// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <string.h>

#define REQ_ID_BASE  {batch}ULL
#define TIMEOUT_NS   {ns}ULL
#define CRC_INIT     0x{crc:08x}u

/* A passport-shaped 9-digit id: the message format, not a person. */
static const char *fmt = "%09u";

uint64_t next_request_id(uint64_t seq)
{{
	return REQ_ID_BASE + seq * 7919u;
}}

int parse_amount(const char *s, int64_t *out)
{{
	int64_t v = 0;
	for (; *s; s++) {{
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}}
	*out = v;
	return 0;
}}
''',
    "sql": '''-- SPDX-License-Identifier: MIT
CREATE TABLE employee (
    id          BIGSERIAL PRIMARY KEY,
    tab_no      VARCHAR(10) NOT NULL,
    full_name   TEXT NOT NULL,
    iin         CHAR(12) NOT NULL CHECK (iin ~ '^[0-9]{{12}}$'),
    passport_no VARCHAR(9),
    oklad       NUMERIC(12,2) NOT NULL
);
CREATE INDEX employee_iin_idx ON employee (iin);
-- partition bounds
INSERT INTO partition_map (id_from, id_to) VALUES ({batch}, {batch2});
''',
    "js": '''// SPDX-License-Identifier: MIT
export const ORDER_PREFIX = "ORD";
export const MAX_ORDER = {batch};
export function formatPhone(p) {{
  // +7 (7XX) XXX-XX-XX
  return `+7 (${{p.slice(1, 4)}}) ${{p.slice(4, 7)}}-${{p.slice(7, 9)}}-${{p.slice(9)}}`;
}}
export function luhn(num) {{
  let sum = 0;
  for (let i = 0; i < num.length; i++) {{
    let d = +num[num.length - 1 - i];
    if (i % 2) {{ d *= 2; if (d > 9) d -= 9; }}
    sum += d;
  }}
  return sum % 10 === 0;
}}
''',
}


def non_iin_12(rng):
    """A 12-digit number that no IIN validator accepts."""
    while True:
        s = kzid.random_digits(rng, 12)
        if not kzid.iin_checksum_ok(s):
            return s


def g_source_code(rng, lang, fmt):
    d = Doc("source_code", "en", "none", [])
    d.raw(CODE_SNIPPETS[fmt].format(batch=non_iin_12(rng), batch2=non_iin_12(rng),
                                    ns=rng.randrange(10**9, 10**10), crc=rng.getrandbits(32)))
    return d


def ean13(rng):
    body = "487" + "".join(str(rng.randrange(10)) for _ in range(9))
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - s % 10) % 10)


def g_product_catalog(rng, lang, fmt):
    d = Doc("product_catalog", lang, "none", [])
    goods = ["Молоко 3,2% 1 л", "Хлеб пшеничный", "Чай черный 100 пак.", "Сахар 1 кг", "Мука в/с 2 кг",
             "Масло подсолнечное 1 л", "Рис 900 г", "Курт 200 г", "Кумыс 0,5 л", "Шұбат 0,5 л"]
    numeric = fmt == "xlsx"
    rows = [[int(ean13(rng)) if numeric else ean13(rng), "%06d" % rng.randrange(10**6), rng.choice(goods),
             (rng.randrange(100, 500000) / 100) if numeric else money(rng.randrange(100, 500000) / 100),
             rng.randrange(0, 5000)] for _ in range(rng.randrange(20, 300))]
    d.title = "Прайс-лист" if lang != "en" else "Price list"
    d.table(["Штрихкод", "Артикул", "Наименование", "Цена", "Остаток"] if lang != "en"
            else ["EAN", "SKU", "Item", "Price", "Stock"], rows)
    return d


def g_numeric_table(rng, lang, fmt):
    d = Doc("numeric_table", "en", "none", [])
    t = datetime.datetime(2024, 1, 1) + datetime.timedelta(minutes=rng.randrange(500000))
    rows = []
    for _ in range(rng.randrange(50, 1500)):
        t += datetime.timedelta(seconds=rng.choice([10, 30, 60]))
        rows.append([t.strftime("%Y%m%d%H%M%S"), "%d" % int(t.timestamp()),
                     "%.3f" % rng.uniform(-30, 40), "%.1f" % rng.uniform(10, 99),
                     "%d" % rng.randrange(100000000, 999999999), "%.4f" % rng.uniform(0, 1)])
    d.table(["ts", "epoch", "temp_c", "humidity", "counter", "ratio"], rows)
    return d


def g_orders(rng, lang, fmt):
    """Order numbers that look like phone numbers (8 or 7 + 10 digits), no customers."""
    d = Doc("orders", lang, "none", [])
    rows = []
    for _ in range(rng.randrange(20, 400)):
        rows.append(["8" + kzid.random_digits(rng, 10, first_nonzero=False) if rng.random() < 0.5
                     else "7" + kzid.random_digits(rng, 10, first_nonzero=False),
                     dmy(rdate(rng)), rng.choice(["Склад Алматы", "Склад Астана", "ПВЗ Шымкент"]),
                     rng.choice(["Собран", "Отгружен", "Доставлен", "Отменен"]), money(rng.randrange(1000, 10**6) / 10)])
    d.title = "Журнал заказов интернет-магазина" if lang != "en" else "Order journal"
    d.table(["Номер заказа", "Дата", "Склад", "Статус", "Сумма"] if lang != "en"
            else ["Order No.", "Date", "Warehouse", "Status", "Amount"], rows)
    return d


def g_shipments(rng, lang, fmt):
    """9-digit tracking and waybill ids without any passport or ID-card context."""
    d = Doc("shipments", lang, "none", [])
    rows = [[kzid.random_digits(rng, 9, first_nonzero=False), "%09d" % rng.randrange(10**9),
             dmy(rdate(rng)), rng.choice(CITIES), rng.choice(CITIES), "%.1f кг" % rng.uniform(0.1, 900)]
            for _ in range(rng.randrange(20, 400))]
    d.title = "Реестр отправлений" if lang != "en" else "Shipments"
    d.table(["Номер накладной", "Трек-номер", "Дата", "Откуда", "Куда", "Вес"] if lang != "en"
            else ["Waybill", "Tracking", "Date", "From", "To", "Weight"], rows)
    return d


def g_payment_log(rng, lang, fmt):
    """Acquiring log: masked PANs, 12-digit RRNs, 16-digit transaction ids failing Luhn."""
    d = Doc("payment_log", "en", "none", [])
    t = datetime.datetime(2024, rng.randrange(1, 13), rng.randrange(1, 28), 9)
    lines = []
    for _ in range(rng.randrange(100, 1500)):
        t += datetime.timedelta(seconds=rng.randrange(1, 300))
        card = kzid.make_card(rng)
        tx = kzid.make_card(rng, valid=False)
        lines.append("%s POS=%08d pan=%s******%s rrn=%s auth=%06d txn=%s amount=%s KZT result=%s"
                     % (t.isoformat(), rng.randrange(10**8), card[:6], card[-4:], kzid.random_digits(rng, 12),
                        rng.randrange(10**6), tx, money(rng.randrange(100, 10**7) / 100),
                        rng.choice(["APPROVED", "APPROVED", "DECLINED"])))
    d.raw("\n".join(lines))
    return d


def g_contracts(rng, lang, fmt):
    """Contract numbers shaped like IINs (date + digits) whose check digit is wrong."""
    d = Doc("contracts", lang, "none", [])
    rows = [[kzid.make_bad_iin(rng), dmy(rdate(rng)), company(rng), kzid.make_bin(rng),
             money(rng.randrange(10**5, 10**9) / 100), rng.choice(["Действует", "Закрыт", "На согласовании"])]
            for _ in range(rng.randrange(10, 200))]
    d.title = "Реестр договоров с поставщиками"
    d.table(["Номер договора", "Дата", "Поставщик", "БИН", "Сумма", "Статус"], rows)
    return d


def g_supply_contract(rng, lang, fmt):
    """A contract between companies: their bank accounts (ИИК) and directors' names are no one's
    personal data file; the BINs are in the preamble, not always next to the accounts."""
    d = Doc("supply_contract", lang, "none", [])
    sides = []
    for _ in range(2):
        code, bic, bank = rng.choice(kzid.KZ_BANKS)
        sides.append((company(rng), kzid.make_bin(rng), kzid.make_iban(rng, code), bic, bank, address(rng)))
    heads = [Person(rng, lang) for _ in range(2)]
    bin_in_requisites = rng.random() < 0.5
    total = money(rng.randrange(10**6, 10**9) / 100)
    if lang == "en":
        names = [translit(c[0].split("«")[1].rstrip("»")) + " LLP" for c in sides]
        roles = ["Supplier", "Buyer"]
        d.title = "Supply Agreement No. %d/%02d" % (rng.randrange(1, 300), rng.randrange(20, 25))
        d.p("%s, BIN %s, represented by its Director %s (the \"Supplier\"), and %s, BIN %s, represented "
            "by its Director %s (the \"Buyer\"), have concluded this agreement."
            % (names[0], sides[0][1], heads[0].latin, names[1], sides[1][1], heads[1].latin))
        d.p("1. The Supplier delivers the goods and the Buyer accepts and pays for them. Total: KZT %s "
            "including VAT 12%%. Payment within 10 banking days of delivery." % total)
        d.p("Details of the parties")
        for k, (c, b, iban, bic, bank, addr) in enumerate(sides):
            d.p("%s: %s, %s%s" % (roles[k], names[k], translit(addr), ", BIN %s" % b if bin_in_requisites else ""))
            d.p("IBAN %s with %s, BIC %s" % (iban, translit(bank.split("«")[1].rstrip("»")), bic))
    elif lang == "kk":
        roles = ["Жеткізуші", "Сатып алушы"]
        d.title = "Жеткізу шарты № %d" % rng.randrange(1, 300)
        d.p("%s, БСН %s, директор %s атынан, бұдан әрі «Жеткізуші», және %s, БСН %s, директор %s атынан, "
            "бұдан әрі «Сатып алушы», осы шартты жасасты."
            % (sides[0][0], sides[0][1], heads[0].fio, sides[1][0], sides[1][1], heads[1].fio))
        d.p("Шарттың жалпы сомасы: %s теңге, ҚҚС қоса алғанда." % total)
        d.p("Тараптардың деректемелері")
        for k, (c, b, iban, bic, bank, addr) in enumerate(sides):
            d.p("%s: %s, %s%s" % (roles[k], c, addr, ", БСН %s" % b if bin_in_requisites else ""))
            d.p("ЖСК %s, %s, БСК %s" % (iban, bank, bic))
    else:
        roles = ["Поставщик", "Покупатель"]
        d.title = "Договор поставки № %d/%02d" % (rng.randrange(1, 300), rng.randrange(20, 25))
        d.p("%s    %s" % (rng.choice(CITIES), dmy(rdate(rng))))
        d.p("%s, БИН %s, в лице директора %s, действующего на основании Устава, именуемое в дальнейшем "
            "«Поставщик», с одной стороны, и %s, БИН %s, в лице директора %s, именуемое в дальнейшем "
            "«Покупатель», с другой стороны, заключили настоящий договор о нижеследующем."
            % (sides[0][0], sides[0][1], heads[0].fio, sides[1][0], sides[1][1], heads[1].fio))
        d.p("1. Поставщик обязуется поставить товар, а Покупатель принять и оплатить его. Общая сумма "
            "договора: %s тенге, в т.ч. НДС 12%%. Оплата в течение 10 банковских дней." % total)
        d.p("Реквизиты сторон")
        for k, (c, b, iban, bic, bank, addr) in enumerate(sides):
            d.p("%s: %s, %s%s" % (roles[k], c, addr, ", БИН %s" % b if bin_in_requisites else ""))
            d.p("ИИК %s в %s, БИК %s" % (iban, bank, bic))
            d.p("Директор ____________ %s" % heads[k].short)
    return d


def g_newsletter(rng, lang, fmt):
    """A company newsletter with a portrait photo of someone: no identifier, no PD."""
    d = Doc("newsletter", lang, "none", [])
    w = rng.randrange(240, 600)
    d.pictures.append(formats.jpeg(rng, w, w * 4 // 3))
    if lang == "en":
        d.title = "Company news, %s" % dmy(rdate(rng))
        d.p("Congratulations to our colleague on ten years with the company! The quarterly "
            "meeting moves to Thursday, and the new canteen opens next week.")
    else:
        d.title = "Корпоративный вестник, %s" % dmy(rdate(rng))
        d.p("Поздравляем коллегу с десятилетием работы в компании! Квартальное собрание "
            "переносится на четверг, новая столовая открывается на следующей неделе.")
    return d


def g_salary_stats(rng, lang, fmt):
    d = Doc("salary_stats", lang, "none", [])
    rows = [[dep, rng.randrange(3, 80), money(rng.randrange(200, 900) * 1000), money(rng.randrange(200, 900) * 1000 * 1.3)]
            for dep in DEPT["ru" if lang != "kk" else "kk"]]
    if lang == "kk":
        d.title = "Бөлімдер бойынша орташа жалақы"
        d.p("Есептелді: жалақы қоры, ЖТС және МЗЖ ұсталды, барлық бөлімдер бойынша жиынтық деректер.")
        d.table(["Бөлім", "Қызметкерлер саны", "Орташа айлықақы", "Орташа есептелген жалақы"], rows)
    else:
        d.title = "Средняя заработная плата по подразделениям за %d год" % rng.randrange(2021, 2025)
        d.p("Сводные данные: средний оклад и среднее начислено по подразделениям, без персональных данных. "
            "Удержано ОПВ и ИПН в целом по организации: %s тенге." % money(rng.randrange(10**6, 10**8)))
        d.table(["Подразделение", "Численность", "Средний оклад", "Среднее начислено"], rows)
    return d


def g_meeting_notes(rng, lang, fmt):
    d = Doc("meeting_notes", lang, "none", [])
    if lang == "en":
        d.title = "Sprint review %d" % rng.randrange(1, 80)
        for x in ["Release 2.%d shipped to staging; build %s passed." % (rng.randrange(1, 20), non_iin_12(rng)),
                  "Action: the classifier must ignore request ids in nginx logs.",
                  "Ticket #%d: export of the price list to 1C fails on CP1251." % rng.randrange(1000, 99999),
                  "Next review on %s." % dmy(rdate(rng))]:
            d.p(x)
    else:
        d.title = "Протокол совещания № %d" % rng.randrange(1, 80)
        for x in ["Повестка: переход на новую учетную систему, сроки закрытия квартала.",
                  "Решили: бухгалтерии подготовить сверку по счетам-фактурам до %s." % dmy(rdate(rng)),
                  "ИТ-отделу настроить резервное копирование сервера 1С, заявка № %s." % non_iin_12(rng),
                  "Отделу кадров обновить шаблон приказа о приеме на работу (без персональных данных в шаблоне).",
                  "Следующее совещание: %s, переговорная 3." % dmy(rdate(rng))]:
            d.p(x)
    return d


def g_empty(rng, lang, fmt):
    return Doc("empty", "en", "none", [])


def g_binary(rng, lang, fmt):
    d = Doc("binary", "en", "none", [])
    d.blob = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1000, 20000)))
    return d

# Identity documents of issue 15 (2026-12): passport and ID card machine-readable zones (ICAO
# 9303) and Russian internal passports. A third random stream of the seed (generate()) draws them.
MRZ_STATES = [("KAZ", "KAZ"), ("KAZ", "KAZ"), ("KAZ", "KAZ"), ("RUS", "RUS"), ("RUS", "RUS"),
              ("UZB", "UZB"), ("KGZ", "KGZ"), ("TUR", "TUR"), ("D<<", "D<<"), ("CHN", "CHN")]
MRZ_HEAD = {
    "ru": ["Паспорт. Машиночитаемая зона (распознано сканером):",
           "Копия паспорта иностранного работника, страница с фотографией",
           "Регистрация гостя: данные документа считаны с МСЗ"],
    "kk": ["Төлқұжат. Машинамен оқылатын аймақ:", "Шетелдік қызметкердің төлқұжатының көшірмесі"],
    "en": ["Passport data page, machine-readable zone as scanned:",
           "Guest registration: travel document read by the MRZ reader"],
}


def mrz_lines(rng, p, spoil=False):
    """A zone for person p: TD3 passport or (a third of the time) TD1 ID card, of a drawn state."""
    state, nat = rng.choice(MRZ_STATES)
    sex = "M" if p.male else "F"
    expiry = rdate(rng, 2026, 2035)
    sur, given = translit(p.sur), translit(p.first)
    if state == "KAZ":
        number, personal = "N" + kzid.random_digits(rng, 8, first_nonzero=False), p.iin
    else:
        number = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(9))
        personal = "" if rng.random() < 0.5 else kzid.random_digits(rng, 10)
    if rng.random() < 0.33:
        z = kzid.mrz_td1(state, number, nat, p.birth, sex, expiry, sur, given,
                         optional=personal[:12] if state == "KAZ" else "")
    else:
        z = kzid.mrz_td3(state, number, nat, p.birth, sex, expiry, sur, given, personal)
    return kzid.mrz_spoil(rng, z) if spoil else z


def g_passport_mrz(rng, lang, fmt):
    """A passport or ID card page whose number is only in its MRZ: the zone alone makes it PD."""
    p = Person(rng, lang)
    d = Doc("passport_mrz", lang, "pd", ["basic"])
    z = mrz_lines(rng, p)
    d.tags.add("mrz-td3" if len(z) == 2 else "mrz-td1")
    d.title = rng.choice(MRZ_HEAD[lang])
    if lang == "kk":
        d.p("Тегі: %s   Аты: %s   Туған күні: %s" % (p.sur, p.first, dmy(p.birth)))
    elif lang == "en":
        d.p("Surname: %s   Given names: %s   Date of birth: %s" % (translit(p.sur), translit(p.first), dmy(p.birth)))
    else:
        d.p("Фамилия: %s   Имя: %s   Дата рождения: %s" % (p.sur, p.first, dmy(p.birth)))
    for line in z:
        d.p(line)
    return d


RU_PASSPORT_FORMS = ["серия %s %s № %s", "%s %s № %s", "%s %s %s", "%s%s %s", "серия %s%s №%s"]


def ru_passport(rng):
    """Series (region code, two digits of the year of issue) and a 6-digit number, as people write it."""
    region = "%02d" % rng.randrange(1, 99)
    year = "%02d" % rng.choice(list(range(97, 100)) + list(range(0, 25)))
    return rng.choice(RU_PASSPORT_FORMS) % (region, year, kzid.random_digits(rng, 6, first_nonzero=False))


def g_passport_ru(rng, lang, fmt):
    """Employees with Russian internal passports: series and number next to a passport word."""
    d = Doc("passport_ru", lang, "pd", ["basic"])
    d.title = {"ru": "Сведения о работниках — гражданах РФ", "kk": "Ресей азаматы қызметкерлердің құжаттары",
               "en": "Documents of seconded employees"}[lang]
    for _ in range(rng.randrange(1, 4)):
        p = Person(rng, "ru")
        issued = rdate(rng, 2005, 2024)
        code = "%03d-%03d" % (rng.randrange(100, 990), rng.randrange(1, 100))
        num = ru_passport(rng)
        if lang == "kk":
            d.p("%s, Ресей Федерациясының азаматы. Паспорты: %s, берілген күні %s, бөлімше коды %s"
                % (p.fio, num, dmy(issued), code))
        elif lang == "en":
            d.p("%s, citizen of Russia. Internal passport %s, issued %s, subdivision code %s"
                % (p.latin, num, dmy(issued), code))
        else:
            d.p("%s, %s г.р. Паспорт гражданина РФ %s, выдан %s ОУФМС России, код подразделения %s"
                % (p.fio, dmy(p.birth), num, dmy(issued), code))
    return d


def g_mrz_near_miss(rng, lang, fmt):
    """An MRZ reader's rejected scans (one check digit misread) and series-like lot numbers: not PD."""
    d = Doc("mrz_near_miss", lang, "none", [])
    d.title = {"ru": "Журнал ошибок считывателя МСЗ", "kk": "МОА оқу құрылғысының қателер журналы",
               "en": "MRZ reader error log"}[lang]
    for _ in range(rng.randrange(1, 4)):
        d.p({"ru": "Отклонено: неверная контрольная цифра, повторите сканирование",
             "kk": "Қабылданбады: бақылау цифры қате", "en": "Rejected: check digit mismatch, rescan"}[lang])
        for line in mrz_lines(rng, Person(rng, lang), spoil=True):
            d.p(line)
    for _ in range(rng.randrange(1, 4)):
        lot = "%02d %02d %06d" % (rng.randrange(10, 99), rng.randrange(10, 99), rng.randrange(10**6))
        d.p({"ru": "Партия %s отгружена на склад", "kk": "Партия %s қоймаға жөнелтілді",
             "en": "Lot %s shipped to the warehouse"}[lang] % lot)
    return d




# ------------------------------------------------------------------------------ names (issue 15)
# Names as the only evidence: staff tables and payroll statements without any identifier, and
# look-alikes that name people without being anyone's record. Their names are drawn partly from
# lists of their own (not only the vocabulary above), so that the classifier's gazetteer is not
# simply the generator's.
N_FIRST_M = ["Бекзат", "Даулет", "Ерасыл", "Мирас", "Рустем", "Санжар", "Вадим", "Павел", "Денис", "Константин"]
N_FIRST_F = ["Аружан", "Томирис", "Жазира", "Назерке", "Акерке", "Ксения", "Юлия", "Ирина", "Лариса", "Инкар"]
N_SUR = ["Оразбаев", "Тлеубердиев", "Шайхин", "Жунусов", "Мамыров", "Серикбаев", "Воронин", "Гончаренко",
         "Белов", "Кузьмин", "Досмухамбетов", "Ибрагимов", "Нурмагамбетов"]
EN_FIRST = ["James", "Emily", "Michael", "Sarah", "David", "Laura", "Thomas", "Rachel"]
EN_SUR = ["Smith", "Brown", "Taylor", "Wilson", "Evans", "Walker", "Cooper", "Hughes"]


def name_person(rng, lang):
    """A Person whose name is, half the time, from the lists above; in en, sometimes English."""
    p = Person(rng, lang)
    if rng.random() < 0.5:
        first = rng.choice(N_FIRST_M if p.male else N_FIRST_F)
        sur = rng.choice(N_SUR)
        if not p.male and not sur.endswith("о"):
            sur += "а"
        p.first, p.sur = first, sur
        p.fio = "%s %s %s" % (sur, first, p.pat)
        p.short = "%s %s.%s." % (sur, first[0], p.pat[0])
        p.latin = "%s %s" % (translit(first), translit(sur))
    if lang == "en" and rng.random() < 0.3:
        p.latin = "%s %s" % (rng.choice(EN_FIRST), rng.choice(EN_SUR))
    return p


def person_cell(rng, p, lang):
    if lang == "en":
        return p.latin
    if lang == "kk" and rng.random() < 0.5:
        return "%s %s" % (p.sur, p.first)  # Kazakh lists often drop the patronymic
    return p.short if rng.random() < 0.25 else p.fio


def g_staff_table(rng, lang, fmt):
    """A staffing table (штатная расстановка): names, positions, salaries; no IIN, no phone."""
    people = [name_person(rng, lang) for _ in range(rng.randrange(4, 80))]
    d = Doc("staff_table", lang, "pd", ["basic", "financial", "personnel"])
    rows = [[str(i + 1), p.dept[lang], p.position[lang], person_cell(rng, p, lang), p.salary,
             round(p.salary * rng.choice([0, 0.1, 0.2]))] for i, p in enumerate(people)]
    if lang == "kk":
        d.title = "Қызметкерлердің штаттық кестесі, %s" % company(rng)
        d.table(["№", "Бөлім", "Лауазымы", "Аты-жөні", "Лауазымдық айлықақы (жалақы)", "Үстеме"], rows)
        d.p("Еңбекақы қоры айына: %s теңге. Кадр бөлімі." % money(sum(p.salary for p in people)))
    elif lang == "en":
        d.title = "Employees: staff list and salaries, %s" % dmy(rdate(rng))
        d.table(["No.", "Department", "Position", "Full name", "Salary, KZT", "Bonus"], rows)
        d.p("Monthly payroll: KZT %s. Prepared by HR." % money(sum(p.salary for p in people)))
    else:
        d.title = "Штатная расстановка %s на %s" % (company(rng), dmy(rdate(rng)))
        d.table(["№", "Подразделение", "Должность", "ФИО", "Оклад, тенге", "Надбавка"], rows)
        d.p("Месячный фонд заработной платы: %s тенге. Отдел кадров." % money(sum(p.salary for p in people)))
    return d


def g_payslip_noiin(rng, lang, fmt):
    """A payroll statement as 1C prints it, without the IIN column (the motivating miss)."""
    people = [name_person(rng, lang) for _ in range(rng.randrange(3, 60))]
    d = Doc("payslip_noiin", lang, "pd", ["basic", "financial"])
    rows = []
    for p in people:
        a, opv, vosms, ipn, held, net = payroll_row(p)
        rows.append([p.tab, person_cell(rng, p, lang), ("%.2f" % a).replace(".", ","),
                     ("%.2f" % held).replace(".", ","), ("%.2f" % net).replace(".", ",")])
    month = rdate(rng).strftime("%m.%Y")
    if lang == "kk":
        d.title = "Жалақы бойынша есеп айырысу тізімдемесі, %s" % month
        d.table(["Табель нөмірі", "Қызметкер", "Есептелді", "Ұсталды", "Төленуге"], rows)
    elif lang == "en":
        d.title = "Payroll statement, %s" % month
        d.table(["Employee No.", "Employee", "Gross pay", "Deductions", "Net pay"], rows)
    else:
        d.title = "Расчетная ведомость по заработной плате за %s" % month
        d.table(["Табельный номер", "Сотрудник", "Начислено", "Удержано", "К выплате"], rows)
    return d


HISTORIC = ["Абая", "Кунаева", "Сатпаева", "Байтурсынова", "Ауэзова", "Жамбыла", "Абылай хана",
            "Толе би", "Кенесары", "Пушкина", "Гагарина", "Валиханова", "Муканова", "Сейфуллина"]


def g_street_list(rng, lang, fmt):
    """Delivery points on streets named after people: addresses, no one's."""
    d = Doc("street_list", lang, "none", [])
    rows = []
    for i in range(rng.randrange(10, 80)):
        st = rng.choice(HISTORIC)
        form = rng.choice(["ул. %s", "пр. %s", "ул. им. %s", "улица %s"])
        ini = rng.choice(["", "", "К. ", "Д.А. ", "М. "])
        rows.append([str(i + 1), rng.choice(CITIES), form % (ini + st) + ", %d" % rng.randrange(1, 200),
                     rng.choice(["Пункт выдачи", "Склад", "Магазин", "Постамат"]), rng.randrange(8, 22)])
    d.title = "Адреса пунктов выдачи заказов"
    d.table(["№", "Город", "Адрес", "Тип", "Открыто до"], rows)
    return d


def g_bibliography(rng, lang, fmt):
    """A reference list: authors by initials, books, publishers, prices of the library's copies."""
    d = Doc("bibliography", lang, "none", [])
    d.title = "Список литературы" if lang != "en" else "References"
    for i in range(rng.randrange(8, 40)):
        p = name_person(rng, "ru")
        if lang == "en":
            d.p("%d. %s, %s. Economics of Central Asia. Almaty: Atamura, %d. %d p."
                % (i + 1, translit(p.sur), p.first[0] + ".", rng.randrange(1990, 2024), rng.randrange(90, 600)))
        else:
            d.p("%d. %s История и экономика Казахстана. — Алматы: Атамура, %d. — %d с."
                % (i + 1, p.short, rng.randrange(1990, 2024), rng.randrange(90, 600)))
    return d


def g_company_names(rng, lang, fmt):
    """Counterparties named after their founders: company names, not people."""
    d = Doc("company_names", lang, "none", [])
    rows = []
    for _ in range(rng.randrange(8, 60)):
        p = name_person(rng, "ru")
        form = rng.choice(["ИП %s", "ТОО «%s и партнеры»", "ИП «%s»", "ТОО «Агрофирма %s»"])
        rows.append([form % (p.short if rng.random() < 0.5 else p.sur), kzid.make_bin(rng),
                     money(rng.randrange(10**5, 10**8) / 100), rng.choice(CITIES)])
    d.title = "Контрагенты: остатки на конец периода"
    d.table(["Контрагент", "БИН", "Сальдо", "Город"], rows)
    return d


def g_news(rng, lang, fmt):
    """A news text: officials and athletes by name, salaries as statistics."""
    d = Doc("news", lang, "none", [])
    people = [name_person(rng, lang) for _ in range(rng.randrange(2, 6))]
    if lang == "en":
        d.title = "Business news, %s" % dmy(rdate(rng))
        for p in people:
            d.p("Minister %s said the average salary in the region grew by %d%% this year, while "
                "inflation stayed at %d%%." % (p.latin, rng.randrange(3, 15), rng.randrange(5, 12)))
    else:
        d.title = "Новости экономики, %s" % dmy(rdate(rng))
        for p in people:
            who = "%s %s" % (p.first, p.sur)
            d.p("Министр %s сообщил журналистам, что средняя зарплата в регионе выросла на %d%%, "
                "а инфляция составила %d%%." % (who, rng.randrange(3, 15), rng.randrange(5, 12)))
    return d

# kind -> (generator, weight, languages, formats)
POSITIVES = {
    "personnel_list": (g_personnel_list, 10, ["ru", "ru", "kk", "en"], ["xlsx", "xlsx", "csv", "csv1251", "docx", "odt", "pdf", "txt", "md"]),
    "payroll": (g_payroll, 9, ["ru", "ru", "kk", "en"], ["xlsx", "xlsx", "csv1251", "csv", "docx", "pdf"]),
    "payroll_1c": (g_payroll_1c, 4, ["ru"], ["csv1251"]),
    "sick_leave": (g_sick_leave, 7, ["ru", "ru", "kk", "en"], ["docx", "pdf", "txt", "odt", "rtf"]),
    "id_copy": (g_id_copy, 6, ["ru", "ru", "kk", "en"], ["txt", "docx", "pdf", "odt"]),
    "bank_details": (g_bank_details, 5, ["ru", "ru", "kk", "en"], ["docx", "txt", "xlsx", "csv", "pdf"]),
    "card_list": (g_card_list, 3, ["ru", "kk", "en"], ["xlsx", "csv", "txt"]),
    "hr_order": (g_hr_order, 6, ["ru", "ru", "kk", "en"], ["docx", "odt", "pdf", "txt", "rtf"]),
    "phone_list": (g_phone_list, 3, ["ru", "kk", "en"], ["xlsx", "docx", "csv"]),
    "hr_app_log": (g_hr_app_log, 2, ["en"], ["log"]),
    "biometric": (g_biometric, 2, ["ru"], ["csv", "xlsx"]),
    "personnel_card": (g_personnel_card, 3, ["ru", "ru", "kk", "en"], ["docx", "odt"]),
}
# the kinds of 2026-12, drawn from generate()'s second stream (see there)
NEW_POSITIVES = {
    "personal_file": (g_personal_file, 3, ["kk", "kk", "ru", "en"], ["docx", "odt", "pdf", "txt"]),
    "resume": (g_resume, 2, ["ru", "kk", "en"], ["docx", "pdf", "txt", "odt"]),
    "timesheet": (g_timesheet, 3, ["ru", "ru", "kk", "en"], ["xlsx", "xlsx", "pdf", "docx"]),
    "hr_review": (g_hr_review, 3, ["ru", "ru", "kk", "en"], ["docx", "odt", "pdf", "txt"]),
    "vmi_list": (g_vmi_list, 3, ["ru", "ru", "kk", "en"], ["xlsx", "docx", "pdf"]),
}
NEW_SHARE = 0.2  # of the PD files that are not ZIPs
# the identity documents of issue 15, from a third stream (see generate())
ID_POSITIVES = {
    "passport_mrz": (g_passport_mrz, 3, ["ru", "ru", "kk", "en"], ["txt", "docx", "pdf", "odt"]),
    "passport_ru": (g_passport_ru, 2, ["ru", "ru", "kk", "en"], ["txt", "docx", "pdf", "xlsx"]),
}
ID_NEGATIVES = {
    "mrz_near_miss": (g_mrz_near_miss, 1, ["ru", "kk", "en"], ["txt", "docx", "pdf", "log"]),
}
ID_SHARE = 0.08  # of the PD and of the negative files that are not ZIPs
# names without identifiers (issue 15), a fourth stream
NAME_POSITIVES = {
    "staff_table": (g_staff_table, 3, ["ru", "ru", "kk", "en"], ["xlsx", "xlsx", "csv", "ods", "docx", "pdf"]),
    "payslip_noiin": (g_payslip_noiin, 3, ["ru", "ru", "kk", "en"], ["csv1251", "xlsx", "ods", "csv", "pdf"]),
}
NAME_NEGATIVES = {
    "street_list": (g_street_list, 1, ["ru"], ["xlsx", "csv", "docx"]),
    "bibliography": (g_bibliography, 1, ["ru", "en"], ["docx", "txt", "pdf"]),
    "company_names": (g_company_names, 1, ["ru"], ["xlsx", "csv1251", "ods"]),
    "news": (g_news, 1, ["ru", "en"], ["docx", "txt", "odt"]),
}
NAME_SHARE = 0.08  # of the PD and of the negative files that are not ZIPs
NEGATIVES = {
    "app_log": (g_app_log, 7, ["en"], ["log"]),
    "invoice_register": (g_invoice_register, 6, ["ru", "ru", "kk", "en"], ["xlsx", "csv1251", "csv"]),
    "bin_registry": (g_bin_registry, 5, ["ru", "kk", "en"], ["xlsx", "csv", "docx"]),
    "policy_text": (g_policy_text, 7, ["ru", "ru", "kk", "en"], ["docx", "odt", "pdf", "md", "txt", "rtf"]),
    "source_code": (g_source_code, 4, ["en"], ["py", "c", "sql", "js"]),
    "product_catalog": (g_product_catalog, 3, ["ru", "en"], ["xlsx", "csv"]),
    "numeric_table": (g_numeric_table, 3, ["en"], ["csv", "xlsx"]),
    "orders": (g_orders, 3, ["ru", "en"], ["csv", "xlsx"]),
    "shipments": (g_shipments, 3, ["ru", "en"], ["csv", "txt"]),
    "payment_log": (g_payment_log, 3, ["en"], ["log"]),
    "contracts": (g_contracts, 3, ["ru"], ["xlsx", "csv1251", "docx"]),
    "supply_contract": (g_supply_contract, 4, ["ru", "ru", "kk", "en"], ["docx", "pdf", "odt", "txt", "rtf"]),
    "newsletter": (g_newsletter, 2, ["ru", "en"], ["docx", "odt"]),
    "salary_stats": (g_salary_stats, 3, ["ru", "kk"], ["docx", "xlsx", "md"]),
    "meeting_notes": (g_meeting_notes, 3, ["ru", "en"], ["md", "txt", "pdf", "odt"]),
    "empty": (g_empty, 0.5, ["en"], ["txt"]),
    "binary": (g_binary, 0.5, ["en"], ["bin"]),
}

DIRS = {
    "personnel_list": "HR/Сотрудники", "payroll": "Бухгалтерия/Зарплата", "payroll_1c": "Бухгалтерия/1C_export",
    "sick_leave": "HR/Больничные", "id_copy": "HR/Документы", "bank_details": "Бухгалтерия/Реквизиты",
    "card_list": "Бухгалтерия/Карты", "hr_order": "HR/Приказы", "phone_list": "Общее", "hr_app_log": "it/logs",
    "biometric": "Безопасность/СКУД", "app_log": "it/logs", "invoice_register": "Бухгалтерия/ЭСФ",
    "bin_registry": "Бухгалтерия/Контрагенты", "policy_text": "Общее/Положения", "source_code": "it/src",
    "product_catalog": "Продажи", "numeric_table": "it/metrics", "orders": "Продажи/Заказы",
    "shipments": "Склад", "payment_log": "it/logs", "contracts": "Юристы/Договоры",
    "supply_contract": "Юристы/Договоры", "personnel_card": "HR/Личные дела", "newsletter": "Общее/Вестник",
    "salary_stats": "Бухгалтерия/Отчеты", "meeting_notes": "Общее/Протоколы", "empty": "misc", "binary": "misc",
    "personal_file": "HR/Личные дела", "resume": "HR/Кандидаты", "timesheet": "HR/Табели",
    "hr_review": "HR/Приказы", "vmi_list": "HR/ДМС",
    "passport_mrz": "HR/Документы", "passport_ru": "HR/Документы", "mrz_near_miss": "it/logs",
    "staff_table": "HR/Штат", "payslip_noiin": "Бухгалтерия/Зарплата", "street_list": "Продажи/Доставка",
    "bibliography": "Общее/Библиотека", "company_names": "Бухгалтерия/Контрагенты", "news": "Общее/Новости",
}
EXT = {"csv1251": "csv", "log": "log", "bin": "bin"}


def render(doc, fmt, rng):
    """Bytes of the Doc in format fmt, and tags describing how it was written."""
    tags = set()
    if fmt == "txt":
        return formats.to_text(doc, newline="\r\n" if rng.random() < 0.3 else "\n"), tags
    if fmt in ("md",):
        return formats.to_markdown(doc), tags
    if fmt in ("log", "py", "c", "sql", "js"):
        return formats.to_text(doc), tags
    if fmt == "csv":
        bom = rng.random() < 0.3
        if bom:
            tags.add("utf8-bom")
        return formats.to_csv(doc, sep=rng.choice([";", ";", ",", "\t"]), bom=bom), tags
    if fmt == "csv1251":
        tags.add("cp1251")
        return formats.to_csv(doc, sep=";", encoding="cp1251"), tags
    if fmt == "docx":
        if rng.random() < 0.35:
            doc.split_runs = rng
            tags.add("docx-split-runs")
        return formats.to_docx(doc), tags
    if fmt == "xlsx":
        inline = rng.random() < 0.15
        if inline:
            tags.add("xlsx-inline-strings")
        return formats.to_xlsx(doc, inline_strings=inline), tags
    if fmt == "odt":
        return formats.to_odt(doc), tags
    if fmt == "ods":
        return formats.to_odt(doc, spreadsheet=True), tags
    if fmt == "rtf":
        return formats.to_rtf(doc), tags
    if fmt == "pdf":
        comp = rng.random() < 0.5
        tags.add("pdf-flate" if comp else "pdf-plain")
        return formats.to_pdf(doc, compress=comp), tags
    if fmt == "bin":
        return doc.blob, tags
    raise ValueError(fmt)


def slug(rng, kind, lang):
    base = {
        "ru": {"personnel_list": "Список_сотрудников", "payroll": "Ведомость_ЗП", "payroll_1c": "zp_export",
               "sick_leave": "Больничный", "id_copy": "Копия_УЛ", "bank_details": "Реквизиты",
               "card_list": "Карты", "hr_order": "Приказ", "phone_list": "Телефоны",
               "invoice_register": "Реестр_ЭСФ", "bin_registry": "Контрагенты", "policy_text": "Положение",
               "product_catalog": "Прайс", "orders": "Заказы", "shipments": "Накладные",
               "contracts": "Договоры", "salary_stats": "Средняя_ЗП", "meeting_notes": "Протокол",
               "personal_file": "Личный_листок", "resume": "Резюме", "timesheet": "Табель",
               "hr_review": "Приказ", "vmi_list": "ДМС_список"},
        "kk": {"personnel_list": "Қызметкерлер", "payroll": "Жалақы", "sick_leave": "Жарамсыздық_парағы",
               "id_copy": "Жеке_куәлік", "bank_details": "Деректемелер", "card_list": "Карталар",
               "hr_order": "Бұйрық", "phone_list": "Телефондар", "invoice_register": "Шот_фактуралар",
               "bin_registry": "Контрагенттер", "policy_text": "Ереже", "salary_stats": "Орташа_жалақы",
               "personal_file": "Жеке_іс", "resume": "Түйіндеме", "timesheet": "Табель",
               "hr_review": "Бұйрық", "vmi_list": "ЕМС_тізімі"},
    }
    name = base.get(lang, {}).get(kind, kind)
    return "%s_%04d" % (name, rng.randrange(10000))


def make_zip(rng, want_pd, depth=1):
    """A ZIP of 2-5 documents (sometimes a ZIP inside); PD when any member is."""
    members, label, cats, kinds, tags = [], "none", set(), [], set()
    n = rng.randrange(2, 6)
    pd_slot = rng.randrange(n) if want_pd else -1
    for i in range(n):
        if depth == 1 and i == n - 1 and rng.random() < 0.25:
            data, l2, c2, k2, t2 = make_zip(rng, want_pd and i == pd_slot)
            members.append(("archive/inner_%d.zip" % i, data))
            tags |= t2 | {"nested-zip"}
        else:
            table = POSITIVES if i == pd_slot else NEGATIVES
            kind = weighted(rng, {k: v for k, v in table.items() if k not in ("binary", "empty")})
            gen, _, langs, fmts = table[kind]
            lang = rng.choice(langs)
            fmt = rng.choice(fmts)
            if fmt == "csv1251" and lang != "ru":
                fmt = "csv"
            doc = gen(rng, lang, fmt)
            data, t2 = render(doc, fmt, rng)
            tags |= t2 | doc.tags
            members.append(("%s/%s.%s" % (DIRS[kind].split("/")[-1], slug(rng, kind, lang), EXT.get(fmt, fmt)), data))
            l2, c2, k2 = doc.label, doc.categories, [kind]
        if l2 == "pd":
            label = "pd"
            cats |= c2
        kinds += k2
    return formats.to_zip(members), label, cats, kinds, tags


def weighted(rng, table):
    kinds = sorted(table)
    return rng.choices(kinds, weights=[table[k][1] for k in kinds])[0]


def one_file(rng, table):
    """One document of a kind drawn from table: its path, truth entry and bytes."""
    kind = weighted(rng, table)
    gen, _, langs, fmts = table[kind]
    lang = rng.choice(langs)
    fmt = rng.choice(fmts)
    if fmt == "csv1251" and lang != "ru":
        fmt = "csv"      # CP1251 has no Kazakh letters; 1C exports Kazakh text as UTF-8
    doc = gen(rng, lang, fmt)
    data, tags = render(doc, fmt, rng)
    tags |= doc.tags
    ext = EXT.get(fmt, fmt)
    if fmt == "rtf" and rng.random() < 0.5:
        ext = "doc"      # Word's "Rich Text" is often saved with a .doc name
        tags.add("rtf-named-doc")
    if rng.random() < 0.03 and fmt not in ("bin",):
        ext = ""
        tags.add("no-extension")
    rel = "%s/%s" % (DIRS[kind], slug(rng, kind, doc.lang))
    rel += ("." + ext) if ext else ""
    entry = {"label": doc.label, "categories": sorted(doc.categories), "kind": kind,
             "lang": doc.lang, "format": fmt, "tags": sorted(tags)}
    return rel, entry, data


def generate(out, seed, nfiles, neg_share=0.45):
    rng = random.Random(seed)
    rng_new = random.Random("%d/kinds-2026-12" % seed)
    rng_id = random.Random("%d/kinds-id-docs" % seed)
    rng_names = random.Random("%d/kinds-names" % seed)
    truth = {}
    used = set()
    nneg = round(nfiles * neg_share)
    plan = [False] * nneg + [True] * (nfiles - nneg)
    rng.shuffle(plan)
    for i, want_pd in enumerate(plan):
        if rng.random() < 0.05:
            data, label, cats, kinds, tags = make_zip(rng, want_pd)
            rel = "%s/Архив_%04d.zip" % ("Общее/Архивы", i)
            entry = {"label": label, "categories": sorted(cats), "kind": "zip:" + "+".join(kinds),
                     "lang": "mixed", "format": "zip", "tags": sorted(tags)}
        else:
            rel, entry, data = one_file(rng, POSITIVES if want_pd else NEGATIVES)
            # Drawn after the slot's own draws, from a stream of their own: adding these kinds
            # left every other file of a seed as it was (same bytes and, but for a name clash, path).
            if want_pd and rng_new.random() < NEW_SHARE:
                rel, entry, data = one_file(rng_new, NEW_POSITIVES)
            # the same again for the identity documents (issue 15), a third stream
            if rng_id.random() < ID_SHARE:
                rel, entry, data = one_file(rng_id, ID_POSITIVES if want_pd else ID_NEGATIVES)
            # and for names without identifiers, a fourth
            elif rng_names.random() < NAME_SHARE:
                rel, entry, data = one_file(rng_names, NAME_POSITIVES if want_pd else NAME_NEGATIVES)
        while rel in used:
            root, dot, ext = rel.rpartition(".")
            rel = (root + "_1." + ext) if dot and "/" not in ext else rel + "_1"
        used.add(rel)
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        entry["bytes"] = len(data)
        truth[rel] = entry
    doc = {"format": TRUTH_FORMAT, "generator": "tests/corpus/gen_corpus.py", "seed": seed,
           "count": len(truth), "files": dict(sorted(truth.items()))}
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1, sort_keys=False)
        f.write("\n")
    return truth


def main():
    ap = argparse.ArgumentParser(
        description="Generate a labelled corpus of files with and without personal data, and DIR/truth.json.",
        epilog="Example: tests/corpus/gen_corpus.py --out /tmp/corpus --seed 1 --files 300")
    ap.add_argument("--out", help="output directory (created; must be empty or absent)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1); same seed, same bytes")
    ap.add_argument("--files", type=int, default=300, help="number of files (default 300)")
    ap.add_argument("--negatives", type=float, default=0.45,
                    help="share of files drawn from the negative kinds (default 0.45)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the IIN/BIN/IBAN/Luhn code against the worked examples and exit")
    ap.add_argument("--force", action="store_true", help="allow a non-empty output directory")
    a = ap.parse_args()
    if a.self_test:
        fails = kzid.self_test()
        for f in fails:
            print("self-test: FAIL: " + f, file=sys.stderr)
        if not fails:
            print("self-test: ok (900101300007 valid, 850520400003 valid, 900101300002 invalid, "
                  "900230300019 invalid date, 900101300800 never issued)")
        return 1 if fails else 0
    if not a.out:
        ap.error("--out DIR is required (or --self-test)")
    if a.files < 1:
        ap.error("--files must be at least 1")
    if not 0 <= a.negatives <= 1:
        ap.error("--negatives must be between 0 and 1")
    if os.path.exists(a.out) and os.listdir(a.out) and not a.force:
        print("gen_corpus: %s is not empty (use --force to write into it anyway)" % a.out, file=sys.stderr)
        return 2
    try:
        os.makedirs(a.out, exist_ok=True)
        truth = generate(a.out, a.seed, a.files, a.negatives)
    except OSError as e:
        print("gen_corpus: cannot write the corpus: %s" % e, file=sys.stderr)
        return 2
    npd = sum(1 for e in truth.values() if e["label"] == "pd")
    print("gen_corpus: %d files (%d pd, %d none) in %s, seed %d" % (len(truth), npd, len(truth) - npd, a.out, a.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
