// SPDX-License-Identifier: GPL-2.0
/* Policy files: the shipped default is valid; every kind of mistake gets its exact message. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "policy/config.h"
#include "pdg_test.h"

TEST(shipped_policy_is_valid)
{
	struct config_errors errs = { 0 };
	char path[PATH_MAX];
	struct config cfg;
	size_t i;
	int ret;

	ASSERT_EQ(0, pdg_build_path(path, sizeof(path), "../policies/pdguard.conf"));
	ret = config_load(path, &cfg, &errs);
	for (i = 0; i < errs.n; i++)
		TH_LOG("%s:%u: %s", errs.v[i].file, errs.v[i].line, errs.v[i].msg);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(PDGUARD_MODE_AUDIT, cfg.mode);	/* new installations start in audit */
	EXPECT_EQ(5, cfg.nroles);
	EXPECT_STREQ("hr", cfg.roles[0].name);
	EXPECT_EQ(PDGUARD_CAT_BASIC | PDGUARD_CAT_PERSONNEL | PDGUARD_CAT_MEDICAL |
		  PDGUARD_CAT_BIOMETRIC, cfg.roles[0].read);
	EXPECT_EQ(0, cfg.roles[4].read);		/* IT administrators read no PD */
	EXPECT_EQ(500, cfg.mass_export_files);
	EXPECT_EQ(3600, cfg.mass_export_window_s);
	EXPECT_STREQ("~/Dropbox", cfg.cloud_paths.v[0]);
	/* Samba's smbd is a file server: its children keep their taint to themselves */
	ASSERT_EQ(1, cfg.servers.n);
	EXPECT_STREQ("/usr/sbin/smbd", cfg.servers.v[0]);
	EXPECT_EQ(60, cfg.server_taint_s);
	config_free(&cfg);
}

FIXTURE(bad) {
	char path[64];
};

FIXTURE_VARIANT(bad) {
	const char *text;
	unsigned int line;
	const char *msg;
};

FIXTURE_SETUP(bad)
{
	ASSERT_EQ(0, pdg_write_tmp(self->path, "config", variant->text));
}

FIXTURE_TEARDOWN(bad)
{
	unlink(self->path);
}

