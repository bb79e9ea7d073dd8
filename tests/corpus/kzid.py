# SPDX-License-Identifier: GPL-2.0
"""Kazakhstan identifiers for the test corpus: IIN, BIN, KZ IBAN, card numbers (Luhn), phones.

Generators take a random.Random so that a corpus is a pure function of its seed. The checks are
written from the rules in shared/notes/classification.md (IIN law Z070000223), not copied from
any validator library.
"""

import datetime

IIN_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
IIN_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_check_digit(first11):
    """Check digit of an IIN or BIN from its first 11 digits, or None when never issued."""
    d = [int(c) for c in first11]
    if len(d) != 11:
        raise ValueError("need 11 digits")
    s = sum(x * w for x, w in zip(d, IIN_WEIGHTS_1)) % 11
    if s == 10:
        s = sum(x * w for x, w in zip(d, IIN_WEIGHTS_2)) % 11
        if s == 10:
            return None
    return s


def iin_checksum_ok(s):
    """True when the 12-digit string's last digit is its check digit."""
    if len(s) != 12 or not s.isdigit():
        return False
    c = iin_check_digit(s[:11])
    return c is not None and c == int(s[11])


def iin_birth_date(s):
    """Birth date encoded in an IIN, or None when the date or the century digit is impossible."""
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}.get(s[6])
    if century is None:
        return None
    try:
        return datetime.date(century + int(s[0:2]), int(s[2:4]), int(s[4:6]))
    except ValueError:
        return None


def iin_valid(s, strict=True):
    """An IIN as the classifier should accept it: check digit, and in strict mode date+century."""
    if not iin_checksum_ok(s):
        return False
    return iin_birth_date(s) is not None if strict else True


def bin_valid(s):
    """A BIN: check digit, month 01-12, digit 5 (type) 4-6, digit 6 (division) 0-3."""
    return (iin_checksum_ok(s) and 1 <= int(s[2:4]) <= 12 and s[4] in "456" and s[5] in "0123")


def make_iin(rng, birth, male):
    """A valid IIN for a person born on date birth (1900-2099)."""
    if birth.year >= 2000:
        cs = 5 if male else 6
    else:
        cs = 3 if male else 4
    head = birth.strftime("%y%m%d") + str(cs)
    while True:
        first11 = head + "%04d" % rng.randrange(1, 10000)
        c = iin_check_digit(first11)
        if c is not None:
            return first11 + str(c)


