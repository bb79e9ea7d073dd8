#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make a tree of N small files for the agent's initial-scan benchmark: office-like text, 2% of
them with a personnel record (fictitious people, valid IIN check digits), the rest without PD.
Usage: mktree.py DIR N [SEED]"""
import os
import random
import sys


def iin(rnd):
    while True:
        d = [rnd.randint(6, 9), rnd.randint(0, 9), 0, rnd.randint(1, 9), rnd.randint(1, 2),
             rnd.randint(0, 8), 3 + rnd.randint(0, 1)] + [rnd.randint(0, 9) for _ in range(4)]
        for w in (list(range(1, 12)), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
            c = sum(a * b for a, b in zip(d, w)) % 11
            if c != 10:
                return "".join(map(str, d)) + str(c)


def main():
    top, n = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    words = ("отчёт план встреча проект бюджет закупка поставка договор счёт акт склад "
             "meeting project budget report есеп жоспар келісім").split()
    for i in range(n):
        d = os.path.join(top, "dept%02d" % (i % 50), "sub%03d" % (i // 50 % 40))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "doc%06d.txt" % i), "w", encoding="utf-8") as f:
            body = " ".join(rnd.choice(words) for _ in range(rnd.randint(40, 160)))
            if i % 50 == 0:
                body += "\nФИО: Сотрудник %d, ИИН %s, приказ о приеме на работу\n" % (i, iin(rnd))
            f.write(body + "\n")


if __name__ == "__main__":
    main()