FIXTURE_VARIANT_ADD(bad, mode) {
	"[agent]\nmode = block\n", 2, "mode = block: allowed values are audit and enforce"
};
FIXTURE_VARIANT_ADD(bad, driver) {
	"[agent]\n\ndriver = ebpf\n", 3,
	"driver = ebpf: allowed values are auto, bpf-lsm, fmod-ret and fanotify"
};
FIXTURE_VARIANT_ADD(bad, relative_log) {
	"[agent]\nlog = events.jsonl\n", 2, "log = events.jsonl: an absolute path is required"
};
FIXTURE_VARIANT_ADD(bad, unknown_key) {
	"[agent]\nmode = audit\nmdoe = enforce\n", 3,
	"unknown key 'mdoe' in [agent]: allowed keys are mode, driver, rules, log, log_group, "
	"state, scan, log_max_mb, log_keep, retention_days, fail, decision_timeout_ms, unknown, engine, "
	"siem_format, siem_log, export_approvers"
};
FIXTURE_VARIANT_ADD(bad, siem_format) {
	"[agent]\nsiem_format = cef\n", 2, "siem_format = cef: allowed values are none, ecs and ocsf"
};
FIXTURE_VARIANT_ADD(bad, relative_siem_log) {
	"[agent]\nsiem_log = ecs.jsonl\n", 2, "siem_log = ecs.jsonl: an absolute path is required"
};
FIXTURE_VARIANT_ADD(bad, log_group) {
	"[agent]\nmode = audit\nlog_group = pdguard-no-such-group\n", 3,
	"log_group = pdguard-no-such-group: no such group (getent group pdguard-no-such-group); name "
	"the group whose members may read the event log"
};
FIXTURE_VARIANT_ADD(bad, unknown_label) {
	"[agent]\nunknown = maybe\n", 2, "unknown = maybe: allowed values are pd and none"
};
FIXTURE_VARIANT_ADD(bad, engine) {
	"[agent]\nengine = grep\n", 2, "engine = grep: allowed values are auto, hyperscan and pcre2"
};
FIXTURE_VARIANT_ADD(bad, unknown_section) {
	"[agent]\nmode = audit\n[zone ftp]\npath = /x\n", 4,
	"unknown section [zone ftp]: allowed are [agent], [zone usb], [zone cloud], [exit-points], "
	"[servers], [alerts], [notice], [role NAME] and [service NAME]"
};
FIXTURE_VARIANT_ADD(bad, server_exe_relative) {
	"[servers]\nexe = smbd\n", 2,
	"exe = smbd: the absolute path of the server program is required (e.g. /usr/sbin/smbd)"
};
FIXTURE_VARIANT_ADD(bad, server_taint_zero) {
	"[servers]\nexe = /usr/sbin/smbd\ntaint_seconds = 0\n", 3,
	"taint_seconds = 0: from 1 to 86400 seconds is allowed"
};
FIXTURE_VARIANT_ADD(bad, exit_point_package) {
	"[exit-points]\npackage = Telegram Desktop\n", 2,
	"package = Telegram Desktop: a Debian package name is required (lower-case letters, "
	"digits, + - .; e.g. telegram-desktop)"
};
FIXTURE_VARIANT_ADD(bad, exit_point_exe) {
	"[exit-points]\nexe = telegram\n", 2,
	"exe = telegram: the absolute path of the program is required (e.g. "
	"/usr/bin/telegram-desktop)"
};
FIXTURE_VARIANT_ADD(bad, server_key) {
	"[servers]\nport = 445\n", 2,
	"unknown key 'port' in [servers]: allowed keys are exe and taint_seconds"
};
FIXTURE_VARIANT_ADD(bad, notice_language) {
	"[notice]\nlanguage = de\n", 2, "language = de: allowed values are en, ru and kk"
};
FIXTURE_VARIANT_ADD(bad, notice_bus) {
	"[notice]\nbus = /run/user/%s/bus\n", 2,
	"bus = /run/user/%s/bus: an absolute path of the session bus socket, with %u for the "
	"user's uid, is required (default /run/user/%u/bus)"
};
FIXTURE_VARIANT_ADD(bad, notice_key) {
	"[notice]\nenabled = yes\nsound = loud\n", 3,
	"unknown key 'sound' in [notice]: allowed keys are enabled, contact, language, audit, "
	"per_minute, file_interval, timeout_ms, bus"
};
FIXTURE_VARIANT_ADD(bad, category) {
	"[role hr]\ngroup = hr\nread = basic salary\n", 3,
	"read = basic salary: unknown category 'salary'; allowed are basic, personnel, financial, "
	"medical, biometric, all and none"
};
FIXTURE_VARIANT_ADD(bad, removable) {
	"[zone usb]\nremovable = maybe\n", 2, "removable = maybe: allowed values are yes and no"
};
FIXTURE_VARIANT_ADD(bad, no_equals) {
	"[agent]\nmode audit\n", 2, "expected 'key = value' or '[section]'"
};
FIXTURE_VARIANT_ADD(bad, no_bracket) {
	"[agent\nmode = audit\n", 1, "section header without ']'"
};
FIXTURE_VARIANT_ADD(bad, retention) {
	"[agent]\nretention_days = 0\n", 2,
	"retention_days = 0: a number of days from 1 to 3650 is allowed (the law asks for 90 to 365)"
};
FIXTURE_VARIANT_ADD(bad, hours) {
	"[alerts]\nworking_hours = 19:00-08:00\n", 2,
	"working_hours = 19:00-08:00: HH:MM-HH:MM with the start before the end is allowed, "
	"e.g. 08:00-19:00"
};
FIXTURE_VARIANT_ADD(bad, outside_section) {
	"mode = audit\n", 1, "'mode' is outside any section: put it under [agent]"
};
FIXTURE_VARIANT_ADD(bad, long_line) {
	"[agent]\nscan = /srv/"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nmode = audit\n", 2,
	"line longer than 198 characters: inih cannot read it; split the value over several lines "
	"of the same key where the key is repeatable"
};
FIXTURE_VARIANT_ADD(bad, export_approvers) {
	"[agent]\nexport_approvers = 3\n", 2, "export_approvers = 3: 1 or 2 is allowed"
};
FIXTURE_VARIANT_ADD(bad, service_no_user) {
	"[agent]\nmode = audit\n[service av]\nread = all\ntaint = no\n", 4,
	"[service av]: no user = line: name the account it runs as"
};
FIXTURE_VARIANT_ADD(bad, service_export_zone) {
	"[service backup]\nuser = backup\nexport = /mnt/backup\n", 3,
	"export = /mnt/backup: a zone kind and a folder on it, usb:/PATH or cloud:/PATH, is allowed"
};
FIXTURE_VARIANT_ADD(bad, service_untainted_export) {
	"[service backup]\nuser = backup\ntaint = no\nexport = usb:/mnt/backup\n", 2,
	"[service backup]: taint = no and export = together: what it reads is not carried, so an "
	"export could not be told from any write; choose one"
};
FIXTURE_VARIANT_ADD(bad, role_name) {
	"[role h r!]\nread = basic\n", 2,
	"[role h r!]: a role name is letters, digits, '_', '-' and '.', up to 32"
};

