/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compiled Hyperscan databases kept on disk. Compiling the default rule set's keyword and pattern
 * databases takes about half a second, paid by every `pdguard scan`, `pdguard rules test` and
 * agent start; loading the same database compiled before takes a few milliseconds.
 *
 * A database is found by the SHA-256 of everything that decides its bytes: the Hyperscan version,
 * this CPU's platform, the mode, and every expression with its flags and id. A cache file holds
 * the serialized database behind a header with its length and CRC-32, and is used only when it
 * and its directory are owned by the effective user and nobody else can write them, so a torn,
 * corrupt or foreign file is never handed to Hyperscan: it is compiled again and replaced.
 *
 * Where: $PDGUARD_RULES_CACHE when set ("off" or empty: no cache); else /var/cache/pdguard/rules
 * for root, $XDG_CACHE_HOME/pdguard/rules or ~/.cache/pdguard/rules for other users. A cache that
 * cannot be read or written costs only the compile time.
 */
#ifndef PDGUARD_HSCACHE_H
#define PDGUARD_HSCACHE_H

#include <hs/hs.h>

/* hs_compile_multi() in block mode for this host, through the cache. */
hs_error_t hscache_compile_multi(const char *const *exprs, const unsigned int *flags,
				 const unsigned int *ids, unsigned int n, hs_database_t **db,
				 hs_compile_error_t **cerr);

struct hscache_stats {
	unsigned long hits;	/* databases loaded from the cache */
	unsigned long misses;	/* compiled (and stored when possible) */
	unsigned long rejected;	/* files found but not trusted: corrupt, foreign, unsafe */
};

/* Counters since the process started (for tests and `pdguard rules` diagnostics). */
void hscache_stats(struct hscache_stats *out);

#endif /* PDGUARD_HSCACHE_H */
