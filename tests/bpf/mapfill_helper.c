// SPDX-License-Identifier: GPL-2.0
/*
 * mapfill_helper PINNED_LABELS_MAP: fill pdguard's labels map to its last entry with keys that
 * name no file (device 0xffff0), in batches, and print how many entries were added. Exit 0 when
 * the map ended full (the next update fails with E2BIG), 1 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <uapi/pdguard.h>

#define BATCH 4096

int main(int argc, char **argv)
{
	struct pdguard_inode_key keys[BATCH], probe = { .ino = ~0ULL, .dev = 0xffff0 };
	struct pdguard_label vals[BATCH], v = { .cats = PDGUARD_CAT_BASIC };
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), i, n;
	unsigned long long added = 0, next = 1;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: mapfill_helper PINNED_MAP\n");
		return 2;
	}
	fd = bpf_obj_get(argv[1]);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "mapfill_helper: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	for (i = 0; i < BATCH; i++)
		vals[i] = v;
	for (;;) {
		DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);

		n = BATCH;
		for (i = 0; i < n; i++) {
			memset(&keys[i], 0, sizeof(keys[i]));
			keys[i].ino = next++;
			keys[i].dev = 0xffff0;
		}
		if (bpf_map_update_batch(fd, keys, vals, &n, &opts)) {
			added += n;	/* the elements before the failing one went in */
			if (errno != E2BIG && errno != ENOSPC) {
				fprintf(stderr, "mapfill_helper: update: %s\n", strerror(errno));
				return 2;
			}
			break;
		}
		added += n;
		if (added > 4ULL * info.max_entries)
			break;
	}
	printf("%llu\n", added);
	return bpf_map_update_elem(fd, &probe, &v, BPF_NOEXIST) && errno == E2BIG ? 0 : 1;
}
