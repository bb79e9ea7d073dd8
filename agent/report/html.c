// SPDX-License-Identifier: GPL-2.0
/*
 * A report as one self-contained HTML page: inline CSS and SVG charts drawn here, no script, no
 * network (a Content-Security-Policy forbids any fetch), printable to PDF. English or Russian.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "report/doc.h"

struct tr {
	const char *key, *en, *ru;
};

/* Titles, column names and words of the reports; a key not here is shown humanised. */
static const struct tr trs[] = {
	{ "report_datamap", "Data map: where personal data lives", "Карта данных: где хранятся персональные данные" },
	{ "report_access", "Access review: who may read personal data", "Обзор доступа: кто может читать персональные данные" },
	{ "report_audit", "Audit readiness", "Готовность к проверке" },
	{ "summary", "Summary", "Сводка" },
	{ "generated", "Generated", "Сформирован" },
	{ "host", "Host", "Узел" },
	{ "policy", "Policy", "Политика" },
	{ "log", "Event log", "Журнал событий" },
	{ "period", "Period", "Период" },
	{ "whole_log", "the whole log", "весь журнал" },
	{ "shown_of", "rows shown of", "строк показано из" },
	{ "no_rows", "Nothing to show.", "Нет данных." },
	{ "masked", "No personal-data value appears in this report: paths, names, counts and times only.",
	  "Отчёт не содержит значений персональных данных: только пути, имена, количества и время." },
	{ "legend_threshold", "threshold", "порог" },
	/* sections */
	{ "by_category", "PD files by category", "Файлы с ПД по категориям" },
	{ "by_label", "Files by label", "Файлы по меткам" },
	{ "folders", "PD by folder", "ПД по папкам" },
	{ "by_owner", "PD by file owner", "ПД по владельцам файлов" },
	{ "files", "PD files (outside the policy's homes and stale exports first)",
	  "Файлы с ПД (сначала вне разрешённых мест и устаревшие выгрузки)" },
	{ "roles", "Roles", "Роли" },
	{ "users", "Effective access per user", "Фактический доступ пользователей" },
	{ "grants", "Grants and their use", "Временные доступы и их использование" },
	{ "review_hours", "Grant review: PD files per hour", "Проверка доступа: файлы с ПД по часам" },
	{ "review_events", "Grant review: every PD file opened, copied or refused",
	  "Проверка доступа: каждый открытый, скопированный или запрещённый файл с ПД" },
	{ "checks", "Readiness sheet", "Лист готовности" },
	{ "weeks", "Per week: PD opens, denials, alerts", "По неделям: открытия ПД, отказы, тревоги" },
	{ "mode_history", "Mode history", "История режима" },
	{ "alerts", "Alerts", "Тревоги" },
	{ "open_grants", "Open grants", "Действующие доступы" },
	{ "known_gaps", "Known gaps that apply to this host", "Известные ограничения для этого узла" },
	/* columns whose names are also sections' */
	{ "col.files", "Files", "Файлы" },
	{ "col.users", "Users", "Пользователи" },
	{ "col.roles", "Roles", "Роли" },
	{ "col.alerts", "Alerts", "Тревоги" },
	/* columns and summary keys */
	{ "category", "Category", "Категория" },
	{ "files", "Files", "Файлы" },
	{ "bytes", "Bytes", "Байт" },
	{ "label", "Label", "Метка" },
	{ "folder", "Folder", "Папка" },
	{ "depth", "Depth", "Уровень" },
	{ "pd_files", "PD files", "Файлы с ПД" },
	{ "categories", "Categories", "Категории" },
	{ "last_change", "Last change", "Последнее изменение" },
	{ "owner", "Owner", "Владелец" },
	{ "priority", "Priority", "Приоритет" },
	{ "path", "Path", "Путь" },
	{ "place", "Place", "Место" },
	{ "mode", "Mode", "Режим" },
	{ "modified", "Modified", "Изменён" },
	{ "changed", "Changed", "Атрибуты изменены" },
	{ "accessed", "Accessed", "Последний доступ" },
	{ "last_pd_open", "Last PD open (log)", "Последнее открытие (журнал)" },
	{ "stale", "Stale", "Устарел" },
	{ "role", "Role", "Роль" },
	{ "groups", "Groups", "Группы" },
	{ "users", "Users", "Пользователи" },
	{ "read", "May read", "Может читать" },
	{ "export", "May export", "Может выгружать" },
	{ "user", "User", "Пользователь" },
	{ "uid", "UID", "UID" },
	{ "kind", "Kind", "Тип" },
	{ "roles", "Roles", "Роли" },
	{ "granted", "Granted", "Выдано" },
	{ "effective_read", "Effective read", "Итого может читать" },
	{ "pd_opens", "PD opens", "Открытия ПД" },
	{ "denials", "Denials", "Отказы" },
	{ "would_deny", "Would deny (audit)", "Был бы отказ (аудит)" },
	{ "copies", "Copies to zones", "Копии в зоны" },
	{ "id", "ID", "ID" },
	{ "created", "Created", "Создан" },
	{ "until", "Until", "До" },
	{ "status", "Status", "Статус" },
	{ "approver", "Approver", "Утвердил" },
	{ "granted_by", "Granted by", "Выдал" },
	{ "reason", "Reason", "Причина" },
	{ "uses", "Uses", "Использований" },
	{ "first_use", "First use", "Первое использование" },
	{ "last_use", "Last use", "Последнее использование" },
	{ "note", "Note", "Примечание" },
	{ "hour", "Hour", "Час" },
	{ "distinct_files", "Distinct PD files", "Разных файлов с ПД" },
	{ "refused", "Refused", "Запрещено" },
	{ "threshold", "Threshold", "Порог" },
	{ "time", "Time", "Время" },
	{ "op", "Operation", "Операция" },
	{ "decision", "Decision", "Решение" },
	{ "zone", "Zone", "Зона" },
	{ "item", "Item", "Пункт" },
	{ "value", "Value", "Значение" },
	{ "evidence", "Evidence", "Источник" },
	{ "week", "Week of", "Неделя с" },
	{ "event", "Event", "Событие" },
	{ "seq", "Seq", "Номер" },
	{ "alert", "Alert", "Тревога" },
	{ "count", "Count", "Количество" },
	{ "last_file", "Last file", "Последний файл" },
	{ "source", "Source", "Источник" },
	{ "applies_because", "Applies because", "Применимо, потому что" },
	{ "gap", "Gap", "Ограничение" },
	{ "files_scanned", "Files looked at", "Просмотрено файлов" },
	{ "pd_bytes", "PD bytes", "Объём ПД, байт" },
	{ "label_pd", "Labelled PD", "С меткой ПД" },
	{ "label_derived", "Derived (copies of PD)", "Производные (копии ПД)" },
	{ "label_unknown", "Unknown (could not be read)", "Неизвестно (не прочитаны)" },
	{ "label_none", "Labelled without PD", "Без ПД" },
	{ "unlabelled", "Not labelled yet", "Без метки" },
	{ "outside_homes", "PD outside the policy's homes", "ПД вне разрешённых мест" },
	{ "stale_exports", "Stale exports", "Устаревшие выгрузки" },
	{ "stale_days", "Stale after (days)", "Устаревает через (дней)" },
	{ "unreadable", "Unreadable", "Не прочитано" },
	{ "files_not_listed", "PD files counted but not listed", "Файлы с ПД сверх списка" },
	{ "last_open_source", "Last opens from", "Последние открытия из" },
	{ "data_owners", "Data owners", "Владельцы данных" },
	{ "users_listed", "Users listed", "Пользователей" },
	{ "users_who_may_read_pd", "Users who may read PD", "Могут читать ПД" },
	{ "grants_active", "Grants active", "Действующие доступы" },
	{ "grants_expired", "Grants expired", "Истёкшие доступы" },
	{ "grants_revoked", "Grants revoked", "Отозванные доступы" },
	{ "grants_never_used", "Grants never used", "Неиспользованные доступы" },
	{ "log_events_counted", "Log events counted", "Учтено событий журнала" },
	{ "review_user", "Reviewed", "Проверяется" },
	{ "review_from", "From", "С" },
	{ "review_to", "To", "По" },
	{ "review_pd_opens", "PD opens", "Открытия ПД" },
	{ "review_copies", "Copies to USB/cloud", "Копии на USB/в облако" },
	{ "review_refused", "Refused", "Запрещено" },
	{ "review_max_files_per_hour", "Most PD files in one hour", "Больше всего файлов за час" },
	{ "mass_export_threshold_per_hour", "Mass-export threshold per hour", "Порог массовой выгрузки в час" },
	{ "review_alerts", "Alerts", "Тревоги" },
	{ "verdict", "Verdict", "Вывод" },
	{ "verdict_text", "Verdict", "Вывод" },
	{ "clean", "No mass export", "Массовой выгрузки нет" },
	{ "mass-export", "Mass export", "Массовая выгрузка" },
	{ "driver", "Driver", "Драйвер" },
	{ "policy_sha256", "Policy SHA-256", "SHA-256 политики" },
	{ "rules_sha256", "Rules SHA-256", "SHA-256 правил" },
	{ "log_chain", "Log chain", "Цепочка журнала" },
	{ "log_seals", "Log seals", "Печати журнала" },
	{ "log_events", "Log lines", "Строк журнала" },
	{ "events_in_period", "Events in the period", "Событий за период" },
	{ "log_first_break", "First break in", "Первый разрыв в" },
	{ "log_first_break_line", "First break at line", "Первый разрыв в строке" },
	{ "ok", "ok", "норма" },
	{ "warn", "attention", "внимание" },
	{ "fail", "FAIL", "СБОЙ" },
	{ "info", "info", "справка" },
	{ "kernel", "Kernel", "Ядро" },
	{ "bpf_lsm", "BPF LSM on this kernel", "BPF LSM на этом ядре" },
	{ "bpf_fmod_ret", "BPF fmod_ret on this kernel", "BPF fmod_ret на этом ядре" },
	{ "bpf_programs", "BPF programs attached", "Загруженные BPF-программы" },
	{ "kernel_module", "Kernel module", "Модуль ядра" },
	{ "driver_enforces", "What the driver enforces", "Что обеспечивает драйвер" },
	{ "mode_policy", "Mode in the policy", "Режим в политике" },
	{ "mode_log", "Mode in the log", "Режим по журналу" },
	{ "mode_module", "Mode in the module", "Режим модуля" },
	{ "policy_hash", "Policy hash", "Хэш политики" },
	{ "policy_changes", "Policy changes", "Изменения политики" },
	{ "rules_version", "Rules version", "Версия правил" },
	{ "log_sealing", "Log sealing", "Запечатывание журнала" },
	{ "retention", "Retention", "Хранение" },
	{ "log_health", "Log health", "Состояние журнала" },
	{ "agent_runs", "Agent runs", "Запуски агента" },
};

