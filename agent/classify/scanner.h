/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One file in, one label out: extraction (agent/extract/extract.h) feeding classification
 * (agent/classify/classify.h). Shared by `pdguard scan` and the daemon's labelling workers.
 */
#ifndef PDGUARD_SCANNER_H
#define PDGUARD_SCANNER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "classify/classify.h"
#include "extract/extract.h"
#include "classify/rules.h"

/**
 * struct scanner - a compiled rule set and the limits; read-only once open, shared by threads
 * @limits, @min_confidence: defaults after scanner_open(); the caller may change them before
 *	the first scan
 * @follow_links: open the path even when it is a symbolic link. The daemon labels inodes and
 *	wants the link itself (false, the default); `pdguard scan` names links to files on purpose
 *	(its walk decides which links to hand over)
 * @errors: problems found in the rule files (file:line: reason); the valid rules still run
 */
struct scanner {
	struct rules *rules;
	struct classifier *classifier;
	struct extract_limits limits;
	int min_confidence;
	bool follow_links;
	struct rules_errors errors;
};

/* The three labels of certainty a file gets. */
enum scan_label {
	SCAN_LABEL_NONE = 0, /* every byte that could hold text was read: no PD */
	SCAN_LABEL_PD,	     /* PD found (in what was read, if not all was) */
	SCAN_LABEL_UNKNOWN,  /* no PD in what was read, but not all was: @unread says why */
};

/* "none", "pd", "unknown" */
const char *scan_label_name(int label);

/**
 * struct scan_result - the outcome for one file
 * @st: the file's status as opened (dev, ino, size, times)
 * @mime: the content type; "inode/fifo" and the like for a special file
 * @pd: label pd; @categories: PDGUARD_CAT_* bits
 * @label: enum scan_label; @unread: enum extract_unread, why it is unknown (or why a PD file was
 *	read only in part)
 * @report: the classifier's findings (valid until the context is used again)
 * @skipped: not read on purpose (a special file): @error says so, but it is no failure
 * @error: empty, or one line: "limit exceeded: ...", "cannot read: ...", "corrupt: ...",
 *	"encrypted: ...", "unsupported: ..." (a container or format not opened)
 * @note: empty, or a remark that is not an error
 */
struct scan_result {
	struct stat st;
	char mime[128];
	bool pd;
	int label;
	int unread;
	uint32_t categories;
	struct classify_report report;
	bool skipped;
	char error[256];
	char note[256];
};

/**
 * scanner_open() - load and compile the rules in @dirs
 * @dirs, @ndirs: directories of *.conf files, later ones overriding earlier ones by rule name
 *                (rules_load_layers()); @ndirs 0 for the default (rules_default_layers())
 * @err: on failure, one line saying why (no usable rule at all, a compile error...)
 * Return: 0 (rule-file problems are in @sc->errors and do not fail), or -errno.
 */
int scanner_open(struct scanner *sc, const char *const *dirs, size_t ndirs, char *err,
		 size_t errlen);
void scanner_close(struct scanner *sc);

/**
 * scanner_scan_path() - classify the regular file at @path
 * @ctx: this thread's classification context (classify_ctx_new on sc->classifier)
 *
 * Never blocks on a FIFO or device (reported as skipped) and, unless sc->follow_links, never
 * follows a symbolic link (an error result). Return: 0 when @res holds the outcome (an error result included), -errno when
 * nothing could be done at all (out of memory).
 */
int scanner_scan_path(const struct scanner *sc, struct classify_ctx *ctx, const char *path,
		      struct scan_result *res);

/* The type name pdguard reports for what is not a regular file: "inode/fifo", "inode/socket"... */
const char *scanner_special_mime(mode_t m);

#endif /* PDGUARD_SCANNER_H */
