/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON string writer, for the event log, `scan --json` and every other JSON we print.
 *
 * File names and process names are bytes, not text. A byte that is not part of valid UTF-8 is
 * written as \udcXX (the "surrogateescape" convention): nothing is lost, so the audit trail names
 * the very file that was touched and os.fsencode(json.loads(line)["path"]) gives the name back;
 * a strict consumer sees a replacement character.
 */
#ifndef PDGUARD_JSON_H
#define PDGUARD_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Where the escaped bytes go: @n bytes at @s. */
typedef void (*json_put_fn)(void *ctx, const char *s, size_t n);

/* Write @s (NUL-terminated) as a JSON string, quotes included, through @put; NULL: null. */
void json_string(json_put_fn put, void *ctx, const char *s);
/* The same into a stdio stream. */
void json_put_string(FILE *f, const char *s);

#endif /* PDGUARD_JSON_H */
