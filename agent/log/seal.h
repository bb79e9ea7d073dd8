/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forward-secure sealing of the event log.
 *
 * Time is cut into epochs (15 minutes by default) from a start time t0. Each epoch has a key;
 * the key of epoch i+1 is a one-way hash of the key of epoch i, and the agent keeps only the
 * current one (the older ones are overwritten). When an epoch ends, the writer appends a "seal"
 * line: an HMAC, under that epoch's key, of the chain's last hash. The first key (the
 * verification key) is printed once at set-up for InfoSec to keep off the host; from it a
 * verifier derives every epoch's key and checks every seal.
 *
 * So root who takes the host at time T holds only the key of T's epoch: it can rewrite lines
 * after the last seal made before T (at most one epoch), but not a line before it without a seal
 * failing; and lines cut from the end show as seals missing since the cut.
 */
#ifndef PDGUARD_SEAL_H
#define PDGUARD_SEAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define SEAL_KEY_FILE		"log-seal.key"	/* in the policy's state directory */
#define SEAL_DEFAULT_INTERVAL	900		/* s */
#define SEAL_MAC_HEX		64

/**
 * struct seal_key - a sealing key at one epoch
 * @epoch: the epoch @k belongs to
 * @t0: the start of epoch 0 (Unix time); @interval: an epoch's length in seconds
 * @k: the key
 */
struct seal_key {
	uint64_t epoch;
	int64_t t0;
	uint32_t interval;
	uint8_t k[32];
};

/* A new random key at epoch 0 starting now. Return: 0 or -errno. */
int seal_key_new(struct seal_key *out, uint32_t interval, time_t now);
/* Read / replace the key file (root-only, replaced atomically). Return: 0 or -errno
 * (-EBADMSG for a file that is not a sealing key). */
int seal_key_load(const char *path, struct seal_key *out);
int seal_key_save(const char *path, const struct seal_key *key);
/* Step the key forward to @epoch (never back). */
void seal_key_evolve(struct seal_key *key, uint64_t epoch);
/* The epoch holding @t, and the end of epoch @e (Unix time). */
uint64_t seal_epoch_at(const struct seal_key *key, time_t t);
int64_t seal_epoch_end(const struct seal_key *key, uint64_t e);
/* The seal of epoch key->epoch over the chain hash @prev (64 hex): 64 hex + NUL into @out. */
void seal_mac(const struct seal_key *key, const char *prev, char out[SEAL_MAC_HEX + 1]);

/*
 * The verification key as text ("K0HEX-T0-INTERVAL"), and back. Return of parse: 0 or -EINVAL.
 */
void seal_verkey_format(const struct seal_key *key0, char *buf, size_t len);
int seal_verkey_parse(const char *s, struct seal_key *key0);

/**
 * struct seal_check - a verifier walking the log's lines in order
 * @key: the verification key, evolved as seals are met
 * @first, @sealed: the first and the last good seal's epochs (valid when @nseals > 0); a first
 *          epoch after the key's start means the files hold nothing sealed before it
 * @nseals: seals checked; @pending: lines after the last seal
 * @why: what failed, for the message
 */
struct seal_check {
	struct seal_key key;
	uint64_t first, sealed;
	uint64_t nseals, pending;
	int64_t pending_min_ts, pending_max_ts;
	char why[160];
};

void seal_check_init(struct seal_check *c, const struct seal_key *key0);
/**
 * seal_check_line() - one chained line: its text (@line, @len), its prev hash
 * Return: 0, or -EBADMSG with @c->why set when a seal is forged, out of order, or covers lines
 * that could not have been written in its epoch.
 */
int seal_check_line(struct seal_check *c, const char *line, size_t len, const char *prev);

#endif /* PDGUARD_SEAL_H */
