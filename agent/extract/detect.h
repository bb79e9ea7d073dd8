/* SPDX-License-Identifier: GPL-2.0 */
/* What some bytes are, from their first X_HEAD_BYTES: for the dispatcher and archive readers. */
#ifndef PDGUARD_EXTRACT_DETECT_H
#define PDGUARD_EXTRACT_DETECT_H

#include "extract/sink.h"

void x_detect(const uint8_t *head, size_t len, struct x_type *t);
/* A picture or a biometric record found (@t from x_detect(); @head, its first bytes). */
void x_picture(struct xctx *x, const struct x_type *t, const uint8_t *head, size_t len);

#endif /* PDGUARD_EXTRACT_DETECT_H */