const char *doc_tr(const char *lang, const char *key)
{
	size_t i;

	if (!key)
		return "";
	for (i = 0; i < sizeof(trs) / sizeof(trs[0]); i++)
		if (!strcmp(trs[i].key, key))
			return lang && !strcmp(lang, "ru") ? trs[i].ru : trs[i].en;
	return key;
}

/* Text into HTML: & < > " escaped; bytes that are not UTF-8 shown as U+FFFD. */
static void esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;

	while (left) {
		switch (*p) {
		case '&': fputs("&amp;", f); n = 1; break;
		case '<': fputs("&lt;", f); n = 1; break;
		case '>': fputs("&gt;", f); n = 1; break;
		case '"': fputs("&quot;", f); n = 1; break;
		default:
			if (*p < 0x20) {
				fputc(' ', f);
				n = 1;
			} else if (*p < 0x80) {
				fputc(*p, f);
				n = 1;
			} else if ((n = utf8_seq_len(p, left))) {
				fwrite(p, 1, n, f);
			} else {
				fputs("\xef\xbf\xbd", f);
				n = 1;
			}
		}
		p += n;
		left -= n;
	}
}

static const char css[] =
	"body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#1a1a1a;font-size:13px}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid #ccc}"
	".meta{color:#555}.cards{display:flex;flex-wrap:wrap;gap:8px}"
	".card{border:1px solid #ddd;border-radius:6px;padding:6px 10px;min-width:140px}"
	".card b{display:block;font-size:16px}.card span{color:#555;font-size:11px}"
	"table{border-collapse:collapse;width:100%;margin:6px 0}"
	"th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}"
	"td{overflow-wrap:anywhere}"
	"th{background:#f2f2f2}td.n{text-align:right;white-space:nowrap}"
	".st-ok{color:#146c2e;font-weight:bold}.st-warn{color:#9a6700;font-weight:bold}"
	".st-fail{color:#b00020;font-weight:bold}.st-info{color:#555}"
	".verdict{font-size:16px;padding:10px;border-radius:6px;margin:10px 0}"
	".v-clean{background:#e6f4ea}.v-copies{background:#fff4e5}.v-mass-export{background:#fde7e9}"
	".note{color:#666;font-size:11px}svg{max-width:100%;height:auto}"
	"@media print{body{margin:8mm}section{break-inside:avoid-page}h2{break-after:avoid}}";

