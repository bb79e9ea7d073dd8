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
