/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The product's vocabulary, one table each: PD categories, event ops, decisions, zones and
 * reasons. Every layer (policy parser, classifier, drivers, event log, CLI) names these through
 * here, so a category added or a reason reworded changes in one place.
 */
#ifndef PDGUARD_VOCAB_H
#define PDGUARD_VOCAB_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <uapi/pdguard.h>

/*
 * PD categories in bit order: bit n of a PDGUARD_CAT_* mask is the n-th entry. Names are the
 * seed vocabulary of DESIGN.md and appear in policies, rules, events and reports.
 */
#define PDG_CATEGORY_LIST(X)			\
	X(BASIC, "basic")			\
	X(PERSONNEL, "personnel")		\
	X(FINANCIAL, "financial")		\
	X(MEDICAL, "medical")			\
	X(BIOMETRIC, "biometric")

enum pdg_category {
#define PDG_X(up, name) PDG_CAT_##up,
	PDG_CATEGORY_LIST(PDG_X)
#undef PDG_X
	PDG_CAT_COUNT
};

_Static_assert((1U << PDG_CAT_COUNT) - 1 == PDGUARD_CAT_ALL,
	       "PDG_CATEGORY_LIST and PDGUARD_CAT_* disagree");

/* Name of category @i ("none" out of range); index of @name, or -1. */
const char *vocab_category_name(int i);
int vocab_category_find(const char *name);

/**
 * vocab_categories_format() - the names of @cats joined by @sep into @buf
 * @empty: what to write when @cats is 0 (e.g. "none" or "")
 * Return: the length written (truncated to fit @len, always NUL-terminated when @len > 0).
 */
size_t vocab_categories_format(uint32_t cats, const char *sep, const char *empty, char *buf,
			       size_t len);

/* The names of @cats as a JSON array (["basic","financial"], [] for none) on @f. */
void vocab_categories_json(FILE *f, uint32_t cats);

/**
 * vocab_categories_parse() - category names separated by spaces or commas into a mask
 * @bad: receives the first unknown word (may be NULL)
 * Return: 0, or -EINVAL on an unknown word.
 */
int vocab_categories_parse(const char *s, uint32_t *cats, char *bad, size_t badlen);

/* Names of enum pdguard_op, pdguard_decision, pdguard_zone ("unknown" / NULL when out of range). */
const char *vocab_op_name(unsigned int op);
const char *vocab_decision_name(unsigned int decision);
const char *vocab_zone_name(unsigned int zone);	/* NULL for PDGUARD_ZONE_NONE */
/* The event's "label" for enum pdguard_label_level: "none", "pd", "derived". */
const char *vocab_level_name(unsigned int level);

/**
 * struct reason_args - what a reason's text is filled with; every field may be 0 or NULL
 * @cats: the categories the reason is about (read, missing, carried)
 * @roles: the opener's roles, comma-separated
 * @zone: "usb", "cloud"...
 * @client: a sync client's path
 * @note: appended after "; " (e.g. "removed after the fact")
 */
struct reason_args {
	uint32_t cats;
	const char *roles;
	const char *zone;
	const char *client;
	const char *note;
};

/**
 * vocab_reason_format() - the event's "reason" text for @reason, from the one table
 * Every driver builds its reasons here, so the same decision reads the same in the log whichever
 * driver made it.
 */
void vocab_reason_format(char *buf, size_t len, unsigned int reason,
			 const struct reason_args *a);

#endif /* PDGUARD_VOCAB_H */
