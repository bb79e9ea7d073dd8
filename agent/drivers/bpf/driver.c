// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF drivers (bpf-lsm, fmod-ret) behind the daemon's driver interface: the state and the
 * policy are pushed into the BPF maps (agent/drivers/bpf/maps.c), and ring-buffer events go to the
 * event log. Decisions are the kernel's; the agent is never on the path of an open().
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "lib/json.h"
#include "drivers/bpf/loader.h"
#include "drivers/driver.h"
#include "policy/exitpoints.h"

struct driver {
	struct driver_env env;
	const struct config *cfg;
	enum pdguard_bpf_driver kind;
	struct pdg_bpf *b;
	/* what was pushed last, so a policy change can take back what went away */
	struct pdg_bpf_role *roles;
	size_t nroles;
	struct pdg_bpf_zone *zones;
	size_t nzones;
	char **zone_paths;
	struct grant *grants;
	int ngrants;
	struct pdg_bpf_export *exports;	/* export grants by category, per (id, zone kind) */
	size_t nexports;
	/* scoped roles: place folders pushed, and how many of them could not be found */
	size_t nplaces;
	int places_missing;
	/* the last uid whose role names an event needed (role_names()) */
	bool names_valid;
	uint32_t names_uid;
	const struct config *names_cfg;
	time_t names_at;
	char names[256];
};

static int probe_kind(enum pdguard_bpf_driver kind, char *why, size_t whylen, char *hint,
		      size_t hintlen)
{
	struct pdg_bpf_probe p;

	pdg_bpf_probe(&p);
	if ((kind == PDGUARD_DRIVER_BPF_LSM ? p.lsm : p.fmod_ret) == 0)
		return 0;
	snprintf(why, whylen, "%s", kind == PDGUARD_DRIVER_BPF_LSM ? p.lsm_why : p.fmod_ret_why);
	snprintf(hint, hintlen, "%s", p.hint);
	return kind == PDGUARD_DRIVER_BPF_LSM ? p.lsm : p.fmod_ret;
}

static int probe_lsm(char *why, size_t whylen, char *hint, size_t hintlen)
{
	return probe_kind(PDGUARD_DRIVER_BPF_LSM, why, whylen, hint, hintlen);
}

static int probe_fmod(char *why, size_t whylen, char *hint, size_t hintlen)
{
	return probe_kind(PDGUARD_DRIVER_FMOD_RET, why, whylen, hint, hintlen);
}

/* The policy's roles as (uid or gid) -> categories, resolved by policy/roles.c. */
static ssize_t build_roles(struct state *st, struct pdg_bpf_role **out)
{
	struct pdg_bpf_role *v;
	struct role_id *ids;
	ssize_t n, i;

	n = state_role_ids(st, &ids);
	if (n < 0)
		return n;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		free(ids);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		v[i] = (struct pdg_bpf_role){ .id = ids[i].id, .group = ids[i].group,
					      .read_cats = ids[i].read,
					      .export_cats = ids[i].export };
	free(ids);
	*out = v;
	return n;
}

/*
 * Role names for the events' reasons. A PD open logs an event each time, and resolving a uid's
 * groups may ask a directory server: the last answer is kept for a few seconds. The policy is
 * the state's (swapped on reload before the old one is freed), not the one pushed last.
 */
#define ROLE_NAMES_TTL_S 10

static void role_names(void *ctx, uint32_t uid, char *names, size_t len)
{
	struct driver *d = ctx;
	struct state *st = d->env.st;
	const struct config *cfg;
	time_t now = time(NULL);

	cfg = state_policy(st);
	if (!cfg) {
		snprintf(names, len, "%s", "");
		return;
	}
	if (!d->names_valid || d->names_uid != uid || d->names_cfg != cfg ||
	    now - d->names_at >= ROLE_NAMES_TTL_S) {
		state_user_roles(st, uid, d->names, sizeof(d->names));
		d->names_uid = uid;
		d->names_cfg = cfg;
		d->names_at = now;
		d->names_valid = true;
	}
	snprintf(names, len, "%s", d->names);
}

struct push_ctx {
	struct pdg_bpf *b;
	unsigned long long full;	/* labels the map had no room for */
};