static const char *const colors[] = { "#3367d6", "#d93025", "#f29900" };

static int64_t cell_num(const struct cell *c)
{
	return c->type == CELL_INT ? c->n : 0;
}

static const char *cell_text(const struct cell *c, char *buf, size_t len)
{
	if (c->type == CELL_STR)
		return c->s;
	if (c->type == CELL_INT) {
		snprintf(buf, len, "%lld", (long long)c->n);
		return buf;
	}
	return "";
}

/* A column's header: "col.NAME" first, where NAME is also a section's title. */
static const char *col_name(const char *lang, const char *name)
{
	char key[64];
	const char *t;

	snprintf(key, sizeof(key), "col.%s", name);
	t = doc_tr(lang, key);
	return t != key ? t : doc_tr(lang, name);
}

/* A label for a chart: at most @max characters, the end kept (a path's last folders). */
static void short_label(FILE *f, const char *s, size_t max)
{
	size_t chars = 0;
	const char *p;

	for (p = s; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	if (chars <= max) {
		esc(f, s);
		return;
	}
	p = s;
	while (chars > max - 1) {
		p++;
		chars -= ((unsigned char)*p & 0xc0) != 0x80;
	}
	while (((unsigned char)*p & 0xc0) == 0x80)
		p++;
	fputs("\xe2\x80\xa6", f);
	esc(f, p);
}

#define HBAR_MAX 15

/* Horizontal bars: the @HBAR_MAX largest rows, in their order. */
static void chart_hbar(FILE *f, const struct section *s)
{
	const struct chart *ch = &s->chart;
	size_t idx[HBAR_MAX], n = 0, i, j, w;
	int64_t max = 1, v;
	char buf[32];

	for (i = 0; i < s->nrows; i++) {
		v = cell_num(&s->cells[i * s->ncols + ch->val_cols[0]]);
		if (n < HBAR_MAX) {
			idx[n++] = i;
			continue;
		}
		for (j = 0, w = 0; j < n; j++)
			if (cell_num(&s->cells[idx[j] * s->ncols + ch->val_cols[0]]) <
			    cell_num(&s->cells[idx[w] * s->ncols + ch->val_cols[0]]))
				w = j;
		if (v > cell_num(&s->cells[idx[w] * s->ncols + ch->val_cols[0]])) {
			memmove(&idx[w], &idx[w + 1], (n - w - 1) * sizeof(idx[0]));
			idx[n - 1] = i;
		}
	}
	if (!n)
		return;
	for (i = 0; i < n; i++) {
		v = cell_num(&s->cells[idx[i] * s->ncols + ch->val_cols[0]]);
		if (v > max)
			max = v;
	}
	fprintf(f, "<svg class=\"chart hbar\" xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" "
		"height=\"%zu\" viewBox=\"0 0 720 %zu\" role=\"img\">", n * 22 + 8, n * 22 + 8);
	for (i = 0; i < n; i++) {
		const struct cell *row = &s->cells[idx[i] * s->ncols];

		v = cell_num(&row[ch->val_cols[0]]);
		fprintf(f, "<text x=\"236\" y=\"%zu\" text-anchor=\"end\" font-size=\"11\">",
			i * 22 + 19);
		short_label(f, cell_text(&row[ch->label_col], buf, sizeof(buf)), 38);
		fprintf(f, "</text><rect x=\"242\" y=\"%zu\" width=\"%lld\" height=\"16\" "
			"fill=\"%s\"/><text x=\"%lld\" y=\"%zu\" font-size=\"11\">%lld</text>",
			i * 22 + 6, (long long)(v * 400 / max), colors[0],
			(long long)(246 + v * 400 / max), i * 22 + 19, (long long)v);
	}
	fputs("</svg>\n", f);
}

#define TIME_MAX 60

/* Grouped vertical bars over time buckets (the last @TIME_MAX), a threshold line. */
static void chart_time(FILE *f, const struct section *s, const char *lang)
{
	const struct chart *ch = &s->chart;
	size_t first = s->nrows > TIME_MAX ? s->nrows - TIME_MAX : 0, n = s->nrows - first, i;
	const double left = 50, top = 24, height = 200, width = 660;
	int64_t max = ch->threshold > 0 ? ch->threshold : 1, v;
	double slot, bw, x, y;
	char buf[32];
	int k;

	if (!n)
		return;
	for (i = first; i < s->nrows; i++)
		for (k = 0; k < ch->nval; k++) {
			v = cell_num(&s->cells[i * s->ncols + ch->val_cols[k]]);
			if (v > max)
				max = v;
		}
	max = max + max / 10 + 1;
	slot = width / n;
	bw = slot * 0.8 / ch->nval;
	fprintf(f, "<svg class=\"chart time\" xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" "
		"height=\"270\" viewBox=\"0 0 720 270\" role=\"img\">"
		"<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#888\"/>"
		"<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"end\">%lld</text>"
		"<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"end\">0</text>",
		left, top + height, left + width, top + height, left - 4, top + 4, (long long)max,
		left - 4, top + height);
	for (i = 0; i < n; i++) {
		const struct cell *row = &s->cells[(first + i) * s->ncols];

		for (k = 0; k < ch->nval; k++) {
			v = cell_num(&row[ch->val_cols[k]]);
			x = left + i * slot + slot * 0.1 + k * bw;
			y = top + height - (double)v * height / max;
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"%s\"><title>%lld</title></rect>", x, y, bw,
				top + height - y, colors[k], (long long)v);
		}
		if (i == 0 || i == n - 1 || (n > 2 && i == n / 2)) {
			const char *t = cell_text(&row[ch->label_col], buf, sizeof(buf));

			fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"10\" "
				"text-anchor=\"middle\">", left + i * slot + slot / 2,
				top + height + 14);
			/* a time bucket: its date, and the hour when it is an hour */
			fprintf(f, "%.*s", strlen(t) >= 16 && strcmp(t + 11, "00:00:00Z") ? 16 : 10,
				t);
			fputs("</text>", f);
		}
	}
	if (ch->threshold > 0) {
		y = top + height - (double)ch->threshold * height / max;
		fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#b00020\" "
			"stroke-dasharray=\"6 3\"/><text x=\"%.0f\" y=\"%.1f\" font-size=\"10\" "
			"fill=\"#b00020\" text-anchor=\"end\">%s %lld</text>", left, y, left + width, y,
			left + width, y - 3, doc_tr(lang, "legend_threshold"),
			(long long)ch->threshold);
	}
	for (k = 0; k < ch->nval; k++) {
		fprintf(f, "<rect x=\"%d\" y=\"252\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"261\" font-size=\"11\">", 60 + k * 200, colors[k],
			74 + k * 200);
		esc(f, col_name(lang, s->cols[ch->val_cols[k]]));
		fputs("</text>", f);
	}
	fputs("</svg>\n", f);
}

