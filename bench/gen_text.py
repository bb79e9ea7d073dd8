#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a large mixed Russian/Kazakh/English plain-text file for the classifier benchmark.

Most lines are ordinary office prose and log lines; a sprinkling carries what the classifier
looks for or must reject: valid IINs with and without context, phones, payroll words, KZ IBANs,
card numbers, 12-digit invoice numbers and request ids. The density is about what a busy file
share holds, so the benchmark measures the common case (mostly clean text) and the candidate
confirmation path both.

Deterministic: the same --seed and --size-mib give the same bytes.
"""

import argparse
import datetime
import os
import random
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "corpus"))
import kzid  # noqa: E402

PROSE_RU = [
    "Согласно плану работ на текущий квартал отдел продаж должен подготовить отчет о выполнении показателей.",
    "Просим согласовать график отпусков до конца месяца и направить его в отдел кадров.",
    "В связи с переходом на новую версию учетной системы резервное копирование будет выполнено в выходные.",
    "Поставка оборудования ожидается на следующей неделе, счет на оплату приложен к письму.",
    "Совещание по итогам года переносится на четверг, переговорная на третьем этаже.",
    "Сверка взаиморасчетов с контрагентами должна быть завершена до закрытия периода.",
    "Склад в Караганде переходит на новый график приемки товара с понедельника.",
]
PROSE_KK = [
    "Ағымдағы тоқсанның жұмыс жоспарына сәйкес сату бөлімі есеп дайындауы тиіс.",
    "Демалыс кестесін ай соңына дейін келісіп, кадр бөліміне жіберуіңізді сұраймыз.",
    "Жабдықты жеткізу келесі аптада күтілуде, төлем шоты хатқа қоса беріледі.",
    "Жылдың қорытындысы бойынша кеңес бейсенбіге ауыстырылады.",
]
PROSE_EN = [
    "The quarterly report is due on Friday; please send your figures to the finance team.",
    "Backups of the accounting server will run over the weekend during the migration.",
    "The delivery of network equipment is expected next week, the invoice is attached.",
    "Please review the updated travel policy before booking any flights.",
]
PAYROLL = ["оклад", "начислено", "удержано", "к выплате", "ИПН", "ОПВ", "ВОСМС", "жалақы", "еңбекақы",
           "есептелді", "ұсталды", "заработная плата", "расчетный листок"]
NAMES = ["Ахметов Ерлан Нурланович", "Сейткалиева Айгерим Маратовна", "Иванов Сергей Петрович",
         "Ким Ольга Владимировна", "Жумабаев Данияр Серикович", "Нұрланұлы Арман"]


def business(rng, t):
    """A business line without identifiers: dates, sums, invoice, room and order numbers."""
    return rng.choice([
        "Счет № %d от %s на сумму %d %03d,%02d тенге, оплата до %s" % (
            rng.randrange(1, 99999), t.strftime("%d.%m.%Y"), rng.randrange(1, 999), rng.randrange(1000),
            rng.randrange(100), (t + datetime.timedelta(days=10)).strftime("%d.%m.%Y")),
        "Совещание %s в %s, кабинет %d, этаж %d" % (t.strftime("%d.%m.%Y"), t.strftime("%H:%M"),
                                                   rng.randrange(100, 999), rng.randrange(1, 12)),
        "Invoice %d-%d dated %s, total %d.%02d USD, PO %d" % (
            rng.randrange(2020, 2025), rng.randrange(1, 9999), t.strftime("%Y-%m-%d"),
            rng.randrange(10**6), rng.randrange(100), rng.randrange(10**5)),
        "Тапсырыс № %d, %s, сомасы %d теңге, қойма %d" % (rng.randrange(1, 99999), t.strftime("%d.%m.%Y"),
                                                         rng.randrange(10**6), rng.randrange(1, 40)),
    ])


def pool(rng, n, mix="mixed"):
    out = []
    t = datetime.datetime(2024, 1, 1)
    for _ in range(n):
        r = rng.random()
        t += datetime.timedelta(seconds=rng.randrange(1, 120))
        if mix != "mixed":
            # the same prose shares, then (business) numbers that are no identifiers
            if mix == "business" and r >= 0.5:
                out.append(business(rng, t))
                continue
            r = r % 0.5
        if r < 0.30:
            out.append(rng.choice(PROSE_RU))
        elif r < 0.40:
            out.append(rng.choice(PROSE_KK))
        elif r < 0.50:
            out.append(rng.choice(PROSE_EN))
        elif r < 0.75:
            out.append("%s INFO [gateway] request_id=%s path=/api/v2/orders/%d status=200 dur_ms=%d"
                       % (t.isoformat(), kzid.random_digits(rng, 12), rng.randrange(10**6), rng.randrange(900)))
        elif r < 0.83:
            out.append("Счет-фактура № %s от %s, БИН %s, сумма %d,%02d тенге"
                       % (kzid.random_digits(rng, 12), t.strftime("%d.%m.%Y"), kzid.make_bin(rng),
                          rng.randrange(10**7), rng.randrange(100)))
        elif r < 0.88:
            out.append("Заказ %s отгружен, склад Алматы, %s" % ("8" + kzid.random_digits(rng, 10, False),
                                                                 t.strftime("%d.%m.%Y %H:%M")))
        elif r < 0.93:
            birth = datetime.date(rng.randrange(1960, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
            iin = kzid.make_iin(rng, birth, rng.random() < 0.5)
            out.append("%s;%s;%s;%s %d;ОПВ %d" % (rng.randrange(1, 3000), rng.choice(NAMES), iin,
                                                    rng.choice(PAYROLL), rng.randrange(150000, 900000),
                                                    rng.randrange(15000, 90000)))
        elif r < 0.95:
            out.append("Контактный телефон: %s, %s" % (kzid.format_phone(rng, kzid.make_mobile(rng)), rng.choice(NAMES)))
        elif r < 0.96:
            out.append("ИИК %s, карта %s" % (kzid.make_iban(rng), kzid.make_card(rng)))
        elif r < 0.97:
            out.append("Удостоверение личности № 0%s, паспорт N%s" % (kzid.random_digits(rng, 8), kzid.random_digits(rng, 8)))
        else:
            out.append("%s | %s | %d" % (t.strftime("%Y%m%d%H%M%S"), kzid.random_digits(rng, 9), rng.randrange(10**6)))
    return out


def main():
    ap = argparse.ArgumentParser(description="Write a large mixed ru/kk/en text file for benchmarks.")
    ap.add_argument("--out", required=True, help="output file (written to OUT.tmp, then renamed)")
    ap.add_argument("--size-mib", type=int, default=256, help="size in MiB (default 256)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mix", choices=("mixed", "prose", "business"), default="mixed",
                    help="mixed (default): the benchmark's mix; prose: office prose only; "
                         "business: prose and numbered business lines, no identifiers")
    a = ap.parse_args()
    if a.size_mib < 1:
        ap.error("--size-mib must be at least 1")
    rng = random.Random(a.seed)
    lines = pool(rng, 60000, a.mix)
    target = a.size_mib << 20
    tmp = a.out + ".tmp"
    written = 0
    try:
        with open(tmp, "wb") as f:
            while written < target:
                block = ("\n".join(rng.choices(lines, k=8192)) + "\n").encode("utf-8")
                if written + len(block) > target:
                    cut = block.rfind(b"\n", 0, target - written)
                    block = block[:cut + 1] if cut >= 0 else b""
                    block += b" " * (target - written - len(block) - 1) + b"\n"
                f.write(block)
                written += len(block)
        os.replace(tmp, a.out)
    except OSError as e:
        print("gen_text: cannot write %s: %s" % (a.out, e.strerror), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