static void push_label(void *ctx, const struct label_entry *e)
{
	struct push_ctx *p = ctx;
	int ret = pdg_bpf_label_set_inode(p->b, e->dev, e->ino, e->categories);

	if (ret == -E2BIG || ret == -ENOSPC)
		p->full++;
}

static size_t build_zones(struct driver *d, struct pdg_bpf_zone **out, char ***paths)
{
	struct pdg_bpf_zone *v;
	struct zone *zv;
	char **p;
	size_t i, n;

	*out = NULL;
	*paths = NULL;
	if (state_zones_copy(d->env.st, &zv, &n))
		return 0;
	v = calloc(n ? n : 1, sizeof(*v));
	p = calloc(n ? n : 1, sizeof(*p));
	for (i = 0; v && p && i < n; i++) {
		/* the copy's path moves into @paths; its other strings go with the copy */
		p[i] = zv[i].path;
		zv[i].path = NULL;
		v[i].zone = zv[i].kind == ZONE_USB ? PDGUARD_ZONE_USB : PDGUARD_ZONE_CLOUD;
		v[i].path = p[i];
	}
	state_zones_release(zv, n);
	*out = v;
	*paths = p;
	return v && p ? n : 0;
}

static void free_zones(struct pdg_bpf_zone *v, char **paths, size_t n)
{
	size_t i;

	for (i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
	free(v);
}

/*
 * The active export grants the programs can judge: by category, for a user or a group, to a
 * zone kind, with as many approvers as the policy asks. Grants by --path or for one zone folder
 * need paths the programs do not have: the fanotify driver alone lets those out. Several grants
 * for one (id, zone kind) are one entry: per category, the latest end.
 */
static size_t build_exports(const struct grant *g, int n, const struct config *cfg,
			    struct pdg_bpf_export **out)
{
	static const uint8_t kinds[2] = { PDGUARD_ZONE_USB, PDGUARD_ZONE_CLOUD };
	struct pdg_bpf_export *v = calloc(n > 0 ? 2 * n : 1, sizeof(*v));
	size_t k, nv = 0;
	int i, z, c;

	*out = v;
	if (!v)
		return 0;
	for (i = 0; i < n; i++) {
		if (!g[i].export || *g[i].path || *g[i].zone_path ||
		    (cfg->export_approvers > 1 && !*g[i].approver2))
			continue;
		for (z = 0; z < 2; z++) {
			if (!(g[i].zones & (z ? GRANT_ZONE_CLOUD : GRANT_ZONE_USB)))
				continue;
			for (k = 0; k < nv; k++)
				if (v[k].id == g[i].uid && v[k].group == g[i].group &&
				    v[k].zone == kinds[z])
					break;
			if (k == nv)
				v[nv++] = (struct pdg_bpf_export){ .id = g[i].uid,
								   .group = g[i].group,
								   .zone = kinds[z] };
			for (c = 0; c < 5; c++)
				if ((g[i].categories & (1U << c)) && g[i].until > v[k].until[c])
					v[k].until[c] = g[i].until;
		}
	}
	return nv;
}

/*
 * Roles with place =: their folders (place i is the i-th) and what each uid or gid reads at
 * each. On failure the maps keep what they had: a scoped role reads what it read before.
 */
static void push_places(struct driver *d)
{
	struct pdg_bpf_role_place *v;
	struct role_place_id *ids;
	struct strlist places;
	ssize_t n, i;
	int ret;

	n = state_role_places(d->env.st, &places, &ids);
	if (n < 0)
		return;
	v = calloc(n ? n : 1, sizeof(*v));
	if (v) {
		for (i = 0; i < n; i++)
			v[i] = (struct pdg_bpf_role_place){ .id = ids[i].id, .group = ids[i].group,
							    .place = ids[i].place,
							    .read_cats = ids[i].read };
		/* the folders first: a role entry for a place not found yet is harmless */
		ret = pdg_bpf_places_set(d->b, (const char *const *)places.v, places.n);
		if (ret >= 0) {
			d->nplaces = places.n;
			d->places_missing = ret;
			pdg_bpf_role_places_set(d->b, v, n);
		}
	}
	free(v);
	free(ids);
	strlist_free(&places);
}

/* Roles, zones, grants and mode from the state and @cfg into the maps; take back what went. */
/* The dynamic loaders a program can be started through, by the paths Debian ships them at. */
static const char *const loaders[] = {
	"/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1", "/lib/ld-linux-armhf.so.3",
	"/lib/ld-linux.so.2",
};

static int push_policy(struct driver *d, const struct config *cfg)
{
	struct pdg_bpf_role *roles;
	struct pdg_bpf_zone *zones;
	struct grant *grants = NULL;
	struct pdg_bpf_export *exports;
	struct strlist exits = { 0 };
	char **zpaths;
	size_t nroles, nzones, nexports, i, k;
	int ngrants = 0;
	ssize_t n;

	/* Out of memory: the roles pushed last stay, rather than none. */
	n = build_roles(d->env.st, &roles);
	if (n >= 0) {
		nroles = n;
		for (i = 0; i < d->nroles; i++) {
			for (k = 0; k < nroles; k++)
				if (roles[k].id == d->roles[i].id &&
				    roles[k].group == d->roles[i].group)
					break;
			if (k == nroles)
				pdg_bpf_role_remove(d->b, d->roles[i].id, d->roles[i].group);
		}
		for (k = 0; k < nroles; k++)
			pdg_bpf_role_set(d->b, &roles[k]);
		free(d->roles);
		d->roles = roles;
		d->nroles = nroles;
	}

	push_places(d);

	nzones = build_zones(d, &zones, &zpaths);
	for (i = 0; i < d->nzones; i++) {
		for (k = 0; k < nzones; k++)
			if (!strcmp(zones[k].path, d->zones[i].path) && zones[k].zone == d->zones[i].zone)
				break;
		if (k == nzones)
			pdg_bpf_zone_remove(d->b, &d->zones[i]);
	}
	for (k = 0; k < nzones; k++)
		pdg_bpf_zone_add(d->b, &zones[k]);
	free_zones(d->zones, d->zone_paths, d->nzones);
	d->zones = zones;
	d->zone_paths = zpaths;
	d->nzones = nzones;

	for (i = 0; i < cfg->cloud_clients.n; i++)
		if (cfg->cloud_clients.v[i][0] == '/')
			pdg_bpf_sync_client_add(d->b, cfg->cloud_clients.v[i]);
	/* exit-point programs: the policy's, and what its packages ship */
	if (!exitpoints_resolve(cfg, EXITPOINTS_DPKG_INFO, &exits, NULL))
		for (i = 0; i < exits.n; i++)
			pdg_bpf_exit_point_add(d->b, exits.v[i]);
	/* `ld-linux-x86-64.so.2 PROGRAM` runs PROGRAM with the loader as its executable, and the
	 * kernel side cannot tell which program: with any program listed, a process whose
	 * executable is the loader itself is held to the exit points' rule (PD under a grant) */
	if (exits.n || cfg->cloud_clients.n)
		for (i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
			pdg_bpf_exit_point_add(d->b, loaders[i]);
	/* file servers: their processes write no derived label in the kernel */
	for (i = 0; i < cfg->servers.n; i++)
		pdg_bpf_server_add(d->b, cfg->servers.v[i]);
	strlist_free(&exits);

	/* grants: the kernel checks expiry itself; revoked ones are taken out here */
	ngrants = state_grants_active(d->env.st, time(NULL), &grants);
	if (ngrants < 0)
		ngrants = 0;
	for (i = 0; i < (size_t)d->ngrants; i++) {
		for (k = 0; k < (size_t)ngrants; k++)
			if (grants[k].id == d->grants[i].id)
				break;
		if (k == (size_t)ngrants && !d->grants[i].export)
			pdg_bpf_grant_remove(d->b, d->grants[i].uid, d->grants[i].categories);
	}
	/* export grants never widen reads: they go to their own map, below */
	for (k = 0; k < (size_t)ngrants; k++)
		if (!grants[k].export)
			pdg_bpf_grant_add(d->b, grants[k].uid, grants[k].categories,
					  (uint64_t)grants[k].until * 1000000000ULL);
	/* export grants: the programs check each category's end; what went is taken out */
	nexports = build_exports(grants, ngrants, cfg, &exports);
	if (exports) {
		for (i = 0; i < d->nexports; i++) {
			for (k = 0; k < nexports; k++)
				if (exports[k].id == d->exports[i].id &&
				    exports[k].group == d->exports[i].group &&
				    exports[k].zone == d->exports[i].zone)
					break;
			if (k == nexports)
				pdg_bpf_export_remove(d->b, &d->exports[i]);
		}
		for (k = 0; k < nexports; k++)
			pdg_bpf_export_set(d->b, &exports[k]);
		free(d->exports);
		d->exports = exports;
		d->nexports = nexports;
	}
	if (d->ngrants > 0)
		grants_free_array(d->grants, d->ngrants);
	d->grants = grants;
	d->ngrants = ngrants;

	d->cfg = cfg;
	d->names_valid = false;
	return pdg_bpf_mode_set(d->b, cfg->mode);
}

/*
 * An export the programs let out names what did, as the fanotify driver's events do: the roles'
 * export =, else the export grants by category that cover it now (the programs know only that
 * one did). Fills @reason (the kernel's text and a note) and @extra (JSON members).
 */
static void export_names(struct driver *d, const struct event *ev,
			 const struct pdguard_event *raw, char *reason, size_t rlen, char *extra,
			 size_t xlen)
{
	const struct config *cfg = state_policy(d->env.st);
	struct export_ask q = { .uid = raw->uid, .zone = raw->zone == PDGUARD_ZONE_USB ?
					GRANT_ZONE_USB : GRANT_ZONE_CLOUD };
	struct export_match m;
	gid_t gids[256];
	char *j = NULL;
	size_t jlen = 0;
	uint32_t role;
	FILE *f;

	snprintf(reason, rlen, "%s", ev->reason ? ev->reason : "");
	extra[0] = '\0';
	if (!cfg)
		return;
	role = roles_uid_export(cfg, raw->uid, NULL, 0);
	q.cats = raw->detail & ~role;
	q.approvers = cfg->export_approvers;
	if (!q.cats) {
		snprintf(reason + strlen(reason), rlen - strlen(reason),
			 "; by the export = of the user's roles");
		snprintf(extra, xlen, "\"export_by\":\"role\"");
		return;
	}
	q.ngids = roles_uid_groups(raw->uid, gids, 256);
	q.gids = gids;
	if (!state_export_match(d->env.st, &q, time(NULL), &m) || !m.n)
		return;
	snprintf(reason + strlen(reason), rlen - strlen(reason), "; by grant %u, approved by %s%s%s",
		 m.ids[0], m.approver, m.approver2[0] ? " and " : "", m.approver2);
	f = open_memstream(&j, &jlen);
	if (!f)
		return;
	fprintf(f, "\"export_by\":\"grant\",\"grant\":%u,\"approver\":", m.ids[0]);
	json_put_string(f, m.approver);
	if (m.approver2[0]) {
		fputs(",\"approver2\":", f);
		json_put_string(f, m.approver2);
	}
	if (!fclose(f))
		snprintf(extra, xlen, "%s", j);
	free(j);
}

/* Whether @uid is in a role with place = (asked only for role refusals). */
static bool scoped_user(struct driver *d, uint32_t uid)
{
	const struct config *cfg = state_policy(d->env.st);
	uint16_t idx[1];

	return cfg && roles_any_scoped(cfg) && roles_uid_scoped(cfg, uid, idx, 1) > 0;
}

/* Every kernel event goes to the log; a PD open is an access the daemon's alerts count. */
static int on_event(void *ctx, const struct event *ev, const struct pdguard_event *raw)
{
	struct driver *d = ctx;
	struct event e = *ev;
	char reason[640], extra[640];
	char path[PATH_MAX], target[PATH_MAX];

	/* the kernel gave a name and an inode, not a path: a full path where the agent knows it */
	if (!e.path && e.file_ino &&
	    !state_resolve_path(d->env.st, e.file_dev, e.file_ino, e.file_name, e.file_new, path,
				sizeof(path)))
		e.path = path;
	if (!e.target && e.target_name &&
	    !state_resolve_path(d->env.st, e.target_dir_dev, e.target_dir_ino, e.target_name, true,
				target, sizeof(target)))
		e.target = target;
	e.pd_access = raw->cats && raw->op == PDGUARD_OP_OPEN &&
		      raw->decision != PDGUARD_DECISION_INFO;
	e.dev = raw->dev;
	e.ino = raw->ino;
	/* a refusal to a user with scoped roles says why, as the fanotify driver's does */
	if (raw->reason == PDGUARD_REASON_ROLE && ev->reason && scoped_user(d, raw->uid)) {
		snprintf(reason, sizeof(reason), "%s; roles with place = read only under their "
			 "folders", ev->reason);
		e.reason = reason;
	}
	if (raw->reason == PDGUARD_REASON_EXPORT && !ev->extra) {
		export_names(d, ev, raw, reason, sizeof(reason), extra, sizeof(extra));
		e.reason = reason;
		e.extra = extra[0] ? extra : NULL;
	}
	return eventlog_write(d->env.log, &e);
}

/*
 * BPF LSM reads labels from the files' xattrs when pdguard.ko is loaded (its kfuncs): load it
 * if it is installed (DKMS) and not loaded yet. Quietly: without it the programs keep the map,
 * and describe() and `pdguard status` say so.
 */
static void load_module(void)
{
	char *const argv[] = { "modprobe", "-q", "pdguard", NULL };
	extern char **environ;
	int status;
	pid_t pid;

	if (!access("/sys/module/pdguard", F_OK))
		return;
	if (posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ))
		return;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

static int start_kind(enum pdguard_bpf_driver kind, const struct driver_env *env,
		      struct driver **out)
{
	struct pdg_bpf_opts o = {
		.driver = kind,
		.mode = env->cfg->mode,
		.agent_tgid = env->agent_pid,
		.pin_dir = PDGUARD_BPF_PIN_DIR,
		.guard = true,
	};
	struct pdg_bpf_error err = { 0 };
	struct driver *d = calloc(1, sizeof(*d));
	int ret;

	if (!d)
		return -ENOMEM;
	d->env = *env;
	d->kind = kind;
	if (kind == PDGUARD_DRIVER_BPF_LSM)
		load_module();
	ret = pdg_bpf_start(&d->b, &o, &err);
	if (ret) {
		fprintf(stderr, "pdguard run: %s\n", err.msg);
		if (err.hint[0])
			fprintf(stderr, "Hint: %s\n", err.hint);
		free(d);
		return ret;
	}
	/* labels known from the cache and the classification so far */
	{
		struct push_ctx p = { .b = d->b };

		state_labels_each(env->st, push_label, &p);
		if (p.full) {
			/* never silent: the daemon counts the ones that come later */
			char extra[64];
			struct event ev = event_agent("label-table-full", "alert",
				"the kernel's labels map is full: the labels it has no room for are "
				"enforced only where the kernel reads the files' label attributes");

			snprintf(extra, sizeof(extra), "\"count\":%llu", p.full);
			ev.extra = extra;
			eventlog_write(env->log, &ev);
		}
	}
	push_policy(d, env->cfg);
	pdg_bpf_set_roles_cb(d->b, role_names, d);
	*out = d;
	return 0;
}

static int start_lsm(const struct driver_env *env, struct driver **out)
{
	return start_kind(PDGUARD_DRIVER_BPF_LSM, env, out);
}

static int start_fmod(const struct driver_env *env, struct driver **out)
{
	return start_kind(PDGUARD_DRIVER_FMOD_RET, env, out);
}

static int bpf_label(struct driver *d, const struct label_entry *e, const char *path)
{
	return pdg_bpf_label_set_inode(d->b, e->dev, e->ino,
				       e->level == PDGUARD_LEVEL_NONE ? 0 : e->categories);
}

static int bpf_policy(struct driver *d, const struct config *cfg)
{
	return push_policy(d, cfg);
}

static int bpf_mode(struct driver *d)
{
	struct pdguard_bpf_config c;
	int ret = pdg_bpf_config_get(d->b, &c);

	return ret ? ret : (int)c.mode;
}

static int bpf_fd(struct driver *d)
{
	return pdg_bpf_events_fd(d->b);
}

static int bpf_dispatch(struct driver *d)
{
	int ret = pdg_bpf_poll(d->b, 0, on_event, d);

	return ret < 0 ? ret : 0;
}

static void bpf_describe(struct driver *d, FILE *f)
{
	uint64_t cnt[__PDGUARD_BPF_CNT_MAX] = { 0 };
	int i;

	fprintf(f, "driver %s: decisions in the kernel, programs and maps pinned in %s%s\n",
		pdg_bpf_driver_name(d->kind), PDGUARD_BPF_PIN_DIR,
		pdg_bpf_resumed(d->b) ? " (resumed: enforcement went on while the agent was away)" :
					"");
	fprintf(f, "  enforces: role gating of PD reads at open and on passed descriptors, sync "
		"clients refused PD,\n  tainted processes refused creating, writing, renaming, "
		"linking or mapping into USB and\n  cloud zones, derived labels for what they write, "
		"the label attribute guarded;\n  enforcement goes on if the agent stops (pdguard bpf "
		"detach ends it)\n");
	if (d->kind == PDGUARD_DRIVER_FMOD_RET)
		fprintf(f, "  fmod-ret: no inode storage on this kernel; labels live in the (dev, ino) "
			"map\n");
	{
		const char *why;
		enum pdguard_label_src src = pdg_bpf_label_src(d->b, &why);

		fprintf(f, "  labels from: %s%s%s\n", pdg_bpf_label_src_name(src),
			why[0] ? " — not from the files' xattrs: " : "", why);
	}
	if (d->nplaces)
		fprintf(f, "  roles scoped by place: %zu folders%s\n", d->nplaces,
			d->places_missing ?
				", some not found (their roles read nothing there until a reload "
				"or a mount change looks again)" : "");
	fprintf(f, "  guard: %s\n", pdg_bpf_guarded(d->b) ?
		"on (only this program may open, change, detach or unpin them)" :
		"OFF: pinned unguarded (an older agent or attach --no-guard); detach and start again");
	fprintf(f, "  known gaps: docs/threat-model.md\n  counters:");
	pdg_bpf_counters(d->b, cnt);
	for (i = 0; i < __PDGUARD_BPF_CNT_MAX; i++)
		if (cnt[i])
			fprintf(f, " %s=%llu", pdg_bpf_counter_name(i), (unsigned long long)cnt[i]);
	fprintf(f, "\n");
}

static void bpf_stats(struct driver *d, struct driver_stats *s)
{
	uint64_t cnt[__PDGUARD_BPF_CNT_MAX] = { 0 };

	if (pdg_bpf_counters(d->b, cnt))
		return;
	s->ringbuf_drops = cnt[PDGUARD_BPF_CNT_RB_DROP];
	s->have = DRIVER_STAT_RINGBUF_DROPS;
}

static void bpf_stop(struct driver *d)
{
	if (!d)
		return;
	pdg_bpf_poll(d->b, 0, on_event, d);	/* what is left in the ring buffer */
	pdg_bpf_stop(d->b);
	free(d->roles);
	free_zones(d->zones, d->zone_paths, d->nzones);
	if (d->ngrants > 0)
		grants_free_array(d->grants, d->ngrants);
	free(d->exports);
	free(d);
}

const struct driver_ops driver_bpf_lsm_ops = {
	.name = "bpf-lsm",
	.probe = probe_lsm,
	.start = start_lsm,
	.label = bpf_label,
	.policy = bpf_policy,
	.mode = bpf_mode,
	.fd = bpf_fd,
	.dispatch = bpf_dispatch,
	.describe = bpf_describe,
	.stats = bpf_stats,
	.stop = bpf_stop,
};

const struct driver_ops driver_fmod_ret_ops = {
	.name = "fmod-ret",
	.probe = probe_fmod,
	.start = start_fmod,
	.label = bpf_label,
	.policy = bpf_policy,
	.mode = bpf_mode,
	.fd = bpf_fd,
	.dispatch = bpf_dispatch,
	.describe = bpf_describe,
	.stats = bpf_stats,
	.stop = bpf_stop,
};