TEST_F(bad, gets_file_line_and_reason)
{
	struct config_errors errs = { 0 };
	struct config cfg;

	EXPECT_EQ(-EINVAL, config_load(self->path, &cfg, &errs));
	ASSERT_GE(errs.n, 1);
	EXPECT_STREQ(self->path, errs.v[0].file);
	EXPECT_EQ(variant->line, errs.v[0].line);
	EXPECT_STREQ(variant->msg, errs.v[0].msg);
	config_errors_free(&errs);
	config_free(&cfg);
}

TEST(every_error_is_reported_not_just_the_first)
{
	struct config_errors errs = { 0 };
	struct config cfg;
	char path[64];

	ASSERT_EQ(0, pdg_write_tmp(path, "config",
				   "[agent]\nmode = x\ndriver = y\n[role a]\nread = z\n"));
	EXPECT_EQ(-EINVAL, config_load(path, &cfg, &errs));
	ASSERT_EQ(3, errs.n);
	EXPECT_EQ(2, errs.v[0].line);
	EXPECT_EQ(3, errs.v[1].line);
	EXPECT_EQ(5, errs.v[2].line);
	config_errors_free(&errs);
	config_free(&cfg);
	unlink(path);
}

TEST(inline_comments_and_repeated_keys)
{
	struct config_errors errs = { 0 };
	struct config cfg;
	char path[64];

	ASSERT_EQ(0, pdg_write_tmp(path, "config",
				   "[agent]\nmode = enforce ; after the pilot\nscan = /srv/a\n"
				   "scan = /srv/b\n[role acc]\ngroup = accounting\n"
				   "group = DOMAIN\\\\payroll\nread = basic, financial\n"));
	ASSERT_EQ(0, config_load(path, &cfg, &errs));
	EXPECT_EQ(PDGUARD_MODE_ENFORCE, cfg.mode);
	ASSERT_EQ(2, cfg.scan.n);
	EXPECT_STREQ("/srv/b", cfg.scan.v[1]);
	ASSERT_EQ(1, cfg.nroles);
	EXPECT_EQ(2, cfg.roles[0].groups.n);
	EXPECT_EQ(PDGUARD_CAT_BASIC | PDGUARD_CAT_FINANCIAL, cfg.roles[0].read);
	config_free(&cfg);
	unlink(path);
}

TEST(missing_file_is_reported)
{
	struct config_errors errs = { 0 };
	struct config cfg;

	EXPECT_EQ(-ENOENT, config_load("/nonexistent/pdguard.conf", &cfg, &errs));
	ASSERT_EQ(1, errs.n);
	EXPECT_STREQ("cannot open: No such file or directory", errs.v[0].msg);
	config_errors_free(&errs);
	config_free(&cfg);
}

TEST(config_check_cli)
{
	char pd[PATH_MAX], conf[PATH_MAX], cmd[3 * PATH_MAX];
	char path[64];

	ASSERT_EQ(0, pdg_build_path(pd, sizeof(pd), "pdguard"));
	ASSERT_EQ(0, pdg_build_path(conf, sizeof(conf), "../policies/pdguard.conf"));
	snprintf(cmd, sizeof(cmd), "'%s' config check '%s' >/dev/null", pd, conf);
	EXPECT_EQ(0, pdg_system(cmd));
	ASSERT_EQ(0, pdg_write_tmp(path, "config", "[agent]\nmode = on\n"));
	snprintf(cmd, sizeof(cmd), "'%s' config check '%s' 2>&1 | grep -qx '%s:2: mode = on: "
		 "allowed values are audit and enforce'", pd, path, path);
	EXPECT_EQ(0, pdg_system(cmd));
	snprintf(cmd, sizeof(cmd), "'%s' config check '%s' 2>/dev/null", pd, path);
	EXPECT_EQ(1, pdg_system(cmd));
	unlink(path);
}

TEST_HARNESS_MAIN