static void table(FILE *f, const struct section *s, const char *lang)
{
	char buf[32];
	size_t r, k;

	if (!s->nrows) {
		fprintf(f, "<p class=\"note\">%s</p>\n", doc_tr(lang, "no_rows"));
		return;
	}
	fputs("<table><thead><tr>", f);
	for (k = 0; k < s->ncols; k++) {
		fputs("<th>", f);
		esc(f, col_name(lang, s->cols[k]));
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>\n", f);
	for (r = 0; r < s->nrows; r++) {
		fputs("<tr>", f);
		for (k = 0; k < s->ncols; k++) {
			const struct cell *c = &s->cells[r * s->ncols + k];

			if (c->type == CELL_INT) {
				fprintf(f, "<td class=\"n\">%lld</td>", (long long)c->n);
			} else if ((int)k == s->key_col && c->type == CELL_STR) {
				fputs("<td>", f);
				esc(f, doc_tr(lang, c->s));
				fputs("</td>", f);
			} else if ((int)k == s->status_col && c->type == CELL_STR) {
				fprintf(f, "<td class=\"st-%s\">", c->s);
				esc(f, doc_tr(lang, c->s));
				fputs("</td>", f);
			} else {
				fputs("<td>", f);
				esc(f, cell_text(c, buf, sizeof(buf)));
				fputs("</td>", f);
			}
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	if (s->total > s->nrows)
		fprintf(f, "<p class=\"note\">%zu %s %llu</p>\n", s->nrows,
			doc_tr(lang, "shown_of"), (unsigned long long)s->total);
}

int doc_write_html(const struct doc *d, FILE *f)
{
	const char *lang = d->lang;
	const char *verdict = NULL, *vtext = NULL;
	char key[32], buf[32], t1[32], t2[32];
	size_t i, r;

	snprintf(key, sizeof(key), "report_%s", d->kind);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'; img-src data:\">"
		"<meta name=\"generator\" content=\"pdguard report\"><title>", lang);
	esc(f, doc_tr(lang, key));
	fprintf(f, "</title><style>%s</style></head><body>\n<header><h1>", css);
	esc(f, doc_tr(lang, key));
	fmt_time(d->generated, t1, sizeof(t1));
	fprintf(f, "</h1><p class=\"meta\">%s: %s &middot; %s: ", doc_tr(lang, "generated"), t1,
		doc_tr(lang, "host"));
	esc(f, d->host);
	if (d->policy) {
		fprintf(f, " &middot; %s: ", doc_tr(lang, "policy"));
		esc(f, d->policy);
	}
	if (d->log) {
		fprintf(f, " &middot; %s: ", doc_tr(lang, "log"));
		esc(f, d->log);
	}
	fprintf(f, " &middot; %s: ", doc_tr(lang, "period"));
	if (d->since || d->until) {
		fmt_time(d->since, t1, sizeof(t1));
		fmt_time(d->until, t2, sizeof(t2));
		fprintf(f, "%s &ndash; %s", d->since ? t1 : "&hellip;", d->until ? t2 : "&hellip;");
	} else {
		fputs(doc_tr(lang, "whole_log"), f);
	}
	fputs("</p></header>\n", f);

	for (r = 0; r < d->summary.nrows; r++) {
		const struct cell *c = &d->summary.cells[r * 2];

		if (!strcmp(c[0].s, "verdict"))
			verdict = c[1].s;
		else if (!strcmp(c[0].s, "verdict_text"))
			vtext = c[1].s;
	}
	if (verdict && vtext) {
		fprintf(f, "<div class=\"verdict v-%s\"><b>", verdict);
		esc(f, doc_tr(lang, verdict));
		fputs("</b>: ", f);
		esc(f, vtext);
		fputs("</div>\n", f);
	}
	fprintf(f, "<section id=\"summary\"><h2>%s</h2><div class=\"cards\">",
		doc_tr(lang, "summary"));
	for (r = 0; r < d->summary.nrows; r++) {
		const struct cell *c = &d->summary.cells[r * 2];

		if (!strcmp(c[0].s, "verdict_text"))
			continue;
		fputs("<div class=\"card\"><b>", f);
		esc(f, c[1].type == CELL_STR ? doc_tr(lang, c[1].s) :
						  cell_text(&c[1], buf, sizeof(buf)));
		fputs("</b><span>", f);
		esc(f, doc_tr(lang, c[0].s));
		fputs("</span></div>", f);
	}
	fputs("</div></section>\n", f);

	for (i = 0; i < d->nsecs; i++) {
		const struct section *s = &d->secs[i];

		fprintf(f, "<section id=\"%s\"><h2>", s->id);
		esc(f, doc_tr(lang, s->id));
		fputs("</h2>\n", f);
		if (s->chart.kind == CHART_HBAR)
			chart_hbar(f, s);
		else if (s->chart.kind == CHART_TIME)
			chart_time(f, s, lang);
		table(f, s, lang);
		fputs("</section>\n", f);
	}
	fprintf(f, "<footer><p class=\"note\">%s</p></footer>\n</body></html>\n",
		doc_tr(lang, "masked"));
	return ferror(f) ? -EIO : 0;
}
