#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Seed corpus for rules_fuzz: the shipped rule files, a few broken ones, and classified text.
set -eu
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
cp "$top"/policies/rules.d/*.conf "$out/"
printf '[rule t]\ncategory = basic\npattern = ([0-9]{12}\n' >"$out/broken-pcre.conf"
printf '[rule t]\npattern = (?<![0-9])\n  pattern = [0-9]{12}\ncontext = @nosuch, ИИН*\n' \
	>"$out/continued.conf"
printf 'Список: ФИО;ИИН\nИванов;900101300007\nпаспорт N12345678\nKZ86125KZT5004100100\n' \
	>"$out/text.txt"
# digit-gated patterns with numbers of their shape in the same input (checked against dgate.h)
printf '[rule g]\ncategory = basic\npattern = (?<![0-9])[0-9]{4}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}(?![0-9])\n%s\n' \
	'# 4400 1234-5678 9012 345 +7 (701) 123-45-67 87011234567 900101300007' >"$out/gate-card.conf"
printf '[rule p]\ncategory = basic\npattern = (?:\\+7|8)[ -]?\\(?7[0-9]{2}\\)?[ -]?[0-9]{3}(?:-?[0-9]{2}){2}\n%s\n' \
	'# +7 (701) 123-45-67, 8 701 123 4567, 8(777)1234567' >"$out/gate-phone.conf"