def make_bad_iin(rng):
    """IIN-shaped (plausible date and century digit) but with a wrong check digit."""
    birth = datetime.date(rng.randrange(1950, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
    good = make_iin(rng, birth, rng.random() < 0.5)
    bad = (int(good[11]) + rng.randrange(1, 10)) % 10
    return good[:11] + str(bad)


def make_bin(rng):
    """A valid BIN: registration YYMM, type 4-6, division 0-3, serial, check digit."""
    while True:
        yy = rng.randrange(0, 25) if rng.random() < 0.7 else rng.randrange(95, 100)
        head = "%02d%02d%s%s" % (yy, rng.randrange(1, 13), rng.choice("444456"), rng.choice("0001123"))
        first11 = head + "%05d" % rng.randrange(0, 100000)
        c = iin_check_digit(first11)
        if c is not None:
            return first11 + str(c)


def random_digits(rng, n, first_nonzero=True):
    s = str(rng.randrange(1, 10)) if first_nonzero else str(rng.randrange(10))
    return s + "".join(str(rng.randrange(10)) for _ in range(n - 1))


def _iban_numeric(s):
    return "".join(str(int(c, 36)) for c in s)


def iban_valid(s):
    s = s.replace(" ", "")
    if len(s) != 20 or not s.startswith("KZ"):
        return False
    return int(_iban_numeric(s[4:] + s[:4])) % 97 == 1


# Bank code (IBAN digits 5-7) and BIC of banks that pay salaries in Kazakhstan.
KZ_BANKS = [
    ("722", "CASPKZKA", "АО «Kaspi Bank»"),
    ("601", "HSBKKZKX", "АО «Народный Банк Казахстана»"),
    ("856", "KCJBKZKX", "АО «Банк ЦентрКредит»"),
    ("965", "IRTYKZKA", "АО «ForteBank»"),
    ("998", "TSESKZKA", "АО «First Heartland Jusan Bank»"),
    ("914", "SABRKZKA", "АО «Bereke Bank»"),
]


def make_iban(rng, bank_code=None):
    bank = bank_code or rng.choice(KZ_BANKS)[0]
    acct = "".join(rng.choice("0123456789") for _ in range(3)) + "KZT" + random_digits(rng, 7) \
        if rng.random() < 0.6 else "".join(rng.choice("0123456789") for _ in range(13))
    bban = bank + acct
    check = 98 - int(_iban_numeric(bban + "KZ00")) % 97
    return "KZ%02d%s" % (check, bban)


def luhn_ok(s):
    digits = [int(c) for c in s if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def make_card(rng, valid=True):
    """16-digit card number with a Kazakh issuer prefix; Luhn-valid or deliberately not."""
    prefix = rng.choice(["440043", "400303", "516949", "539545", "220001", "417456", "535623"])
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(9))
    for last in range(10):
        if luhn_ok(body + str(last)) == valid:
            return body + str(last)
    raise AssertionError("unreachable")


def make_mobile(rng):
    return "7" + rng.choice(["701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"]) \
        + random_digits(rng, 7, first_nonzero=True)


def format_phone(rng, p11):
    """p11 is 7XXXXXXXXXX; spell it the many ways people do."""
    op, a, b, c = p11[1:4], p11[4:7], p11[7:9], p11[9:11]
    return rng.choice([
        "+7 (%s) %s-%s-%s" % (op, a, b, c),
        "+7 %s %s %s %s" % (op, a, b, c),
        "8 %s %s %s %s" % (op, a, b, c),
        "+7%s%s%s%s" % (op, a, b, c),
        "8%s%s%s%s" % (op, a, b, c),
        "8 (%s) %s-%s-%s" % (op, a, b, c),
    ])


# ICAO 9303 machine-readable zones (passports TD3, identity cards TD1), written from Doc 9303's
# description: check digits with weights 7, 3, 1 over 0-9 = 0..9, A-Z = 10..35, '<' = 0.
def mrz_check_digit(field):
    val = lambda c: int(c) if c.isdigit() else 0 if c == "<" else ord(c) - ord("A") + 10
    return str(sum(val(c) * (7, 3, 1)[i % 3] for i, c in enumerate(field)) % 10)


def mrz_name(surname, given, width):
    """SURNAME<<GIVEN<NAMES in Latin capitals, fillers '<', cut or padded to width."""
    clean = lambda s: "".join(c if "A" <= c <= "Z" else "<" for c in s.upper())
    return (clean(surname) + "<<" + clean(given))[:width].ljust(width, "<")


def mrz_td3(state, number, nat, birth, sex, expiry, surname, given, personal=""):
    """The two 44-character lines of a passport; birth and expiry are datetime.date."""
    l1 = "P<" + state + mrz_name(surname, given, 39)
    num = number.ljust(9, "<")
    pers = personal.ljust(14, "<")
    pcd = mrz_check_digit(pers) if personal else "<"
    b, e = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    l2 = num + mrz_check_digit(num) + nat + b + mrz_check_digit(b) + sex + e + mrz_check_digit(e) \
        + pers + pcd
    l2 += mrz_check_digit(l2[0:10] + l2[13:20] + l2[21:43])
    return [l1, l2]


def mrz_td1(state, number, nat, birth, sex, expiry, surname, given, optional=""):
    """The three 30-character lines of an identity card (document number of at most 9)."""
    num = number.ljust(9, "<")
    l1 = ("I<" + state + num + mrz_check_digit(num) + optional).ljust(30, "<")
    b, e = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    l2 = (b + mrz_check_digit(b) + sex + e + mrz_check_digit(e) + nat).ljust(29, "<")
    l2 += mrz_check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    return [l1, l2, mrz_name(surname, given, 30)]


# where each check digit of a zone is: (line, column) for TD3 and TD1
MRZ_CHECKS = {2: [(1, 9), (1, 19), (1, 27), (1, 43)], 3: [(0, 14), (1, 6), (1, 14), (1, 29)]}


def mrz_spoil(rng, lines):
    """The same zone with one check digit changed: the near miss a validator must refuse."""
    li, col = rng.choice(MRZ_CHECKS[len(lines)])
    lines = list(lines)
    old = lines[li][col]
    new = rng.choice([d for d in "0123456789" if d != old])
    lines[li] = lines[li][:col] + new + lines[li][col + 1:]
    return lines


def mrz_valid(lines):
    """Whether every check digit of a TD3 or TD1 zone is right (the generator's own check)."""
    cd = mrz_check_digit
    if len(lines) == 2:
        l2 = lines[1]
        pers_ok = l2[42] == cd(l2[28:42]) or (l2[42] == "<" and l2[28:42] == "<" * 14)
        return l2[9] == cd(l2[0:9]) and l2[19] == cd(l2[13:19]) and l2[27] == cd(l2[21:27]) \
            and pers_ok and l2[43] == cd(l2[0:10] + l2[13:20] + l2[21:43])
    l1, l2 = lines[0], lines[1]
    return l1[14] == cd(l1[5:14]) and l2[6] == cd(l2[0:6]) and l2[14] == cd(l2[8:14]) \
        and l2[29] == cd(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])


def self_test():
    """The worked examples of shared/notes/classification.md; returns a list of failures."""
    fails = []
    cases = [
        ("900101300007", True, "valid (sum 40 -> 7)"),
        ("850520400003", True, "valid (second pass -> 3)"),
        ("900101300002", False, "wrong check digit"),
        ("900230300019", False, "checksum ok but 30 February"),
        ("900101300800", False, "never issued (10 on both passes)"),
    ]
    for iin, want, why in cases:
        if iin_valid(iin) != want:
            fails.append("%s: expected %s (%s)" % (iin, "valid" if want else "invalid", why))
    if not iin_checksum_ok("900230300019"):
        fails.append("900230300019: checksum should pass (only the date is wrong)")
    if iin_check_digit("90010130080") is not None:
        fails.append("90010130080x: should be never issued")
    if iin_check_digit("85052040000") != 3:
        fails.append("85052040000x: second pass should give 3")
    import random
    rng = random.Random(1)
    for _ in range(2000):
        birth = datetime.date(rng.randrange(1930, 2010), rng.randrange(1, 13), rng.randrange(1, 29))
        s = make_iin(rng, birth, rng.random() < 0.5)
        if not iin_valid(s) or iin_birth_date(s) != birth or bin_valid(s):
            fails.append("generated IIN %s is not valid or is a BIN" % s)
            break
        if iin_valid(make_bad_iin(rng)):
            fails.append("make_bad_iin produced a valid IIN")
            break
        b = make_bin(rng)
        if not bin_valid(b):
            fails.append("generated BIN %s is not valid" % b)
            break
        if not iban_valid(make_iban(rng)):
            fails.append("generated IBAN is not valid")
            break
        if not luhn_ok(make_card(rng)) or luhn_ok(make_card(rng, valid=False)):
            fails.append("card Luhn generation wrong")
            break
    if not iban_valid("KZ86125KZT5004100100"):
        fails.append("KZ86125KZT5004100100 (published example) should be a valid IBAN")
    # ICAO Doc 9303 specimens (Utopia): a TD3 passport and a TD1 identity card
    td3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
           "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
    td1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
           "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
    b, e = datetime.date(1974, 8, 12), datetime.date(2012, 4, 15)
    if mrz_td3("UTO", "L898902C3", "UTO", b, "F", e, "ERIKSSON", "ANNA MARIA", "ZE184226B") != td3:
        fails.append("TD3 specimen L898902C3 not reproduced")
    if mrz_td1("UTO", "D23145890", "UTO", b, "F", e, "ERIKSSON", "ANNA MARIA") != td1:
        fails.append("TD1 specimen D23145890 not reproduced")
    for z in (td3, td1):
        if not mrz_valid(z) or mrz_valid(mrz_spoil(rng, z)):
            fails.append("MRZ check wrong on the %s specimen or its spoiled copy" % len(z))
    if not luhn_ok("4111111111111111") or luhn_ok("4111111111111112"):
        fails.append("Luhn check wrong on 4111111111111111/...2")
    return fails
